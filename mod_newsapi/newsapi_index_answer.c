/*
 * newsapi_index_answer.c - a missed answer from the day index.
 *
 * The rows (which sites, their names, districts and order) are the
 * endpoint query's own, run with an empty range and kept in the answer
 * cache as long as a past answer is; the counts are the index's.  So an
 * answer from the index has exactly the rows the SQL would give, and the
 * database sees one cheap statement per district and NewsApiCachePastTTL
 * instead of one per range.
 *
 * A cached row list is a sequence of values, each a u32 length + 1 (0
 * for SQL NULL) and its bytes, after a u32 count of rows.
 */
#include "apr_atomic.h"
#include "apr_strings.h"

#include "newsapi_cache.h"
#include "newsapi_days.h"
#include "newsapi_index_shm.h"

APLOG_USE_MODULE(newsapi);

/* The empty range the rows are asked for: no count to compute, and
 * never a range a request can name (those end after they start). */
#define EMPTY_RANGE "1000-01-01 00:00:00"

static void put_u32(char **at, apr_uint32_t v)
{
    memcpy(*at, &v, sizeof(v));
    *at += sizeof(v);
}

static const char *pack(apr_pool_t *p, const apr_array_header_t *rows,
                        int ncols, apr_size_t *len)
{
    apr_size_t n = sizeof(apr_uint32_t);
    char *buf, *at;
    int i, j;

    for (i = 0; i < rows->nelts; i++) {
        const newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);

        for (j = 0; j < ncols; j++) {
            n += sizeof(apr_uint32_t)
                 + (row->values[j] ? strlen(row->values[j]) : 0);
        }
    }
    at = buf = apr_palloc(p, n);
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
    *len = n;
    return buf;
}

