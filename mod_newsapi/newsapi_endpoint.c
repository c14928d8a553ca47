/*
 * newsapi_endpoint.c - the request path shared by every endpoint.
 */
#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#include "newsapi_cache.h"
#include "newsapi_endpoint.h"
#include "newsapi_request.h"
#include "newsapi_shm.h"
#include "newsapi_store.h"
#include "newsapi_visits.h"

APLOG_USE_MODULE(newsapi);

#define JSON_TYPE "application/json; charset=utf-8"

static int send_json(request_rec *r, int status, const char *body,
                     apr_size_t len)
{
    r->status = status;
    ap_set_content_type(r, JSON_TYPE);
    ap_set_content_length(r, (apr_off_t)len);
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (!r->header_only) {
        ap_rwrite(body, (int)len, r);
    }
    return OK;
}

static int send_error(request_rec *r, const newsapi_error_t *e)
{
    apr_size_t len;
    const char *body = newsapi_render_error(r->pool, e, &len);

    /* Client mistakes are routine for a public API: debug, not error.
     * The message may quote the request, hence the escaping. */
    ap_log_rerror(APLOG_MARK, e->status >= 500 ? APLOG_INFO : APLOG_DEBUG,
                  0, r, NEWSAPI_LOGNO(0101) "%d %s%s%s: %s", e->status,
                  e->code, e->field ? " " : "", e->field ? e->field : "",
                  ap_escape_logitem(r->pool, e->message));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (e->status == HTTP_SERVICE_UNAVAILABLE) {
        apr_table_setn(r->headers_out, "Retry-After", "5");
    }
    return send_json(r, e->status, body, len);
}

/* A failed read of the body, as httpd's own handlers map it: 408 when
 * mod_reqtimeout gave up on a slow client, 413 past LimitRequestBody,
 * else 400. */
static newsapi_error_t *read_failed(request_rec *r, apr_status_t rv,
                                    newsapi_error_t *too_large)
{
    int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);

    if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        return too_large;
    }
    if (status == HTTP_REQUEST_TIME_OUT) {
        return newsapi_error_make(r->pool, 408, NEWSAPI_E_TIMEOUT, NULL,
                                  "the request body did not arrive in time");
    }
    return newsapi_error_make(r->pool, 400, NEWSAPI_E_BAD_JSON, NULL,
                              "the request body could not be read");
}

/* Reads the whole body, at most limit bytes.  A Content-Length over the
 * limit is refused before a byte is read (and before "100 Continue");
 * a chunked body is cut off as soon as it passes the limit. */
static newsapi_error_t *read_body(request_rec *r, apr_off_t limit,
                                  char **body, apr_size_t *len)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t have = 0, max = (apr_size_t)limit;
    newsapi_error_t *too_large;
    apr_bucket_brigade *bb;
    int eos = 0;
    char *buf;

    too_large = newsapi_error_make(r->pool, 413, NEWSAPI_E_TOO_LARGE, NULL,
                                   "the request body exceeds %" APR_OFF_T_FMT
                                   " bytes", limit);
    /* httpd has already refused a Content-Length that is not a number. */
    if (cl != NULL && apr_atoi64(cl) > limit) {
        return too_large;
    }
    buf = apr_palloc(r->pool, max + 1);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!eos) {
        apr_bucket *b;
        apr_status_t rv = ap_get_brigade(r->input_filters, bb,
                                         AP_MODE_READBYTES, APR_BLOCK_READ,
                                         max + 1 - have);

        if (rv != APR_SUCCESS) {
            return read_failed(r, rv, too_large);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;

            if (APR_BUCKET_IS_EOS(b)) {
                eos = 1;
                break;
            }
            rv = apr_bucket_read(b, &data, &n, APR_BLOCK_READ);
            if (rv != APR_SUCCESS) {
                return read_failed(r, rv, too_large);
            }
            if (n > max - have) {
                return too_large;
            }
            memcpy(buf + have, data, n);
            have += n;
        }
        apr_brigade_cleanup(bb);
    }
    buf[have] = '\0';
    *body = buf;
    *len = have;
    return NULL;
}

