/*
 * test_visits_count.c - the visitor counter Apache keeps itself, end to
 * end: page views served by real Apaches (tests/e2e/visits-counter.conf)
 * reach visits_daily in the real MariaDB exactly once.
 *
 * tests/e2e/stage-visits.sh starts four Apaches on one database and runs
 * this alone, one suite at a time (--jobs 1; the tests restart Apaches
 * and the database):
 *
 *   A, B  NewsApiVisitFlushInterval 1: two nodes counting the same sites
 *   C     NewsApiVisitFlushInterval 3600: only the flush at child exit
 *         can bring its counts to the database
 *   D     as A, plus a site the database refuses (suite visits_refused)
 *
 * Environment: NEWSAPI_VISITS_{A,B,C,D}_URL and NEWSAPI_VISITS_{A,B,C,D}_DIR
 * (base URL and folder of each Apache), plus those of common.h.
 *
 * Every test counts pages of its own site (tests/e2e/visits-data.sql), so
 * its expected figure is exact: the sum of visits_daily over every day of
 * that site.  The days must be today in UTC+7 (the module's default
 * NewsApiUTCOffset), read from the database before and after.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include "common.h"

TestSuite(visits_count, .timeout = 240);
TestSuite(visits_stop, .timeout = 120);
TestSuite(visits_refused, .timeout = 120);
TestSuite(visits_hosts, .timeout = 120);

#define DISTRICT   99301LL
#define SITE_A     993011LL     /* NewsApiSiteHost a.test */
#define SITE_B     993012LL     /* NewsApiSiteHost B.Test */
#define SITE_LOC   993013LL     /* <Location /siteid/> */
#define SITE_VHOST 993014LL     /* <VirtualHost> vhost.test */
#define SITE_ONL   993015LL     /* <Location /online/> */
#define SITE_GR    993021LL     /* <Location /graceful/> */
#define SITE_OUT   993022LL     /* <Location /outage/> */
#define SITE_EXIT  993023LL     /* <Location /atexit/> */
#define SITE_STOP  993024LL     /* <Location /stop/> */
#define SITE_RST   993025LL     /* <Location /restarts/> */

#define BROWSER "Mozilla/5.0 (X11; Linux x86_64) e2e-browser"

/* One request of a mix and what it must give. */
typedef struct {
    const char *method;     /* GET, HEAD or POST */
    const char *path;
    const char *host;       /* Host header; NULL: curl's own (127.0.0.1) */
    const char *agent;      /* User-Agent; NULL: none sent */
    const char *extra;      /* one more request header, or NULL */
    long want;              /* the status it must get */
    long long site;         /* the site it counts for; 0: not a page view */
} page_t;

/* ---- the Apaches ----------------------------------------------------- */

static const char *inst_env(char which, const char *what)
{
    char name[64];
    snprintf(name, sizeof(name), "NEWSAPI_VISITS_%c_%s", which, what);
    return env_req(name);
}

static void apache(const char *cmd, char which)
{
    int rc = run_cmd("'%s/tests/lib/apache.sh' %s '%s'",
                     env_req("NEWSAPI_REPO"), cmd, inst_env(which, "DIR"));
    cr_assert_eq(rc, 0, "apache.sh %s of Apache %c failed", cmd, which);
}


static long parent_pid(char which)
{
    char *path, buf[32] = "";
    FILE *f;
    cr_assert(asprintf(&path, "%s/httpd.pid", inst_env(which, "DIR")) > 0);
    f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s", path);
    cr_assert(fgets(buf, sizeof(buf), f) != NULL);
    fclose(f);
    free(path);
    return strtol(buf, NULL, 10);
}

static long file_size(char which, const char *name)
{
    char *path;
    FILE *f;
    long n = 0;
    cr_assert(asprintf(&path, "%s/%s", inst_env(which, "DIR"), name) > 0);
    f = fopen(path, "r");
    if (f) {
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fclose(f);
    }
    free(path);
    return n;
}

/* The text of an instance's file from offset on (malloc'd). */
static char *file_from(char which, const char *name, long offset)
{
    char *path, *text;
    FILE *f;
    long end;
    size_t n;
    cr_assert(asprintf(&path, "%s/%s", inst_env(which, "DIR"), name) > 0);
    f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    end = ftell(f);
    if (offset > end) {
        offset = end;
    }
    fseek(f, offset, SEEK_SET);
    text = malloc((size_t)(end - offset) + 1);
    cr_assert(text != NULL);
    n = fread(text, 1, (size_t)(end - offset), f);
    text[n] = '\0';
    fclose(f);
    free(path);
    return text;
}