/* The rows of a packed list; NULL when it is not one of ncols. */
static apr_array_header_t *unpack(apr_pool_t *p, const char *buf,
                                  apr_size_t len, int ncols)
{
    const char *at = buf, *end = buf + len;
    apr_array_header_t *rows;
    apr_uint32_t n, l;
    apr_uint32_t i;
    int j;

    if (len < sizeof(n)) {
        return NULL;
    }
    memcpy(&n, at, sizeof(n));
    at += sizeof(n);
    if (n > len) {
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

/* The endpoint's rows for params' district, from the cache or its SQL. */
static newsapi_error_t *base_rows(request_rec *r,
                                  const newsapi_endpoint_t *ep,
                                  const newsapi_dir_conf_t *d,
                                  const newsapi_params_t *params,
                                  const idx_shape_t *sh,
                                  newsapi_index_rows_fn *sql_rows,
                                  apr_array_header_t **rows)
{
    unsigned char key[NEWSAPI_CACHE_KEY_LEN];
    newsapi_params_t empty = *params;
    apr_time_t now = apr_time_now();
    newsapi_cached_t c;
    newsapi_error_t *e;
    const char *blob;
    apr_size_t len;
    int held;

    apr_cpystrn(empty.sql_from, EMPTY_RANGE, sizeof(empty.sql_from));
    apr_cpystrn(empty.sql_to, EMPTY_RANGE, sizeof(empty.sql_to));
    newsapi_cache_key(apr_pstrcat(r->pool, ep->handler, "#rows", NULL),
                      newsapi_conf_query(d, ep->query)->sql, &empty, key);
    held = newsapi_cache_get(r, key, &c);
    if (held && c.fresh_until > now
        && (*rows = unpack(r->pool, c.body, c.len, sh->ncols)) != NULL) {
        return NULL;
    }
    e = sql_rows(r, ep, d, &empty, rows);
    if (e != NULL) {
        /* The database is out: the rows rarely change. */
        if (e->status == HTTP_SERVICE_UNAVAILABLE && held
            && (*rows = unpack(r->pool, c.body, c.len, sh->ncols)) != NULL) {
            return NULL;
        }
        return e;
    }
    blob = pack(r->pool, *rows, sh->ncols, &len);
    newsapi_cache_put(r, key, blob, len, "sql", now + apr_time_from_sec(
                          newsapi_conf_number(d, NEWSAPI_N_PAST_TTL)),
                      now + apr_time_from_sec(
                          newsapi_conf_number(d, NEWSAPI_N_PAST_TTL)
                          + newsapi_conf_number(d, NEWSAPI_N_STALE)));
    return NULL;
}

/* The rows with the counts of [from, to] filled in from one pinned
 * copy; NULL when the copy changed under us or a row is not a site. */
static apr_array_header_t *counted(request_rec *r, idx_t *x,
                                   const idx_shape_t *sh,
                                   const apr_array_header_t *base,
                                   long from, long to)
{
    apr_array_header_t *out = apr_array_make(r->pool, base->nelts + 1,
                                             sizeof(newsapi_row_t));
    apr_uint64_t ticket;
    apr_size_t cap = (apr_size_t)x->ctl->copy_size;
    const void *buf;
    int copy, i;

    if ((buf = newsapi_idx_pin(x, &copy, &ticket)) == NULL) {
        return NULL;
    }
    for (i = 0; i < base->nelts; i++) {
        const newsapi_row_t *in = &APR_ARRAY_IDX(base, i, newsapi_row_t);
        newsapi_row_t *row = apr_array_push(out);
        unsigned long long n = 0, total = 0;
        long long site;

        if (newsapi_render_parse_int(in->values[sh->site_col], &site) != 0
            || newsapi_days_count(buf, cap, site, from, to, &n) != 0
            || (sh->total_col >= 0
                && newsapi_days_count(buf, cap, site, NEWSAPI_DAYS_MIN, to,
                                      &total) != 0)) {
            return NULL;
        }
        row->values = apr_pmemdup(r->pool, in->values,
                                  sizeof(char *) * sh->ncols);
        row->values[sh->count_col] = apr_psprintf(r->pool, "%" APR_UINT64_T_FMT,
                                                  (apr_uint64_t)n);
        if (sh->total_col >= 0) {
            row->values[sh->total_col] = apr_psprintf(r->pool,
                                                      "%" APR_UINT64_T_FMT,
                                                      (apr_uint64_t)total);
        }
    }
    return newsapi_idx_unpin(x, copy, ticket) ? out : NULL;
}

/* The family and shape of an endpoint query; NULL: not indexed. */
static idx_t *family_of(newsapi_query_slot_e q, const idx_shape_t **sh)
{
    int i;

    for (i = 0; i < IDX_FAMILIES; i++) {
        const idx_family_t *f = &newsapi_idx_families[i];

        *sh = q == f->district.query ? &f->district
              : q == f->commune.query ? &f->commune : NULL;
        if (*sh != NULL) {
            return newsapi_idx[i].on && newsapi_idx[i].ctl ? &newsapi_idx[i]
                                                           : NULL;
        }
    }
    return NULL;
}

newsapi_error_t *newsapi_index_rows(request_rec *r,
                                    const newsapi_endpoint_t *ep,
                                    const newsapi_dir_conf_t *d,
                                    const newsapi_params_t *params,
                                    newsapi_index_rows_fn *sql_rows,
                                    apr_array_header_t **rows,
                                    newsapi_source_info_t *info)
{
    const idx_shape_t *sh = NULL;
    idx_t *x = family_of(ep->query, &sh);
    const newsapi_query_t *verified;
    apr_array_header_t *base;
    apr_time_t now = apr_time_now(), ok_at, due, limit;
    newsapi_error_t *e;
    newsapi_date_t today;
    long from, to;
    int recent, tries;

    *rows = NULL;
    info->name = "sql";
    info->fresh_until = 0;
    info->stale = 0;
    if (x == NULL || apr_atomic_read32(&x->ctl->state) != IDX_READY) {
        return NULL;
    }
    /* A place with its own query is answered by it: the index was built
     * and checked for the main server's. */
    verified = sh == &x->fam->district ? x->district : x->commune;
    if (strcmp(newsapi_conf_query(d, ep->query)->sql, verified->sql) != 0) {
        return NULL;
    }
    from = newsapi_date_to_days(&params->from);
    to = newsapi_date_to_days(&params->to);
    newsapi_date_today(apr_time_sec(now),
                       newsapi_conf_global()->utc_offset_minutes, &today);
    /* A range reaching yesterday changes at every refresh of the recent
     * days; an older one only at a full load. */
    recent = to >= newsapi_date_to_days(&today) - 1;
    ok_at = recent ? x->ctl->recent_ok_at : x->ctl->full_ok_at;
    due = recent ? x->ctl->next_recent_at : x->ctl->next_full_at;
    limit = (recent ? x->ttl + 2 * x->ctl->recent_took
                    : x->past_ttl + 2 * x->ctl->full_took)
            + apr_time_from_sec(2);
    if (now - ok_at > limit + x->stale) {
        return NULL;            /* too old even to be stale: as today */
    }
    if ((e = base_rows(r, ep, d, params, sh, sql_rows, &base)) != NULL) {
        return e;
    }
    for (tries = 0; tries < 2 && *rows == NULL; tries++) {
        *rows = counted(r, x, sh, base, from, to);
    }
    if (*rows == NULL) {
        return NULL;
    }
    apr_atomic_inc64(&x->ctl->answers);
    info->name = "index";
    info->stale = now - ok_at > limit;
    /* Old when the next refresh has published; at least a second, so a
     * late loader does not make every request a miss. */
    info->fresh_until = due > now + apr_time_from_sec(1)
                        ? due : now + apr_time_from_sec(1);
    return NULL;
}
