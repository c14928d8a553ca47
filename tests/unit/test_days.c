/*
 * test_days.c - newsapi_days.h: building the day index, counting ranges
 * (checked against a plain sum over the rows), too small a buffer,
 * export of the older days, and garbage buffers that must not crash.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newsapi_date.h"
#include "newsapi_days.h"

static long day_of(int y, int m, int d)
{
    newsapi_date_t t = { y, m, d };

    return newsapi_date_to_days(&t);
}

/* What any range must count: the plain sum over the rows. */
static unsigned long long brute(const newsapi_days_row_t *rows, size_t n,
                                long long site, long from, long to)
{
    unsigned long long sum = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (rows[i].site == site && rows[i].day >= from && rows[i].day <= to) {
            sum += rows[i].count;
        }
    }
    return sum;
}

static unsigned long long count(const void *buf, size_t cap, long long site,
                                long from, long to)
{
    unsigned long long n = 99;

    cr_assert_eq(newsapi_days_count(buf, cap, site, from, to, &n), 0);
    return n;
}

Test(days, counts_any_range)
{
    newsapi_days_row_t rows[] = {
        { 7, day_of(2024, 2, 29), 3 },      /* leap day */
        { 7, day_of(1969, 12, 31), 2 },     /* before 1970 */
        { 3, day_of(1000, 1, 1), 1 },       /* first day of all */
        { 7, day_of(2024, 3, 1), 0 },       /* nothing, takes no room */
        { 3, day_of(9999, 12, 30), 5 },     /* last day of all */
        { 7, day_of(2024, 2, 29), 4 },      /* duplicate: adds up */
        { 9, day_of(2000, 1, 1), 1 },
    };
    size_t n = sizeof(rows) / sizeof(rows[0]), needed = 0;
    char buf[4096];
    newsapi_days_row_t copy[sizeof(rows) / sizeof(rows[0])];
    newsapi_days_info_t info;

    memcpy(copy, rows, sizeof(rows));
    cr_assert_eq(newsapi_days_build(copy, n, 2, 1234, buf, sizeof(buf),
                                    &needed), NEWSAPI_DAYS_OK);
    cr_assert_eq(needed, newsapi_days_bytes(3, 5));
    cr_assert_eq(newsapi_days_check(buf, sizeof(buf)), 0);
    cr_assert_eq(newsapi_days_info(buf, sizeof(buf), &info), 0);
    cr_expect_eq(info.nsites, 3);
    cr_expect_eq(info.nentries, 5);
    cr_expect_eq(info.family, 2);
    cr_expect_eq(info.built_at, 1234);
    cr_expect_eq(info.first_day, day_of(1000, 1, 1));
    cr_expect_eq(info.last_day, day_of(9999, 12, 30));

    cr_expect_eq(count(buf, needed, 7, day_of(2024, 2, 29),
                       day_of(2024, 2, 29)), 7);
    cr_expect_eq(count(buf, needed, 7, day_of(2024, 3, 1),
                       day_of(2024, 3, 31)), 0);
    cr_expect_eq(count(buf, needed, 7, NEWSAPI_DAYS_MIN, NEWSAPI_DAYS_MAX),
                 9);
    cr_expect_eq(count(buf, needed, 7, day_of(1969, 12, 31),
                       day_of(1969, 12, 31)), 2);
    cr_expect_eq(count(buf, needed, 3, day_of(1000, 1, 1),
                       day_of(9999, 12, 30)), 6);
    cr_expect_eq(count(buf, needed, 3, day_of(1000, 1, 2),
                       day_of(9999, 12, 29)), 0);
    cr_expect_eq(count(buf, needed, 4, NEWSAPI_DAYS_MIN,
                       NEWSAPI_DAYS_MAX), 0, "a site with nothing");
    cr_expect_eq(count(buf, needed, 7, day_of(2024, 3, 1),
                       day_of(2024, 2, 1)), 0, "from after to");
}

Test(days, random_rows_match_the_plain_sum)
{
    enum { N = 3000 };
    static newsapi_days_row_t rows[N], copy[N];
    size_t needed = 0, cap, i;
    char *buf;
    int k;

    srand(42);
    for (i = 0; i < N; i++) {
        rows[i].site = rand() % 40;
        rows[i].day = day_of(1965, 1, 1) + rand() % 30000;
        rows[i].count = (unsigned long long)(rand() % 5);
    }
    memcpy(copy, rows, sizeof(rows));
    cr_assert_eq(newsapi_days_build(copy, N, 1, 0, NULL, 0, &needed),
                 NEWSAPI_DAYS_TOO_SMALL, "the size is reported");
    cap = needed;
    buf = malloc(cap);
    memcpy(copy, rows, sizeof(rows));
    cr_assert_eq(newsapi_days_build(copy, N, 1, 0, buf, cap, &needed),
                 NEWSAPI_DAYS_OK);
    cr_assert_eq(newsapi_days_check(buf, cap), 0);
    for (k = 0; k < 4000; k++) {
        long long site = rand() % 42;
        long a = day_of(1960, 1, 1) + rand() % 31000;
        long b = a + rand() % 3000;

        cr_assert_eq(count(buf, cap, site, a, b), brute(rows, N, site, a, b),
                     "site %lld days %ld..%ld", site, a, b);
    }
    free(buf);
}

