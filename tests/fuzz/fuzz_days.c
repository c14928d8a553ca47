/*
 * fuzz_days.c - the day index's flat buffer (newsapi_days).
 *
 * The input is used two ways:
 *   - as a buffer of exactly size bytes (a copy being rewritten under a
 *     reader is garbage to it): info, check, counts and the export of
 *     rows must stay inside it (ASan) whatever it holds;
 *   - as rows (site, day, count) taken 6 bytes at a time: built into a
 *     buffer, which must pass its own check and count every range as a
 *     plain sum over the rows does.
 */
#include <stdlib.h>
#include <string.h>

#include "newsapi_days.h"

#include "fuzz_common.h"

static unsigned long long plain_sum(const newsapi_days_row_t *rows,
                                    size_t n, long long site, long from,
                                    long to)
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

static void as_buffer(const uint8_t *data, size_t size)
{
    newsapi_days_row_t out[16];
    newsapi_days_info_t info;
    unsigned long long n;
    long d = size > 0 ? (long)data[0] * 37 - 4000 : 0;

    (void)newsapi_days_info(data, size, &info);
    (void)newsapi_days_check(data, size);
    (void)newsapi_days_count(data, size, size > 1 ? data[1] % 16 : 0, d,
                             d + 500, &n);
    (void)newsapi_days_rows(data, size, d, out, 16);
}

static void as_rows(const uint8_t *data, size_t size)
{
    size_t n = size / 6, i, needed = 0;
    newsapi_days_row_t *rows = malloc((n + 1) * sizeof(*rows));
    newsapi_days_row_t *copy = malloc((n + 1) * sizeof(*rows));
    char *buf;
    long k;

    for (i = 0; i < n; i++) {
        const uint8_t *r = data + 6 * i;

        rows[i].site = r[0] % 8;
        rows[i].day = (long)(r[1] | r[2] << 8) - 30000;
        rows[i].count = r[3] | (unsigned)r[4] << 8;
        (void)r[5];
    }
    memcpy(copy, rows, n * sizeof(*rows));
    FUZZ_CHECK(newsapi_days_build(copy, n, 0, 0, NULL, 0, &needed)
               == NEWSAPI_DAYS_TOO_SMALL && needed >= newsapi_days_bytes(0, 0),
               "no room: the size it needs");
    buf = malloc(needed ? needed : 1);
    memcpy(copy, rows, n * sizeof(*rows));
    FUZZ_CHECK(newsapi_days_build(copy, n, 0, 0, buf, needed, &needed)
               == NEWSAPI_DAYS_OK, "build into the size it asked for");
    FUZZ_CHECK(newsapi_days_check(buf, needed) == 0, "its own check");
    for (k = 0; k < 8 && n > 0; k++) {
        long a = rows[(size_t)k % n].day - k * 11, b = a + k * 97;
        unsigned long long got = 0;

        FUZZ_CHECK(newsapi_days_count(buf, needed, k, a, b, &got) == 0,
                   "count refused");
        FUZZ_CHECK(got == plain_sum(rows, n, k, a, b),
                   "site %ld days %ld..%ld: %llu, plain sum %llu", k, a, b,
                   got, plain_sum(rows, n, k, a, b));
    }
    free(buf);
    free(copy);
    free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_buffer(data, size);
    as_rows(data, size);
    return 0;
}
