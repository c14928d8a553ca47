/*
 * test_date.c - newsapi_date.h: parsing, calendar arithmetic, formatting.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "newsapi_date.h"

static newsapi_date_status_e parse_str(const char *s, newsapi_date_t *d)
{
    return newsapi_date_parse(s, (unsigned long)strlen(s), d);
}

static newsapi_date_t ymd(int y, int m, int d)
{
    newsapi_date_t r;
    r.year = y;
    r.month = m;
    r.day = d;
    return r;
}

static void expect_status(const char *s, newsapi_date_status_e want)
{
    newsapi_date_t d;
    newsapi_date_status_e got = parse_str(s, &d);
    cr_expect_eq(got, want, "parse(\"%s\") = %d, want %d", s, (int)got,
                 (int)want);
}

static void expect_ok(const char *s, int y, int m, int day)
{
    newsapi_date_t d = ymd(-1, -1, -1);
    newsapi_date_status_e got = parse_str(s, &d);
    cr_expect_eq(got, NEWSAPI_DATE_OK, "parse(\"%s\") = %d, want OK", s,
                 (int)got);
    if (got == NEWSAPI_DATE_OK) {
        cr_expect(d.year == y && d.month == m && d.day == day,
                  "parse(\"%s\") gave %d-%d-%d", s, d.year, d.month, d.day);
    }
}

/* ---- parse: accepted ---- */

Test(date_parse, accepts_plain_dates)
{
    expect_ok("2022-05-01", 2022, 5, 1);
    expect_ok("2022-12-31", 2022, 12, 31);
    expect_ok("2024-02-29", 2024, 2, 29);
    expect_ok("2000-02-29", 2000, 2, 29);
    expect_ok("1970-01-01", 1970, 1, 1);
    expect_ok("2022-04-30", 2022, 4, 30);
}

Test(date_parse, accepts_range_limits)
{
    expect_ok("1000-01-01", 1000, 1, 1);
    expect_ok("9999-12-30", 9999, 12, 30);
    expect_ok("9999-01-01", 9999, 1, 1);
}

Test(date_parse, reads_only_len_bytes)
{
    newsapi_date_t d;
    /* a longer buffer, len 10: the rest must not be looked at */
    cr_expect_eq(newsapi_date_parse("2022-05-01XYZ", 10, &d),
                 NEWSAPI_DATE_OK);
    cr_expect(d.year == 2022 && d.month == 5 && d.day == 1);
    /* not NUL terminated at all */
    char buf[10];
    memcpy(buf, "2021-07-15", 10);
    cr_expect_eq(newsapi_date_parse(buf, sizeof(buf), &d), NEWSAPI_DATE_OK);
    cr_expect(d.year == 2021 && d.month == 7 && d.day == 15);
}

/* ---- parse: impossible days ---- */

