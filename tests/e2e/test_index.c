/*
 * test_index.c - the day index end to end (tests/e2e/stage-index.sh runs
 * each suite against its own Apache):
 *   index_main    index-main.conf: answers equal the SQL's byte for byte,
 *                 changes show within the promised time, a graceful
 *                 restart keeps the index, the database locked or stopped
 *   index_bad     index-bad.conf: a daily query that disagrees, too small
 *                 a NewsApiIndexSize: both caught, the SQL answers
 *   index_custom  index-custom.conf: another schema, the admin's daily
 *                 query
 *   index_off     index-off.conf: NewsApiIndex Off, the SQL answers
 * The stage put edge articles in the database before Apache started
 * (ids from 990000001: 00:00:00 and 23:59:59, leap days, before 1970,
 * 9999-12-30); site ids of the tests come from there.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "common.h"

static double now_s(void)
{
    struct timeval tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

/* The value of NewsApiIndex_<family>_<key> on the status page. */
static char *status_value(const char *family, const char *key)
{
    static const http_opts_t get = { .method = "GET" };
    http_resp_t *r = http_do("/newsapi-status?auto", &get, NULL, 0);
    char *want, *at, *end, *v = NULL;

    cr_assert_eq(r->status, 200);
    cr_assert(asprintf(&want, "NewsApiIndex_%s_%s: ", family, key) > 0);
    if ((at = strstr(r->body, want)) != NULL) {
        at += strlen(want);
        end = strchr(at, '\n');
        v = strndup(at, end ? (size_t)(end - at) : strlen(at));
    }
    free(want);
    http_free(r);
    cr_assert(v != NULL, "no %s %s on the status page", family, key);
    return v;
}

static void wait_state(const char *family, const char *state, double secs)
{
    double until = now_s() + secs;
    char *v = NULL;

    for (;;) {
        free(v);
        v = status_value(family, "State");
        if (strcmp(v, state) == 0 || now_s() > until) {
            break;
        }
        usleep(100000);
    }
    cr_assert_str_eq(v, state, "%s index is '%s' after %.0f s, not '%s'",
                     family, v, secs, state);
    free(v);
}

