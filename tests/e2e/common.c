/*
 * common.c - see common.h.
 */
#define _GNU_SOURCE
#include "common.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

const char *env_req(const char *name)
{
    const char *v = getenv(name);
    cr_assert(v != NULL && *v, "environment variable %s is not set "
              "(run the tests through tests/run.sh)", name);
    return v;
}

const char *base_url(void)
{
    return env_req("NEWSAPI_URL");
}

/* ---- HTTP ---------------------------------------------------------- */

/* NEWSAPI_HTTP2=1 (tests/e2e/stage-mpm.sh): every request over HTTP/2
 * without TLS (h2c, prior knowledge), as a client behind an h2 front
 * would send it. */
static long http_version(void)
{
    const char *v = getenv("NEWSAPI_HTTP2");

    return v && strcmp(v, "1") == 0 ? (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                                    : (long)CURL_HTTP_VERSION_NONE;
}

typedef struct {
    char *p;
    size_t len;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n)
{
    b->p = realloc(b->p, b->len + n + 1);
    cr_assert(b->p != NULL);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static size_t on_data(char *s, size_t size, size_t n, void *ud)
{
    buf_add(ud, s, size * n);
    return size * n;
}

typedef struct {
    const char *p;
    size_t left;
} upload_t;

/* Hands the body out in small pieces so that a chunked request really
 * has several chunks. */
static size_t on_read(char *dst, size_t size, size_t n, void *ud)
{
    upload_t *u = ud;
    size_t max = size * n, k = u->left < max ? u->left : max;
    if (k > 1000) {
        k = 1000;
    }
    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

http_resp_t *http_do(const char *path, const http_opts_t *o,
                     const char *body, size_t len)
{
    static const http_opts_t dflt = { "POST", JSON_TYPE, 0 };
    CURL *c;
    CURLcode rc;
    struct curl_slist *h = NULL;
    buf_t bbody = { NULL, 0 }, bhead = { NULL, 0 };
    upload_t up = { body, len };
    char *url, *ct = NULL;
    http_resp_t *r;

    if (!o) {
        o = &dflt;
    }
    c = curl_easy_init();
    cr_assert(c != NULL, "curl_easy_init failed");
    cr_assert(asprintf(&url, "%s%s", base_url(), path) > 0);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, http_version());
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bbody);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &bhead);

    /* no "Expect: 100-continue" pause on large bodies, unless asked */
    h = curl_slist_append(h, o->expect100 ? "Expect: 100-continue"
                                          : "Expect:");
    if (o->ctype) {
        char *line;
        cr_assert(asprintf(&line, "Content-Type: %s", o->ctype) > 0);
        h = curl_slist_append(h, line);
        free(line);
    }
    else {
        /* an empty value makes libcurl drop the header it would add */
        h = curl_slist_append(h, "Content-Type:");
    }

    if (o->method && strcmp(o->method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    else {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        if (o->chunked) {
            h = curl_slist_append(h, "Transfer-Encoding: chunked");
            curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(c, CURLOPT_READDATA, &up);
        }
        else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)(body ? len : 0));
        }
        if (o->method && strcmp(o->method, "POST") != 0) {
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
        }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);

    rc = curl_easy_perform(c);
    cr_assert(rc == CURLE_OK, "HTTP %s %s failed: %s", o->method ? o->method
              : "POST", url, curl_easy_strerror(rc));

    r = calloc(1, sizeof(*r));
    cr_assert(r != NULL);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    r->content_type = ct ? strdup(ct) : NULL;
    if (!bbody.p) {
        buf_add(&bbody, "", 0);
    }
    if (!bhead.p) {
        buf_add(&bhead, "", 0);
    }
    r->body = bbody.p;
    r->len = bbody.len;
    r->headers = bhead.p;

    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(url);
    return r;
}

