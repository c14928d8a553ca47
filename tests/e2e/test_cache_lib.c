/*
 * test_cache_lib.c - helpers shared by the cache stage's runners
 * (test_cache.c, test_cache_limits.c, test_cache_memcache.c), which
 * #include this file: requests to any of several Apaches with their
 * headers, bursts of requests with their headers, the status page's
 * counters and the access log that says which process answered.
 *
 * Environment (set by tests/e2e/stage-cache.sh through tests/run.sh):
 *   NEWSAPI_URL, NEWSAPI_HTTPD_DIR   the Apache under test (common.h)
 *   NEWSAPI_URL2                     a second Apache (memcache suite)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include "common.h"

/* Each runner uses some of these. */
#define LIB static __attribute__((unused))

typedef struct {
    char *p;
    size_t len;
} cbuf_t;

LIB size_t cache_on_data(char *s, size_t size, size_t n, void *ud)
{
    cbuf_t *b = ud;
    b->p = realloc(b->p, b->len + size * n + 1);
    cr_assert(b->p != NULL);
    memcpy(b->p + b->len, s, size * n);
    b->len += size * n;
    b->p[b->len] = '\0';
    return size * n;
}

LIB char *cache_strdup0(cbuf_t *b)
{
    return b->p ? b->p : strdup("");
}

/* A POST of a JSON body to base + path on its own connection; the
 * answer with its header lines (for http_header()). */
LIB CURL *cache_handle(const char *url, const char *body,
                          struct curl_slist *hdr, cbuf_t *bb, cbuf_t *hb)
{
    CURL *c = curl_easy_init();

    cr_assert(c != NULL);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, cache_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, bb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, cache_on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, hb);
    /* a new connection every time: the kernel hands it to whichever
     * child accepts first, so requests spread over the processes */
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    return c;
}

LIB http_resp_t *cache_resp(CURL *c, cbuf_t *bb, cbuf_t *hb)
{
    http_resp_t *r = calloc(1, sizeof(*r));
    char *ct = NULL;

    cr_assert(r != NULL);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    r->content_type = ct ? strdup(ct) : NULL;
    r->body = cache_strdup0(bb);
    r->len = bb->p ? bb->len : 0;
    r->headers = cache_strdup0(hb);
    return r;
}

LIB struct curl_slist *cache_json_headers(void)
{
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: " JSON_TYPE);
    h = curl_slist_append(h, "Expect:");
    return h;
}

LIB http_resp_t *post_to(const char *base, const char *path,
                            const char *body)
{
    struct curl_slist *hdr = cache_json_headers();
    cbuf_t bb = { NULL, 0 }, hb = { NULL, 0 };
    char *url;
    CURL *c;
    CURLcode rc;
    http_resp_t *r;

    cr_assert(asprintf(&url, "%s%s", base, path) > 0);
    c = cache_handle(url, body, hdr, &bb, &hb);
    rc = curl_easy_perform(c);
    cr_assert(rc == CURLE_OK, "POST %s failed: %s", url,
              curl_easy_strerror(rc));
    r = cache_resp(c, &bb, &hb);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdr);
    free(url);
    return r;
}

/* n POSTs of body to base + path at once, each on its own connection;
 * out[i] gets status, body and headers.  Returns the seconds it took. */
