/*
 * load.c - the load generator of tests/stress: N concurrent keep-alive
 * connections (libcurl multi) sending a mix of requests to the news
 * endpoints for a fixed time, checking every answer as it comes, then a
 * sample of the answers against SQL.
 *
 *   newsapi-load --url http://127.0.0.1:PORT [options]
 *     --concurrency N      connections at once (200)
 *     --duration S         seconds of load (60)
 *     --mix C,U,K,B        weights of cached / uncached / commune / bad (40,25,25,10)
 *     --districts LIST     comma-separated Huyen_Id that exist (required)
 *     --timeout S          a request slower than this is "hung" (30)
 *     --sample N           distinct answers kept for the SQL check (300)
 *     --verify-cmd CMD     shell command reading SQL on stdin, printing rows
 *                          (mariadb -N -B -r): checks the sample; none: skip
 *     --events FILE        one line per answer: end time (ms since the
 *                          epoch), class, scenario, latency (ms), the
 *                          X-NewsApi-Cache header (HIT, MISS, STALE or -)
 *     --seed N             random seed (1)
 *
 * Request kinds:
 *   cached    newsapi-district, one of 8 fixed past ranges (cache hits)
 *   uncached  newsapi-district, a random range 2019..2026 (cache misses:
 *             the database and the query slots are busy)
 *   commune   newsapi-commune, a random district (5% unknown: 404), half
 *             fixed ranges, half random
 *   bad       one of a list of wrong requests with their documented status
 *             and error code
 *
 * Every answer gets a class:
 *   ok        the documented answer (200 JSON array, or the expected error)
 *   stale     200 served from an expired cache entry (X-NewsApi-Cache: STALE)
 *   503db     503 database_unavailable with Retry-After
 *   503busy   503 server_busy with Retry-After
 *   5xx       any other 5xx (a failure)
 *   wrong     a wrong status, code, content type or body; two different
 *             bodies for one request; a 503 without Retry-After
 *   conn      the connection failed (refused, reset, empty reply)
 *   timeout   no answer within --timeout (a hung worker)
 * The last lines of stdout are key=value figures for tests/stress/run.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

enum { SC_CACHED, SC_UNCACHED, SC_COMMUNE, SC_BAD, SC_COUNT };
static const char *const sc_name[SC_COUNT] = {
    "cached", "uncached", "commune", "bad"
};

enum { CL_OK, CL_STALE, CL_503DB, CL_503BUSY, CL_5XX, CL_WRONG, CL_CONN,
       CL_TIMEOUT, CL_COUNT };
static const char *const cl_name[CL_COUNT] = {
    "ok", "stale", "503db", "503busy", "5xx", "wrong", "conn", "timeout"
};

/* ---- options ---------------------------------------------------------- */

static const char *opt_url;
static int opt_conc = 200;
static int opt_duration = 60;
static int opt_mix[SC_COUNT] = { 40, 25, 25, 10 };
static long long *opt_districts;
static int opt_ndistricts;
static int opt_timeout = 30;
static int opt_sample = 300;
static const char *opt_verify;
static const char *opt_events;
static unsigned long long rng_state = 1;

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("newsapi-load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static unsigned long long rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static long rnd_below(long n)
{
    return (long)(rnd() % (unsigned long long)n);
}

static double now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long now_epoch_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- dates ------------------------------------------------------------ */

/* days since 1970-01-01 <-> y-m-d (proleptic Gregorian) */
static long days_from_civil(int y, int m, int d)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = 12;
    return (long)(timegm(&tm) / 86400);
}

