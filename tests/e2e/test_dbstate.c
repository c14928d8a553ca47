/*
 * test_dbstate.c - when the database is slow or gone (issue 10).
 *
 *   outage/   MariaDB stopped under a running Apache: the first failures
 *             mark it down; then 503 database_unavailable at once, with
 *             Retry-After and without asking mod_dbd for a connection,
 *             stale answers where held, a handful of log lines for the
 *             whole outage; the first request after it is back succeeds
 *             within a second.  Stops and starts the suite's MariaDB.
 *   dbd/      more threads than DBDMax: the requests that find the pool
 *             taken wait only until NewsApiDBQueryWait, then 503
 *             server_busy; none hangs in mod_dbd.
 *   admit/    NewsApiMaxDBQueries 1, NewsApiDBMaxWaiting 2: the requests
 *             past the waiting bound get 503 server_busy at once.
 *
 * Run by tests/e2e/stage-dbstate.sh: outage and dbd against
 * dbstate-main.conf (NEWSAPI_URL), admit against dbstate-admit.conf
 * (NEWSAPI_URL2).
 */
#include "test_cache_lib.c"

TestSuite(outage, .timeout = 120);
TestSuite(dbd, .timeout = 60);
TestSuite(admit, .timeout = 60);

#define QUERY_WAIT 2.0          /* NewsApiDBQueryWait of both confs */
#define SLOW_STATEMENT 1.5      /* their /slow/huyen */
#define SLOW_PATH "/slow/huyen"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* A range no other request of this runner asks (day n after 2015-01-01). */
static char *fresh_range(void)
{
    static int n;
    char from[11], to[11];
    date_add("2015-01-01", n, from);
    date_add("2015-01-01", n + 1, to);
    n += 2;
    return range_body(from, to);
}

/* n POSTs at once; out[i] with secs[i], the time each took. */
static void burst_timed(const char *base, const char *path,
                        char *const *bodies, int n, http_resp_t **out,
                        double *secs)
{
    struct curl_slist *hdr = cache_json_headers();
    CURLM *m = curl_multi_init();
    CURL *h[32];
    cbuf_t bb[32] = { { 0 } }, hb[32] = { { 0 } };
    char *url;
    int i;

    cr_assert(n <= 32 && m != NULL);
    cr_assert(asprintf(&url, "%s%s", base, path) > 0);
    for (i = 0; i < n; i++) {
        h[i] = cache_handle(url, bodies[i], hdr, &bb[i], &hb[i]);
        curl_multi_add_handle(m, h[i]);
    }
    multi_run(m);
    for (i = 0; i < n; i++) {
        out[i] = cache_resp(h[i], &bb[i], &hb[i]);
        curl_easy_getinfo(h[i], CURLINFO_TOTAL_TIME, &secs[i]);
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
    }
    curl_slist_free_all(hdr);
    curl_multi_cleanup(m);
    free(url);
}

static http_resp_t *timed_post(const char *path, const char *body,
                               double *secs)
{
    double t0 = now_s();
    http_resp_t *r = post_to(base_url(), path, body);
    *secs = now_s() - t0;
    return r;
}

/* Retry-After of a 503: present, whole seconds from lo to hi. */
static void expect_retry_after(const http_resp_t *r, long lo, long hi)
{
    char *v = http_header(r, "Retry-After");
    long n;

    cr_assert(v != NULL, "a 503 without Retry-After: %s", r->body);
    n = strtol(v, NULL, 10);
    cr_assert(n >= lo && n <= hi, "Retry-After %s, want %ld to %ld", v, lo,
              hi);
    free(v);
}

/* Lines of the error log after offset holding needle, but for the
 * module's debug and info lines (LogLevel newsapi:debug here). */
static int log_lines_after(long offset, const char *needle)
{
    char *path, line[8192];
    FILE *f;
    int n = 0;

    cr_assert(asprintf(&path, "%s/error.log", env_req("NEWSAPI_HTTPD_DIR"))
              > 0);
    f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s", path);
    fseek(f, offset, SEEK_SET);
    while (fgets(line, sizeof(line), f)) {
        n += strstr(line, needle) != NULL && !strstr(line, "newsapi:debug]")
             && !strstr(line, "newsapi:info]");
    }
    fclose(f);
    free(path);
    return n;
}