Test(days, rows_before_a_day_rebuild_the_same_counts)
{
    newsapi_days_row_t rows[] = {
        { 1, 100, 2 }, { 1, 200, 3 }, { 2, 150, 1 }, { 2, 300, 4 },
    };
    newsapi_days_row_t out[8];
    size_t needed, n;
    char a[1024], b[1024];

    cr_assert_eq(newsapi_days_build(rows, 4, 0, 0, a, sizeof(a), &needed),
                 NEWSAPI_DAYS_OK);
    cr_assert_eq(newsapi_days_rows(a, sizeof(a), 200, NULL, 0), 2);
    n = newsapi_days_rows(a, sizeof(a), 200, out, 8);
    cr_assert_eq(n, 2);
    cr_expect_eq(out[0].site, 1);
    cr_expect_eq(out[0].count, 2);
    cr_expect_eq(out[1].site, 2);
    cr_expect_eq(out[1].day, 150);
    /* The recent refresh: older days kept, newer ones merged in. */
    {
        newsapi_days_row_t recent[] = { { 3, 250, 1 }, { 1, 200, 10 } };
        newsapi_days_row_t all[8];

        newsapi_days_sort(recent, 2);
        cr_expect_eq(recent[0].site, 1);
        cr_assert_eq(newsapi_days_merge(out, n, recent, 2, all), 4);
        cr_expect_eq(all[1].site, 1);
        cr_expect_eq(all[1].day, 200);
        cr_expect_eq(all[3].site, 3);
        cr_assert_eq(newsapi_days_build(all, 4, 0, 0, b, sizeof(b),
                                        &needed), NEWSAPI_DAYS_OK);
    }
    cr_expect_eq(count(b, sizeof(b), 1, 0, 1000), 12);
    cr_expect_eq(count(b, sizeof(b), 2, 0, 1000), 1);
    cr_expect_eq(count(b, sizeof(b), 3, 250, 250), 1);
}

Test(days, bad_input_is_refused)
{
    newsapi_days_row_t early = { 1, NEWSAPI_DAYS_MIN - 1, 1 };
    newsapi_days_row_t big[] = { { 1, 1, UINT64_MAX }, { 1, 2, 1 } };
    size_t needed;
    char buf[256];

    cr_expect_eq(newsapi_days_build(&early, 1, 0, 0, buf, sizeof(buf),
                                    &needed), NEWSAPI_DAYS_BAD);
    cr_expect_eq(newsapi_days_build(big, 2, 0, 0, buf, sizeof(buf),
                                    &needed), NEWSAPI_DAYS_BAD);
}

/* A copy being rewritten under a reader is garbage to it: every call
 * must stay inside the buffer (ASan run) and say so or count wrong. */
Test(days, garbage_never_reads_outside)
{
    newsapi_days_row_t rows[64];
    size_t needed, i, cap = 2048;
    unsigned char *buf = malloc(cap);
    unsigned long long n;
    newsapi_days_info_t info;
    int k;

    for (i = 0; i < 64; i++) {
        rows[i] = (newsapi_days_row_t){ (long long)(i % 8), (long)i * 3, 1 };
    }
    cr_assert_eq(newsapi_days_build(rows, 64, 0, 0, buf, cap, &needed),
                 NEWSAPI_DAYS_OK);
    srand(7);
    for (k = 0; k < 20000; k++) {
        size_t at = (size_t)rand() % needed;

        buf[at] = (unsigned char)rand();
        (void)newsapi_days_count(buf, needed, rand() % 10, rand() % 100,
                                 rand() % 300, &n);
        (void)newsapi_days_rows(buf, needed, rand() % 300, rows, 64);
        (void)newsapi_days_check(buf, needed);
        (void)newsapi_days_info(buf, needed, &info);
    }
    cr_expect_eq(newsapi_days_count(buf, 8, 1, 0, 1, &n), -1);
    cr_expect_eq(newsapi_days_count(NULL, 0, 1, 0, 1, &n), -1);
    free(buf);
}