/* Distinct pids in visits-access.log lines (after offset) of status 200
 * whose path starts with prefix. */
static int pids_serving(char which, long offset, const char *prefix)
{
    char *text = file_from(which, "visits-access.log", offset), *line, *save;
    long pids[256];
    int n = 0, i;

    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        long pid, status;
        char method[16], host[128], path[512];
        if (sscanf(line, "%ld %ld %15s %127s %511s", &pid, &status, method,
                   host, path) != 5 || status != 200
            || strncmp(path, prefix, strlen(prefix)) != 0) {
            continue;
        }
        for (i = 0; i < n && pids[i] != pid; i++) {
        }
        if (i == n && n < 256) {
            pids[n++] = pid;
        }
    }
    free(text);
    return n;
}

/* ---- HTTP: many requests at once, with headers of their own ---------- */

static size_t discard(char *s, size_t size, size_t n, void *ud)
{
    (void)s;
    (void)ud;
    return size * n;
}

/* Sends reqs[0..n) to base, at most parallel connections at a time; every
 * other request on a connection of its own, the rest on kept-alive ones.
 * Asserts every status; returns the page views of site among them. */
static long long fire(const char *base, const page_t *reqs, size_t n,
                      int parallel, long long site)
{
    CURLM *m = curl_multi_init();
    CURL **h = calloc(n, sizeof(CURL *));
    struct curl_slist **hdr = calloc(n, sizeof(struct curl_slist *));
    char **urls = calloc(n, sizeof(char *));
    long long views = 0;
    size_t i;

    cr_assert(m && h && hdr && urls);
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)parallel);
    for (i = 0; i < n; i++) {
        const page_t *q = &reqs[i];
        char *line;

        cr_assert(asprintf(&urls[i], "%s%s", base, q->path) > 0);
        h[i] = curl_easy_init();
        cr_assert(h[i] != NULL);
        curl_easy_setopt(h[i], CURLOPT_URL, urls[i]);
        curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(h[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, discard);
        if (q->host) {
            cr_assert(asprintf(&line, "Host: %s", q->host) > 0);
            hdr[i] = curl_slist_append(hdr[i], line);
            free(line);
        }
        if (q->extra) {
            hdr[i] = curl_slist_append(hdr[i], q->extra);
        }
        hdr[i] = curl_slist_append(hdr[i], "Expect:");
        curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hdr[i]);
        if (q->agent) {
            curl_easy_setopt(h[i], CURLOPT_USERAGENT, q->agent);
        }
        if (strcmp(q->method, "HEAD") == 0) {
            curl_easy_setopt(h[i], CURLOPT_NOBODY, 1L);
        }
        else if (strcmp(q->method, "POST") == 0) {
            curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, "q=1");
        }
        if (i % 2) {
            curl_easy_setopt(h[i], CURLOPT_FRESH_CONNECT, 1L);
            curl_easy_setopt(h[i], CURLOPT_FORBID_REUSE, 1L);
        }
        curl_multi_add_handle(m, h[i]);
    }
    multi_run(m);
    for (i = 0; i < n; i++) {
        long status = 0;
        curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status);
        cr_assert_eq(status, reqs[i].want, "%s %s (Host %s, UA %s): HTTP %ld,"
                     " want %ld", reqs[i].method, reqs[i].path,
                     reqs[i].host ? reqs[i].host : "-",
                     reqs[i].agent ? reqs[i].agent : "-", status,
                     reqs[i].want);
        if (reqs[i].site == site) {
            views++;
        }
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
        curl_slist_free_all(hdr[i]);
        free(urls[i]);
    }
    curl_multi_cleanup(m);
    free(h);
    free(hdr);
    free(urls);
    return views;
}

/* n GETs of path by a browser: n page views of site. */
static long long pages(char which, const char *path, const char *host,
                       size_t n, long long site)
{
    page_t *reqs = calloc(n, sizeof(page_t));
    long long views;
    size_t i;
    cr_assert(reqs != NULL);
    for (i = 0; i < n; i++) {
        page_t q = { "GET", path, host, BROWSER, NULL, 200, site };
        reqs[i] = q;
    }
    views = fire(inst_env(which, "URL"), reqs, n, 16, site);
    free(reqs);
    return views;
}

/* ---- the database side ---------------------------------------------- */

