/*
 * newsapi_index_rows.c - the rows of the answers, kept next to the day
 * counts in each copy of the index.
 *
 * After every full load the loader runs the endpoint queries with an
 * empty range (the district list, and the commune list of every district
 * in it) and keeps their rows after the copy's newsapi_days buffer, so an
 * answer from the index needs the database for nothing.  A commune list
 * that is empty is not kept: whether the district then exists (answer
 * []) or not (404) stays the SQL's decision.  The records:
 *
 *   +----------+---------+--------------+-------------------------------+
 *   | kind u32 | len u32 | district i64 | rows (len bytes)              |
 *   +----------+---------+--------------+-------------------------------+
 *
 * kind 0: the district list (district 0), 1: a district's communes.  The
 * rows are a u32 count, then each value as a u32 (length + 1, 0 for SQL
 * NULL) and its bytes.  Readers check every length against the blob.
 */
#include "apr_strings.h"

#include "newsapi_index_shm.h"

typedef struct {
    apr_uint32_t kind;
    apr_uint32_t len;
    apr_int64_t district;
} record_t;

static apr_size_t packed_size(const apr_array_header_t *rows, int ncols)
{
    apr_size_t n = sizeof(apr_uint32_t);
    int i, j;

    for (i = 0; i < rows->nelts; i++) {
        const newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);

        for (j = 0; j < ncols; j++) {
            n += sizeof(apr_uint32_t)
                 + (row->values[j] ? strlen(row->values[j]) : 0);
        }
    }
    return n;
}

static void put_u32(char **at, apr_uint32_t v)
{
    memcpy(*at, &v, sizeof(v));
    *at += sizeof(v);
}

int newsapi_idx_rows_put(char *buf, apr_size_t cap, apr_size_t *used,
                         int kind, long long district,
                         const apr_array_header_t *rows, int ncols)
{
    apr_size_t n = packed_size(rows, ncols);
    record_t h;
    char *at;
    int i, j;

    if (n > APR_UINT32_MAX || *used > cap
        || cap - *used < sizeof(h) + n) {
        return -1;
    }
    h.kind = (apr_uint32_t)kind;
    h.len = (apr_uint32_t)n;
    h.district = district;
    at = buf + *used;
    memcpy(at, &h, sizeof(h));
    at += sizeof(h);
    put_u32(&at, (apr_uint32_t)rows->nelts);
    for (i = 0; i < rows->nelts; i++) {
        const newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);

        for (j = 0; j < ncols; j++) {
            const char *v = row->values[j];
            apr_size_t l = v ? strlen(v) : 0;

            put_u32(&at, v ? (apr_uint32_t)l + 1 : 0);
            memcpy(at, v ? v : "", l);
            at += l;
        }
    }
    *used += sizeof(h) + n;
    return 0;
}

/* The rows of one record's len bytes; NULL when they are not well formed
 * (a copy being rewritten under the reader). */
static apr_array_header_t *unpack(apr_pool_t *p, const char *at,
                                  apr_size_t len, int ncols)
{
    const char *end = at + len;
    apr_array_header_t *rows;
    apr_uint32_t n, l, i;
    int j;

    if (len < sizeof(n)) {
        return NULL;
    }
    memcpy(&n, at, sizeof(n));
    at += sizeof(n);
    if (n > len / sizeof(n)) {
        return NULL;
    }
    rows = apr_array_make(p, (int)n + 1, sizeof(newsapi_row_t));
    for (i = 0; i < n; i++) {
        newsapi_row_t *row = apr_array_push(rows);

        row->values = apr_pcalloc(p, sizeof(char *) * ncols);
        for (j = 0; j < ncols; j++) {
            if ((apr_size_t)(end - at) < sizeof(l)) {
                return NULL;
            }
            memcpy(&l, at, sizeof(l));
            at += sizeof(l);
            if (l > 0) {
                if ((apr_size_t)(end - at) < l - 1) {
                    return NULL;
                }
                row->values[j] = apr_pstrmemdup(p, at, l - 1);
                at += l - 1;
            }
        }
    }
    return at == end ? rows : NULL;
}

apr_array_header_t *newsapi_idx_rows_get(apr_pool_t *p, const char *blob,
                                         apr_size_t len, int kind,
                                         long long district, int ncols)
{
    apr_size_t at = 0;
    record_t h;

    while (len - at >= sizeof(h)) {
        memcpy(&h, blob + at, sizeof(h));
        at += sizeof(h);
        if (h.len > len - at) {
            return NULL;
        }
        if (h.kind == (apr_uint32_t)kind && h.district == district) {
            return unpack(p, blob + at, h.len, ncols);
        }
        at += h.len;
    }
    return NULL;
}