Test(outage, one_outage_one_story)
{
    const char *base = base_url();
    char *held = range_body("2024-02-01", "2024-02-29");
    long long acq0, probes0, outages0, down_refused0;
    http_resp_t *r, *first;
    double secs, t0, elapsed, back;
    long log_at;
    json_t *st;
    int i, refused = 0;

    /* an answer the cache holds, soon expired (TTL 1 s): served stale
     * during the outage */
    first = post_to(base, DISTRICT_PATH, held);
    expect_district_answer(first, "2024-02-01", "2024-03-01");
    sleep(2);

    outages0 = counter_of(base, "DBOutages");
    log_at = errlog_size();
    db_control("stop");

    /* the first request finds it gone and marks it down */
    r = timed_post(DISTRICT_PATH, fresh_range(), &secs);
    expect_error(r, 503, "database_unavailable", NULL);
    expect_retry_after(r, 1, 2);
    http_free(r);
    st = status_of(base);
    cr_assert_eq(counter_in(st, "DBDown"), 1, "not marked down");
    cr_assert_eq(counter_in(st, "DBOutages"), outages0 + 1);
    acq0 = counter_in(st, "DBAcquires");
    probes0 = counter_in(st, "DBProbes");
    down_refused0 = counter_in(st, "DBDownRefused");
    json_decref(st);

    /* then every request is refused at once, and mod_dbd is not asked;
     * one at a time probes, every 0.25 s to 1 s */
    t0 = now_s();
    for (i = 0; i < 30; i++) {
        r = timed_post(i % 2 ? DISTRICT_PATH : SLOW_PATH, fresh_range(),
                       &secs);
        expect_error(r, 503, "database_unavailable", NULL);
        expect_retry_after(r, 1, 2);
        cr_assert_lt(secs, 0.5, "a refusal took %.2f s (NewsApiDBQueryWait "
                     "%.0f s)", secs, QUERY_WAIT);
        http_free(r);
        refused++;
        usleep(100000);
    }
    elapsed = now_s() - t0;

    /* a held answer beats a 503 */
    r = post_to(base, DISTRICT_PATH, held);
    expect_cache(r, "STALE", "the held answer during the outage");
    expect_same_body(r, first, "the held answer, stale");
    http_free(r);
    http_free(first);

    st = status_of(base);
    cr_assert_eq(counter_in(st, "DBDown"), 1);
    cr_assert_eq(counter_in(st, "DBAcquires"), acq0,
                 "connections were asked of mod_dbd while it was down");
    cr_assert_geq(counter_in(st, "DBProbes") - probes0, 2,
                  "no probes in %.1f s", elapsed);
    cr_assert_leq(counter_in(st, "DBProbes") - probes0,
                  (long long)(elapsed / 0.25) + 1,
                  "probes more often than every 0.25 s");
    cr_assert_geq(counter_in(st, "DBDownRefused") - down_refused0, refused);
    cr_assert_eq(counter_in(st, "DBOutages"), outages0 + 1,
                 "one outage counted more than once");
    json_decref(st);

    /* one story: the start, at most a "still down" line (every 5 s) */
    cr_assert_eq(log_lines_after(log_at, "NEWSAPI0701"), 1);
    cr_assert_leq(log_lines_after(log_at, "NEWSAPI07"), 2);
    cr_assert_leq(log_lines_after(log_at, "NEWSAPI"), 6,
                  "the module wrote %d lines for one outage",
                  log_lines_after(log_at, "NEWSAPI"));
    /* mod_dbd's own lines: only those of the first request's attempts */
    cr_assert_leq(log_lines_after(log_at, "AH0"), 12,
                  "mod_dbd wrote %d lines", log_lines_after(log_at, "AH0"));

    /* back: the first request that comes is answered within a second */
    db_control("start");
    t0 = now_s();
    for (;;) {
        char *body = fresh_range();
        r = post_to(base, DISTRICT_PATH, body);
        if (r->status == 200) {
            json_decref(expect_array(r));
            http_free(r);
            free(body);
            break;
        }
        expect_error(r, 503, "database_unavailable", NULL);
        http_free(r);
        free(body);
        cr_assert_lt(now_s() - t0, 5.0, "no answer 5 s after the restart");
        usleep(50000);
    }
    back = now_s() - t0;
    cr_assert_lt(back, 1.0, "first answer %.2f s after the database was "
                 "back", back);
    cr_assert_eq(counter_of(base, "DBDown"), 0);
    cr_assert_eq(log_lines_after(log_at, "NEWSAPI0702"), 1,
                 "no line saying the database is back");
    r = post_district("2024-03-01", "2024-03-31");
    expect_district_answer(r, "2024-03-01", "2024-04-01");
    http_free(r);
    free(held);
}