static void civil(long days, char out[11])
{
    time_t t = (time_t)days * 86400 + 43200;
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

static const char *const fixed_ranges[8][2] = {
    { "2022-05-01", "2022-05-31" }, { "2022-01-01", "2022-12-31" },
    { "2021-01-01", "2021-06-30" }, { "2020-02-01", "2020-02-29" },
    { "2023-03-15", "2023-03-15" }, { "2019-01-01", "2024-12-31" },
    { "2022-06-01", "2022-06-30" }, { "2024-02-29", "2024-03-31" }
};

static void random_range(char from[11], char to[11])
{
    long lo = days_from_civil(2019, 1, 1), hi = days_from_civil(2026, 12, 31);
    long a = lo + rnd_below(hi - lo + 1);
    long len = 1 + rnd_below(730);

    civil(a, from);
    civil(a + len - 1 > hi ? hi : a + len - 1, to);
}

/* ---- requests ------------------------------------------------------------ */

typedef struct {
    int scenario;
    const char *path;
    const char *method;        /* "POST" or "GET" */
    int json_ctype;            /* 1: application/json, 0: text/plain */
    char *body;
    size_t body_len;
    /* what a correct server answers */
    int want_status;           /* 200, or the error's status */
    const char *want_code;     /* error code, NULL for 200 */
    int needs_db;              /* a 503 with Retry-After is acceptable */
    /* for the SQL check */
    int endpoint;              /* 0 district, 1 commune, -1 none */
    char from[11], to[11];
    long long district;
} request_t;

typedef struct {
    const char *name;
    const char *path;
    const char *method;
    int json_ctype;
    const char *body;          /* NULL: 9000 bytes of JSON-ish filler */
    int status;
    const char *code;
    int needs_db;
} bad_t;

static const bad_t bad_requests[] = {
    { "malformed", "/api/tintuc/huyen", "POST", 1, "{\"TuNgay\":", 400,
      "malformed_json", 0 },
    { "impossible date", "/api/tintuc/huyen", "POST", 1,
      "{\"TuNgay\":\"2023-02-29\",\"DenNgay\":\"2023-03-01\"}", 400,
      "invalid_date", 0 },
    { "reversed", "/api/tintuc/huyen", "POST", 1,
      "{\"TuNgay\":\"2022-05-31\",\"DenNgay\":\"2022-05-01\"}", 400,
      "range_reversed", 0 },
    { "GET", "/api/tintuc/huyen", "GET", 1, "", 405,
      "method_not_allowed", 0 },
    { "text/plain", "/api/tintuc/xa", "POST", 0,
      "{\"Huyen_Id\":407,\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}",
      415, "unsupported_media_type", 0 },
    { "9000 bytes", "/api/tintuc/huyen", "POST", 1, NULL, 413,
      "body_too_large", 0 },
    { "Huyen_Id abc", "/api/tintuc/xa", "POST", 1,
      "{\"Huyen_Id\":\"abc\",\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}",
      400, "invalid_type", 0 },
    { "no Huyen_Id", "/api/tintuc/xa", "POST", 1,
      "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}", 400,
      "missing_field", 0 },
    { "duplicate key", "/api/tintuc/huyen", "POST", 1,
      "{\"TuNgay\":\"2022-05-01\",\"TuNgay\":\"2022-05-02\",\"DenNgay\":\"2022-05-31\"}",
      400, "malformed_json", 0 },
    { "too long", "/api/tintuc/huyen", "POST", 1,
      "{\"TuNgay\":\"1000-01-01\",\"DenNgay\":\"9999-12-30\"}", 400,
      "range_too_long", 0 },
    { "negative id", "/api/tintuc/xa", "POST", 1,
      "{\"Huyen_Id\":-5,\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}",
      400, "invalid_value", 0 }
};
#define NBAD (sizeof(bad_requests) / sizeof(bad_requests[0]))

static char *xstrdup(const char *s)
{
    char *c = strdup(s);

    if (c == NULL) {
        die("out of memory");
    }
    return c;
}

static void make_request(request_t *q)
{
    long w = rnd_below(opt_mix[0] + opt_mix[1] + opt_mix[2] + opt_mix[3]);
    char buf[256];
    int k;

    free(q->body);
    memset(q, 0, sizeof(*q));
    for (k = 0; k < SC_COUNT - 1 && w >= opt_mix[k]; k++) {
        w -= opt_mix[k];
    }
    q->scenario = k;
    q->method = "POST";
    q->json_ctype = 1;
    q->want_status = 200;
    q->needs_db = 1;
    q->endpoint = -1;

    switch (k) {
    case SC_CACHED:
    case SC_UNCACHED:
        if (k == SC_CACHED) {
            int i = (int)rnd_below(8);
            strcpy(q->from, fixed_ranges[i][0]);
            strcpy(q->to, fixed_ranges[i][1]);
        }
        else {
            random_range(q->from, q->to);
        }
        q->path = "/api/tintuc/huyen";
        q->endpoint = 0;
        snprintf(buf, sizeof(buf), "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                 q->from, q->to);
        q->body = xstrdup(buf);
        break;
    case SC_COMMUNE:
        if (rnd_below(2) == 0) {
            int i = (int)rnd_below(8);
            strcpy(q->from, fixed_ranges[i][0]);
            strcpy(q->to, fixed_ranges[i][1]);
        }
        else {
            random_range(q->from, q->to);
        }
        if (rnd_below(20) == 0) {
            q->district = 90000 + rnd_below(1000);   /* no such district */
            q->want_status = 404;
            q->want_code = "unknown_district";
        }
        else {
            q->district = opt_districts[rnd_below(opt_ndistricts)];
        }
        q->path = "/api/tintuc/xa";
        q->endpoint = 1;
        /* the id as a string half of the time: the same answer */
        snprintf(buf, sizeof(buf), rnd_below(2)
                 ? "{\"Huyen_Id\":%lld,\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}"
                 : "{\"Huyen_Id\":\"%lld\",\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                 q->district, q->from, q->to);
        q->body = xstrdup(buf);
        break;
    default: {
        const bad_t *b = &bad_requests[rnd_below(NBAD)];

        q->path = b->path;
        q->method = b->method;
        q->json_ctype = b->json_ctype;
        q->want_status = b->status;
        q->want_code = b->code;
        q->needs_db = b->needs_db;
        if (b->body == NULL) {
            q->body = malloc(9001);
            if (q->body == NULL) {
                die("out of memory");
            }
            static const char head[] = "{\"TuNgay\":\"2022-05-01\","
                "\"DenNgay\":\"2022-05-31\",\"x\":\"";

            memset(q->body, ' ', 9000);
            memcpy(q->body, head, sizeof(head) - 1);
            memcpy(q->body + 8998, "\"}", 2);
            q->body[9000] = '\0';
        }
        else {
            q->body = xstrdup(b->body);
        }
        break;
    }
    }
    q->body_len = strlen(q->body);
}

/* ---- answers seen: one body hash per request key ------------------------ */

typedef struct {
    uint64_t key;              /* hash of path + normalised request */
    uint64_t body;             /* hash of the first 200 body */
} seen_t;

static seen_t *seen;
static size_t seen_cap, seen_n;

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *c = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h = (h ^ c[i]) * 1099511628211ULL;
    }
    return h;
}

/* Returns 1 when new (and records it), 0 when seen with the same body,
 * -1 when seen with another body. */
static int seen_check(uint64_t key, uint64_t body)
{
    size_t i;

    if (key == 0) {
        key = 1;
    }
    if (seen_n * 2 >= seen_cap) {
        seen_t *old = seen;
        size_t oldcap = seen_cap, j;

        seen_cap = seen_cap ? seen_cap * 2 : 65536;
        seen = calloc(seen_cap, sizeof(*seen));
        if (seen == NULL) {
            die("out of memory");
        }
        for (j = 0; j < oldcap; j++) {
            if (old[j].key) {
                for (i = old[j].key % seen_cap; seen[i].key;
                     i = (i + 1) % seen_cap) {
                }
                seen[i] = old[j];
            }
        }
        free(old);
    }
    for (i = key % seen_cap; seen[i].key; i = (i + 1) % seen_cap) {
        if (seen[i].key == key) {
            return seen[i].body == body ? 0 : -1;
        }
    }
    seen[i].key = key;
    seen[i].body = body;
    seen_n++;
    return 1;
}

/* ---- the sample for SQL ---------------------------------------------- */

typedef struct {
    int endpoint;
    char from[11], to[11];
    long long district;
    int status;
    char *body;
} sample_t;

static sample_t *samples;
static int nsamples;

/* ---- connections ------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
} buf_t;

typedef struct {
    CURL *h;
    request_t q;
    buf_t body, head;
    double started;
    char url[512];
    char err[CURL_ERROR_SIZE];
} conn_t;

static struct curl_slist *hdr_json, *hdr_text;
static long long counts[SC_COUNT][CL_COUNT];
static long long cache_hdr[4];          /* HIT MISS STALE other */
/* latencies (ms) per scenario, and of all together (index SC_COUNT) */
static double *lat[SC_COUNT + 1];
static size_t nlat[SC_COUNT + 1], caplat[SC_COUNT + 1];
static FILE *events;
static int nwrong_shown, nconn_shown;

static size_t on_data(char *s, size_t size, size_t n, void *ud)
{
    buf_t *b = ud;
    size_t k = size * n;

    if (b->len + k + 1 > b->cap) {
        b->cap = (b->len + k + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (b->p == NULL) {
            die("out of memory");
        }
    }
    memcpy(b->p + b->len, s, k);
    b->len += k;
    b->p[b->len] = '\0';
    return k;
}

/* The value of a response header (first one), copied into out. */
static int header(const buf_t *h, const char *name, char *out, size_t max)
{
    size_t n = strlen(name);
    const char *line = h->p;

    while (line && *line) {
        const char *end = strstr(line, "\r\n");
        size_t l = end ? (size_t)(end - line) : strlen(line);

        if (l > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            size_t k;

            while (*v == ' ') {
                v++;
            }
            k = (size_t)(line + l - v);
            if (k >= max) {
                k = max - 1;
            }
            memcpy(out, v, k);
            out[k] = '\0';
            return 1;
        }
        line = end ? end + 2 : NULL;
    }
    return 0;
}

static void start(CURLM *m, conn_t *c)
{
    make_request(&c->q);
    c->body.len = 0;
    c->head.len = 0;
    if (c->body.p) {
        c->body.p[0] = '\0';
    }
    if (c->head.p) {
        c->head.p[0] = '\0';
    }
    curl_easy_reset(c->h);              /* keeps the connection */
    curl_easy_setopt(c->h, CURLOPT_PRIVATE, c);
    c->err[0] = '\0';
    curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->err);
    snprintf(c->url, sizeof(c->url), "%s%s", opt_url, c->q.path);
    curl_easy_setopt(c->h, CURLOPT_URL, c->url);
    curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->h, CURLOPT_TIMEOUT, (long)opt_timeout);
    curl_easy_setopt(c->h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
    curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c->h, CURLOPT_HEADERDATA, &c->head);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER,
                     c->q.json_ctype ? hdr_json : hdr_text);
    if (strcmp(c->q.method, "GET") == 0) {
        curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    }
    else {
        curl_easy_setopt(c->h, CURLOPT_POST, 1L);
        curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->q.body);
        curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)c->q.body_len);
    }
    c->started = now_mono();
    curl_multi_add_handle(m, c->h);
}