/* Checks the HTTP side of the request and parses its body. */
static newsapi_error_t *read_request(request_rec *r,
                                     const newsapi_endpoint_t *ep,
                                     const newsapi_dir_conf_t *d,
                                     newsapi_params_t *params)
{
    newsapi_rules_t rules;
    newsapi_error_t *e;
    apr_size_t len = 0;
    char *body = NULL;

    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        return newsapi_error_make(r->pool, 405, NEWSAPI_E_METHOD, NULL,
                                  "use POST with a JSON body");
    }
    if (!newsapi_request_is_json_type(apr_table_get(r->headers_in,
                                                    "Content-Type"))) {
        return newsapi_error_make(r->pool, 415, NEWSAPI_E_MEDIA_TYPE, NULL,
                                  "send the body as Content-Type: "
                                  "application/json");
    }
    e = read_body(r, (apr_off_t)newsapi_conf_number(d, NEWSAPI_N_MAX_BODY),
                  &body, &len);
    if (e != NULL) {
        return e;
    }
    rules.want_district = ep->want_district;
    rules.max_range_days = newsapi_conf_number(d, NEWSAPI_N_MAX_RANGE);
    return newsapi_request_parse(r->pool, body, len, &rules, params);
}

/* Runs the endpoint's query; for a district-scoped endpoint an empty
 * answer is checked against the district list. */
/* Is params->district a district?  See district_list in the header. */
static newsapi_error_t *district_known(request_rec *r,
                                       const newsapi_endpoint_t *ep,
                                       const newsapi_dir_conf_t *d,
                                       const char *const *args, int *known)
{
    apr_array_header_t *found;
    newsapi_error_t *e;
    long long want, id;
    int i;

    *known = 0;
    if (d->query[NEWSAPI_Q_DISTRICT_EXISTS] != NULL
        || d->query[ep->district_list] == NULL) {
        e = newsapi_store_select(r, newsapi_conf_query(
                                     d, NEWSAPI_Q_DISTRICT_EXISTS),
                                 args, NEWSAPI_ANY_COLUMNS, &found);
        *known = e == NULL && found->nelts > 0;
        return e;
    }
    e = newsapi_store_select(r, newsapi_conf_query(d, ep->district_list),
                             args + 1, ep->district_list_ncols, &found);
    want = apr_atoi64(args[0]);
    for (i = 0; e == NULL && i < found->nelts && !*known; i++) {
        const char *v = APR_ARRAY_IDX(found, i, newsapi_row_t).values[0];

        *known = newsapi_render_parse_int(v, &id) == 0 && id == want;
    }
    return e;
}

/* Runs the endpoint's query; for a district-scoped endpoint an empty
 * answer is checked against the districts. */
static newsapi_error_t *query(request_rec *r, const newsapi_endpoint_t *ep,
                              const newsapi_dir_conf_t *d,
                              const newsapi_params_t *params,
                              apr_array_header_t **rows)
{
    const char *args[3];
    const char *const *range = args;
    newsapi_error_t *e;
    int known;

    args[0] = params->sql_district;
    args[1] = params->sql_from;
    args[2] = params->sql_to;
    if (!ep->want_district) {
        range = args + 1;
    }
    e = newsapi_store_select(r, newsapi_conf_query(d, ep->query), range,
                             ep->ncolumns - (ep->online_site_column >= 0),
                             rows);
    if (e != NULL || (*rows)->nelts > 0 || ep->district_list < 0) {
        return e;
    }
    e = district_known(r, ep, d, args, &known);
    if (e == NULL && !known) {
        e = newsapi_error_make(r->pool, 404, NEWSAPI_E_NO_DISTRICT,
                               "Huyen_Id", "no district has the code %s",
                               params->sql_district);
    }
    return e;
}

/* Holds one of the server-wide query slots while the database works, so
 * that a burst of uncached ranges cannot take the portal database (which
 * also serves the portal's own pages) down with it. */
static newsapi_error_t *take_slot(request_rec *r, int *slot)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    apr_time_t deadline = apr_time_now()
                          + apr_time_from_sec(g->query_wait);
    apr_interval_time_t pause = 1000;

    while ((*slot = newsapi_shm_slot_take(g->max_queries)) < 0) {
        if (apr_time_now() >= deadline) {
            newsapi_shm_add(NEWSAPI_CTR_BUSY, 1);
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          NEWSAPI_LOGNO(0103) "all %d query slots busy for "
                          "%lds (NewsApiMaxDBQueries, NewsApiDBQueryWait)",
                          g->max_queries, g->query_wait);
            return newsapi_error_make(r->pool, 503, NEWSAPI_E_BUSY, NULL,
                                      "the server is busy; try again in a "
                                      "few seconds");
        }
        apr_sleep(pause);
        pause = pause < 20000 ? pause * 2 : pause;
    }
    return NULL;
}