static void today_utc7(char out[11])
{
    char *s = sql_run("SELECT DATE(CONVERT_TZ(UTC_TIMESTAMP(), '+00:00',"
                      " '+07:00'))");
    cr_assert(strlen(s) >= 10, "no date from SQL: %s", s);
    memcpy(out, s, 10);
    out[10] = '\0';
    free(s);
}

static long long hits_of(long long site)
{
    return sql_ll("SELECT COALESCE(SUM(hits), 0) FROM visits_daily"
                  " WHERE site_id = %lld", site);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The last lines of the error logs of the Apaches in which (e.g. "AB"),
 * for a failure message (malloc'd). */
static char *log_tails(const char *which)
{
    char *all = strdup(""), *next;
    for (; which && *which; which++) {
        long size = file_size(*which, "error.log");
        char *text = file_from(*which, "error.log", size > 2500 ? size - 2500
                                                               : 0);
        cr_assert(asprintf(&next, "%s\n---- Apache %c, error.log ----\n%s",
                           all, *which, text) > 0);
        free(all);
        free(text);
        all = next;
    }
    return all;
}

/* Polls visits_daily until site has want hits (never more) within
 * seconds, then, settle seconds later, checks it still has exactly want:
 * nothing lost, nothing written twice.  On failure the message shows the
 * end of the error logs of the Apaches in which. */
static void expect_hits(long long site, long long want, double seconds,
                        double settle, const char *when, const char *which)
{
    double end = now_s() + seconds;
    long long got;

    for (;;) {
        got = hits_of(site);
        if (got > want) {
            cr_assert_fail("%s: site %lld has %lld hits in visits_daily, more than"
                    " the %lld page views sent%s", when, site, got, want,
                    log_tails(which));
        }
        if (got == want) {
            break;
        }
        if (now_s() >= end) {
            cr_assert_fail("%s: site %lld has %lld hits in visits_daily after"
                    " %.0f s, want %lld%s", when, site, got, seconds, want,
                    log_tails(which));
        }
        usleep(200000);
    }
    if (settle > 0) {
        usleep((useconds_t)(settle * 1e6));
        got = hits_of(site);
        if (got != want) {
            cr_assert_fail("%s: site %lld had %lld hits, then %lld%s", when, site,
                    want, got, log_tails(which));
        }
    }
}

/* Every row of site is dated today in UTC+7 (between from and to, the
 * dates read before and after the requests: the test may cross a
 * midnight). */
static void expect_days(long long site, const char *from, const char *to)
{
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM visits_daily WHERE site_id ="
                        " %lld", site), 0, "no row for site %lld", site);
    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM visits_daily WHERE site_id ="
                        " %lld AND day NOT BETWEEN '%s' AND '%s'", site,
                        from, to), 0,
                 "site %lld has rows on days other than %s..%s (UTC+7): %s",
                 site, from, to,
                 sql_run("SELECT day, hits FROM visits_daily"
                         " WHERE site_id = %lld", site));
}

static size_t children_of(long parent, long *out, size_t max)
{
    char cmd[128], *text, *line, *save;
    size_t n = 0;
    snprintf(cmd, sizeof(cmd), "ps -o pid= --ppid %ld", parent);
    run_capture(&text, "%s", cmd);
    for (line = strtok_r(text, "\n", &save); line && n < max;
         line = strtok_r(NULL, "\n", &save)) {
        long pid = strtol(line, NULL, 10);
        char path[64], buf[512], *p;
        FILE *f;
        snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
        if (pid <= 0 || (f = fopen(path, "r")) == NULL) {
            continue;
        }
        if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL
            && p[2] != 'Z') {
            out[n++] = pid;
        }
        fclose(f);
    }
    free(text);
    return n;
}

/* Waits until none of the children in before[0..n) of Apache which is
 * alive any more (a graceful restart's old generation has exited, and so
 * has flushed). */
static void wait_generation_gone(char which, const long *before, size_t n)
{
    long after[64];
    size_t nafter, i, j;
    int shared;
    double end = now_s() + 20;

    do {
        usleep(100000);
        nafter = children_of(parent_pid(which), after, 64);
        shared = 0;
        for (i = 0; i < nafter; i++) {
            for (j = 0; j < n; j++) {
                shared += after[i] == before[j];
            }
        }
    } while (shared && now_s() < end);
    cr_assert_eq(shared, 0, "children of Apache %c's old generation still"
                 " alive 20 s after a graceful restart", which);
}

/* ---- the visits endpoint --------------------------------------------- */

/* A JSON POST to Apache which (common.c's http_do speaks to NEWSAPI_URL,
 * which this runner does not otherwise use). */