void http_multi(int n, const char *const *paths, const char *const *bodies,
                http_resp_t **out)
{
    CURLM *m = curl_multi_init();
    CURL **h = calloc((size_t)n, sizeof(CURL *));
    buf_t *b = calloc((size_t)n, sizeof(buf_t));
    char **urls = calloc((size_t)n, sizeof(char *));
    struct curl_slist *hdr = NULL;
    int i;

    cr_assert(m && h && b && urls);
    hdr = curl_slist_append(hdr, "Content-Type: " JSON_TYPE);
    hdr = curl_slist_append(hdr, "Expect:");
    for (i = 0; i < n; i++) {
        cr_assert(asprintf(&urls[i], "%s%s", base_url(), paths[i]) > 0);
        h[i] = curl_easy_init();
        cr_assert(h[i] != NULL);
        curl_easy_setopt(h[i], CURLOPT_URL, urls[i]);
        curl_easy_setopt(h[i], CURLOPT_HTTP_VERSION, http_version());
        curl_easy_setopt(h[i], CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, bodies[i]);
        curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(h[i], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h[i], CURLOPT_WRITEDATA, &b[i]);
        /* a connection each, so that the requests really overlap */
        curl_easy_setopt(h[i], CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(h[i], CURLOPT_FORBID_REUSE, 1L);
        curl_multi_add_handle(m, h[i]);
    }
    multi_run(m);
    for (i = 0; i < n; i++) {
        http_resp_t *r = calloc(1, sizeof(*r));
        cr_assert(r != NULL);
        curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &r->status);
        if (!b[i].p) {
            buf_add(&b[i], "", 0);
        }
        r->body = b[i].p;
        r->len = b[i].len;
        r->headers = strdup("");
        out[i] = r;
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
        free(urls[i]);
    }
    curl_slist_free_all(hdr);
    curl_multi_cleanup(m);
    free(h);
    free(b);
    free(urls);
}

http_resp_t *http_post_json(const char *path, const char *body)
{
    return http_do(path, NULL, body, strlen(body));
}

void http_free(http_resp_t *r)
{
    if (r) {
        free(r->body);
        free(r->headers);
        free(r->content_type);
        free(r);
    }
}

char *http_header(const http_resp_t *r, const char *name)
{
    size_t n = strlen(name);
    const char *line = r->headers;

    while (line && *line) {
        const char *end = strstr(line, "\r\n");
        size_t l = end ? (size_t)(end - line) : strlen(line);
        if (l > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            return strndup(v, (size_t)(line + l - v));
        }
        line = end ? end + 2 : NULL;
    }
    return NULL;
}

json_t *resp_json(const http_resp_t *r)
{
    json_error_t err;
    json_t *j = json_loadb(r->body, r->len, JSON_DECODE_ANY, &err);
    cr_assert(j != NULL, "answer (HTTP %ld) is not JSON: %s\n--- body:\n%.2000s",
              r->status, err.text, r->body);
    return j;
}

json_t *expect_array(const http_resp_t *r)
{
    json_t *j;
    cr_assert_eq(r->status, 200, "expected 200, got %ld: %.2000s",
                 r->status, r->body);
    cr_assert(r->content_type != NULL, "no Content-Type");
    cr_assert_str_eq(r->content_type, "application/json; charset=utf-8");
    j = resp_json(r);
    cr_assert(json_is_array(j), "answer is not a JSON array: %.500s", r->body);
    return j;
}

static void expect_no_leak(const http_resp_t *r)
{
    static const char *bad[] = {
        "SELECT", "FROM ", "WHERE", "select ", DB_PASSWORD, "newsapi-test",
        "pass=", NULL
    };
    int i;
    for (i = 0; bad[i]; i++) {
        cr_assert(memmem(r->body, r->len, bad[i], strlen(bad[i])) == NULL,
                  "error body leaks '%s': %.1000s", bad[i], r->body);
    }
}