LIB double post_burst(const char *base, const char *path,
                         const char *const *bodies, int n, http_resp_t **out)
{
    struct curl_slist *hdr = cache_json_headers();
    CURLM *m = curl_multi_init();
    CURL **h = calloc((size_t)n, sizeof(CURL *));
    cbuf_t *bb = calloc((size_t)n, sizeof(cbuf_t));
    cbuf_t *hb = calloc((size_t)n, sizeof(cbuf_t));
    struct timespec t0, t1;
    char *url;
    int i;
    CURLMsg *msg;
    int left;

    cr_assert(m && h && bb && hb);
    cr_assert(asprintf(&url, "%s%s", base, path) > 0);
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    for (i = 0; i < n; i++) {
        h[i] = cache_handle(url, bodies[i], hdr, &bb[i], &hb[i]);
        curl_multi_add_handle(m, h[i]);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    multi_run(m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
        cr_assert(msg->msg != CURLMSG_DONE || msg->data.result == CURLE_OK,
                  "a request of the burst failed: %s",
                  curl_easy_strerror(msg->data.result));
    }
    for (i = 0; i < n; i++) {
        out[i] = cache_resp(h[i], &bb[i], &hb[i]);
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
    }
    curl_slist_free_all(hdr);
    curl_multi_cleanup(m);
    free(h);
    free(bb);
    free(hb);
    free(url);
    return (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

LIB char *range_body(const char *from, const char *to)
{
    char *b;
    cr_assert(asprintf(&b, "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}", from,
                       to) > 0);
    return b;
}

/* The X-NewsApi-Cache header of an answer ("" when absent), malloc'd. */
LIB char *cache_state(const http_resp_t *r)
{
    char *v = http_header(r, "X-NewsApi-Cache");
    return v ? v : strdup("");
}

LIB void expect_cache(const http_resp_t *r, const char *want,
                         const char *what)
{
    char *v = cache_state(r);
    cr_assert_str_eq(v, want, "%s: X-NewsApi-Cache is '%s', want %s "
                     "(HTTP %ld)", what, v, want, r->status);
    free(v);
}

/* A 200 answer of the district endpoint compared with what SQL says. */
LIB void expect_district_answer(const http_resp_t *r, const char *from,
                                   const char *to)
{
    json_t *a = expect_array(r);
    sql_rows_t *t = expected_district(from, to);
    cr_assert_gt(json_array_size(a), 0);
    compare_district(a, t);
    sql_rows_free(t);
    json_decref(a);
}

LIB void expect_same_body(const http_resp_t *a, const http_resp_t *b,
                             const char *what)
{
    cr_assert(a->len == b->len && memcmp(a->body, b->body, a->len) == 0,
              "%s: the bodies differ\n--- one:\n%.400s\n--- other:\n%.400s",
              what, a->body, b->body);
}

/* ---- the status page ----------------------------------------------- */

LIB json_t *status_of(const char *base)
{
    CURL *c = curl_easy_init();
    cbuf_t b = { NULL, 0 };
    json_error_t err;
    long code = 0;
    char *url;
    json_t *j;

    cr_assert(c != NULL);
    cr_assert(asprintf(&url, "%s/newsapi-status?json", base) > 0);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, cache_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK, "GET %s failed", url);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    cr_assert_eq(code, 200, "GET %s: HTTP %ld", url, code);
    j = json_loads(b.p ? b.p : "", 0, &err);
    cr_assert(json_is_object(j), "%s is not a JSON object: %s: %.500s", url,
              err.text, b.p ? b.p : "");
    curl_easy_cleanup(c);
    free(b.p);
    free(url);
    return j;
}

/* The largest answer the cache holds, from the ?auto form's line
 * "NewsApiCache: <spec> (largest answer kept: N bytes)"; -1 without. */
LIB long cache_max_object(const char *base)
{
    CURL *c = curl_easy_init();
    cbuf_t b = { NULL, 0 };
    const char *at;
    char *url;
    long n = -1;

    cr_assert(c != NULL);
    cr_assert(asprintf(&url, "%s/newsapi-status?auto", base) > 0);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, cache_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK, "GET %s failed", url);
    at = b.p ? strstr(b.p, "largest answer kept: ") : NULL;
    if (at) {
        n = strtol(at + strlen("largest answer kept: "), NULL, 10);
    }
    curl_easy_cleanup(c);
    free(b.p);
    free(url);
    return n;
}

LIB long long counter_in(json_t *st, const char *name)
{
    json_t *v = json_object_get(st, name);
    cr_assert(json_is_integer(v), "status page has no integer '%s'", name);
    return json_integer_value(v);
}

LIB long long counter_of(const char *base, const char *name)
{
    json_t *st = status_of(base);
    long long v = counter_in(st, name);
    json_decref(st);
    return v;
}

/* ---- the access log of cache-main.conf: "%P %U%q %>s cache" ---------- */

/* The pid of the process that answered the request whose query string
 * was ?probe=<probe>, and its X-NewsApi-Cache (cache[16]).  Apache logs a
 * request after it has sent the answer, so the line may come late. */
LIB long answering_pid(const char *probe, char cache[16])
{
    char *path, *needle, line[512];
    int tries;

    cr_assert(asprintf(&path, "%s/cache-access.log",
                       env_req("NEWSAPI_HTTPD_DIR")) > 0);
    cr_assert(asprintf(&needle, "?probe=%s ", probe) > 0);
    for (tries = 0; tries < 100; tries++) {
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof(line), f)) {
            long pid;
            char url[300], st[16];
            int code;
            if (strstr(line, needle) == NULL) {
                continue;
            }
            cr_assert_eq(sscanf(line, "%ld %299s %d %15s", &pid, url, &code,
                                st), 4, "odd access log line: %s", line);
            snprintf(cache, 16, "%s", st);
            fclose(f);
            free(path);
            free(needle);
            return pid;
        }
        if (f) {
            fclose(f);
        }
        usleep(20000);
    }
    cr_assert_fail("no line for probe %s in %s", probe, path);
    return -1;
}

/* ---- dates ----------------------------------------------------------- */

/* Today ("YYYY-MM-DD", out[11]) at UTC offset minutes. */
LIB void today_at(long offset_minutes, char *out)
{
    time_t t = time(NULL) + offset_minutes * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* "+HH:MM" / "-HH:MM" in minutes. */
LIB long offset_minutes(const char *s)
{
    int h = 0, m = 0;
    cr_assert((s[0] == '+' || s[0] == '-')
              && sscanf(s + 1, "%d:%d", &h, &m) == 2, "bad offset '%s'", s);
    return (s[0] == '-' ? -1 : 1) * (h * 60L + m);
}