static http_resp_t *post_on(char which, const char *path, const char *body)
{
    setenv("NEWSAPI_URL", inst_env(which, "URL"), 1);
    return http_post_json(path, body);
}

/* The uncached commune answer of district 99301 from Apache which. */
static json_t *live_commune(char which, const char *from, const char *to)
{
    char body[160], *how;
    http_resp_t *r;
    json_t *a;

    snprintf(body, sizeof(body), "{\"Huyen_Id\":%lld,\"TuNgay\":\"%s\","
             "\"DenNgay\":\"%s\"}", DISTRICT, from, to);
    r = post_on(which, "/live/truycap/xa", body);
    a = expect_array(r);
    how = http_header(r, "X-NewsApi-Cache");
    cr_assert(how == NULL || strcmp(how, "HIT") != 0,
              "the uncached Location answered from the cache");
    free(how);
    http_free(r);
    return a;
}

static long long member(json_t *a, long long site, const char *key)
{
    json_t *o = find_by_id(a, "Id", site), *v;
    cr_assert(o != NULL, "site %lld not in the answer", site);
    v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "site %lld: %s is not an integer", site,
              key);
    return json_integer_value(v);
}

/* ---- the tests ------------------------------------------------------- */

/* One round of the mix: what counts and what does not.  "AT" is the Host
 * header with a port and capitals. */
static size_t mix_round(page_t *out, const char *at)
{
    const page_t round[] = {
        /* page views */
        { "GET", "/index.html", "a.test", BROWSER, NULL, 200, SITE_A },
        { "GET", "/page.xhtml", "a.test", BROWSER, NULL, 200, SITE_A },
        { "GET", "/dir/", "a.test", BROWSER, NULL, 200, SITE_A },
        { "GET", "/index.html", at, BROWSER, NULL, 200, SITE_A },
        { "GET", "/index.html", "a.test", NULL, NULL, 200, SITE_A },
        { "GET", "/index.html", "b.test", BROWSER, NULL, 200, SITE_B },
        { "GET", "/siteid/index.html", "b.test", BROWSER, NULL, 200,
          SITE_LOC },
        { "GET", "/siteid/", NULL, BROWSER, NULL, 200, SITE_LOC },
        { "GET", "/index.html", "vhost.test", BROWSER, NULL, 200,
          SITE_VHOST },
        /* assets */
        { "GET", "/style.css", "a.test", BROWSER, NULL, 200, 0 },
        { "GET", "/logo.png", "a.test", BROWSER, NULL, 200, 0 },
        { "GET", "/app.js", "vhost.test", BROWSER, NULL, 200, 0 },
        { "GET", "/siteid/logo.png", "b.test", BROWSER, NULL, 200, 0 },
        /* robots */
        { "GET", "/index.html", "a.test",
          "Mozilla/5.0 (compatible; Googlebot/2.1)", NULL, 200, 0 },
        { "GET", "/index.html", "b.test", "MJ12BOT/v1.4", NULL, 200, 0 },
        { "GET", "/siteid/", "b.test", "facebookexternalhit/1.1", NULL,
          200, 0 },
        /* errors and redirects (an HTML 404 page among them) */
        { "GET", "/missing.html", "a.test", BROWSER, NULL, 404, 0 },
        { "GET", "/siteid/missing.html", "b.test", BROWSER, NULL, 404, 0 },
        { "GET", "/moved.html", "a.test", BROWSER, NULL, 302, 0 },
        { "GET", "/dir", "a.test", BROWSER, NULL, 301, 0 },
        /* not a 200 */
        { "GET", "/index.html", "a.test", BROWSER,
          "If-Modified-Since: Wed, 01 Jan 2025 00:00:00 GMT", 304, 0 },
        { "GET", "/index.html", "a.test", BROWSER, "Range: bytes=0-9", 206,
          0 },
        /* not a GET */
        { "HEAD", "/index.html", "a.test", BROWSER, NULL, 200, 0 },
        { "HEAD", "/siteid/index.html", "b.test", BROWSER, NULL, 200, 0 },
        { "POST", "/index.html", "a.test", BROWSER, NULL, 200, 0 },
        /* no site: counting off, or a host name nobody named */
        { "GET", "/nocount/index.html", "a.test", BROWSER, NULL, 200, 0 },
        { "GET", "/index.html", NULL, BROWSER, NULL, 200, 0 },
        { "GET", "/index.html", "c.test", BROWSER, NULL, 200, 0 },
    };
    size_t i, n = sizeof(round) / sizeof(round[0]);
    for (i = 0; i < n; i++) {
        out[i] = round[i];
    }
    return n;
}