void expect_error(const http_resp_t *r, long status, const char *code,
                  const char *field)
{
    json_t *j, *e, *v;

    cr_assert_eq(r->status, status, "expected HTTP %ld (%s), got %ld: %.1000s",
                 status, code, r->status, r->body);
    cr_assert(r->content_type != NULL, "error without Content-Type");
    cr_assert(strncasecmp(r->content_type, JSON_TYPE, strlen(JSON_TYPE)) == 0,
              "error Content-Type is '%s'", r->content_type);
    expect_no_leak(r);
    j = resp_json(r);
    cr_assert(json_is_object(j), "error body is not an object: %s", r->body);
    e = json_object_get(j, "error");
    cr_assert(json_is_object(e), "no \"error\" object: %s", r->body);

    v = json_object_get(e, "status");
    cr_assert(json_is_integer(v), "error.status is not an integer: %s",
              r->body);
    cr_assert_eq(json_integer_value(v), status, "error.status: %s", r->body);

    v = json_object_get(e, "code");
    cr_assert(json_is_string(v), "error.code is not a string: %s", r->body);
    cr_assert_str_eq(json_string_value(v), code, "body: %s", r->body);

    v = json_object_get(e, "message");
    cr_assert(json_is_string(v) && json_string_length(v) > 0,
              "error.message missing: %s", r->body);

    v = json_object_get(e, "field");
    if (field == NULL) {
        cr_assert(v == NULL, "error.field should be absent: %s", r->body);
    }
    else if (strcmp(field, "*") != 0) {
        cr_assert(json_is_string(v), "error.field missing (want %s): %s",
                  field, r->body);
        cr_assert_str_eq(json_string_value(v), field, "body: %s", r->body);
    }
    json_decref(j);
}

void expect_post_only(const char *path)
{
    http_opts_t get = { "GET", JSON_TYPE, 0, 0 };
    http_resp_t *r = http_do(path, &get, NULL, 0);
    char *allow = http_header(r, "Allow");

    expect_error(r, 405, "method_not_allowed", NULL);
    cr_assert(allow != NULL && strstr(allow, "POST") != NULL,
              "405 without Allow: POST (%s)", allow ? allow : "none");
    free(allow);
    http_free(r);
}

