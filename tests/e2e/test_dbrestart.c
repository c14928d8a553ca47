/*
 * test_dbrestart.c - MariaDB goes away and comes back under a running
 * Apache: while it is down the API answers 503 database_unavailable (JSON)
 * and logs a NEWSAPI line; once it is back a request succeeds within the
 * probe interval (about a second) and every later one does, with the same
 * Apache processes (no restart of Apache).
 *
 * Stops and starts the suite's MariaDB: tests/run.sh runs it alone, last.
 * Every request asks a range no other request asked, so that no cache can
 * answer in place of the database.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include "common.h"

TestSuite(dbrestart, .timeout = 240);

static int next_day;

/* A two-day range that no other test asks: 2021-01-01 + n and the day
 * after, n counting up. */
static void fresh_body(char *buf, size_t n, int commune, long long d)
{
    char from[11], to[11];
    date_add("2021-01-01", next_day, from);
    date_add("2021-01-01", next_day + 1, to);
    next_day++;
    if (commune) {
        snprintf(buf, n, "{\"Huyen_Id\":%lld,\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                 d, from, to);
    }
    else {
        snprintf(buf, n, "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}", from, to);
    }
}

/* n requests at once (alternating endpoints); every one must get want. */
static void concurrent(int n, long want, long long district)
{
    const char *paths[64], *bodies[64];
    char buf[64][160];
    http_resp_t *out[64];
    int i;

    cr_assert(n <= 64);
    for (i = 0; i < n; i++) {
        fresh_body(buf[i], sizeof(buf[i]), i % 2, district);
        paths[i] = i % 2 ? COMMUNE_PATH : DISTRICT_PATH;
        bodies[i] = buf[i];
    }
    http_multi(n, paths, bodies, out);
    for (i = 0; i < n; i++) {
        cr_assert_eq(out[i]->status, want,
                     "concurrent request %d (%s): HTTP %ld, want %ld: %s",
                     i, bodies[i], out[i]->status, want, out[i]->body);
        http_free(out[i]);
    }
}

static http_resp_t *one(int commune, long long district)
{
    char body[160];
    fresh_body(body, sizeof(body), commune, district);
    return http_post_json(commune ? COMMUNE_PATH : DISTRICT_PATH, body);
}


Test(dbrestart, database_restart_is_survived)
{
    long long district = sql_ll("SELECT MIN(district_id) FROM sites"
                                " WHERE commune_id IS NOT NULL");
    long parent = httpd_parent_pid(), kids[64], kids_after[64];
    size_t nkids, nkids_after, i;
    long log_at;
    http_resp_t *r;
    json_t *a;

    /* fill the connection pools of the children */
    concurrent(12, 200, district);
    concurrent(12, 200, district);
    nkids = httpd_children(parent, kids, 64);
    cr_assert_gt(nkids, 0, "no Apache children of %ld", parent);

    /* the database goes away */
    db_control("stop");
    log_at = errlog_size();
    for (i = 0; i < 4; i++) {
        r = one(i % 2, district);
        expect_error(r, 503, "database_unavailable", NULL);
        http_free(r);
    }
    cr_assert(errlog_contains_after(log_at, "NEWSAPI"),
              "no NEWSAPI line in the error log for the 503s");

    /* and comes back: the database state probes it 0.25 s to 1 s apart,
     * so within about a second a request is answered; until then each
     * one is refused at once, with Retry-After, never hung. */
    db_control("start");
    for (i = 0;; i++) {
        char *retry;

        r = one(0, district);
        if (r->status == 200) {
            break;
        }
        expect_error(r, 503, "database_unavailable", NULL);
        retry = http_header(r, "Retry-After");
        cr_assert_not_null(retry, "a 503 while the database is back but "
                           "not yet probed has no Retry-After");
        free(retry);
        cr_assert_lt(i, 30, "no answer 1.5 s after the database was back");
        http_free(r);
        usleep(50000);
    }
    a = expect_array(r);
    cr_assert_gt(json_array_size(a), 0);
    json_decref(a);
    http_free(r);
    r = one(1, district);
    json_decref(expect_array(r));
    http_free(r);

    /* every pooled connection of every child was dead: all of them must
     * be replaced without a single failure */
    for (i = 0; i < 16; i++) {
        r = one(i % 2, district);
        json_decref(expect_array(r));
        http_free(r);
    }
    concurrent(8, 200, district);
    concurrent(8, 200, district);

    /* answers are right again, not just 200 */
    {
        sql_rows_t *t = expected_district("2024-03-01", "2024-03-31");
        r = post_district("2024-03-01", "2024-03-31");
        a = expect_array(r);
        compare_district(a, t);
        json_decref(a);
        http_free(r);
        sql_rows_free(t);
    }

    /* the same Apache: parent and children */
    cr_assert_eq(httpd_parent_pid(), parent, "Apache's parent changed");
    nkids_after = httpd_children(parent, kids_after, 64);
    cr_assert_eq(nkids_after, nkids, "children: %zu before, %zu after",
                 nkids, nkids_after);
    for (i = 0; i < nkids; i++) {
        cr_assert_eq(kids[i], kids_after[i], "child %ld was replaced by %ld",
                     kids[i], kids_after[i]);
    }
}