#define ROUNDS 60

/* The page views of site among reqs[0..n). */
static long long views_of(const page_t *reqs, size_t n, long long site)
{
    long long v = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        v += reqs[i].site == site;
    }
    return v;
}

/* ROUNDS rounds of the mix on one Apache, in one go over 24 connections
 * at a time; adds its page views per site to views[]. */
static void mix_on(char which, const long long *sites, long long *views,
                   int nsites)
{
    page_t *reqs = calloc(ROUNDS * 40, sizeof(page_t));
    char at[64];
    size_t n = 0;
    int r, k;

    cr_assert(reqs != NULL);
    /* the Host header with its port and in capitals */
    snprintf(at, sizeof(at), "A.TEST:%s",
             strrchr(inst_env(which, "URL"), ':') + 1);
    for (r = 0; r < ROUNDS; r++) {
        n += mix_round(reqs + n, at);
    }
    fire(inst_env(which, "URL"), reqs, n, 24, 0);
    for (k = 0; k < nsites; k++) {
        views[k] += views_of(reqs, n, sites[k]);
    }
    free(reqs);
}

Test(visits_count, a_mix_of_requests_on_two_apaches_counts_exactly)
{
    static const long long sites[4] = { SITE_A, SITE_B, SITE_LOC,
                                        SITE_VHOST };
    static const long long per_round[4] = { 5, 1, 2, 1 };
    long long views[4] = { 0 };
    char d0[11], d1[11];
    long log_a = file_size('A', "visits-access.log");
    json_t *ans;
    int k, nproc;

    for (k = 0; k < 4; k++) {
        cr_assert_eq(hits_of(sites[k]), 0, "site %lld not clean",
                     sites[k]);
    }
    today_utc7(d0);
    mix_on('A', sites, views, 4);
    mix_on('B', sites, views, 4);
    for (k = 0; k < 4; k++) {
        cr_assert_eq(views[k], per_round[k] * ROUNDS * 2,
                     "the mix has %lld views of site %lld", views[k],
                     sites[k]);
    }

    /* the premise: A's requests were served by more than one child */
    nproc = pids_serving('A', log_a, "/");
    cr_assert_geq(nproc, 2, "Apache A served the mix with %d child(ren)"
                  " only", nproc);

    for (k = 0; k < 4; k++) {
        expect_hits(sites[k], views[k], 20, k == 3 ? 2.5 : 0,
                    "two Apaches, flush interval 1 s", "AB");
    }
    today_utc7(d1);
    for (k = 0; k < 4; k++) {
        expect_days(sites[k], d0, d1);
    }

    /* the visits endpoint says the same, on either Apache */
    ans = live_commune('B', d0, d1);
    for (k = 0; k < 4; k++) {
        cr_assert_eq(member(ans, sites[k], "SoLuotTruyCap"), views[k]);
        cr_assert_eq(member(ans, sites[k], "TongLuotTruyCap"), views[k]);
    }
    json_decref(ans);
}

Test(visits_count, b_online_now_is_distinct_visitors_of_this_apache)
{
    const int K = 6;
    page_t reqs[64];
    char agents[8][80], d[11];
    size_t n = 0;
    int i, j;
    json_t *ans;

    for (i = 0; i < K; i++) {
        snprintf(agents[i], sizeof(agents[i]),
                 "Mozilla/5.0 (e2e visitor %d)", i);
        for (j = 0; j <= i % 3; j++) {      /* 1 to 3 pages each */
            page_t q = { "GET", j ? "/online/" : "/online/index.html",
                         "online.test", agents[i], NULL, 200, SITE_ONL };
            reqs[n++] = q;
        }
    }
    /* no visitor: a robot, an asset, an error, a HEAD, each with a user
     * agent seen nowhere else */
    {
        const page_t more[] = {
            { "GET", "/online/", NULL, "Googlebot/2.1 (e2e)", NULL, 200, 0 },
            { "GET", "/online/logo.png", NULL, "Mozilla/5.0 (e2e asset)",
              NULL, 200, 0 },
            { "GET", "/online/nope.html", NULL, "Mozilla/5.0 (e2e 404)",
              NULL, 404, 0 },
            { "HEAD", "/online/", NULL, "Mozilla/5.0 (e2e head)", NULL, 200,
              0 },
        };
        for (i = 0; i < 4; i++) {
            reqs[n++] = more[i];
        }
    }
    fire(inst_env('A', "URL"), reqs, n, 8, SITE_ONL);

    today_utc7(d);
    ans = live_commune('A', d, d);
    cr_assert_eq(member(ans, SITE_ONL, "DangTruyCap"), K,
                 "DangTruyCap on the Apache that served %d visitors", K);
    /* nobody is online on a site nobody visited */
    cr_assert_eq(member(ans, 993003, "DangTruyCap"), 0);
    json_decref(ans);

    /* the other Apache saw none of them */
    ans = live_commune('B', d, d);
    cr_assert_eq(member(ans, SITE_ONL, "DangTruyCap"), 0,
                 "Apache B reports visitors that only A saw");
    json_decref(ans);

    /* the same visitors again are not new visitors; one more is */
    fire(inst_env('A', "URL"), reqs, 3, 3, SITE_ONL);
    {
        page_t q = { "GET", "/online/", NULL, "Mozilla/5.0 (e2e late)",
                     NULL, 200, SITE_ONL };
        fire(inst_env('A', "URL"), &q, 1, 1, SITE_ONL);
    }
    ans = live_commune('A', d, d);
    cr_assert_eq(member(ans, SITE_ONL, "DangTruyCap"), K + 1);
    json_decref(ans);
}