http_resp_t *post_district(const char *from, const char *to)
{
    char *b;
    http_resp_t *r;
    cr_assert(asprintf(&b, "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                       from, to) > 0);
    r = http_post_json(DISTRICT_PATH, b);
    free(b);
    return r;
}

http_resp_t *post_commune(long long district, const char *from,
                          const char *to)
{
    char *b;
    http_resp_t *r;
    cr_assert(asprintf(&b, "{\"Huyen_Id\":%lld,\"TuNgay\":\"%s\","
                       "\"DenNgay\":\"%s\"}", district, from, to) > 0);
    r = http_post_json(COMMUNE_PATH, b);
    free(b);
    return r;
}

/* ---- shell and SQL ------------------------------------------------- */

static int wait_status(int st)
{
    if (st == -1) {
        return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int run_cmd(const char *fmt, ...)
{
    va_list ap;
    char *cmd;
    int st;
    va_start(ap, fmt);
    cr_assert(vasprintf(&cmd, fmt, ap) > 0);
    va_end(ap);
    fflush(NULL);
    st = system(cmd);
    free(cmd);
    return wait_status(st);
}

static int capture(char **out, const char *cmd)
{
    FILE *f;
    buf_t b = { NULL, 0 };
    char chunk[4096];
    size_t n;

    fflush(NULL);
    f = popen(cmd, "r");
    cr_assert(f != NULL, "popen(%s) failed", cmd);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buf_add(&b, chunk, n);
    }
    if (!b.p) {
        buf_add(&b, "", 0);
    }
    *out = b.p;
    return wait_status(pclose(f));
}

int run_capture(char **out, const char *fmt, ...)
{
    va_list ap;
    char *cmd, *full;
    int rc;
    va_start(ap, fmt);
    cr_assert(vasprintf(&cmd, fmt, ap) > 0);
    va_end(ap);
    cr_assert(asprintf(&full, "( %s ) 2>&1", cmd) > 0);
    rc = capture(out, full);
    free(cmd);
    free(full);
    return rc;
}

static char *sql_vrun(const char *fmt, va_list ap)
{
    char *sql, *cmd, *out, path[] = "/tmp/newsapi-e2e-sql.XXXXXX";
    const char *repo = env_req("NEWSAPI_REPO");
    const char *dbdir = env_req("NEWSAPI_DBDIR");
    int fd, rc;
    FILE *f;

    cr_assert(vasprintf(&sql, fmt, ap) > 0);
    fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp failed");
    f = fdopen(fd, "w");
    cr_assert(f != NULL);
    fputs(sql, f);
    fputs(";\n", f);
    fclose(f);
    cr_assert(asprintf(&cmd, "'%s/tests/lib/mariadb.sh' sql '%s' -N -B < '%s'",
                       repo, dbdir, path) > 0);
    rc = capture(&out, cmd);
    unlink(path);
    cr_assert_eq(rc, 0, "SQL failed (rc %d): %s", rc, sql);
    free(cmd);
    free(sql);
    return out;
}

char *sql_run(const char *fmt, ...)
{
    va_list ap;
    char *out;
    va_start(ap, fmt);
    out = sql_vrun(fmt, ap);
    va_end(ap);
    return out;
}

long long sql_ll(const char *fmt, ...)
{
    va_list ap;
    char *out, *end;
    long long v;
    va_start(ap, fmt);
    out = sql_vrun(fmt, ap);
    va_end(ap);
    v = strtoll(out, &end, 10);
    cr_assert(end != out, "SQL gave no number: '%s'", out);
    free(out);
    return v;
}

sql_rows_t *sql_rows(const char *fmt, ...)
{
    va_list ap;
    char *out, *line, *save = NULL;
    sql_rows_t *t = calloc(1, sizeof(*t));

    cr_assert(t != NULL);
    va_start(ap, fmt);
    out = sql_vrun(fmt, ap);
    va_end(ap);
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        size_t nc = 1, k;
        char *p, **cells;
        for (p = line; *p; p++) {
            nc += (*p == '\t');
        }
        cells = calloc(nc + 1, sizeof(char *));
        cr_assert(cells != NULL);
        p = line;
        for (k = 0; k < nc; k++) {
            char *tab = strchr(p, '\t');
            if (tab) {
                *tab = '\0';
            }
            cells[k] = strdup(p);
            p = tab ? tab + 1 : p + strlen(p);
        }
        if (t->nrows == 0) {
            t->ncols = nc;
        }
        cr_assert_eq(nc, t->ncols, "ragged SQL output");
        t->cell = realloc(t->cell, (t->nrows + 2) * sizeof(char **));
        cr_assert(t->cell != NULL);
        t->cell[t->nrows++] = cells;
        t->cell[t->nrows] = NULL;
    }
    free(out);
    return t;
}

void sql_rows_free(sql_rows_t *t)
{
    size_t i, j;
    if (!t) {
        return;
    }
    for (i = 0; i < t->nrows; i++) {
        for (j = 0; j < t->ncols; j++) {
            free(t->cell[i][j]);
        }
        free(t->cell[i]);
    }
    free(t->cell);
    free(t);
}

char *hex_of(const char *s, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char *h = malloc(2 * n + 1);
    size_t i;
    cr_assert(h != NULL);
    for (i = 0; i < n; i++) {
        h[2 * i] = digits[(unsigned char)s[i] >> 4];
        h[2 * i + 1] = digits[(unsigned char)s[i] & 15];
    }
    h[2 * n] = '\0';
    return h;
}

json_t *find_by_id(json_t *a, const char *key, long long id)
{
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o) {
        json_t *v = json_object_get(o, key);
        if (json_is_integer(v) && json_integer_value(v) == id) {
            return o;
        }
    }
    return NULL;
}

/* Asserts o[key] is a JSON integer equal to the SQL text want. */
static void check_int(json_t *o, const char *key, const char *want,
                      long long site)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "site %lld: %s is not a JSON integer",
              site, key);
    cr_assert_eq(json_integer_value(v), strtoll(want, NULL, 10),
                 "site %lld: %s is %lld, SQL says %s", site, key,
                 (long long)json_integer_value(v), want);
}

