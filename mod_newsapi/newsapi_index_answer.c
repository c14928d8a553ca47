/*
 * newsapi_index_answer.c - a missed answer from the day index.
 *
 * The rows (which sites, their names, districts and order) are the
 * endpoint query's own, run with an empty range: by the loader after
 * each full load (newsapi_index_rows.c), or, for a list the copy does
 * not keep, by the request and kept in this process as long as a past
 * answer is.  The counts are the index's.  So an
 * answer from the index has exactly the rows the SQL would give, and the
 * database sees one cheap statement per district and NewsApiCachePastTTL
 * instead of one per range.
 *
 * The row lists live in each process's memory, not in the answer cache:
 * a load of never-seen ranges fills the cache with answers and would
 * push them out at once (measured: thousands of statements a minute).
 * There is one list per endpoint, query and district, a few hundred at
 * most; a request copies the one it needs under a lock, so a list can
 * be replaced while others still use their copies.
 */
#include "apr_atomic.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#include "newsapi_days.h"
#include "newsapi_index_shm.h"

APLOG_USE_MODULE(newsapi);

/* The empty range the rows are asked for: no count to compute, and
 * never a range a request can name (those end after they start). */
#define EMPTY_RANGE "1000-01-01 00:00:00"

typedef struct {
    apr_pool_t *pool;               /* the entry's own, for its rows */
    apr_array_header_t *rows;
    apr_time_t fetched_at;
    int refreshing;                 /* a request is fetching new rows */
} rows_entry_t;

static apr_thread_mutex_t *rows_lock;
static apr_pool_t *rows_pool;
static apr_hash_t *rows_by_key;

void newsapi_index_child_init(apr_pool_t *pchild, server_rec *s)
{
    newsapi_idx_loader_child_init(pchild, s);
    rows_by_key = NULL;
    if (apr_pool_create(&rows_pool, pchild) != APR_SUCCESS
        || apr_thread_mutex_create(&rows_lock, APR_THREAD_MUTEX_DEFAULT,
                                   pchild) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NEWSAPI_LOGNO(0620)
                     "cannot set up the day index's row lists: this "
                     "process answers from SQL");
        return;
    }
    rows_by_key = apr_hash_make(rows_pool);
}

static apr_array_header_t *copy_rows(apr_pool_t *p,
                                     const apr_array_header_t *in,
                                     int ncols)
{
    apr_array_header_t *out = apr_array_make(p, in->nelts + 1,
                                             sizeof(newsapi_row_t));
    int i, j;

    for (i = 0; i < in->nelts; i++) {
        const newsapi_row_t *from = &APR_ARRAY_IDX(in, i, newsapi_row_t);
        newsapi_row_t *to = apr_array_push(out);

        to->values = apr_palloc(p, sizeof(char *) * ncols);
        for (j = 0; j < ncols; j++) {
            to->values[j] = from->values[j]
                            ? apr_pstrdup(p, from->values[j]) : NULL;
        }
    }
    return out;
}

/* Keeps rows as the list of key (called with the lock held). */
static void keep_rows(const char *key, rows_entry_t *e,
                      const apr_array_header_t *rows, int ncols,
                      apr_time_t now)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, rows_pool) != APR_SUCCESS) {
        return;
    }
    if (e == NULL) {
        e = apr_pcalloc(rows_pool, sizeof(*e));
        apr_hash_set(rows_by_key, apr_pstrdup(rows_pool, key),
                     APR_HASH_KEY_STRING, e);
    }
    else {
        apr_pool_destroy(e->pool);
    }
    e->pool = p;
    e->rows = copy_rows(p, rows, ncols);
    e->fetched_at = now;
}

/* The endpoint's rows for params' district: the list this process keeps,
 * fetched again by one request once NewsApiCachePastTTL old (the others
 * go on with the old one), and kept NewsApiCacheStaleTime longer when
 * the database fails. */