/* Background graceful restart of Apache which; done is created when it
 * has finished, holding its exit status. */
static void graceful_in_background(char which, const char *done)
{
    unlink(done);
    cr_assert_eq(run_cmd("( '%s/tests/lib/apache.sh' graceful '%s';"
                         " echo $? > '%s.tmp'; mv '%s.tmp' '%s' )"
                         " >/dev/null 2>&1 &",
                         env_req("NEWSAPI_REPO"), inst_env(which, "DIR"),
                         done, done, done), 0);
}

Test(visits_count, c_graceful_restart_in_the_middle_loses_nothing)
{
    char done[512];
    long parent = parent_pid('A'), before[64];
    size_t nbefore;
    long long want = 0;
    double end;
    int batches = 0;

    snprintf(done, sizeof(done), "%s/graceful.done", inst_env('A', "DIR"));
    cr_assert_eq(hits_of(SITE_GR), 0);
    /* before */
    want += pages('A', "/graceful/", "a.test", 60, SITE_GR);
    want += pages('B', "/graceful/index.html", NULL, 40, SITE_GR);
    nbefore = children_of(parent, before, 64);
    cr_assert_gt(nbefore, 0);

    /* during: pages keep coming while Apache A restarts */
    graceful_in_background('A', done);
    end = now_s() + 30;
    while (access(done, F_OK) != 0) {
        cr_assert(now_s() < end, "graceful restart did not finish");
        want += pages('A', "/graceful/", "a.test", 8, SITE_GR);
        batches++;
    }
    want += pages('A', "/graceful/", "a.test", 8, SITE_GR);
    {
        char *rc = NULL;
        run_capture(&rc, "cat '%s'", done);
        cr_assert(strncmp(rc, "0", 1) == 0, "apache.sh graceful: %s", rc);
        free(rc);
        unlink(done);
    }

    /* after, in the new generation */
    want += pages('A', "/graceful/index.html", "b.test", 50, SITE_GR);
    want += pages('B', "/graceful/", NULL, 30, SITE_GR);

    /* the old children are gone (they flushed as they exited) */
    wait_generation_gone('A', before, nbefore);
    cr_assert_eq(parent_pid('A'), parent, "the parent changed");

    expect_hits(SITE_GR, want, 20, 2.5, "graceful restart of A", "AB");
    cr_log_info("graceful: %lld page views, %d batches during the restart",
                want, batches);
}

Test(visits_count, d_database_outage_during_flushes_is_retried)
{
    long long want = 0;
    long log_at;
    char *text;
    http_resp_t *r;
    char body[160];

    cr_assert_eq(hits_of(SITE_OUT), 0);
    want += pages('A', "/outage/", "a.test", 30, SITE_OUT);
    expect_hits(SITE_OUT, want, 20, 0, "before the outage", "AB");

    db_control("stop");
    log_at = file_size('A', "error.log");
    want += pages('A', "/outage/", "a.test", 25, SITE_OUT);
    want += pages('B', "/outage/index.html", NULL, 10, SITE_OUT);
    sleep(3);                   /* more than a flush interval */
    want += pages('A', "/outage/", "a.test", 15, SITE_OUT);

    /* the flush failed and said so; the endpoint says the database is out */
    text = file_from('A', "error.log", log_at);
    cr_assert(strstr(text, "NEWSAPI0401") != NULL,
              "no NEWSAPI0401 (counts kept) in A's error log:\n%.3000s",
              text);
    cr_assert(strstr(text, "page views of site 993022") != NULL,
              "the kept counts do not name site 993022:\n%.3000s", text);
    free(text);
    snprintf(body, sizeof(body), "{\"Huyen_Id\":%lld,\"TuNgay\":"
             "\"2031-01-01\",\"DenNgay\":\"2031-01-02\"}", DISTRICT);
    r = post_on('A', "/live/truycap/xa", body);
    expect_error(r, 503, "database_unavailable", NULL);
    http_free(r);

    db_control("start");
    expect_hits(SITE_OUT, want, 30, 3, "after the database came back",
                "AB");
}