/* Asserts o[key] is a string whose UTF-8 bytes are those of SQL HEX(). */
static void check_hex(json_t *o, const char *key, const char *want_hex,
                      long long site)
{
    json_t *v = json_object_get(o, key);
    char *h;
    cr_assert(json_is_string(v), "site %lld: %s is not a string", site, key);
    h = hex_of(json_string_value(v), json_string_length(v));
    cr_assert_str_eq(h, want_hex, "site %lld: %s bytes differ from SQL",
                     site, key);
    free(h);
}

/* One column of an expected answer: its key, and whether the SQL cell is
 * an integer or the HEX() of a text.  Column 0 of the SQL rows is always
 * the site id, matched against the answer's "Id". */
typedef struct {
    const char *key;
    int is_text;
} column_t;

static void compare_answer(json_t *a, const sql_rows_t *t,
                           const column_t *cols, size_t ncols,
                           const char *what)
{
    size_t i, c;
    json_t *o;

    cr_assert_eq(json_array_size(a), t->nrows,
                 "answer has %zu objects, SQL has %zu %s",
                 json_array_size(a), t->nrows, what);
    json_array_foreach(a, i, o) {
        cr_assert(json_is_object(o));
        cr_assert_eq(json_object_size(o), ncols + 1,
                     "object %zu has %zu members", i, json_object_size(o));
    }
    for (i = 0; i < t->nrows; i++) {
        long long site = strtoll(t->cell[i][0], NULL, 10);

        o = find_by_id(a, "Id", site);
        cr_assert(o != NULL, "site %lld missing from the answer", site);
        for (c = 0; c < ncols; c++) {
            if (cols[c].is_text) {
                check_hex(o, cols[c].key, t->cell[i][c + 1], site);
            }
            else {
                check_int(o, cols[c].key, t->cell[i][c + 1], site);
            }
        }
    }
}

void compare_district(json_t *a, const sql_rows_t *t)
{
    static const column_t cols[] = {
        { "Huyen_Id", 0 }, { "Ten_Huyen", 1 }, { "Name", 1 },
        { "SoLuong", 0 }
    };

    compare_answer(a, t, cols, 4, "portal sites");
}

void compare_commune(json_t *a, const sql_rows_t *t)
{
    static const column_t cols[] = { { "Name", 1 }, { "SoLuong", 0 } };

    compare_answer(a, t, cols, 2, "commune sites");
}