static void wrong(const conn_t *c, long status, const char *why)
{
    if (nwrong_shown++ < 10) {
        fprintf(stderr, "WRONG %s %s %s: HTTP %ld: %s\n  body: %.300s\n",
                sc_name[c->q.scenario], c->q.path, c->q.body_len > 200
                ? "(large body)" : c->q.body, status, why,
                c->body.p ? c->body.p : "");
    }
}

/* The class of an error answer: ok when it is the expected one. */
static int classify_error(const conn_t *c, long status, json_t *doc)
{
    json_t *e = json_object_get(doc, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    char ra[64];

    if (code == NULL
        || json_integer_value(json_object_get(e, "status")) != status) {
        wrong(c, status, "not the documented error body");
        return status >= 500 ? CL_5XX : CL_WRONG;
    }
    if (status == c->q.want_status && c->q.want_code
        && strcmp(code, c->q.want_code) == 0) {
        return CL_OK;
    }
    if (status == 503 && (c->q.needs_db || c->q.want_status == 404)
        && (strcmp(code, "database_unavailable") == 0
            || strcmp(code, "server_busy") == 0)) {
        if (!header(&c->head, "Retry-After", ra, sizeof(ra))) {
            wrong(c, status, "503 without Retry-After");
            return CL_WRONG;
        }
        return code[0] == 'd' ? CL_503DB : CL_503BUSY;
    }
    wrong(c, status, code);
    return status >= 500 ? CL_5XX : CL_WRONG;
}

static void keep_sample(const conn_t *c, long status)
{
    sample_t *s;

    if (nsamples >= opt_sample || c->q.endpoint < 0) {
        return;
    }
    s = &samples[nsamples++];
    s->endpoint = c->q.endpoint;
    strcpy(s->from, c->q.from);
    strcpy(s->to, c->q.to);
    s->district = c->q.district;
    s->status = (int)status;
    s->body = xstrdup(c->body.p ? c->body.p : "");
}

static int classify(conn_t *c, CURLcode rc)
{
    char ctype[128], cache[32];
    json_error_t jerr;
    json_t *doc;
    long status = 0;
    int cl;

    if (rc != CURLE_OK && nconn_shown++ < 5) {
        fprintf(stderr, "%s %s %s: %s (after %.1f s)\n",
                rc == CURLE_OPERATION_TIMEDOUT ? "HUNG" : "CONN",
                sc_name[c->q.scenario], c->q.path,
                c->err[0] ? c->err : curl_easy_strerror(rc),
                now_mono() - c->started);
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        return CL_TIMEOUT;
    }
    if (rc != CURLE_OK) {
        return CL_CONN;
    }
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    if (!header(&c->head, "Content-Type", ctype, sizeof(ctype))) {
        ctype[0] = '\0';
    }
    doc = c->body.len ? json_loadb(c->body.p, c->body.len, 0, &jerr) : NULL;
    if (status == 200) {
        uint64_t key;

        if (c->q.want_status != 200) {
            wrong(c, status, "200 for a request that should fail");
            cl = CL_WRONG;
        }
        else if (strcmp(ctype, "application/json; charset=utf-8") != 0
                 || !json_is_array(doc)) {
            wrong(c, status, "not a JSON array with the right type");
            cl = CL_WRONG;
        }
        else {
            /* the same request (Huyen_Id as number or string alike) must
             * always get the same bytes: the data do not change */
            char norm[96];
            int s;

            snprintf(norm, sizeof(norm), "%s|%s|%lld", c->q.from, c->q.to,
                     c->q.district);
            key = fnv(norm, strlen(norm), fnv(c->q.path, strlen(c->q.path),
                                              14695981039346656037ULL));
            s = seen_check(key, fnv(c->body.p, c->body.len,
                                    14695981039346656037ULL));
            if (s < 0) {
                wrong(c, status, "another body than before for this request");
                cl = CL_WRONG;
            }
            else {
                if (s > 0) {
                    keep_sample(c, status);
                }
                cl = CL_OK;
            }
        }
        if (header(&c->head, "X-NewsApi-Cache", cache, sizeof(cache))) {
            if (strcmp(cache, "HIT") == 0) {
                cache_hdr[0]++;
            }
            else if (strcmp(cache, "MISS") == 0) {
                cache_hdr[1]++;
            }
            else if (strcmp(cache, "STALE") == 0) {
                cache_hdr[2]++;
                if (cl == CL_OK) {
                    cl = CL_STALE;
                }
            }
            else {
                cache_hdr[3]++;
            }
        }
    }
    else if (strncasecmp(ctype, "application/json", 16) != 0
             || !json_is_object(doc)) {
        wrong(c, status, "error answer that is not a JSON object");
        cl = status >= 500 ? CL_5XX : CL_WRONG;
    }
    else {
        cl = classify_error(c, status, doc);
        if (cl == CL_OK && status == 404) {
            keep_sample(c, status);
        }
    }
    json_decref(doc);
    return cl;
}

static void add_latency(int k, double ms)
{
    if (nlat[k] == caplat[k]) {
        caplat[k] = caplat[k] ? caplat[k] * 2 : 65536;
        lat[k] = realloc(lat[k], caplat[k] * sizeof(double));
        if (lat[k] == NULL) {
            die("out of memory");
        }
    }
    lat[k][nlat[k]++] = ms;
}

/* The q-th quantile (0..1) of a sorted set. */
static double quantile(int k, double q)
{
    size_t i;

    if (nlat[k] == 0) {
        return 0.0;
    }
    i = (size_t)(q * (double)nlat[k]);
    return lat[k][i >= nlat[k] ? nlat[k] - 1 : i];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* ---- the SQL check ------------------------------------------------------ */

static const char *article_count =
    "(SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id"
    " AND a.status = 1 AND a.is_deleted = 0"
    " AND a.published_at >= '%s 00:00:00'"
    " AND a.published_at < DATE_ADD('%s', INTERVAL 1 DAY))";

/* Checks every sample against SQL written from the contract (not the
 * module's query); returns the number that differ, -1 when SQL failed. */
static int verify(int *checked)
{
    char path[] = "/tmp/newsapi-load-sql.XXXXXX", *cmd, *line = NULL;
    size_t cap = 0;
    int fd = mkstemp(path), i, bad = 0, got = 0;
    FILE *f;

    *checked = 0;
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
        die("mkstemp: %s", strerror(errno));
    }
    for (i = 0; i < nsamples; i++) {
        const sample_t *s = &samples[i];
        char count[512];

        snprintf(count, sizeof(count), article_count, s->from, s->to);
        if (s->endpoint == 0) {
            fprintf(f, "SELECT CONCAT('%d', CHAR(9), '1', CHAR(9), COALESCE("
                    "(SELECT JSON_ARRAYAGG(JSON_OBJECT('Huyen_Id', d.id,"
                    " 'Ten_Huyen', d.name, 'Id', s.id, 'Name', s.name,"
                    " 'SoLuong', %s) ORDER BY d.id, s.id)"
                    " FROM sites s JOIN districts d ON d.id = s.district_id"
                    " WHERE s.commune_id IS NULL), '[]'));\n", i, count);
        }
        else {
            fprintf(f, "SELECT CONCAT('%d', CHAR(9), (SELECT COUNT(*) FROM"
                    " districts WHERE id = %lld), CHAR(9), COALESCE("
                    "(SELECT JSON_ARRAYAGG(JSON_OBJECT('Id', s.id,"
                    " 'Name', s.name, 'SoLuong', %s) ORDER BY s.id)"
                    " FROM sites s WHERE s.district_id = %lld"
                    " AND s.commune_id IS NOT NULL), '[]'));\n",
                    i, s->district, count, s->district);
        }
    }
    fclose(f);
    if (asprintf(&cmd, "%s < '%s'", opt_verify, path) < 0) {
        die("out of memory");
    }
    f = popen(cmd, "r");
    if (f == NULL) {
        die("popen %s", cmd);
    }
    while (getline(&line, &cap, f) > 0) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        const sample_t *s;
        json_t *want, *have;
        json_error_t jerr;
        int idx, exists;

        if (t2 == NULL) {
            continue;
        }
        idx = atoi(line);
        exists = atoi(t1 + 1);
        if (idx < 0 || idx >= nsamples) {
            continue;
        }
        s = &samples[idx];
        got++;
        if (s->status == 404) {
            if (exists != 0) {
                bad++;
                fprintf(stderr, "WRONG (SQL) 404 for district %lld, which "
                        "exists\n", s->district);
            }
            continue;
        }
        want = json_loads(t2 + 1, 0, &jerr);
        have = json_loads(s->body, 0, &jerr);
        if (exists != 1 || want == NULL || have == NULL
            || !json_equal(want, have)) {
            bad++;
            if (bad <= 5) {
                fprintf(stderr, "WRONG (SQL) %s %s..%s district %lld\n"
                        "  answer: %.400s\n  SQL:    %.400s",
                        s->endpoint ? "commune" : "district", s->from, s->to,
                        s->district, s->body, t2 + 1);
            }
        }
        json_decref(want);
        json_decref(have);
    }
    free(line);
    i = pclose(f);
    unlink(path);
    free(cmd);
    *checked = got;
    if (i != 0 || got != nsamples) {
        fprintf(stderr, "newsapi-load: the SQL check answered %d of %d "
                "samples (exit %d)\n", got, nsamples, i);
        return -1;
    }
    return bad;
}

