/*
 * fuzz_render.c - what newsapi_render.c does with values the database or
 * an error path hands it.  The first byte (mod 6) chooses:
 *
 *   0  newsapi_render_utf8_clean on the rest (exactly sized, no NUL): the
 *      output is well-formed UTF-8 by an independent decoder, unchanged
 *      when the input already was (and held no NUL), never more than 3x;
 *   1  newsapi_render_parse_int on the rest as a C string, compared with
 *      the rule: -?[0-9]+ optionally followed by '.' and zeros, within
 *      the 64-bit range, value as strtoll reads it;
 *   2, 3  newsapi_render_rows: the rest split at NUL bytes into the cells
 *      of district rows (2: 5 columns) or commune rows (3: 3 columns), a
 *      cell "\xff" being SQL NULL; the JSON must parse back to the same
 *      values, and no character but a control one may be \u-escaped;
 *   4, 5  newsapi_render_error with the rest as message and a field: the
 *      body must be JSON carrying status, code, field and a message.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "apr_tables.h"

#include "newsapi_error.h"
#include "newsapi_render.h"

#include "fuzz_common.h"

static void fuzz_clean(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    char *out = newsapi_render_utf8_clean(p, (const char *)data, size);
    size_t n = strlen(out);

    FUZZ_CHECK(n <= 3 * size, "grew from %zu to %zu bytes", size, n);
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)out, n),
               "output is not UTF-8");
    if (fuzz_utf8_valid(data, size)) {
        FUZZ_CHECK(n == size && memcmp(out, data, size) == 0,
                   "valid UTF-8 was changed");
    }
    else {
        FUZZ_CHECK(strstr(out, "\xEF\xBF\xBD") != NULL,
                   "invalid input without a replacement character");
    }
    apr_pool_destroy(p);
}

/* The reference: 1 and *v when s is an integer the way the contract says. */
static int ref_int(const char *s, long long *v)
{
    const char *c = s;
    char *end;

    if (*c == '-') {
        c++;
    }
    if (*c < '0' || *c > '9') {
        return 0;
    }
    while (*c >= '0' && *c <= '9') {
        c++;
    }
    if (*c == '.') {
        c++;
        while (*c == '0') {
            c++;
        }
    }
    if (*c != '\0') {
        return 0;
    }
    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno == 0;
}

static void fuzz_int(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    long long got = 0, want = 0;
    int rc = newsapi_render_parse_int(s, &got);
    int ok = ref_int(s, &want);

    FUZZ_CHECK((rc == 0) == ok, "'%s': rc %d, reference %d", s, rc, ok);
    FUZZ_CHECK(!ok || got == want, "'%s': %lld, reference %lld", s, got,
               want);
    free(s);
}

static const newsapi_column_t district_cols[] = {
    { "Huyen_Id", NEWSAPI_COL_ID }, { "Ten_Huyen", NEWSAPI_COL_TEXT },
    { "Id", NEWSAPI_COL_ID }, { "Name", NEWSAPI_COL_TEXT },
    { "SoLuong", NEWSAPI_COL_COUNT }
};

static const newsapi_column_t commune_cols[] = {
    { "Id", NEWSAPI_COL_ID }, { "Name", NEWSAPI_COL_TEXT },
    { "SoLuong", NEWSAPI_COL_COUNT }
};

/* Checks one rendered object against the row it came from. */
static void check_object(apr_pool_t *p, json_t *o,
                         const newsapi_column_t *cols, int ncols,
                         const newsapi_row_t *row)
{
    const char *key;
    json_t *v;
    int i = 0;

    FUZZ_CHECK(json_is_object(o) && (int)json_object_size(o) == ncols,
               "object with %zu members", json_object_size(o));
    json_object_foreach(o, key, v) {
        const char *cell = row->values[i];

        FUZZ_CHECK(strcmp(key, cols[i].name) == 0, "key %d is %s", i, key);
        if (cols[i].type == NEWSAPI_COL_TEXT) {
            const char *want = cell
                ? newsapi_render_utf8_clean(p, cell, strlen(cell)) : "";

            FUZZ_CHECK(json_is_string(v)
                       && strcmp(json_string_value(v), want) == 0,
                       "text column %s", key);
        }
        else {
            long long n = 0;

            FUZZ_CHECK(json_is_integer(v), "column %s is no integer", key);
            FUZZ_CHECK(cell != NULL || cols[i].type == NEWSAPI_COL_COUNT,
                       "NULL id rendered");
            if (cell != NULL) {
                FUZZ_CHECK(newsapi_render_parse_int(cell, &n) == 0,
                           "'%s' rendered as an integer", cell);
            }
            FUZZ_CHECK(json_integer_value(v) == n, "column %s: %lld for "
                       "'%s'", key, (long long)json_integer_value(v),
                       cell ? cell : "NULL");
        }
        i++;
    }
}