Test(visits_count, e_counts_reach_the_database_at_child_exit)
{
    long long want = 0;
    long before[64];
    size_t nbefore;

    /* C flushes every hour: nothing may arrive by the periodic flush */
    cr_assert_eq(hits_of(SITE_EXIT), 0);
    want += pages('C', "/atexit/", "a.test", 40, SITE_EXIT);
    sleep(2);
    cr_assert_eq(hits_of(SITE_EXIT), 0, "Apache C flushed before any exit");

    /* a graceful restart: the old children flush as they exit */
    nbefore = children_of(parent_pid('C'), before, 64);
    cr_assert_gt(nbefore, 0);
    apache("graceful", 'C');
    wait_generation_gone('C', before, nbefore);
    expect_hits(SITE_EXIT, want, 20, 0, "graceful restart of C", "C");

    /* the new generation's pages reach the database when it stops */
    want += pages('C', "/atexit/index.html", NULL, 35, SITE_EXIT);
    sleep(1);
    cr_assert_eq(hits_of(SITE_EXIT), want - 35,
                 "Apache C flushed without an exit");
    apache("stop", 'C');
    expect_hits(SITE_EXIT, want, 10, 1, "stop of C", "C");
}

/* A graceful restart while a flush is in progress: the watchdog's flush
 * is held up by a row lock (another session updating the same row), so
 * the old generation exits in the middle of it.  No child may die of it,
 * and every page view must reach the database, once. */
Test(visits_count, f_graceful_restart_during_a_flush)
{
    long log_at = file_size('A', "error.log");
    long long want = 0;
    char today[11], *text, *hit;
    int round;

    cr_assert_eq(hits_of(SITE_RST), 0);
    today_utc7(today);
    free(sql_run("INSERT INTO visits_daily (site_id, day, hits) VALUES"
                 " (%lld, '%s', 0)", SITE_RST, today));
    for (round = 0; round < 2; round++) {
        /* another session holds the row for 4 s */
        cr_assert_eq(run_cmd("( '%s/tests/lib/mariadb.sh' sql '%s' -e"
                             " 'BEGIN; SELECT hits FROM visits_daily WHERE"
                             " site_id = %lld AND day = \"%s\" FOR UPDATE;"
                             " SELECT SLEEP(4); COMMIT' >/dev/null 2>&1 & )",
                             env_req("NEWSAPI_REPO"), env_req("NEWSAPI_DBDIR"),
                             SITE_RST, today), 0);
        usleep(500000);
        want += pages('A', "/restarts/", "a.test", 20, SITE_RST);
        usleep(1500000);        /* the watchdog's flush waits for the row */
        apache("graceful", 'A');
        usleep(1000000);
        want += pages('A', "/restarts/index.html", NULL, 10, SITE_RST);
        usleep(1500000);        /* the lock is gone */
    }
    expect_hits(SITE_RST, want, 20, 2, "graceful restarts during flushes",
                "A");
    text = file_from('A', "error.log", log_at);
    hit = strstr(text, "exit signal");
    cr_assert(hit == NULL, "a child of Apache A died during a graceful"
              " restart:\n%.600s", hit && hit - text > 300 ? hit - 300
                                                          : text);
    free(text);
}

/* Run last, alone (the suite visits_stop): stops Apaches A and B. */
Test(visits_stop, a_full_stop_flushes_everything)
{
    long long want = 0;

    cr_assert_eq(hits_of(SITE_STOP), 0);
    want += pages('A', "/stop/", "a.test", 120, SITE_STOP);
    want += pages('B', "/stop/index.html", NULL, 80, SITE_STOP);
    apache("stop", 'A');
    apache("stop", 'B');
    expect_hits(SITE_STOP, want, 10, 2, "stop of A and B", "AB");
}

