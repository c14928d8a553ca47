/*
 * common.h - helpers of the end-to-end tests: HTTP through libcurl to the
 * running Apache, SQL through tests/lib/mariadb.sh, JSON through jansson.
 *
 * Environment (set by tests/run.sh):
 *   NEWSAPI_URL         base URL of the Apache under test (http://127.0.0.1:PORT)
 *   NEWSAPI_REPO        the repository (for the scripts in tests/lib)
 *   NEWSAPI_DBDIR       the private MariaDB's folder
 *   NEWSAPI_DBPORT      its port
 *   NEWSAPI_HTTPD_DIR   the Apache's folder (httpd.pid, error.log)
 *
 * Every helper fails the current Criterion test (cr_assert) on trouble, so
 * tests read straight through.
 */
#ifndef E2E_COMMON_H
#define E2E_COMMON_H

#include <stddef.h>
#include <curl/curl.h>
#include <jansson.h>

#define DISTRICT_PATH "/api/tintuc/huyen"
#define COMMUNE_PATH  "/api/tintuc/xa"
#define JSON_TYPE     "application/json"
#define DB_PASSWORD   "newsapi-test-pw"

typedef struct {
    long status;
    char *body;            /* NUL terminated, len bytes */
    size_t len;
    char *headers;         /* all response header lines, raw */
    char *content_type;    /* NULL when absent */
} http_resp_t;

/* Request options: method defaults to POST; ctype NULL sends no
 * Content-Type header at all; chunked sends the body chunked. */
typedef struct {
    const char *method;
    const char *ctype;
    int chunked;
    int expect100;         /* send "Expect: 100-continue" */
} http_opts_t;

const char *env_req(const char *name);
const char *base_url(void);

http_resp_t *http_do(const char *path, const http_opts_t *o,
                     const char *body, size_t len);
/* POST with Content-Type: application/json */
http_resp_t *http_post_json(const char *path, const char *body);
void http_free(http_resp_t *r);

/* n POSTs (application/json) at once, each on its own connection:
 * paths[i] with bodies[i]; fills out[i] (status and body only). */
void http_multi(int n, const char *const *paths, const char *const *bodies,
                http_resp_t **out);

/* The value of response header name (first occurrence), malloc'd, or NULL. */
char *http_header(const http_resp_t *r, const char *name);

/* Parses the body as JSON; fails the test when it is not. */
json_t *resp_json(const http_resp_t *r);

/* Asserts a 200 with the right Content-Type and a JSON array; returns it. */
json_t *expect_array(const http_resp_t *r);

/* Asserts an error answer: status, JSON body {"error":{...}} with the code,
 * status and message, and field (NULL: must be absent, "*": anything).
 * Also that the body leaks no SQL and no password. */
void expect_error(const http_resp_t *r, long status, const char *code,
                  const char *field);

/* Asserts that a GET of path is 405 method_not_allowed with Allow: POST. */
void expect_post_only(const char *path);

/* Requests of the two endpoints. */
http_resp_t *post_district(const char *from, const char *to);
http_resp_t *post_commune(long long district, const char *from,
                          const char *to);

/* Runs SQL (printf format) as root on db newsapi with -N -B; returns the
 * output (malloc'd).  Fails the test on a client error. */
char *sql_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first column of the first row as an integer. */
long long sql_ll(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Tab separated rows of sql_run output: rows[i][j]; NULL terminated. */
typedef struct {
    size_t nrows;
    size_t ncols;
    char ***cell;
} sql_rows_t;
sql_rows_t *sql_rows(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sql_rows_free(sql_rows_t *t);

/* Lower case hex of n bytes (malloc'd), to compare with SQL HEX(). */
char *hex_of(const char *s, size_t n);

/* The object of array a whose integer member key equals id, or NULL. */
json_t *find_by_id(json_t *a, const char *key, long long id);

/* Compares an answer with SQL rows.  District rows: site id, district id,
 * HEX(district name), HEX(site name), count.  Commune rows: site id,
 * HEX(site name), count. */
/* Stops ("stop") or starts again ("start") the suite's MariaDB, on its
 * port, keeping its data; asserts it worked. */
void db_control(const char *what);

/* Runs every transfer added to m until all are done. */
void multi_run(CURLM *m);

/* The sum of the integer member key over the objects of array a. */
long long sum_of(json_t *a, const char *key);

void compare_district(json_t *a, const sql_rows_t *t);
void compare_commune(json_t *a, const sql_rows_t *t);

/* The SQL the answers are checked against (the contract's meaning of the
 * two endpoints on the reference schema); from/to are "YYYY-MM-DD". */
sql_rows_t *expected_district(const char *from, const char *to);
sql_rows_t *expected_commune(long long district, const char *from,
                             const char *to);

/* Date arithmetic on "YYYY-MM-DD" (UTC days); out holds 11 bytes. */
void date_add(const char *d, long days, char *out);

/* Apache: the parent pid and the sorted pids of its children. */
long httpd_parent_pid(void);
size_t httpd_children(long parent, long *out, size_t max);
/* Size of the error log now, and whether text appears after offset. */
long errlog_size(void);
int errlog_contains_after(long offset, const char *needle);

/* Runs a shell command; returns its exit status (-1 on abnormal end). */
int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, capturing stdout+stderr into *out (malloc'd). */
int run_capture(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* E2E_COMMON_H */
