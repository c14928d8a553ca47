/*
 * test_cache.c - the answer cache of one Apache with four worker
 * processes (tests/e2e/cache-main.conf, started by stage-cache.sh):
 * shared between the processes, expiring after its TTLs (today in
 * NewsApiUTCOffset deciding which), kept over a graceful restart, never
 * serving a replaced query's answers, one database query for a burst of
 * identical requests, and stale answers while the database is down.
 *
 * Run alone and one test at a time (--jobs 1): tests restart this Apache
 * and stop the suite's MariaDB.  Every test asks ranges no other asks.
 *
 * Environment, besides common.h's: NEWSAPI_CACHE_STATE (the folder of
 * requery.conf, included by cache-main.conf) and NEWSAPI_CACHE_OFFSET
 * (the NewsApiUTCOffset of that Apache).
 */
#include "test_cache_lib.c"

#include <sys/stat.h>

static void restart_db_if_down(void);

TestSuite(cache, .timeout = 180, .fini = restart_db_if_down);

#define DISTRICT DISTRICT_PATH

/* A unique tag for the probes of one test. */
static const char *probe_tag(const char *test)
{
    static char tag[64];
    snprintf(tag, sizeof(tag), "%s-%ld", test, (long)getpid());
    return tag;
}

static http_resp_t *probe(const char *path, const char *body,
                          const char *tag, int n, long *pid, char cache[16])
{
    char *url, id[96];
    http_resp_t *r;

    snprintf(id, sizeof(id), "%s-%d", tag, n);
    cr_assert(asprintf(&url, "%s?probe=%s", path, id) > 0);
    r = post_to(base_url(), url, body);
    free(url);
    *pid = answering_pid(id, cache);
    return r;
}

/* ---- the server ------------------------------------------------------ */

static void apache_graceful(void)
{
    long parent = httpd_parent_pid(), old[64], now[64];
    size_t nold = httpd_children(parent, old, 64), nnow, i, j;
    int tries, stale;

    cr_assert_eq(run_cmd("'%s/tests/lib/apache.sh' graceful '%s'",
                         env_req("NEWSAPI_REPO"),
                         env_req("NEWSAPI_HTTPD_DIR")), 0,
                 "apache.sh graceful failed");
    /* An old-generation child still running would answer with the old
     * configuration: wait until only new ones are left (the event MPM
     * starts them one by one after a graceful restart). */
    for (tries = 0; tries < 200; tries++) {
        nnow = httpd_children(parent, now, 64);
        stale = 0;
        for (i = 0; i < nnow; i++) {
            for (j = 0; j < nold; j++) {
                stale |= now[i] == old[j];
            }
        }
        if (!stale && nnow >= 1) {
            return;
        }
        usleep(50000);
    }
    cr_assert_fail("old Apache children still alive 10 s after graceful");
}

/* The children of this Apache once there are at least want of them
 * (after a graceful restart they come back one a second). */
static size_t children_at_least(size_t want, long *kids, size_t max)
{
    long parent = httpd_parent_pid();
    size_t n = 0;
    int tries;

    for (tries = 0; tries < 300; tries++) {
        if ((n = httpd_children(parent, kids, max)) >= want) {
            break;
        }
        usleep(50000);
    }
    return n;
}


/* A failed test must not leave the database down for what follows. */
static void restart_db_if_down(void)
{
    const char *repo = getenv("NEWSAPI_REPO"), *dir = getenv("NEWSAPI_DBDIR");
    const char *port = getenv("NEWSAPI_DBPORT");
    char *cmd;

    if (repo && dir && port
        && asprintf(&cmd, "'%s/tests/lib/mariadb.sh' status '%s' || "
                    "'%s/tests/lib/mariadb.sh' start '%s' '%s' >/dev/null 2>&1",
                    repo, dir, repo, dir, port) > 0) {
        if (system(cmd) != 0) {
            fprintf(stderr, "could not start MariaDB again\n");
        }
        free(cmd);
    }
}

/* ---- tests ----------------------------------------------------------- */

/* An answer filled by one process is a hit in another: the cache is
 * shared memory, not per process. */