/* After everything (the suite visits_stop runs last), D stopped too: no
 * child of any of the four Apaches died of a signal at any time of the
 * stage, stops included. */
Test(visits_stop, b_no_child_ever_crashed)
{
    const char *which = "ABCD", *w;

    apache("stop", 'D');
    for (w = which; *w; w++) {
        char *text = file_from(*w, "error.log", 0), *hit;
        hit = strstr(text, "exit signal");
        cr_expect(hit == NULL, "Apache %c: a child died: %.400s", *w,
                  hit ? (hit - text > 200 ? hit - 200 : text) : "");
        free(text);
    }
}

/* Apache D (tests/e2e/visits-refused.conf) counts a site the database
 * refuses (no sites row: visits_daily's foreign key fails, every time)
 * next to twelve it knows: the refused one keeps its own counts, the
 * others still reach the database.  (Which ones a blocking flush would
 * starve depends on where the day's keys fall in the shared table: with
 * twelve sites, at least one comes after the refused one on 12 days out
 * of 13.) */
Test(visits_refused, a_refused_site_blocks_no_other_site)
{
    long long want[12];
    char host[32];
    long log_at = file_size('D', "error.log");
    char *text;
    int i;

    for (i = 0; i < 12; i++) {
        cr_assert_eq(hits_of(993031 + i), 0);
    }
    pages('D', "/ghost/", "a.test", 5, 0);
    for (i = 0; i < 12; i++) {
        snprintf(host, sizeof(host), "d%d.test", i + 1);
        want[i] = pages('D', "/index.html", host, 4 + i, 993031 + i);
    }
    sleep(3);
    text = file_from('D', "error.log", log_at);
    cr_assert(strstr(text, "site 99399999") != NULL,
              "the refused site's counts were not reported kept:\n%.2000s",
              text);
    free(text);
    for (i = 0; i < 12; i++) {
        expect_hits(993031 + i, want[i], 10, 0,
                    "next to a site the database refuses", "D");
    }
}

/* ---- host names from the portal list (Apache E) ---------------------- */

/* Waits until Apache E's error log says, after offset, that it read the
 * portal list; returns the log's size then. */
static long list_read(long offset, const char *when)
{
    double end = now_s() + 30;
    char *text;

    for (;;) {
        text = file_from('E', "error.log", offset);
        if (strstr(text, "NEWSAPI0500") != NULL) {
            free(text);
            return file_size('E', "error.log");
        }
        free(text);
        if (now_s() >= end) {
            cr_assert_fail("%s: the portal list was not read in 30 s%s",
                           when, log_tails("E"));
        }
        usleep(200000);
    }
}

Test(visits_hosts, a_host_names_of_the_list_count_for_their_sites)
{
    long long before[5];
    int i;

    list_read(0, "at start");
    for (i = 0; i < 5; i++) {
        before[i] = hits_of(993051 + i);
    }
    pages('E', "/index.html", "h1.test", 3, 993051);
    pages('E', "/index.html", "H1.TEST", 2, 993051);     /* any case */
    pages('E', "/index.html", "h2.test", 4, 993053);     /* SiteHost wins */
    pages('E', "/index.html", "h4.test", 5, 993054);     /* from an URL */
    pages('E', "/index.html", "nowhere.test", 3, 0);     /* no site */
    pages('E', "/style.css", "h1.test", 2, 0);           /* no page */
    expect_hits(993051, before[0] + 5, 20, 2.5, "a host of the list", "E");
    expect_hits(993053, before[2] + 4, 20, 0, "NewsApiSiteHost over the list",
                "E");
    expect_hits(993052, before[1], 0, 0, "a host NewsApiSiteHost took", "E");
    expect_hits(993054, before[3] + 5, 20, 0, "an address", "E");
}

/* A commune that had no portal gets one in the database: its page views
 * count once the list is read again (every NewsApiVisitFlushInterval:
 * 1 s here), with no restart. */
Test(visits_hosts, b_a_portal_added_later_counts_after_the_next_read)
{
    long at = file_size('E', "error.log");
    long long before = hits_of(993055);

    free(sql_run("INSERT INTO sites (id, district_id, commune_id, name,"
                 " domain) VALUES (993055, 99303, 99303055,"
                 " 'Trang TTĐT xã Tên Miền 5', 'h5.test')"));
    list_read(at, "after a portal was added");
    pages('E', "/index.html", "h5.test", 3, 993055);
    expect_hits(993055, before + 3, 20, 2.5, "a portal added later", "E");
}