/* ---- main -------------------------------------------------------------- */

static void parse_args(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (v == NULL) {
            die("%s needs a value", a);
        }
        i++;
        if (strcmp(a, "--url") == 0) {
            opt_url = v;
        }
        else if (strcmp(a, "--concurrency") == 0) {
            opt_conc = atoi(v);
        }
        else if (strcmp(a, "--duration") == 0) {
            opt_duration = atoi(v);
        }
        else if (strcmp(a, "--timeout") == 0) {
            opt_timeout = atoi(v);
        }
        else if (strcmp(a, "--sample") == 0) {
            opt_sample = atoi(v);
        }
        else if (strcmp(a, "--seed") == 0) {
            rng_state = strtoull(v, NULL, 10) | 1;
        }
        else if (strcmp(a, "--verify-cmd") == 0) {
            opt_verify = strcmp(v, "none") ? v : NULL;
        }
        else if (strcmp(a, "--events") == 0) {
            opt_events = v;
        }
        else if (strcmp(a, "--mix") == 0) {
            if (sscanf(v, "%d,%d,%d,%d", &opt_mix[0], &opt_mix[1],
                       &opt_mix[2], &opt_mix[3]) != 4) {
                die("--mix wants four weights: cached,uncached,commune,bad");
            }
        }
        else if (strcmp(a, "--districts") == 0) {
            char *copy = xstrdup(v), *tok, *save = NULL;

            for (tok = strtok_r(copy, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save)) {
                opt_districts = realloc(opt_districts,
                                        sizeof(long long) * (opt_ndistricts + 1));
                opt_districts[opt_ndistricts++] = atoll(tok);
            }
            free(copy);
        }
        else {
            die("unknown option %s", a);
        }
    }
    if (opt_url == NULL || opt_ndistricts == 0 || opt_conc < 1
        || opt_duration < 1
        || opt_mix[0] + opt_mix[1] + opt_mix[2] + opt_mix[3] <= 0) {
        die("usage: newsapi-load --url URL --districts ID,ID,... "
            "[--concurrency N] [--duration S] [--mix C,U,K,B] [--timeout S] "
            "[--sample N] [--verify-cmd CMD] [--events FILE] [--seed N]");
    }
}