Test(cache, a_fill_in_one_process_is_a_hit_in_another)
{
    const char *tag = probe_tag("xproc");
    char *body = range_body("2019-03-01", "2019-03-31"), st[16];
    long kids[64], fill_pid, pid = 0;
    json_t *before = status_of(base_url()), *after;
    http_resp_t *fill, *r;
    int n;

    cr_assert_geq(children_at_least(2, kids, 64), 2,
                  "this Apache should run several children");

    fill = probe(DISTRICT, body, tag, 0, &fill_pid, st);
    expect_district_answer(fill, "2019-03-01", "2019-03-31");
    expect_cache(fill, "MISS", "first request");
    cr_assert_str_eq(st, "MISS", "access log of the fill says %s", st);

    /* fresh connections until another process answers */
    for (n = 1; n <= 300; n++) {
        r = probe(DISTRICT, body, tag, n, &pid, st);
        cr_assert_eq(r->status, 200);
        expect_cache(r, "HIT", "a repeat of the request");
        expect_same_body(r, fill, "cached answer vs the fill");
        http_free(r);
        if (pid != fill_pid) {
            break;
        }
    }
    cr_assert_neq(pid, fill_pid, "300 requests all went to process %ld",
                  fill_pid);
    cr_assert_str_eq(st, "HIT", "process %ld logged %s", pid, st);

    after = status_of(base_url());
    cr_assert_eq(counter_in(after, "DBQueries")
                 - counter_in(before, "DBQueries"), 1,
                 "one database query for the fill, none for the hits");
    cr_assert_eq(counter_in(after, "CacheMisses")
                 - counter_in(before, "CacheMisses"), 1);
    cr_assert_eq(counter_in(after, "CacheHits")
                 - counter_in(before, "CacheHits"), n,
                 "%d hits expected", n);
    cr_assert(json_is_true(json_object_get(after, "CacheEnabled")));
    json_decref(before);
    json_decref(after);
    http_free(fill);
    free(body);
}

/* NewsApiCacheTTL 2 and NewsApiCachePastTTL 2 (/api/ttl/huyen): both
 * kinds of range are hits within 2 s and misses after. */
Test(cache, answers_expire_after_their_ttl)
{
    static const char *path = "/api/ttl/huyen";
    long off = offset_minutes(env_req("NEWSAPI_CACHE_OFFSET"));
    char today[11], from[11], *past = range_body("2019-04-01", "2019-04-30");
    char *now_body;
    http_resp_t *r;
    long long q0;
    int i;

    today_at(off, today);
    date_add(today, -30, from);
    now_body = range_body(from, today);
    q0 = counter_of(base_url(), "DBQueries");
    for (i = 0; i < 2; i++) {
        const char *body = i ? now_body : past;
        r = post_to(base_url(), path, body);
        expect_cache(r, "MISS", body);
        http_free(r);
        r = post_to(base_url(), path, body);
        expect_cache(r, "HIT", body);
        http_free(r);
    }
    sleep(3);
    r = post_to(base_url(), path, past);
    expect_cache(r, "MISS", "past range 3 s after, TTL 2");
    expect_district_answer(r, "2019-04-01", "2019-04-30");
    http_free(r);
    r = post_to(base_url(), path, now_body);
    expect_cache(r, "MISS", "range to today 3 s after, TTL 2");
    expect_district_answer(r, from, today);
    http_free(r);
    cr_assert_eq(counter_of(base_url(), "DBQueries") - q0, 4);
    free(past);
    free(now_body);
}

/* /api/split/huyen: NewsApiCacheTTL 2, NewsApiCachePastTTL 3600.  A range
 * that ends today - in NewsApiUTCOffset - expires after 2 s; one that
 * ended yesterday stays.  stage-cache.sh picks the offset so that its
 * today is not UTC's: a module that ignored the offset fails here. */
Test(cache, today_in_the_utc_offset_decides_the_ttl)
{
    static const char *path = "/api/split/huyen";
    long off = offset_minutes(env_req("NEWSAPI_CACHE_OFFSET"));
    char today[11], yesterday[11], utc_today[11], from[11];
    char *now_body, *past_body;
    http_resp_t *r;

    today_at(off, today);
    today_at(0, utc_today);
    cr_assert_str_neq(today, utc_today, "the stage should pick an offset "
                      "whose today differs from UTC's (offset %s)",
                      env_req("NEWSAPI_CACHE_OFFSET"));
    date_add(today, -1, yesterday);
    date_add(today, -20, from);
    now_body = range_body(from, today);
    past_body = range_body(from, yesterday);

    r = post_to(base_url(), path, now_body);
    expect_cache(r, "MISS", "range to today");
    expect_district_answer(r, from, today);
    http_free(r);
    r = post_to(base_url(), path, past_body);
    expect_cache(r, "MISS", "range to yesterday");
    expect_district_answer(r, from, yesterday);
    http_free(r);
    r = post_to(base_url(), path, now_body);
    expect_cache(r, "HIT", "range to today, at once");
    http_free(r);

    sleep(3);
    r = post_to(base_url(), path, now_body);
    expect_cache(r, "MISS", "range to today (in the offset) after 3 s: "
                 "NewsApiCacheTTL 2 applies");
    http_free(r);
    r = post_to(base_url(), path, past_body);
    expect_cache(r, "HIT", "range to yesterday (in the offset) after 3 s: "
                 "NewsApiCachePastTTL 3600 applies");
    http_free(r);
    free(now_body);
    free(past_body);
}

