/*
 * newsapi_render.h - JSON answers: result rows and error bodies.
 *
 * Pure code (APR pools and jansson, no httpd).  Text is written as UTF-8,
 * never as \u escapes; a byte sequence that is not UTF-8 (a damaged name
 * in a portal database) becomes U+FFFD rather than invalid JSON.
 */
#ifndef NEWSAPI_RENDER_H
#define NEWSAPI_RENDER_H

#include "apr_pools.h"
#include "apr_tables.h"
#include "newsapi_error.h"

typedef enum {
    NEWSAPI_COL_ID,             /* integer; SQL NULL leaves the row out */
    NEWSAPI_COL_TEXT,           /* string; SQL NULL becomes "" */
    NEWSAPI_COL_COUNT,          /* integer; SQL NULL becomes 0 */
    NEWSAPI_COL_INT_OR_NULL,    /* integer; SQL NULL becomes null */
    NEWSAPI_COL_TEXT_OR_NULL    /* string; SQL NULL becomes null */
} newsapi_coltype_e;

typedef struct {
    const char *name;    /* the JSON key, e.g. "SoLuong" */
    newsapi_coltype_e type;
} newsapi_column_t;

/* One result row: ncols values as the database gave them, NULL for SQL
 * NULL. */
typedef struct {
    const char **values;
} newsapi_row_t;

/* Renders rows (an array of newsapi_row_t) as a JSON array of objects
 * with the columns' keys in order.  On success returns NULL and sets json
 * and len (the text is allocated in p, NUL terminated); when a value does
 * not fit its column (a non-integer id) returns a 500 error naming the
 * column. */
newsapi_error_t *newsapi_render_rows(apr_pool_t *p,
                                     const newsapi_column_t *cols, int ncols,
                                     const apr_array_header_t *rows,
                                     char **json, apr_size_t *len);

/* {"error":{"status":..,"code":..,"field":..,"message":..}}; field is
 * left out when the error is not about one. */
char *newsapi_render_error(apr_pool_t *p, const newsapi_error_t *e,
                           apr_size_t *len);

/* Copies s (len bytes) into p, replacing every byte sequence that is not
 * well-formed UTF-8 (and every NUL) by U+FFFD. */
char *newsapi_render_utf8_clean(apr_pool_t *p, const char *s,
                                apr_size_t len);

/* Parses a database integer ("42", "-7", "42.000" from SUM/DECIMAL);
 * returns 0 on success. */
int newsapi_render_parse_int(const char *s, long long *out);

#endif /* NEWSAPI_RENDER_H */