/* The README promises UTF-8 text as UTF-8: a \u escape is only right
 * for the control characters JSON cannot carry raw. */
static int only_control_escapes(const char *json)
{
    const char *c;

    for (c = json; *c; c++) {
        if (*c != '\\') {
            continue;
        }
        c++;
        if (*c == 'u' && !(c[1] == '0' && c[2] == '0'
                           && (c[3] == '0' || c[3] == '1'))) {
            return 0;
        }
    }
    return 1;
}

static void fuzz_rows(const uint8_t *data, size_t size, int commune)
{
    const newsapi_column_t *cols = commune ? commune_cols : district_cols;
    int ncols = commune ? 3 : 5;
    apr_pool_t *p = fuzz_pool();
    apr_array_header_t *rows = apr_array_make(p, 4, sizeof(newsapi_row_t));
    char *text = fuzz_cstr(data, size), *c = text, *end = text + size;
    newsapi_error_t *e;
    int expect_objects = 0, bad_value = 0, i;
    apr_size_t len = 0;
    char *json = NULL;
    json_error_t jerr;
    json_t *doc;

    /* Cells are the NUL-separated pieces; a short last row is padded. */
    while (c < end) {
        newsapi_row_t *row = apr_array_push(rows);
        int null_id = 0;

        row->values = apr_pcalloc(p, sizeof(char *) * ncols);
        for (i = 0; i < ncols; i++) {
            const char *cell = c < end ? c : "0";
            long long n;

            if (c < end) {
                c += strlen(c) + 1;
            }
            row->values[i] = strcmp(cell, "\xff") == 0 ? NULL : cell;
            if (row->values[i] == NULL) {
                null_id |= cols[i].type == NEWSAPI_COL_ID;
            }
            else if (cols[i].type != NEWSAPI_COL_TEXT
                     && newsapi_render_parse_int(cell, &n) != 0) {
                bad_value |= !null_id;
            }
        }
        expect_objects += !null_id;
    }

    e = newsapi_render_rows(p, cols, ncols, rows, &json, &len);
    if (e != NULL) {
        FUZZ_CHECK(bad_value, "error without a bad value: %s", e->message);
        FUZZ_CHECK(e->status == 500 && strcmp(e->code, NEWSAPI_E_INTERNAL)
                   == 0, "error %d %s", e->status, e->code);
    }
    else {
        int k = 0;

        FUZZ_CHECK(!bad_value, "a bad value was rendered");
        FUZZ_CHECK(json != NULL && strlen(json) == len, "length");
        FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)json, len),
                   "answer is not UTF-8");
        FUZZ_CHECK(only_control_escapes(json), "answer holds a \\u escape "
                   "of a printable character: %s", json);
        doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
        FUZZ_CHECK(json_is_array(doc), "answer is not a JSON array (%s)",
                   jerr.text);
        FUZZ_CHECK((int)json_array_size(doc) == expect_objects,
                   "%zu objects, want %d", json_array_size(doc),
                   expect_objects);
        for (i = 0; i < rows->nelts; i++) {
            const newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);
            int j, skip = 0;

            for (j = 0; j < ncols; j++) {
                skip |= row->values[j] == NULL
                        && cols[j].type == NEWSAPI_COL_ID;
            }
            if (!skip) {
                check_object(p, json_array_get(doc, k++), cols, ncols, row);
            }
        }
        json_decref(doc);
    }
    free(text);
    apr_pool_destroy(p);
}

static void fuzz_error(const uint8_t *data, size_t size, int with_field)
{
    apr_pool_t *p = fuzz_pool();
    char *msg = fuzz_cstr(data, size);
    newsapi_error_t *e = newsapi_error_make(p, 503, NEWSAPI_E_DB,
                                            with_field ? "Huyen_Id" : NULL,
                                            "%s", msg);
    apr_size_t len = 0;
    char *body = newsapi_render_error(p, e, &len);
    json_error_t jerr;
    json_t *doc, *inner;

    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)body, len),
               "error body is not UTF-8");
    doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    FUZZ_CHECK(doc != NULL, "error body is not JSON: %s", jerr.text);
    inner = json_object_get(doc, "error");
    FUZZ_CHECK(json_integer_value(json_object_get(inner, "status")) == 503,
               "status");
    FUZZ_CHECK(json_is_string(json_object_get(inner, "message")), "message");
    FUZZ_CHECK(with_field == (json_object_get(inner, "field") != NULL),
               "field");
    json_decref(doc);
    free(msg);
    apr_pool_destroy(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    switch (data[0] % 6) {
    case 0:
        fuzz_clean(data + 1, size - 1);
        break;
    case 1:
        fuzz_int(data + 1, size - 1);
        break;
    case 2:
    case 3:
        fuzz_rows(data + 1, size - 1, data[0] % 6 == 3);
        break;
    default:
        fuzz_error(data + 1, size - 1, data[0] % 6 == 5);
        break;
    }
    return 0;
}