/* Appends the online-now count of each row's site as its last value. */
static void add_online(request_rec *r, const newsapi_endpoint_t *ep,
                       apr_array_header_t *rows)
{
    apr_hash_t *online = newsapi_visits_online(r->pool);
    int sql_cols = ep->ncolumns - 1;
    int i;

    for (i = 0; i < rows->nelts; i++) {
        newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);
        const char **values = apr_palloc(r->pool,
                                         sizeof(char *) * ep->ncolumns);
        const char *site = row->values[ep->online_site_column];
        long *n = site ? apr_hash_get(online, site, APR_HASH_KEY_STRING)
                       : NULL;

        memcpy(values, row->values, sizeof(char *) * sql_cols);
        values[sql_cols] = apr_ltoa(r->pool, n ? *n : 0);
        row->values = values;
    }
}

/* The answer from the database: query, then JSON. */
static newsapi_error_t *fetch(request_rec *r, const newsapi_endpoint_t *ep,
                              const newsapi_dir_conf_t *d,
                              const newsapi_params_t *params,
                              char **json, apr_size_t *len)
{
    apr_array_header_t *rows;
    newsapi_error_t *e;
    int slot;

    if ((e = take_slot(r, &slot)) != NULL) {
        return e;
    }
    e = query(r, ep, d, params, &rows);
    newsapi_shm_slot_release(slot);
    if (e != NULL) {
        return e;
    }
    if (ep->online_site_column >= 0) {
        add_online(r, ep, rows);
    }
    e = newsapi_render_rows(r->pool, ep->columns, ep->ncolumns, rows, json,
                            len);
    if (e != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, NEWSAPI_LOGNO(0102)
                      "%s: %s", newsapi_conf_query(d, ep->query)->directive,
                      e->message);
        e->message = "the server's query for this endpoint returned a value "
                     "of the wrong type; the error log says which";
    }
    return e;
}

static int send_answer(request_rec *r, const char *how, const char *body,
                       apr_size_t len)
{
    apr_table_setn(r->headers_out, "X-NewsApi-Cache", how);
    return send_json(r, HTTP_OK, body, len);
}

/* Seconds an answer stays fresh: ranges that reach today (in the
 * portal's time zone) still grow, older ones rarely change. */
static long ttl_for(const newsapi_dir_conf_t *d,
                    const newsapi_params_t *params, apr_time_t now)
{
    newsapi_date_t today;

    newsapi_date_today(apr_time_sec(now),
                       newsapi_conf_global()->utc_offset_minutes, &today);
    if (newsapi_date_to_days(&params->to) < newsapi_date_to_days(&today)) {
        return newsapi_conf_number(d, NEWSAPI_N_PAST_TTL);
    }
    return newsapi_conf_number(d, NEWSAPI_N_TTL);
}

/* Waits while another request (in any process) fills the same key.
 * Returns 1 with *c filled when its answer arrived in time. */
static int wait_for_fill(request_rec *r, const unsigned char *key,
                         apr_uint32_t tag, const newsapi_dir_conf_t *d,
                         newsapi_cached_t *c)
{
    apr_time_t deadline = apr_time_now() + apr_time_from_sec(
                              newsapi_conf_number(d, NEWSAPI_N_LEASE_WAIT));
    apr_interval_time_t pause = 1000;

    newsapi_shm_add(NEWSAPI_CTR_LEASE_WAITS, 1);
    while (newsapi_shm_lease_held(tag)) {
        if (apr_time_now() >= deadline) {
            newsapi_shm_add(NEWSAPI_CTR_LEASE_TIMEOUTS, 1);
            return 0;
        }
        apr_sleep(pause);
        pause = pause < 16000 ? pause * 2 : pause;
    }
    return newsapi_cache_get(r, key, c) && c->fresh_until > apr_time_now();
}

static int answer_uncached(request_rec *r, const newsapi_endpoint_t *ep,
                           const newsapi_dir_conf_t *d,
                           const newsapi_params_t *params)
{
    newsapi_error_t *e;
    apr_size_t len;
    char *json;

    newsapi_shm_add(NEWSAPI_CTR_MISSES, 1);
    if ((e = fetch(r, ep, d, params, &json, &len)) != NULL) {
        return send_error(r, e);
    }
    return send_answer(r, "OFF", json, len);
}