static http_resp_t *post(const char *path, long long district,
                         const char *from, const char *to)
{
    char *b;
    http_resp_t *r;

    if (district >= 0) {
        cr_assert(asprintf(&b, "{\"Huyen_Id\":%lld,\"TuNgay\":\"%s\","
                           "\"DenNgay\":\"%s\"}", district, from, to) > 0);
    }
    else {
        cr_assert(asprintf(&b, "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                           from, to) > 0);
    }
    r = http_post_json(path, b);
    free(b);
    return r;
}

static void expect_source(http_resp_t *r, const char *want, const char *what)
{
    char *src = http_header(r, "X-NewsApi-Source");

    cr_assert(src != NULL, "%s: no X-NewsApi-Source", what);
    cr_expect_str_eq(src, want, "%s: X-NewsApi-Source %s", what, src);
    free(src);
}

/* The index's answer and the SQL's for one request: same status, same
 * bytes. */
static void same_answer(const char *kind, long long district,
                        const char *from, const char *to)
{
    char ipath[64], spath[64], what[160];
    http_resp_t *a, *b;

    snprintf(ipath, sizeof(ipath), "/api/%s", kind);
    snprintf(spath, sizeof(spath), "/api/sql/%s", kind);
    snprintf(what, sizeof(what), "%s %lld %s..%s", kind, district, from, to);
    a = post(ipath, district, from, to);
    b = post(spath, district, from, to);
    cr_assert_eq(a->status, b->status, "%s: status %ld vs SQL %ld", what,
                 a->status, b->status);
    cr_assert_eq(a->len, b->len, "%s: %zu bytes vs SQL %zu:\n%s\n%s", what,
                 a->len, b->len, a->body, b->body);
    cr_assert(memcmp(a->body, b->body, a->len) == 0, "%s differs:\n%s\n%s",
              what, a->body, b->body);
    if (a->status == 200) {
        expect_source(a, "index", what);
        expect_source(b, "sql", what);
    }
    http_free(a);
    http_free(b);
}

static void today_local(long add, char *out)
{
    time_t t = time(NULL) + 7 * 3600 + add * 86400;   /* UTC+07:00 */
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *const ranges[][2] = {
    { "1000-01-01", "9999-12-30" }, { "1000-01-01", "1000-01-01" },
    { "1969-12-31", "1969-12-31" }, { "1970-01-01", "1970-01-01" },
    { "1969-01-01", "1970-12-31" }, { "2024-02-29", "2024-02-29" },
    { "2024-02-28", "2024-03-01" }, { "2024-03-01", "2024-03-01" },
    { "2023-02-28", "2023-03-01" }, { "9999-12-30", "9999-12-30" },
    { "2100-01-01", "2100-12-31" }, { "2022-01-01", "2022-12-31" },
    { "2019-01-01", "2026-12-31" }, { "2023-06-15", "2023-06-14" },
};

/* Districts of the commune answers: the first few, Mường Lát (a district
 * whose communes have no portal: []) and a code that is none (404). */
static void communes_of(long long *ids, int *n)
{
    sql_rows_t *t = sql_rows("SELECT id FROM districts ORDER BY id LIMIT 4");
    size_t i;

    *n = 0;
    for (i = 0; i < t->nrows; i++) {
        ids[(*n)++] = atoll(t->cell[i][0]);
    }
    sql_rows_free(t);
    ids[(*n)++] = sql_ll("SELECT d.id FROM districts d WHERE NOT EXISTS "
                         "(SELECT 1 FROM sites s WHERE s.district_id = d.id"
                         " AND s.commune_id IS NOT NULL) ORDER BY d.id "
                         "LIMIT 1");
    ids[(*n)++] = 999999;
}

static void compare_everything(const char *news, const char *visits,
                               int random_ranges)
{
    char from[11], to[11];
    long long ids[8];
    int n, i, k, j;

    communes_of(ids, &n);
    srand(9);
    for (i = 0; i < (int)(sizeof(ranges) / sizeof(ranges[0]))
                    + 3 + random_ranges; i++) {
        const char *f, *t;

        if (i < (int)(sizeof(ranges) / sizeof(ranges[0]))) {
            f = ranges[i][0];
            t = ranges[i][1];
        }
        else if (i < (int)(sizeof(ranges) / sizeof(ranges[0])) + 3) {
            k = i - (int)(sizeof(ranges) / sizeof(ranges[0]));
            today_local(k == 0 ? 0 : k == 1 ? -1 : -30, from);
            today_local(k == 1 ? 1 : 0, to);
            f = from;
            t = to;
        }
        else {
            long start = rand() % 3000, len = rand() % 2600;

            date_add("2018-06-01", start, from);
            date_add(from, len, to);
            f = from;
            t = to;
        }
        for (k = 0; k < 2; k++) {
            const char *fam = k == 0 ? news : visits;
            char kind[48];

            if (fam == NULL) {
                continue;
            }
            snprintf(kind, sizeof(kind), "%s/huyen", fam);
            same_answer(kind, -1, f, t);
            snprintf(kind, sizeof(kind), "%s/xa", fam);
            for (j = 0; j < n; j++) {
                same_answer(kind, ids[j], f, t);
            }
        }
    }
}

/* Waits until a never-seen range of path is answered by a fresh index
 * (after a database outage the index is too old to answer until its
 * next load). */
static void wait_fresh(const char *path, double secs)
{
    static int seq;
    double until = now_s() + secs;
    char from[11], *src = NULL, *warn = NULL;
    http_resp_t *r;
    int ok;

    do {
        free(src);
        free(warn);
        date_add("2018-01-01", 50 + seq++ % 2000, from);
        r = post(path, -1, "2018-01-01", from);
        src = http_header(r, "X-NewsApi-Source");
        warn = http_header(r, "Warning");
        ok = r->status == 200 && src && strcmp(src, "index") == 0 && !warn;
        http_free(r);
        if (!ok) {
            usleep(200000);
        }
    } while (!ok && now_s() < until);
    cr_assert(ok, "%s not answered by a fresh index after %.0f s (%s)", path,
              secs, src ? src : "no source");
    free(src);
    free(warn);
}

/* ---- index_main ------------------------------------------------------ */

Test(index_main, ready, .timeout = 60)
{
    wait_state("news", "ready", 40);
    wait_state("visits", "ready", 40);
}

Test(index_main, same_bytes_as_the_sql, .timeout = 240)
{
    wait_state("news", "ready", 40);
    wait_state("visits", "ready", 40);
    wait_fresh("/api/tintuc/huyen", 30);
    wait_fresh("/api/luottruycap/huyen", 30);
    compare_everything("tintuc", "luottruycap", 12);
}

/* The count of site in the news district answer of one day. */
static long long count_of(const char *path, long long site, const char *from,
                          const char *to, const char *key)
{
    http_resp_t *r = post(path, -1, from, to);
    json_t *a = expect_array(r), *o = find_by_id(a, "Id", site);
    long long n;

    cr_assert(o != NULL, "site %lld not in the answer", site);
    n = json_integer_value(json_object_get(o, key));
    json_decref(a);
    http_free(r);
    return n;
}

/* Seconds until the count of site over from..to is want (fails past
 * limit seconds). */
static double until_count(long long site, const char *from, const char *to,
                          long long want, double limit, const char *what)
{
    double t0 = now_s(), t;
    long long got;

    for (;;) {
        got = count_of("/api/tintuc/huyen", site, from, to, "SoLuong");
        t = now_s() - t0;
        if (got == want || t > limit) {
            break;
        }
        usleep(100000);
    }
    cr_assert_eq(got, want, "%s: count %lld after %.1f s, want %lld", what,
                 got, t, want);
    return t;
}

Test(index_main, changes_show_within_the_promise, .timeout = 120)
{
    long long site = sql_ll("SELECT MIN(id) FROM sites WHERE commune_id IS "
                            "NULL"), today0, past0;
    const long long id = 990000100;
    char today[11];
    double t;

    wait_state("news", "ready", 40);
    wait_fresh("/api/tintuc/huyen", 30);
    today_local(0, today);
    today0 = count_of("/api/tintuc/huyen", site, today, today, "SoLuong");
    past0 = count_of("/api/tintuc/huyen", site, "2021-06-15", "2021-06-15",
                     "SoLuong");
    /* Promise: NewsApiCacheTTL 2 (today) / NewsApiCachePastTTL 6 (past),
     * plus the refresh's duration; 3 s of slack for a loaded machine. */
    sql_run("INSERT INTO articles (id, site_id, title, status, is_deleted, "
            "published_at) VALUES (%lld, %lld, 'e2e index', 1, 0, '%s "
            "00:00:00')", id, site, today);
    t = until_count(site, today, today, today0 + 1, 5, "inserted today");
    cr_log_info("inserted: seen after %.1f s", t);
    sql_run("UPDATE articles SET published_at = '2021-06-15 23:59:59' "
            "WHERE id = %lld", id);
    until_count(site, today, today, today0, 5, "back-dated: gone today");
    t = until_count(site, "2021-06-15", "2021-06-15", past0 + 1, 9,
                    "back-dated: there in the past");
    cr_log_info("back-dated: seen after %.1f s", t);
    sql_run("UPDATE articles SET status = 0 WHERE id = %lld", id);
    until_count(site, "2021-06-15", "2021-06-15", past0, 9, "unpublished");
    sql_run("UPDATE articles SET status = 1, is_deleted = 1 WHERE id = %lld",
            id);
    until_count(site, "2021-06-15", "2021-06-15", past0, 9, "deleted");
    sql_run("UPDATE articles SET is_deleted = 0 WHERE id = %lld", id);
    until_count(site, "2021-06-15", "2021-06-15", past0 + 1, 9, "restored");
    sql_run("DELETE FROM articles WHERE id = %lld", id);
    until_count(site, "2021-06-15", "2021-06-15", past0, 9, "removed");
}

Test(index_main, graceful_restart_keeps_it, .timeout = 60)
{
    long off;
    http_resp_t *r;
    char *st;

    wait_state("news", "ready", 40);
    wait_fresh("/api/tintuc/huyen", 30);
    off = errlog_size();
    cr_assert_eq(run_cmd("'%s/tests/lib/apache.sh' graceful '%s'",
                         env_req("NEWSAPI_REPO"),
                         env_req("NEWSAPI_HTTPD_DIR")), 0);
    usleep(300000);
    st = status_value("news", "State");
    cr_expect_str_eq(st, "ready", "news index %s after a graceful restart",
                     st);
    free(st);
    r = post("/api/tintuc/huyen", -1, "2020-02-02", "2020-03-03");
    cr_assert_eq(r->status, 200);
    expect_source(r, "index", "after the restart");
    http_free(r);
    cr_expect(errlog_contains_after(off, "NEWSAPI0603"),
              "no 'kept across the restart' line");
}

Test(index_main, database_locked_then_stopped, .timeout = 120)
{
    char from[11], to[11], *warn;
    http_resp_t *r, *before;
    double t0, t;
    int i;

    wait_state("news", "ready", 40);
    wait_fresh("/api/tintuc/huyen", 30);
    /* The rows of the answers are the endpoint query's: asked once while
     * the database is up, and kept. */
    before = post("/api/sql/tintuc/huyen", -1, "2020-05-05", "2020-07-07");
    cr_assert_eq(before->status, 200);
    http_free(post("/api/tintuc/huyen", -1, "2020-01-01", "2020-01-01"));

    run_cmd("(echo 'LOCK TABLES articles WRITE, visits_daily WRITE; "
            "SELECT SLEEP(5);' | '%s/tests/lib/mariadb.sh' sql '%s') "
            ">/dev/null 2>&1 &", env_req("NEWSAPI_REPO"),
            env_req("NEWSAPI_DBDIR"));
    usleep(500000);
    t0 = now_s();
    for (i = 0; i < 20; i++) {
        date_add("2019-03-01", i * 17, from);
        date_add(from, 40 + i, to);
        r = post("/api/tintuc/huyen", -1, from, to);
        cr_assert_eq(r->status, 200, "while the tables are locked");
        expect_source(r, "index", "locked");
        http_free(r);
    }
    t = now_s() - t0;
    cr_expect_lt(t, 2.0, "20 never-seen ranges took %.1f s while locked", t);
    sleep(5);

    db_control("stop");
    r = post("/api/tintuc/huyen", -1, "2020-05-05", "2020-07-07");
    cr_assert_eq(r->status, 200, "database stopped: %ld", r->status);
    expect_source(r, "index", "database stopped");
    cr_expect_eq(r->len, before->len);
    cr_expect(memcmp(r->body, before->body, r->len) == 0,
              "the index's answer differs from the SQL's before the stop");
    http_free(r);
    http_free(before);
    /* Older than its promise (TTL 2 s + refresh): said to be stale. */
    t0 = now_s();
    for (i = 0;; i++) {
        date_add("2019-01-01", 400 + i, from);
        r = post("/api/tintuc/huyen", -1, "2019-01-01", from);
        warn = http_header(r, "Warning");
        if (warn != NULL || now_s() - t0 > 12) {
            break;
        }
        http_free(r);
        usleep(200000);
    }
    cr_expect(warn != NULL && strstr(warn, "110") != NULL,
              "no stale warning %.1f s after the database stopped",
              now_s() - t0);
    cr_expect_eq(r->status, 200);
    free(warn);
    http_free(r);
    /* After NewsApiCacheStaleTime (10 s) as today: a 503. */
    for (i = 0;; i++) {
        date_add("2018-01-01", 900 + i, from);
        r = post("/api/tintuc/huyen", -1, "2018-01-01", from);
        if (r->status == 503 || now_s() - t0 > 30) {
            break;
        }
        http_free(r);
        usleep(300000);
    }
    cr_expect_eq(r->status, 503, "still %ld %.1f s after the stop",
                 r->status, now_s() - t0);
    http_free(r);
    db_control("start");
    wait_fresh("/api/tintuc/huyen", 30);
}

/* ---- index_bad ------------------------------------------------------- */

Test(index_bad, caught_and_the_sql_answers, .timeout = 60)
{
    http_resp_t *r;

    wait_state("news", "mismatch", 40);
    wait_state("visits", "too-small", 40);
    cr_expect(errlog_contains_after(0, "NEWSAPI0612"),
              "the difference is not logged");
    cr_expect(errlog_contains_after(0, "NEWSAPI0613"),
              "the size needed is not logged");
    r = post("/api/tintuc/huyen", -1, "2019-01-01", "2026-12-31");
    cr_assert_eq(r->status, 200);
    expect_source(r, "sql", "mismatch");
    http_free(r);
    r = post("/api/luottruycap/huyen", -1, "2019-01-01", "2026-12-31");
    cr_assert_eq(r->status, 200);
    expect_source(r, "sql", "too small");
    http_free(r);
}

/* ---- index_custom ---------------------------------------------------- */

Test(index_custom, same_bytes_as_the_sql, .timeout = 120)
{
    static const char *const custom[][2] = {
        { "2024-05-01", "2024-05-31" }, { "2024-04-30", "2024-04-30" },
        { "2024-05-31", "2024-05-31" }, { "2024-06-01", "2024-06-01" },
        { "2024-01-01", "2024-12-31" }, { "2024-05-02", "2024-05-03" },
        { "1000-01-01", "9999-12-30" },
    };
    static const long long districts[] = { 380, 381, 382, 999 };
    size_t i, j;

    wait_state("news", "ready", 40);
    for (i = 0; i < sizeof(custom) / sizeof(custom[0]); i++) {
        same_answer("tintuc/huyen", -1, custom[i][0], custom[i][1]);
        for (j = 0; j < sizeof(districts) / sizeof(districts[0]); j++) {
            same_answer("tintuc/xa", districts[j], custom[i][0],
                        custom[i][1]);
        }
    }
}

/* ---- index_off ------------------------------------------------------- */

Test(index_off, the_sql_answers, .timeout = 30)
{
    http_resp_t *r;
    int i;

    wait_state("news", "off", 5);
    wait_state("visits", "off", 5);
    for (i = 0; i < 2; i++) {
        char *how;

        r = post("/api/tintuc/huyen", -1, "2021-01-01", "2021-12-31");
        cr_assert_eq(r->status, 200);
        expect_source(r, "sql", i ? "a HIT" : "a MISS");
        how = http_header(r, "X-NewsApi-Cache");
        cr_expect_str_eq(how, i ? "HIT" : "MISS");
        free(how);
        http_free(r);
    }
}