static newsapi_error_t *base_rows(request_rec *r,
                                  const newsapi_endpoint_t *ep,
                                  const newsapi_dir_conf_t *d,
                                  const newsapi_params_t *params,
                                  const idx_shape_t *sh,
                                  newsapi_index_rows_fn *sql_rows,
                                  apr_array_header_t **rows)
{
    const newsapi_query_t *q = newsapi_conf_query(d, ep->query);
    const char *key = apr_pstrcat(r->pool, ep->handler, "|", q->label, "|",
                                  params->sql_district, NULL);
    apr_time_t now = apr_time_now();
    apr_time_t fresh = apr_time_from_sec(newsapi_conf_number(
                           d, NEWSAPI_N_PAST_TTL));
    apr_time_t stale = apr_time_from_sec(newsapi_conf_number(
                           d, NEWSAPI_N_STALE));
    newsapi_params_t empty = *params;
    newsapi_error_t *e;
    rows_entry_t *held;
    int mine = 0;

    *rows = NULL;
    if (rows_by_key == NULL) {
        return NULL;
    }
    apr_thread_mutex_lock(rows_lock);
    held = apr_hash_get(rows_by_key, key, APR_HASH_KEY_STRING);
    if (held != NULL && (now - held->fetched_at < fresh
                         || (held->refreshing
                             && now - held->fetched_at < fresh + stale))) {
        *rows = copy_rows(r->pool, held->rows, sh->ncols);
    }
    else if (held != NULL) {
        held->refreshing = mine = 1;
    }
    apr_thread_mutex_unlock(rows_lock);
    if (*rows != NULL) {
        return NULL;
    }

    apr_cpystrn(empty.sql_from, EMPTY_RANGE, sizeof(empty.sql_from));
    apr_cpystrn(empty.sql_to, EMPTY_RANGE, sizeof(empty.sql_to));
    e = sql_rows(r, ep, d, &empty, rows);
    apr_thread_mutex_lock(rows_lock);
    held = apr_hash_get(rows_by_key, key, APR_HASH_KEY_STRING);
    if (mine && held != NULL) {
        held->refreshing = 0;
    }
    if (e == NULL) {
        keep_rows(key, held, *rows, sh->ncols, now);
    }
    else if (e->status == HTTP_SERVICE_UNAVAILABLE && held != NULL
             && now - held->fetched_at < fresh + stale) {
        /* The database is out: the rows rarely change. */
        *rows = copy_rows(r->pool, held->rows, sh->ncols);
        e = NULL;
    }
    apr_thread_mutex_unlock(rows_lock);
    return e;
}

/* The rows with the counts of [from, to] filled in from one pinned
 * copy, base NULL: the rows the copy keeps for the district.  NULL when
 * the copy changed under us, a row is not a site, or (*absent set) the
 * copy keeps no rows for it. */
static apr_array_header_t *counted(request_rec *r, idx_t *x,
                                   const idx_shape_t *sh,
                                   const apr_array_header_t *base,
                                   long long district, long from, long to,
                                   int *absent)
{
    apr_uint64_t ticket, off, len;
    apr_size_t cap = (apr_size_t)x->ctl->copy_size;
    apr_array_header_t *out;
    const char *buf;
    int copy, i;

    if ((buf = newsapi_idx_pin(x, &copy, &ticket)) == NULL) {
        return NULL;
    }
    if (base == NULL) {
        off = x->ctl->rows_off[copy - 1];
        len = x->ctl->rows_len[copy - 1];
        if (off > cap || len > cap - off
            || (base = newsapi_idx_rows_get(
                    r->pool, buf + off, (apr_size_t)len,
                    sh->want_district ? IDX_ROWS_COMMUNES
                                      : IDX_ROWS_DISTRICTS,
                    sh->want_district ? district : 0, sh->ncols)) == NULL) {
            *absent = newsapi_idx_unpin(x, copy, ticket);
            return NULL;
        }
    }
    out = apr_array_make(r->pool, base->nelts + 1, sizeof(newsapi_row_t));
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
        row->values[sh->count_col] = apr_psprintf(r->pool,
                                                  "%" APR_UINT64_T_FMT,
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
    int recent, tries, absent = 0;

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
    /* The rows the copy keeps, else the ones this process fetches. */
    for (tries = 0; tries < 2 && *rows == NULL && !absent; tries++) {
        *rows = counted(r, x, sh, NULL, params->district, from, to,
                        &absent);
    }
    if (*rows == NULL && absent) {
        if ((e = base_rows(r, ep, d, params, sh, sql_rows, &base)) != NULL
            || base == NULL) {
            return e;
        }
        for (tries = 0; tries < 2 && *rows == NULL; tries++) {
            *rows = counted(r, x, sh, base, 0, from, to, &absent);
        }
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