/* 8 statements of 1.5 s on 8 threads of one process with DBDMax 2: two
 * rounds of 2 get in before the 2 s deadline, the other 4 are refused at
 * it; without the bound they would queue in mod_dbd for 6 s. */
Test(dbd, more_threads_than_connections)
{
    const char *base = base_url();
    char *bodies[8];
    http_resp_t *out[8];
    double secs[8], slowest = 0;
    long long busy0 = counter_of(base, "BusyDBD");
    int i, ok = 0, busy = 0;

    for (i = 0; i < 8; i++) {
        bodies[i] = fresh_range();
    }
    burst_timed(base, SLOW_PATH, bodies, 8, out, secs);
    for (i = 0; i < 8; i++) {
        if (out[i]->status == 200) {
            json_decref(expect_array(out[i]));
            ok++;
        }
        else {
            expect_error(out[i], 503, "server_busy", NULL);
            expect_retry_after(out[i], 1, 5);
            busy++;
        }
        slowest = secs[i] > slowest ? secs[i] : slowest;
        http_free(out[i]);
        free(bodies[i]);
    }
    cr_assert_geq(ok, 2, "%d answered, %d busy", ok, busy);
    cr_assert_geq(busy, 1, "%d answered, %d busy: nothing was bounded", ok,
                  busy);
    cr_assert_leq(slowest, QUERY_WAIT + SLOW_STATEMENT + 1.0,
                  "a request took %.2f s", slowest);
    cr_assert_eq(counter_of(base, "BusyDBD") - busy0, busy);
}

/* One slot, two may wait: of 7 at once, 1 runs, 2 wait, 4 are refused
 * at once. */
Test(admit, waiting_is_bounded)
{
    const char *base = env_req("NEWSAPI_URL2");
    char *bodies[7];
    http_resp_t *out[7];
    double secs[7], slowest = 0;
    long long bw0 = counter_of(base, "BusyWaiting");
    int i, ok = 0, at_once = 0;
    json_t *st;

    st = status_of(base);
    cr_assert_eq(counter_in(st, "DBMaxWaiting"), 2);
    cr_assert_eq(counter_in(st, "DBWaiting"), 0);
    json_decref(st);
    for (i = 0; i < 7; i++) {
        bodies[i] = fresh_range();
    }
    burst_timed(base, SLOW_PATH, bodies, 7, out, secs);
    for (i = 0; i < 7; i++) {
        if (out[i]->status == 200) {
            json_decref(expect_array(out[i]));
            ok++;
        }
        else {
            expect_error(out[i], 503, "server_busy", NULL);
            expect_retry_after(out[i], 1, 5);
            at_once += secs[i] < 0.5;
        }
        slowest = secs[i] > slowest ? secs[i] : slowest;
        http_free(out[i]);
        free(bodies[i]);
    }
    cr_assert_geq(ok, 1);
    cr_assert_geq(at_once, 4, "%d refused at once, want 4", at_once);
    cr_assert_geq(counter_of(base, "BusyWaiting") - bw0, 4);
    cr_assert_leq(slowest, QUERY_WAIT + 2 * SLOW_STATEMENT + 1.0,
                  "a request took %.2f s", slowest);
    cr_assert_eq(counter_of(base, "DBWaiting"), 0, "waiting places leaked");
}