/* A graceful restart with the same configuration keeps the cache: the
 * new generation of processes answers from it at once. */
Test(cache, a_graceful_restart_keeps_the_cache)
{
    const char *tag = probe_tag("graceful");
    char *body = range_body("2019-06-01", "2019-06-30"), st[16];
    long parent = httpd_parent_pid(), old[64], pid;
    size_t nold, i;
    long long q0;
    http_resp_t *fill, *r;

    fill = probe(DISTRICT, body, tag, 0, &pid, st);
    expect_district_answer(fill, "2019-06-01", "2019-06-30");
    expect_cache(fill, "MISS", "before the restart");
    nold = httpd_children(parent, old, 64);

    apache_graceful();
    cr_assert_eq(httpd_parent_pid(), parent);
    q0 = counter_of(base_url(), "DBQueries");
    r = probe(DISTRICT, body, tag, 1, &pid, st);
    expect_cache(r, "HIT", "right after the graceful restart");
    expect_same_body(r, fill, "after the restart");
    for (i = 0; i < nold; i++) {
        cr_assert_neq(pid, old[i], "answered by old process %ld", pid);
    }
    cr_assert_eq(counter_of(base_url(), "DBQueries"), q0);
    http_free(r);
    http_free(fill);
    free(body);
}

static void write_requery(const char *text)
{
    char *path;
    FILE *f;
    cr_assert(asprintf(&path, "%s/requery.conf",
                       env_req("NEWSAPI_CACHE_STATE")) > 0);
    f = fopen(path, "w");
    cr_assert(f != NULL, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    chmod(path, 0644);
    free(path);
}

/* The answer's SoLuong of site id (which must be there). */
static long long soluong_of(const http_resp_t *r, long long site)
{
    json_t *a = expect_array(r), *o = find_by_id(a, "Id", site);
    long long v;
    cr_assert(o != NULL, "site %lld not in the answer", site);
    v = json_integer_value(json_object_get(o, "SoLuong"));
    json_decref(a);
    return v;
}

/* A query changed in httpd.conf, then a graceful restart: the old
 * query's answers are not served for the new one (the cache key holds
 * the SQL).  Back to the old query, its answers are still there. */
Test(cache, a_changed_query_gives_fresh_answers_after_graceful)
{
    static const char *path = "/api/requery/huyen";
    char *body = range_body("2019-07-01", "2019-07-31");
    long long site = sql_ll("SELECT MIN(id) FROM sites WHERE commune_id"
                            " IS NULL");
    long long count;
    http_resp_t *first, *r;

    write_requery("# the reference query\n");
    apache_graceful();
    first = post_to(base_url(), path, body);
    expect_district_answer(first, "2019-07-01", "2019-07-31");
    count = soluong_of(first, site);
    r = post_to(base_url(), path, body);
    expect_cache(r, "HIT", "same query, second time");
    http_free(r);

    /* the same columns, every count 1,000,000 higher */
    write_requery(
        "NewsApiDistrictQuery \"SELECT d.id, d.name, s.id, s.name,"
        " 1000000 + (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id"
        " AND a.status = 1 AND a.is_deleted = 0 AND a.published_at >= %s"
        " AND a.published_at < %s) FROM sites s JOIN districts d"
        " ON d.id = s.district_id WHERE s.commune_id IS NULL"
        " ORDER BY d.id, s.id\"\n");
    apache_graceful();
    r = post_to(base_url(), path, body);
    expect_cache(r, "MISS", "the new query's first answer");
    cr_assert_eq(soluong_of(r, site), count + 1000000,
                 "site %lld: the answer is not the new query's", site);
    http_free(r);
    r = post_to(base_url(), path, body);
    expect_cache(r, "HIT", "the new query, second time");
    cr_assert_eq(soluong_of(r, site), count + 1000000);
    http_free(r);

    write_requery("# the reference query\n");
    apache_graceful();
    r = post_to(base_url(), path, body);
    expect_cache(r, "HIT", "back to the reference query");
    expect_same_body(r, first, "back to the reference query");
    http_free(r);
    http_free(first);
    free(body);
}

/* n identical requests at once on a cold key: every answer right and
 * the same bytes; returns the database queries they made (*waits: how
 * many waited for another's fill, *misses: answers marked MISS). */
static long long burst_on_cold_key(const char *path, const char *from,
                                   const char *to, int n, long long *waits,
                                   int *misses)
{
    char *body = range_body(from, to);
    const char **bodies = calloc((size_t)n, sizeof(char *));
    http_resp_t **out = calloc((size_t)n, sizeof(http_resp_t *));
    json_t *before = status_of(base_url()), *after;
    long long queries;
    int i, hits = 0;

    cr_assert(bodies && out);
    for (i = 0; i < n; i++) {
        bodies[i] = body;
    }
    post_burst(base_url(), path, bodies, n, out);
    after = status_of(base_url());

    *misses = 0;
    for (i = 0; i < n; i++) {
        char *st = cache_state(out[i]);
        cr_assert_eq(out[i]->status, 200, "request %d: HTTP %ld: %.300s", i,
                     out[i]->status, out[i]->body);
        expect_same_body(out[i], out[0], "two answers of the burst");
        *misses += strcmp(st, "MISS") == 0;
        hits += strcmp(st, "HIT") == 0;
        free(st);
    }
    cr_assert_eq(*misses + hits, n, "answers neither HIT nor MISS");
    expect_district_answer(out[0], from, to);
    queries = counter_in(after, "DBQueries") - counter_in(before, "DBQueries");
    *waits = counter_in(after, "LeaseWaits") - counter_in(before, "LeaseWaits");
    cr_assert_eq(counter_in(after, "LeaseTimeouts"),
                 counter_in(before, "LeaseTimeouts"));
    for (i = 0; i < n; i++) {
        http_free(out[i]);
    }
    json_decref(before);
    json_decref(after);
    free(out);
    free(bodies);
    free(body);
    return queries;
}

/* A fill that takes half a second: the other 99 wait for it. */
Test(cache, a_stampede_of_100_makes_one_query)
{
    long long waits, q;
    int misses;

    q = burst_on_cold_key("/api/slow/huyen", "2019-08-01", "2019-08-31", 100,
                          &waits, &misses);
    cr_assert_eq(q, 1, "100 identical requests at once made %lld database "
                 "queries", q);
    cr_assert_eq(misses, 1, "%d answers marked MISS", misses);
    cr_assert_gt(waits, 0, "no request waited for the fill: the burst did "
                 "not overlap it");
}

/* The reference query takes milliseconds: bursts on 100 cold keys, one
 * after the other, so that requests that missed the cache just as the
 * fill ends (and so race it) are sure to occur. */
Test(cache, stampedes_on_a_fast_query_make_one_query_each)
{
    enum { KEYS = 100 };
    long long waits, q, total_waits = 0;
    int k, misses, bad = 0, worst = 1;
    char from[11], first_bad[11] = "";

    for (k = 0; k < KEYS; k++) {
        date_add("2019-09-01", k, from);
        q = burst_on_cold_key(DISTRICT, from, "2026-06-30", 100, &waits,
                              &misses);
        total_waits += waits;
        if (q != 1) {
            bad++;
            worst = q > worst ? (int)q : worst;
            if (!*first_bad) {
                memcpy(first_bad, from, sizeof(first_bad));
            }
        }
    }
    cr_assert_eq(bad, 0, "%d of %d bursts of 100 identical requests made "
                 "more than one database query (up to %d; first: TuNgay %s)",
                 bad, KEYS, worst, first_bad);
    cr_assert_gt(total_waits, 0, "no request ever waited for a fill");
}

/* /api/stale/huyen (TTL 1 s, NewsApiCacheStaleTime 3600): with the
 * database down an expired answer is served STALE with a Warning, an
 * answer never cached is a 503; with the database back, fresh answers. */
Test(cache, an_expired_answer_is_served_stale_while_the_database_is_down)
{
    static const char *path = "/api/stale/huyen";
    char *body = range_body("2019-10-01", "2019-10-31");
    char *other = range_body("2019-10-02", "2019-10-31");
    char *warning, *retry;
    http_resp_t *fill, *r;
    long long stale0;
    int i;

    fill = post_to(base_url(), path, body);
    expect_district_answer(fill, "2019-10-01", "2019-10-31");
    expect_cache(fill, "MISS", "fill");
    usleep(1500000);                /* past its 1 s of freshness */
    stale0 = counter_of(base_url(), "CacheStale");

    db_control("stop");
    r = post_to(base_url(), path, body);
    cr_assert_eq(r->status, 200, "expired answer, database down: HTTP %ld:"
                 " %.300s", r->status, r->body);
    expect_cache(r, "STALE", "expired answer, database down");
    expect_same_body(r, fill, "stale answer vs the fill");
    warning = http_header(r, "Warning");
    cr_assert(warning != NULL, "a STALE answer without a Warning header");
    cr_assert(strncmp(warning, "110", 3) == 0, "Warning: %s", warning);
    free(warning);
    http_free(r);
    cr_assert_eq(counter_of(base_url(), "CacheStale") - stale0, 1);

    r = post_to(base_url(), path, other);
    expect_error(r, 503, "database_unavailable", NULL);
    retry = http_header(r, "Retry-After");
    cr_assert(retry != NULL, "503 without Retry-After");
    free(retry);
    http_free(r);

    /* The database state probes it 0.25 s to 1 s apart: until a probe
     * finds it back, the held answer is still served stale. */
    db_control("start");
    for (i = 0;; i++) {
        char *how;

        r = post_to(base_url(), path, body);
        how = cache_state(r);
        if (strcmp(how, "MISS") == 0) {
            free(how);
            break;
        }
        cr_assert_str_eq(how, "STALE", "database back: HTTP %ld",
                         r->status);
        cr_assert_lt(i, 30, "no fresh answer 1.5 s after the database "
                     "was back");
        free(how);
        http_free(r);
        usleep(50000);
    }
    expect_district_answer(r, "2019-10-01", "2019-10-31");
    http_free(r);
    r = post_to(base_url(), path, other);
    expect_district_answer(r, "2019-10-02", "2019-10-31");
    http_free(r);
    http_free(fill);
    free(body);
    free(other);
}

/* Last (Criterion runs a suite's tests by name): four graceful restarts
 * and a database outage later, no child of this Apache has crashed. */
/* The portal list (/api/donvi of the test template) goes through the
 * same cache and counters as the other endpoints. */
Test(cache, the_portal_list_is_cached_and_counted_like_the_others)
{
    json_t *before = status_of(base_url()), *after;
    http_resp_t *fill = http_post_json("/api/donvi", "{\"Huyen_Id\":399}");
    http_resp_t *again = http_post_json("/api/donvi",
                                        "{\"Huyen_Id\":\"399\"}");
    http_resp_t *bad = http_post_json("/api/donvi", "{\"Huyen_Id\":\"x\"}");

    expect_cache(fill, "MISS", "the first request of the list");
    expect_cache(again, "HIT", "the same list asked again");
    expect_same_body(again, fill, "cached list vs the fill");
    expect_error(bad, 400, "invalid_type", "Huyen_Id");
    after = status_of(base_url());
    cr_assert_eq(counter_in(after, "Requests")
                 - counter_in(before, "Requests"), 3);
    cr_assert_eq(counter_in(after, "CacheMisses")
                 - counter_in(before, "CacheMisses"), 1);
    cr_assert_eq(counter_in(after, "CacheHits")
                 - counter_in(before, "CacheHits"), 1);
    cr_assert_eq(counter_in(after, "DBQueries")
                 - counter_in(before, "DBQueries"), 1);
    cr_assert_eq(counter_in(after, "ClientErrors")
                 - counter_in(before, "ClientErrors"), 1);
    json_decref(before);
    json_decref(after);
    http_free(fill);
    http_free(again);
    http_free(bad);
}

Test(cache, zz_no_child_died)
{
    cr_assert(!errlog_contains_after(0, "exit signal"),
              "a child of the cache Apache died (see 'exit signal' in %s/"
              "error.log)", env_req("NEWSAPI_HTTPD_DIR"));
    cr_assert(!errlog_contains_after(0, "Assertion"),
              "an assertion failed in the cache Apache");
}
