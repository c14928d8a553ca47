/*
 * sqltime.c - the bare database time of mod_newsapi's queries: the same
 * statement, the same driver (apr_dbd's MySQL driver), the same way of
 * running it (prepared once, every parameter bound as a string, every
 * row and column read and copied), with the same ranges as
 * tests/bench/vary.lua asks - without Apache, HTTP, JSON or the cache.
 * tests/bench/run.sh compares it with the module's uncached answers.
 *
 *   sqltime -p DBDPARAMS -q SQL [-d HUYEN_ID] [-u URL] [-n N | -s SECONDS]
 *
 * Query i (0, 1, ...) asks TuNgay = 2019-01-01 + (i mod 1461) days and
 * DenNgay = TuNgay + 364 days, as vary.lua's request i does, bound as
 * ('YYYY-MM-DD 00:00:00', DenNgay + 1 day 00:00:00), after Huyen_Id
 * when -d is given.  Prints one line:
 *   RESULT queries=N rows=R mean_ms=... p50_ms=... p90_ms=... p99_ms=...
 *
 * With -u (an uncached Location of the same query) each query i is
 * paired with the POST of range i to URL, one right after the other (in
 * turns which first, over one keep-alive connection), -r times (default
 * 3), and the fastest of each kind kept: on a busy machine the fastest of
 * a few runs is the run nothing else got in the way of.  It prints
 *   RESULT pairs=N sql_p50_ms=... http_p50_ms=... added_p50_ms=...
 *          added_mean_ms=...
 * where "added" is, per range, the fastest HTTP time minus the fastest
 * SQL time.
 *
 * Build: cc -O2 sqltime.c $(apr-1-config --cflags --cppflags --includes
 *        --link-ld) $(apu-1-config --includes --link-ld) -lcurl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "apr_general.h"
#include "apr_dbd.h"
#include "apr_strings.h"

#define MAX_QUERIES 100000

typedef struct {
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_dbd_prepared_t *stmt;
    const char *district;
    apr_pool_t *iter;
    long rows;
} db_t;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* 2019-01-01 + offset days, in the given strftime format. */
static void day(long offset, const char *fmt, char *out)
{
    struct tm tm = { 0 };
    time_t t;

    tm.tm_year = 2019 - 1900;
    tm.tm_mday = 1;
    tm.tm_hour = 12;
    t = timegm(&tm) + offset * 86400;
    gmtime_r(&t, &tm);
    strftime(out, 32, fmt, &tm);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile of v[0..n) (sorts v). */
static double pct(double *v, long n, double p)
{
    long i = (long)(p / 100.0 * n);
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return v[i < n ? i : n - 1];
}

static double mean(const double *v, long n)
{
    double s = 0;
    long i;
    for (i = 0; i < n; i++) {
        s += v[i];
    }
    return s / n;
}

/* Runs query i; returns its milliseconds. */
static double run_query(db_t *db, long i)
{
    char from[32], to[32];
    const char *args[3];
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int ncols, c;
    double t0 = now_ms(), t;

    day(i % 1461, "%Y-%m-%d 00:00:00", from);
    day(i % 1461 + 365, "%Y-%m-%d 00:00:00", to);
    args[0] = db->district;
    args[1] = from;
    args[2] = to;
    if (apr_dbd_pselect(db->driver, db->iter, db->handle, &res, db->stmt, 0,
                        db->district ? 3 : 2,
                        db->district ? args : args + 1) != 0) {
        fprintf(stderr, "sqltime: query failed: %s\n",
                apr_dbd_error(db->driver, db->handle, 0));
        exit(1);
    }
    ncols = apr_dbd_num_cols(db->driver, res);
    while (apr_dbd_get_row(db->driver, db->iter, res, &row, -1) == 0) {
        for (c = 0; c < ncols; c++) {
            const char *v = apr_dbd_get_entry(db->driver, row, c);
            if (v) {
                apr_pstrdup(db->iter, v);
            }
        }
        db->rows++;
    }
    t = now_ms() - t0;
    apr_pool_clear(db->iter);
    return t;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* POSTs range i to the module; returns its milliseconds. */
static double run_http(CURL *c, const char *district, long i)
{
    char from[32], to[32], body[160];
    long code = 0;
    double t0;

    day(i % 1461, "%Y-%m-%d", from);
    day(i % 1461 + 364, "%Y-%m-%d", to);
    if (district) {
        snprintf(body, sizeof(body), "{\"Huyen_Id\":%s,\"TuNgay\":\"%s\","
                 "\"DenNgay\":\"%s\"}", district, from, to);
    }
    else {
        snprintf(body, sizeof(body), "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                 from, to);
    }
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    t0 = now_ms();
    if (curl_easy_perform(c) != CURLE_OK) {
        fprintf(stderr, "sqltime: HTTP request failed\n");
        exit(1);
    }
    t0 = now_ms() - t0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200) {
        fprintf(stderr, "sqltime: HTTP %ld for %s\n", code, body);
        exit(1);
    }
    return t0;
}

static void usage(void)
{
    fprintf(stderr, "usage: sqltime -p DBDPARAMS -q SQL [-d HUYEN_ID] "
            "[-u URL [-r REPEAT]] [-n N | -s SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *params = NULL, *sql = NULL, *url = NULL, *err = NULL;
    db_t db = { 0 };
    apr_pool_t *pool;
    double *sq, *ht = NULL, *diff = NULL, deadline, seconds = 0;
    long n, max = 0;
    int opt, i, repeat = 3, k;
    CURL *c = NULL;
    struct curl_slist *hdr = NULL;

    while ((opt = getopt(argc, argv, "p:q:d:u:r:n:s:")) != -1) {
        switch (opt) {
        case 'p': params = optarg; break;
        case 'q': sql = optarg; break;
        case 'd': db.district = optarg; break;
        case 'u': url = optarg; break;
        case 'r': repeat = atoi(optarg); break;
        case 'n': max = atol(optarg); break;
        case 's': seconds = atof(optarg); break;
        default: usage();
        }
    }
    if (!params || !sql || (max <= 0 && seconds <= 0) || max > MAX_QUERIES
        || repeat < 1) {
        usage();
    }
    if (max <= 0) {
        max = MAX_QUERIES;
    }
    sq = calloc((size_t)max, sizeof(double));
    if (url) {
        ht = calloc((size_t)max, sizeof(double));
        diff = calloc((size_t)max, sizeof(double));
        curl_global_init(CURL_GLOBAL_DEFAULT);
        c = curl_easy_init();
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Expect:");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    }

    apr_initialize();
    apr_pool_create(&pool, NULL);
    apr_dbd_init(pool);
    if (apr_dbd_get_driver(pool, "mysql", &db.driver) != APR_SUCCESS) {
        fprintf(stderr, "sqltime: no apr_dbd mysql driver\n");
        return 1;
    }
    if (apr_dbd_open_ex(db.driver, pool, params, &db.handle, &err)
        != APR_SUCCESS) {
        fprintf(stderr, "sqltime: cannot connect: %s\n", err ? err : "?");
        return 1;
    }
    apr_dbd_query(db.driver, db.handle, &i, "SET NAMES utf8mb4");
    if (apr_dbd_prepare(db.driver, pool, db.handle, sql, "q", &db.stmt)
        != 0) {
        fprintf(stderr, "sqltime: prepare failed: %s\n",
                apr_dbd_error(db.driver, db.handle, 0));
        return 1;
    }
    apr_pool_create(&db.iter, pool);

    deadline = seconds > 0 ? now_ms() + seconds * 1e3 : 0;
    for (n = 0; n < max && (!deadline || now_ms() < deadline); n++) {
        if (!url) {
            sq[n] = run_query(&db, n);
            continue;
        }
        sq[n] = ht[n] = 1e12;
        for (k = 0; k < repeat; k++) {
            double a, b;
            if ((n + k) % 2) {
                a = run_query(&db, n);
                b = run_http(c, db.district, n);
            }
            else {
                b = run_http(c, db.district, n);
                a = run_query(&db, n);
            }
            sq[n] = a < sq[n] ? a : sq[n];
            ht[n] = b < ht[n] ? b : ht[n];
        }
        diff[n] = ht[n] - sq[n];
    }
    if (n == 0) {
        fprintf(stderr, "sqltime: no query ran\n");
        return 1;
    }
    if (!url) {
        double m = mean(sq, n);
        printf("RESULT queries=%ld rows=%ld mean_ms=%.3f p50_ms=%.3f "
               "p90_ms=%.3f p99_ms=%.3f\n", n, db.rows / n, m,
               pct(sq, n, 50), pct(sq, n, 90), pct(sq, n, 99));
    }
    else {
        double m = mean(diff, n);
        printf("RESULT pairs=%ld sql_p50_ms=%.3f http_p50_ms=%.3f "
               "added_p50_ms=%.3f added_mean_ms=%.3f\n", n, pct(sq, n, 50),
               pct(ht, n, 50), pct(diff, n, 50), m);
        curl_easy_cleanup(c);
        curl_slist_free_all(hdr);
    }
    apr_dbd_close(db.driver, db.handle);
    apr_terminate();
    return 0;
}