int main(int argc, char **argv)
{
    CURLM *m;
    conn_t *conns;
    double t0, deadline, elapsed;
    long long total = 0, sums[CL_COUNT] = { 0 };
    int running = 0, i, k, verified = 0, verify_bad = 0;

    parse_args(argc, argv);
    curl_global_init(CURL_GLOBAL_ALL);
    hdr_json = curl_slist_append(NULL, "Content-Type: application/json");
    hdr_json = curl_slist_append(hdr_json, "Expect:");
    hdr_text = curl_slist_append(NULL, "Content-Type: text/plain");
    hdr_text = curl_slist_append(hdr_text, "Expect:");
    samples = calloc((size_t)opt_sample + 1, sizeof(sample_t));
    if (opt_events && (events = fopen(opt_events, "w")) == NULL) {
        die("cannot write %s", opt_events);
    }

    m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)opt_conc);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)opt_conc);
    conns = calloc((size_t)opt_conc, sizeof(conn_t));
    if (conns == NULL || samples == NULL) {
        die("out of memory");
    }
    t0 = now_mono();
    deadline = t0 + opt_duration;
    for (i = 0; i < opt_conc; i++) {
        conns[i].h = curl_easy_init();
        start(m, &conns[i]);
        running++;
    }

    while (running > 0) {
        CURLMsg *msg;
        int still, left;

        curl_multi_perform(m, &still);
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            conn_t *c;
            double t, l;
            int cl;

            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            cl = classify(c, msg->data.result);
            t = now_mono();
            l = (t - c->started) * 1000.0;
            counts[c->q.scenario][cl]++;
            total++;
            add_latency(c->q.scenario, l);
            add_latency(SC_COUNT, l);
            if (events) {
                char how[16];

                if (!header(&c->head, "X-NewsApi-Cache", how, sizeof(how))) {
                    strcpy(how, "-");
                }
                fprintf(events, "%lld,%s,%s,%.1f,%s\n", now_epoch_ms(),
                        cl_name[cl], sc_name[c->q.scenario], l, how);
            }
            curl_multi_remove_handle(m, c->h);
            if (t < deadline) {
                start(m, c);
            }
            else {
                running--;
            }
        }
        if (running > 0) {
            curl_multi_poll(m, NULL, 0, 100, NULL);
        }
    }
    elapsed = now_mono() - t0;
    if (events) {
        fclose(events);
    }

    if (opt_verify && nsamples > 0) {
        verify_bad = verify(&verified);
    }

    for (k = 0; k <= SC_COUNT; k++) {
        qsort(lat[k], nlat[k], sizeof(double), cmp_double);
    }

    /* the table for people */
    printf("%-10s %9s", "scenario", "requests");
    for (k = 0; k < CL_COUNT; k++) {
        printf(" %8s", cl_name[k]);
    }
    printf(" %9s %9s\n", "p50 ms", "p99 ms");
    for (i = 0; i < SC_COUNT; i++) {
        long long n = 0;

        for (k = 0; k < CL_COUNT; k++) {
            n += counts[i][k];
            sums[k] += counts[i][k];
        }
        printf("%-10s %9lld", sc_name[i], n);
        for (k = 0; k < CL_COUNT; k++) {
            printf(" %8lld", counts[i][k]);
        }
        printf(" %9.1f %9.1f\n", quantile(i, 0.5), quantile(i, 0.99));
    }

    /* the figures for run.sh */
    printf("requests=%lld\n", total);
    for (k = 0; k < CL_COUNT; k++) {
        printf("%s=%lld\n", cl_name[k], sums[k]);
    }
    printf("cache_hit=%lld\ncache_miss=%lld\ncache_stale=%lld\n",
           cache_hdr[0], cache_hdr[1], cache_hdr[2]);
    printf("rps=%.0f\n", total / elapsed);
    printf("p50_ms=%.1f\np99_ms=%.1f\nmax_ms=%.1f\n", quantile(SC_COUNT, 0.5),
           quantile(SC_COUNT, 0.99), quantile(SC_COUNT, 1.0));
    for (k = 0; k < SC_COUNT; k++) {
        printf("p99_%s_ms=%.1f\n", sc_name[k], quantile(k, 0.99));
    }
    printf("distinct_requests=%zu\n", seen_n);
    printf("sql_checked=%d\nsql_wrong=%d\n", verified, verify_bad);

    for (i = 0; i < opt_conc; i++) {
        curl_easy_cleanup(conns[i].h);
        free(conns[i].q.body);
        free(conns[i].body.p);
        free(conns[i].head.p);
    }
    curl_multi_cleanup(m);
    curl_slist_free_all(hdr_json);
    curl_slist_free_all(hdr_text);
    curl_global_cleanup();
    return 0;
}