Test(date_parse, rejects_impossible_days)
{
    expect_status("2023-02-29", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-13-01", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-00-10", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-04-31", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-04-00", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-01-32", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-06-31", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-09-31", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-11-31", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2024-02-30", NEWSAPI_DATE_IMPOSSIBLE);
    expect_status("2022-99-99", NEWSAPI_DATE_IMPOSSIBLE);
}

Test(date_parse, century_leap_rules)
{
    expect_status("1900-02-29", NEWSAPI_DATE_IMPOSSIBLE);
    expect_ok("2000-02-29", 2000, 2, 29);
    expect_status("2100-02-29", NEWSAPI_DATE_IMPOSSIBLE);
    expect_ok("2400-02-29", 2400, 2, 29);
    expect_ok("1600-02-29", 1600, 2, 29);
    expect_status("1700-02-29", NEWSAPI_DATE_IMPOSSIBLE);
}

/* ---- parse: bad format ---- */

Test(date_parse, rejects_bad_formats)
{
    static const char *bad[] = {
        "2022-4-1", "22-04-01", "2022/04/01", " 2022-04-01", "2022-04-01 ",
        "2022-04-01T00:00:00", "2022-04-1", "2022-4-01", "20220401",
        "2022-04-01Z", "+022-04-01", "-022-04-01", "2022-+4-01",
        "2022-0a-01", "2022-04-0x", "abcd-ef-gh", "2022--04-01",
        "2022-04-01\n", "\t2022-04-01", "2022_04_01", "02022-04-01",
        "2022-04- 1", "2022- 4-01", " 022-04-01", "", "2", "2022",
        "2022-04", "2022-04-", "yyyy-mm-dd", "2022.04.01", "01-04-2022",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_status(bad[i], NEWSAPI_DATE_BAD_FORMAT);
    }
}

Test(date_parse, rejects_non_ascii_digits)
{
    /* U+0662 ARABIC-INDIC DIGIT TWO etc.: not ASCII digits */
    expect_status("\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa2-04-01",
                  NEWSAPI_DATE_BAD_FORMAT);
    expect_status("2022-04-0\xb9", NEWSAPI_DATE_BAD_FORMAT);
}

Test(date_parse, rejects_embedded_nul)
{
    newsapi_date_t d;
    cr_expect_eq(newsapi_date_parse("2022-04-\0001", 10, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
    cr_expect_eq(newsapi_date_parse("\0000022-04-01", 10, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
    /* the terminating NUL counted in len */
    cr_expect_eq(newsapi_date_parse("2022-04-01", 11, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
    cr_expect_eq(newsapi_date_parse("2022-04-0\0", 10, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
}

Test(date_parse, rejects_short_len)
{
    newsapi_date_t d;
    cr_expect_eq(newsapi_date_parse("2022-04-01", 9, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
    cr_expect_eq(newsapi_date_parse("2022-04-01", 0, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
    cr_expect_eq(newsapi_date_parse("2022-04-01", 1, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
    cr_expect_eq(newsapi_date_parse("2022-04-011", 11, &d),
                 NEWSAPI_DATE_BAD_FORMAT);
}

/* ---- parse: out of range ---- */

Test(date_parse, rejects_out_of_range)
{
    expect_status("0999-12-31", NEWSAPI_DATE_OUT_OF_RANGE);
    expect_status("0001-01-01", NEWSAPI_DATE_OUT_OF_RANGE);
    expect_status("0000-01-01", NEWSAPI_DATE_OUT_OF_RANGE);
    expect_status("0500-06-15", NEWSAPI_DATE_OUT_OF_RANGE);
    /* the day after must still be a DATETIME */
    expect_status("9999-12-31", NEWSAPI_DATE_OUT_OF_RANGE);
}

/* ---- leap years, month lengths ---- */

Test(date_calendar, is_leap)
{
    cr_expect(!newsapi_date_is_leap(1900));
    cr_expect(newsapi_date_is_leap(2000));
    cr_expect(!newsapi_date_is_leap(2100));
    cr_expect(newsapi_date_is_leap(2400));
    cr_expect(newsapi_date_is_leap(2024));
    cr_expect(!newsapi_date_is_leap(2023));
    cr_expect(!newsapi_date_is_leap(2022));
    cr_expect(newsapi_date_is_leap(1996));
    cr_expect(newsapi_date_is_leap(1600));
    cr_expect(!newsapi_date_is_leap(1000));
    cr_expect(!newsapi_date_is_leap(9999));
}

Test(date_calendar, days_in_month_all_months)
{
    static const int common[12] = {31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31};
    static const int years[] = {1000, 1900, 2000, 2022, 2023, 2024, 2100,
                                9999};
    for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
        int leap = (years[y] % 4 == 0 && years[y] % 100 != 0)
                   || years[y] % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int want = common[m - 1] + (m == 2 && leap);
            cr_expect_eq(newsapi_date_days_in_month(years[y], m), want,
                         "days_in_month(%d, %d) = %d, want %d", years[y], m,
                         newsapi_date_days_in_month(years[y], m), want);
        }
    }
}

/* ---- days since the epoch ---- */

Test(date_days, known_values)
{
    newsapi_date_t d;

    d = ymd(1970, 1, 1);
    cr_expect_eq(newsapi_date_to_days(&d), 0L);
    d = ymd(2000, 3, 1);
    cr_expect_eq(newsapi_date_to_days(&d), 11017L);
    d = ymd(1969, 12, 31);
    cr_expect_eq(newsapi_date_to_days(&d), -1L);
    d = ymd(1000, 1, 1);
    cr_expect_eq(newsapi_date_to_days(&d), -354285L);
    d = ymd(9999, 12, 30);
    cr_expect_eq(newsapi_date_to_days(&d), 2932895L);
    d = ymd(9999, 12, 31);
    cr_expect_eq(newsapi_date_to_days(&d), 2932896L);

    newsapi_date_from_days(0, &d);
    cr_expect(d.year == 1970 && d.month == 1 && d.day == 1);
    newsapi_date_from_days(11017, &d);
    cr_expect(d.year == 2000 && d.month == 3 && d.day == 1);
    newsapi_date_from_days(-1, &d);
    cr_expect(d.year == 1969 && d.month == 12 && d.day == 31,
              "from_days(-1) = %d-%d-%d", d.year, d.month, d.day);
    newsapi_date_from_days(-354285, &d);
    cr_expect(d.year == 1000 && d.month == 1 && d.day == 1,
              "from_days(-354285) = %d-%d-%d", d.year, d.month, d.day);
    newsapi_date_from_days(2932895, &d);
    cr_expect(d.year == 9999 && d.month == 12 && d.day == 30);
}

/* Every day of 1000-01-01..9999-12-31, walked with an independent
 * next-day rule: to_days counts up by one, from_days gives the day back,
 * format/parse round-trip (parse up to 9999-12-30). */
Test(date_days, round_trip_every_day, .timeout = 60)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    newsapi_date_t d = ymd(1000, 1, 1);
    long n = -354285;
    long failures = 0;

    for (;;) {
        long got = newsapi_date_to_days(&d);
        newsapi_date_t back;
        newsapi_date_from_days(n, &back);
        if (got != n || back.year != d.year || back.month != d.month
            || back.day != d.day) {
            if (failures++ < 5) {
                cr_log_error("%04d-%02d-%02d: to_days %ld want %ld, "
                             "from_days %d-%d-%d",
                             d.year, d.month, d.day, got, n, back.year,
                             back.month, back.day);
            }
        }
        if (d.year == 9999 && d.month == 12 && d.day == 31) {
            break;
        }
        /* every 7th day: format and parse back */
        if (n % 7 == 0) {
            char buf[NEWSAPI_DATE_BUFSZ + 8];
            char want[32];
            newsapi_date_t p;
            memset(buf, 'Z', sizeof(buf));
            newsapi_date_format(&d, buf);
            snprintf(want, sizeof(want), "%04d-%02d-%02d", d.year, d.month,
                     d.day);
            if (strcmp(buf, want) != 0
                || newsapi_date_parse(buf, 10, &p) != NEWSAPI_DATE_OK
                || p.year != d.year || p.month != d.month
                || p.day != d.day) {
                if (failures++ < 5) {
                    cr_log_error("format/parse of %s gave \"%.10s\"", want,
                                 buf);
                }
            }
        }
        /* next day */
        int leap = (d.year % 4 == 0 && d.year % 100 != 0)
                   || d.year % 400 == 0;
        int dim = mdays[d.month - 1] + (d.month == 2 && leap);
        if (++d.day > dim) {
            d.day = 1;
            if (++d.month > 12) {
                d.month = 1;
                d.year++;
            }
        }
        n++;
    }
    cr_expect_eq(n, 2932896L);
    cr_expect_eq(failures, 0L, "%ld mismatches", failures);
}

/* ---- span ---- */

static long span_of(const char *a, const char *b)
{
    newsapi_date_t from, to;
    cr_assert_eq(parse_str(a, &from), NEWSAPI_DATE_OK, "%s", a);
    cr_assert_eq(parse_str(b, &to), NEWSAPI_DATE_OK, "%s", b);
    return newsapi_date_span(&from, &to);
}

Test(date_span, both_ends_counted)
{
    cr_expect_eq(span_of("2022-05-01", "2022-05-01"), 1L);
    cr_expect_eq(span_of("2022-05-01", "2022-05-02"), 2L);
    cr_expect_eq(span_of("2022-05-01", "2022-05-31"), 31L);
    cr_expect_eq(span_of("2024-02-01", "2024-03-01"), 30L);
    cr_expect_eq(span_of("2023-02-01", "2023-03-01"), 29L);
    cr_expect_eq(span_of("2024-02-28", "2024-03-01"), 3L);
    cr_expect_eq(span_of("2022-12-31", "2023-01-01"), 2L);
    cr_expect_eq(span_of("2022-01-01", "2022-12-31"), 365L);
    cr_expect_eq(span_of("2024-01-01", "2024-12-31"), 366L);
    cr_expect_eq(span_of("2012-01-01", "2022-01-07"), 3660L);
    cr_expect_eq(span_of("1000-01-01", "9999-12-30"), 3287181L);
}

Test(date_span, reversed_is_not_positive)
{
    cr_expect_leq(span_of("2022-05-02", "2022-05-01"), 0L);
    cr_expect_leq(span_of("2022-05-31", "2022-05-01"), 0L);
    cr_expect_leq(span_of("2023-01-01", "2022-12-31"), 0L);
    cr_expect_leq(span_of("9999-12-30", "1000-01-01"), 0L);
}

/* ---- formatting ---- */

Test(date_format, zero_padded_and_bounded)
{
    char buf[NEWSAPI_DATE_BUFSZ + 16];
    newsapi_date_t d = ymd(2022, 5, 7);

    memset(buf, 'Z', sizeof(buf));
    newsapi_date_format(&d, buf);
    cr_expect_str_eq(buf, "2022-05-07");
    for (size_t i = NEWSAPI_DATE_BUFSZ; i < sizeof(buf); i++) {
        cr_expect_eq(buf[i], 'Z', "format wrote past its buffer at %zu", i);
    }
    d = ymd(1000, 1, 1);
    newsapi_date_format(&d, buf);
    cr_expect_str_eq(buf, "1000-01-01");
    d = ymd(9999, 12, 30);
    newsapi_date_format(&d, buf);
    cr_expect_str_eq(buf, "9999-12-30");
}

static void expect_midnight(int y, int m, int d, long add, const char *want)
{
    char buf[NEWSAPI_DATETIME_BUFSZ + 16];
    newsapi_date_t day = ymd(y, m, d);

    memset(buf, 'Z', sizeof(buf));
    newsapi_date_format_midnight(&day, add, buf);
    cr_expect_str_eq(buf, want, "%04d-%02d-%02d %+ld", y, m, d, add);
    for (size_t i = NEWSAPI_DATETIME_BUFSZ; i < sizeof(buf); i++) {
        cr_expect_eq(buf[i], 'Z', "format_midnight wrote past its buffer");
    }
}

Test(date_format, midnight_same_day)
{
    expect_midnight(2022, 5, 1, 0, "2022-05-01 00:00:00");
    expect_midnight(1000, 1, 1, 0, "1000-01-01 00:00:00");
}

Test(date_format, midnight_next_day)
{
    expect_midnight(2022, 5, 1, 1, "2022-05-02 00:00:00");
    expect_midnight(2022, 5, 31, 1, "2022-06-01 00:00:00");
    expect_midnight(2022, 4, 30, 1, "2022-05-01 00:00:00");
    expect_midnight(2022, 12, 31, 1, "2023-01-01 00:00:00");
    expect_midnight(2024, 2, 28, 1, "2024-02-29 00:00:00");
    expect_midnight(2024, 2, 29, 1, "2024-03-01 00:00:00");
    expect_midnight(2023, 2, 28, 1, "2023-03-01 00:00:00");
    expect_midnight(1900, 2, 28, 1, "1900-03-01 00:00:00");
    expect_midnight(2000, 2, 28, 1, "2000-02-29 00:00:00");
    expect_midnight(9999, 12, 30, 1, "9999-12-31 00:00:00");
}

Test(date_format, midnight_other_offsets)
{
    expect_midnight(2022, 3, 1, -1, "2022-02-28 00:00:00");
    expect_midnight(2023, 1, 1, -1, "2022-12-31 00:00:00");
    expect_midnight(2022, 1, 1, 365, "2023-01-01 00:00:00");
    expect_midnight(2012, 1, 1, 3660, "2022-01-08 00:00:00");
}

/* ---- today ---- */

static void expect_today(long long now, int offset, int y, int m, int d)
{
    newsapi_date_t t = ymd(-1, -1, -1);
    newsapi_date_today(now, offset, &t);
    cr_expect(t.year == y && t.month == m && t.day == d,
              "today(%lld, %+d) = %d-%d-%d, want %d-%d-%d", now, offset,
              t.year, t.month, t.day, y, m, d);
}

Test(date_today, vietnam_offset)
{
    /* 2022-11-30 17:00:00 UTC = 2022-12-01 00:00 in Vietnam */
    expect_today(1669827600LL, 420, 2022, 12, 1);
    expect_today(1669827599LL, 420, 2022, 11, 30);
    expect_today(1669827600LL, 0, 2022, 11, 30);
    expect_today(1669852799LL, 0, 2022, 11, 30);
    expect_today(1669852800LL, 0, 2022, 12, 1);
}

Test(date_today, epoch_and_negative_local_time)
{
    expect_today(0, 0, 1970, 1, 1);
    expect_today(86399, 0, 1970, 1, 1);
    expect_today(86400, 0, 1970, 1, 2);
    /* local time before the epoch: must round down, not toward zero */
    expect_today(0, -60, 1969, 12, 31);
    expect_today(3599, -60, 1969, 12, 31);
    expect_today(3600, -60, 1970, 1, 1);
    expect_today(-1, 0, 1969, 12, 31);
}

Test(date_today, beyond_2038)
{
    /* 2100-01-01 00:00:00 UTC */
    expect_today(4102444800LL, 0, 2100, 1, 1);
    expect_today(4102444800LL - 1, 0, 2099, 12, 31);
    expect_today(4102444800LL - 420 * 60, 420, 2100, 1, 1);
}