static int answer_cached(request_rec *r, const newsapi_endpoint_t *ep,
                         const newsapi_dir_conf_t *d,
                         const newsapi_params_t *params)
{
    const newsapi_query_t *q = newsapi_conf_query(d, ep->query);
    unsigned char key[NEWSAPI_CACHE_KEY_LEN];
    apr_time_t now = apr_time_now();
    newsapi_cached_t c;
    newsapi_error_t *e;
    apr_uint32_t tag;
    int held, lease;
    apr_size_t len;
    long ttl, stale;
    char *json;

    /* A place with TTL 0 for this kind of range caches nothing: it must
     * not serve what another place with the same query cached either. */
    if (ttl_for(d, params, now) <= 0) {
        return answer_uncached(r, ep, d, params);
    }
    newsapi_cache_key(ep->handler, q->sql, params, key);
    memcpy(&tag, key, sizeof(tag));
    held = newsapi_cache_get(r, key, &c);
    if (held && c.fresh_until > now) {
        newsapi_shm_add(NEWSAPI_CTR_HITS, 1);
        return send_answer(r, "HIT", c.body, c.len);
    }

    /* One request fills a key; the others wait for its answer. */
    lease = newsapi_shm_lease_take(tag);
    if (lease < 0 && newsapi_shm_lease_held(tag)) {
        newsapi_cached_t filled;

        if (wait_for_fill(r, key, tag, d, &filled)) {
            newsapi_shm_add(NEWSAPI_CTR_HITS, 1);
            return send_answer(r, "HIT", filled.body, filled.len);
        }
        lease = newsapi_shm_lease_take(tag);
    }
    /* The request that held the lease may have filled the key and let go
     * between our first look and now: look again. */
    if (newsapi_cache_get(r, key, &c)) {
        held = 1;
        if (c.fresh_until > apr_time_now()) {
            newsapi_shm_lease_release(lease, tag);
            newsapi_shm_add(NEWSAPI_CTR_HITS, 1);
            return send_answer(r, "HIT", c.body, c.len);
        }
    }

    newsapi_shm_add(NEWSAPI_CTR_MISSES, 1);
    e = fetch(r, ep, d, params, &json, &len);
    if (e == NULL) {
        now = apr_time_now();
        ttl = ttl_for(d, params, now);
        stale = newsapi_conf_number(d, NEWSAPI_N_STALE);
        if (ttl > 0 && newsapi_cache_put(r, key, json, len,
                                         now + apr_time_from_sec(ttl),
                                         now + apr_time_from_sec(ttl + stale))
                       != 0) {
            newsapi_shm_add(NEWSAPI_CTR_STORE_FAILS, 1);
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, NEWSAPI_LOGNO(0104)
                          "answer of %" APR_SIZE_T_FMT " bytes not cached",
                          len);
        }
        newsapi_shm_lease_release(lease, tag);
        return send_answer(r, "MISS", json, len);
    }
    newsapi_shm_lease_release(lease, tag);

    /* An answer somewhat old beats no answer while the database is out. */
    stale = newsapi_conf_number(d, NEWSAPI_N_STALE);
    if (e->status == HTTP_SERVICE_UNAVAILABLE && held
        && now < c.fresh_until + apr_time_from_sec(stale)) {
        newsapi_shm_add(NEWSAPI_CTR_STALE, 1);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, NEWSAPI_LOGNO(0105)
                      "database unavailable: serving an answer %"
                      APR_TIME_T_FMT "s past its freshness",
                      apr_time_sec(now - c.fresh_until));
        apr_table_setn(r->headers_out, "Warning",
                       "110 - \"Response is Stale\"");
        return send_answer(r, "STALE", c.body, c.len);
    }
    return send_error(r, e);
}

int newsapi_endpoint_serve(request_rec *r, const newsapi_endpoint_t *ep)
{
    const newsapi_dir_conf_t *d = ap_get_module_config(r->per_dir_config,
                                                       &newsapi_module);
    newsapi_params_t params;
    newsapi_error_t *e;

    newsapi_shm_add(NEWSAPI_CTR_REQUESTS, 1);
    if ((e = read_request(r, ep, d, &params)) != NULL) {
        if (e->status == HTTP_REQUEST_ENTITY_TOO_LARGE
            || e->status == HTTP_METHOD_NOT_ALLOWED
            || e->status == HTTP_UNSUPPORTED_MEDIA_TYPE
            || e->status == HTTP_REQUEST_TIME_OUT) {
            /* A body we refused unread is not read later either: httpd
             * would otherwise discard it, however large, to keep the
             * connection alive. */
            r->connection->keepalive = AP_CONN_CLOSE;
        }
        newsapi_shm_add(NEWSAPI_CTR_CLIENT_ERRORS, 1);
        return send_error(r, e);
    }
    if (newsapi_cache_enabled()) {
        return answer_cached(r, ep, d, &params);
    }
    return answer_uncached(r, ep, d, &params);
}
