/*
 * fuzz_date.c - the date parser and the day arithmetic behind it.
 *
 * The input is used three ways:
 *   - as a date string: newsapi_date_parse on exactly size bytes (no
 *     NUL, so an over-read is an ASan report), its verdict compared with
 *     a reference written from the contract (yyyy-mm-dd, a day of the
 *     proleptic Gregorian calendar, 1000-01-01 ... 9999-12-30);
 *   - for an accepted day: format, day number and back, the next day
 *     and the span, each against glibc's timegm/gmtime_r;
 *   - its first 10 bytes as a time and a UTC offset for
 *     newsapi_date_today (within years 1000-9999 and +-14:00).
 */
#include <string.h>
#include <time.h>

#include "newsapi_date.h"

#include "fuzz_common.h"

static int ref_leap(int y)
{
    return y % 400 == 0 || (y % 100 != 0 && y % 4 == 0);
}

static newsapi_date_status_e reference(const uint8_t *s, size_t n,
                                       newsapi_date_t *d)
{
    static const int mdays[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30,
                                   31, 30, 31 };
    int i, dim;

    if (n != 10) {
        return NEWSAPI_DATE_BAD_FORMAT;
    }
    for (i = 0; i < 10; i++) {
        int want_dash = i == 4 || i == 7;

        if (want_dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) {
            return NEWSAPI_DATE_BAD_FORMAT;
        }
    }
    d->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10
              + (s[3] - '0');
    d->month = (s[5] - '0') * 10 + (s[6] - '0');
    d->day = (s[8] - '0') * 10 + (s[9] - '0');
    if (d->month < 1 || d->month > 12) {
        return NEWSAPI_DATE_IMPOSSIBLE;
    }
    dim = mdays[d->month] + (d->month == 2 && ref_leap(d->year));
    if (d->day < 1 || d->day > dim) {
        return NEWSAPI_DATE_IMPOSSIBLE;
    }
    if (d->year < 1000 || (d->year == 9999 && d->month == 12
                           && d->day == 31)) {
        return NEWSAPI_DATE_OUT_OF_RANGE;
    }
    return NEWSAPI_DATE_OK;
}

static long long ref_days(const newsapi_date_t *d)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = d->year - 1900;
    tm.tm_mon = d->month - 1;
    tm.tm_mday = d->day;
    return (long long)timegm(&tm) / 86400;
}

static void check_day(const newsapi_date_t *d, const uint8_t *s)
{
    char buf[NEWSAPI_DATE_BUFSZ], mid[NEWSAPI_DATETIME_BUFSZ];
    newsapi_date_t back, next;
    long days = newsapi_date_to_days(d);
    struct tm tm;
    time_t t;

    newsapi_date_format(d, buf);
    FUZZ_CHECK(memcmp(buf, s, 10) == 0 && buf[10] == '\0',
               "formatted as %s", buf);
    FUZZ_CHECK(days == ref_days(d), "%s is day %ld, timegm says %lld", buf,
               days, ref_days(d));
    newsapi_date_from_days(days, &back);
    FUZZ_CHECK(back.year == d->year && back.month == d->month
               && back.day == d->day, "%s does not come back", buf);

    /* the SQL end of a range: the next day at midnight */
    t = (time_t)(days + 1) * 86400;
    gmtime_r(&t, &tm);
    newsapi_date_format_midnight(d, 1, mid);
    next.year = tm.tm_year + 1900;
    next.month = tm.tm_mon + 1;
    next.day = tm.tm_mday;
    newsapi_date_format(&next, buf);
    FUZZ_CHECK(strlen(mid) == 19 && memcmp(mid, buf, 10) == 0
               && strcmp(mid + 10, " 00:00:00") == 0,
               "day after is %s, want %s", mid, buf);
    FUZZ_CHECK(newsapi_date_span(d, d) == 1, "span of one day");
    FUZZ_CHECK(newsapi_date_span(d, &next) == 2, "span of two days");
    FUZZ_CHECK(newsapi_date_span(&next, d) == 0, "span reversed");
    FUZZ_CHECK(newsapi_date_days_in_month(d->year, d->month) >= d->day,
               "days in month");
}

/* 1000-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
#define T_MIN (-30610224000LL)
#define T_MAX 253402300799LL

static void check_today(const uint8_t *data, size_t size)
{
    unsigned long long raw = 0;
    long long now;
    int offset;
    newsapi_date_t today;
    struct tm tm;
    time_t t;
    size_t i;

    if (size < 10) {
        return;
    }
    for (i = 0; i < 8; i++) {
        raw = (raw << 8) | data[i];
    }
    now = T_MIN + (long long)(raw % (unsigned long long)(T_MAX - T_MIN));
    offset = (int)(((data[8] << 8) | data[9]) % (2 * 14 * 60 + 1)) - 14 * 60;
    /* stay inside the calendar the module speaks */
    if (now + offset * 60LL < T_MIN || now + offset * 60LL > T_MAX) {
        return;
    }
    newsapi_date_today(now, offset, &today);
    t = (time_t)(now + offset * 60LL);
    gmtime_r(&t, &tm);
    FUZZ_CHECK(today.year == tm.tm_year + 1900 && today.month == tm.tm_mon + 1
               && today.day == tm.tm_mday,
               "today(%lld, %+d) = %04d-%02d-%02d, gmtime %04d-%02d-%02d",
               now, offset, today.year, today.month, today.day,
               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    newsapi_date_t got, want;
    newsapi_date_status_e st, ref;

    memset(&got, 0, sizeof(got));
    st = newsapi_date_parse((const char *)data, size, &got);
    ref = reference(data, size, &want);
    FUZZ_CHECK(st == ref, "'%.*s': status %d, reference %d", (int)size,
               (const char *)data, st, ref);
    if (st == NEWSAPI_DATE_OK) {
        FUZZ_CHECK(got.year == want.year && got.month == want.month
                   && got.day == want.day, "fields differ");
        check_day(&got, data);
    }
    check_today(data, size);
    return 0;
}