sql_rows_t *expected_district(const char *from, const char *to)
{
    return sql_rows(
        "SELECT s.id, d.id, HEX(d.name), HEX(s.name),"
        " (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id"
        "  AND a.status = 1 AND a.is_deleted = 0"
        "  AND a.published_at >= '%s 00:00:00'"
        "  AND a.published_at < DATE_ADD('%s', INTERVAL 1 DAY))"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE s.commune_id IS NULL ORDER BY s.id", from, to);
}

sql_rows_t *expected_commune(long long district, const char *from,
                             const char *to)
{
    return sql_rows(
        "SELECT s.id, HEX(s.name),"
        " (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id"
        "  AND a.status = 1 AND a.is_deleted = 0"
        "  AND a.published_at >= '%s 00:00:00'"
        "  AND a.published_at < DATE_ADD('%s', INTERVAL 1 DAY))"
        " FROM sites s WHERE s.district_id = %lld"
        " AND s.commune_id IS NOT NULL ORDER BY s.id", from, to, district);
}

void date_add(const char *d, long days, char *out)
{
    struct tm tm;
    time_t t;
    memset(&tm, 0, sizeof(tm));
    cr_assert(sscanf(d, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday)
              == 3, "bad date %s", d);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    t = timegm(&tm) + (time_t)days * 86400;
    gmtime_r(&t, &tm);
    cr_assert(tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

/* ---- Apache processes and log ------------------------------------- */

long httpd_parent_pid(void)
{
    char *path, buf[32] = "";
    FILE *f;
    cr_assert(asprintf(&path, "%s/httpd.pid", env_req("NEWSAPI_HTTPD_DIR"))
              > 0);
    f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s", path);
    cr_assert(fgets(buf, sizeof(buf), f) != NULL);
    fclose(f);
    free(path);
    return strtol(buf, NULL, 10);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

size_t httpd_children(long parent, long *out, size_t max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    size_t n = 0;

    cr_assert(d != NULL);
    while ((e = readdir(d)) != NULL) {
        char path[300], buf[512], *p;
        FILE *f;
        long ppid;
        char state;
        if (!isdigit((unsigned char)e->d_name[0])) {
            continue;
        }
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        f = fopen(path, "r");
        if (!f) {
            continue;
        }
        if (!fgets(buf, sizeof(buf), f)) {
            fclose(f);
            continue;
        }
        fclose(f);
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %c %ld", &state, &ppid) != 2) {
            continue;
        }
        if (ppid == parent && state != 'Z' && n < max) {
            out[n++] = strtol(e->d_name, NULL, 10);
        }
    }
    closedir(d);
    qsort(out, n, sizeof(long), cmp_long);
    return n;
}

static char *errlog_path(void)
{
    char *path;
    cr_assert(asprintf(&path, "%s/error.log", env_req("NEWSAPI_HTTPD_DIR"))
              > 0);
    return path;
}

long errlog_size(void)
{
    struct stat st;
    char *path = errlog_path();
    long n = stat(path, &st) == 0 ? (long)st.st_size : 0;
    free(path);
    return n;
}

int errlog_contains_after(long offset, const char *needle)
{
    char *path = errlog_path(), *text;
    FILE *f = fopen(path, "r");
    buf_t b = { NULL, 0 };
    char chunk[4096];
    size_t n;
    int found;

    cr_assert(f != NULL, "cannot open %s", path);
    fseek(f, offset, SEEK_SET);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buf_add(&b, chunk, n);
    }
    fclose(f);
    text = b.p ? b.p : strdup("");
    found = strstr(text, needle) != NULL;
    free(text);
    free(path);
    return found;
}

void db_control(const char *what)
{
    int rc;

    if (strcmp(what, "stop") == 0) {
        rc = run_cmd("'%s/tests/lib/mariadb.sh' stop '%s'",
                     env_req("NEWSAPI_REPO"), env_req("NEWSAPI_DBDIR"));
    }
    else {
        rc = run_cmd("'%s/tests/lib/mariadb.sh' start '%s' '%s'",
                     env_req("NEWSAPI_REPO"), env_req("NEWSAPI_DBDIR"),
                     env_req("NEWSAPI_DBPORT"));
    }
    cr_assert_eq(rc, 0, "mariadb.sh %s failed", what);
}

void multi_run(CURLM *m)
{
    int running = 1;

    while (running) {
        cr_assert_eq(curl_multi_perform(m, &running), CURLM_OK);
        if (running) {
            curl_multi_poll(m, NULL, 0, 1000, NULL);
        }
    }
}

long long sum_of(json_t *a, const char *key)
{
    long long sum = 0;
    size_t i;
    json_t *o;

    json_array_foreach(a, i, o) {
        sum += json_integer_value(json_object_get(o, key));
    }
    return sum;
}
