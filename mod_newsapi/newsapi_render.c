/*
 * newsapi_render.c - JSON answers.
 *
 * jansson builds and serialises the documents.  It refuses strings that
 * are not UTF-8, and a portal database may well hold a latin1-damaged
 * name: such bytes are replaced by U+FFFD before jansson sees them, so
 * one bad row never turns a whole answer into an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apr_strings.h"

#include "newsapi_render.h"

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0.
 * Follows RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF. */
static apr_size_t utf8_seq_len(const unsigned char *s, apr_size_t n)
{
    unsigned char c = s[0];
    apr_size_t len, i;
    unsigned char lo = 0x80, hi = 0xBF;

    if (c >= 0x01 && c <= 0x7F) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    }
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) {
            lo = 0xA0;
        }
        else if (c == 0xED) {
            hi = 0x9F;
        }
    }
    else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) {
            lo = 0x90;
        }
        else if (c == 0xF4) {
            hi = 0x8F;
        }
    }
    else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF) {
            return 0;
        }
    }
    return len;
}

char *newsapi_render_utf8_clean(apr_pool_t *p, const char *s,
                                apr_size_t len)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out, *o;
    apr_size_t i = 0, n;

    /* Worst case: every byte becomes the 3-byte replacement. */
    o = out = apr_palloc(p, len * 3 + 1);
    while (i < len) {
        n = utf8_seq_len(in + i, len - i);
        if (n == 0) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(o, in + i, n);
        o += n;
        i += n;
    }
    *o = '\0';
    return out;
}

int newsapi_render_parse_int(const char *s, long long *out)
{
    char *end;
    apr_int64_t v;

    if (s == NULL || !(*s == '-' || (*s >= '0' && *s <= '9'))) {
        return -1;
    }
    errno = 0;
    v = apr_strtoi64(s, &end, 10);
    if (errno != 0 || end == s || (*s == '-' && end == s + 1)) {
        return -1;
    }
    /* SUM() and AVG() over integers come back as DECIMAL text: accept
     * a fraction as long as it is zero. */
    if (*end == '.') {
        do {
            end++;
        } while (*end == '0');
    }
    if (*end != '\0') {
        return -1;
    }
    *out = v;
    return 0;
}

static char *dump(apr_pool_t *p, json_t *doc, apr_size_t *len)
{
    char *s = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    char *copy;

    json_decref(doc);
    if (s == NULL) {
        return NULL;
    }
    *len = strlen(s);
    copy = apr_pmemdup(p, s, *len + 1);
    free(s);
    return copy;
}

static json_t *text_value(apr_pool_t *p, const char *s)
{
    if (s == NULL) {
        return json_string("");
    }
    return json_string_nocheck(newsapi_render_utf8_clean(p, s, strlen(s)));
}

/* Builds one object; returns NULL with *skip set when an id is NULL,
 * NULL with *e set when a value does not fit its column. */
static json_t *render_row(apr_pool_t *p, const newsapi_column_t *cols,
                          int ncols, const newsapi_row_t *row, int *skip,
                          newsapi_error_t **e)
{
    json_t *obj = json_object();
    long long n;
    int i;

    for (i = 0; i < ncols; i++) {
        const char *v = row->values[i];
        json_t *jv;

        if (v == NULL && (cols[i].type == NEWSAPI_COL_INT_OR_NULL
                          || cols[i].type == NEWSAPI_COL_TEXT_OR_NULL)) {
            jv = json_null();
        }
        else if (cols[i].type == NEWSAPI_COL_TEXT
                 || cols[i].type == NEWSAPI_COL_TEXT_OR_NULL) {
            jv = text_value(p, v);
        }
        else if (v == NULL && cols[i].type == NEWSAPI_COL_ID) {
            *skip = 1;
            json_decref(obj);
            return NULL;
        }
        else if (v == NULL) {
            jv = json_integer(0);
        }
        else if (newsapi_render_parse_int(v, &n) == 0) {
            jv = json_integer(n);
        }
        else {
            *e = newsapi_error_make(p, 500, NEWSAPI_E_INTERNAL, NULL,
                                    "column %d (%s) of the query's result "
                                    "is not an integer", i + 1,
                                    cols[i].name);
            json_decref(obj);
            return NULL;
        }
        json_object_set_new_nocheck(obj, cols[i].name, jv);
    }
    return obj;
}

newsapi_error_t *newsapi_render_rows(apr_pool_t *p,
                                     const newsapi_column_t *cols, int ncols,
                                     const apr_array_header_t *rows,
                                     char **json, apr_size_t *len)
{
    json_t *arr = json_array();
    newsapi_error_t *e = NULL;
    int i;

    for (i = 0; i < rows->nelts; i++) {
        const newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);
        int skip = 0;
        json_t *obj = render_row(p, cols, ncols, row, &skip, &e);

        if (e != NULL) {
            json_decref(arr);
            return e;
        }
        if (!skip) {
            json_array_append_new(arr, obj);
        }
    }
    *json = dump(p, arr, len);
    if (*json == NULL) {
        return newsapi_error_make(p, 500, NEWSAPI_E_INTERNAL, NULL,
                                  "the answer could not be serialised");
    }
    return NULL;
}

char *newsapi_render_error(apr_pool_t *p, const newsapi_error_t *e,
                           apr_size_t *len)
{
    json_t *inner = json_object();
    char *s;

    json_object_set_new(inner, "status", json_integer(e->status));
    json_object_set_new(inner, "code", json_string(e->code));
    if (e->field != NULL) {
        json_object_set_new(inner, "field", json_string(e->field));
    }
    json_object_set_new(inner, "message", text_value(p, e->message));
    s = dump(p, json_pack("{so}", "error", inner), len);
    if (s == NULL) {
        /* Out of memory inside jansson: still answer with JSON. */
        s = apr_pstrdup(p, "{\"error\":{\"code\":\"internal_error\"}}");
        *len = strlen(s);
    }
    return s;
}
