/*
 * newsapi_endpoint.c - the request path every endpoint shares, one
 * straight line: read and validate the request (newsapi_http), key it,
 * look in the answer cache, on a miss ask the source (newsapi_source)
 * under a stampede lease, keep the answer, send it.
 */
#include "newsapi_cache.h"
#include "newsapi_endpoint.h"
#include "newsapi_http.h"
#include "newsapi_shm.h"
#include "newsapi_source.h"

APLOG_USE_MODULE(newsapi);

static int send_answer(request_rec *r, const char *how, const char *source,
                       const char *body, apr_size_t len)
{
    apr_table_setn(r->headers_out, "X-NewsApi-Cache", how);
    apr_table_setn(r->headers_out, "X-NewsApi-Source", source);
    return newsapi_http_send_json(r, HTTP_OK, body, len);
}

/* Seconds an answer stays fresh: ranges that reach today (in the
 * portal's time zone) still grow, older ones rarely change. */
static long ttl_for(const newsapi_dir_conf_t *d,
                    const newsapi_params_t *params, apr_time_t now)
{
    newsapi_date_t today;

    newsapi_date_today(apr_time_sec(now),
                       newsapi_conf_global()->utc_offset_minutes, &today);
    /* An answer without a range (the portal list) changes as rarely. */
    if (!params->has_range
        || newsapi_date_to_days(&params->to) < newsapi_date_to_days(&today)) {
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

/* An answer older than the freshness promise says so. */
static const char *stale_warning(request_rec *r)
{
    newsapi_shm_add(NEWSAPI_CTR_STALE, 1);
    apr_table_setn(r->headers_out, "Warning", "110 - \"Response is Stale\"");
    return "STALE";
}

static int answer_uncached(request_rec *r, const newsapi_endpoint_t *ep,
                           const newsapi_dir_conf_t *d,
                           const newsapi_params_t *params)
{
    newsapi_source_info_t info;
    newsapi_error_t *e;
    apr_size_t len;
    char *json;

    newsapi_shm_add(NEWSAPI_CTR_MISSES, 1);
    if ((e = newsapi_source_fetch(r, ep, d, params, &json, &len, &info))
        != NULL) {
        return newsapi_http_send_error(r, e);
    }
    return send_answer(r, info.stale ? stale_warning(r) : "OFF", info.name,
                       json, len);
}

static int answer_cached(request_rec *r, const newsapi_endpoint_t *ep,
                         const newsapi_dir_conf_t *d,
                         const newsapi_params_t *params)
{
    const newsapi_query_t *q = newsapi_conf_query(d, ep->query);
    unsigned char key[NEWSAPI_CACHE_KEY_LEN];
    apr_time_t now = apr_time_now();
    newsapi_source_info_t info;
    apr_time_t fresh_until;
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
        return send_answer(r, "HIT", c.source, c.body, c.len);
    }

    /* One request fills a key; the others wait for its answer. */
    lease = newsapi_shm_lease_take(tag);
    if (lease < 0 && newsapi_shm_lease_held(tag)) {
        newsapi_cached_t filled;

        if (wait_for_fill(r, key, tag, d, &filled)) {
            newsapi_shm_add(NEWSAPI_CTR_HITS, 1);
            return send_answer(r, "HIT", filled.source, filled.body,
                               filled.len);
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
            return send_answer(r, "HIT", c.source, c.body, c.len);
        }
    }

    newsapi_shm_add(NEWSAPI_CTR_MISSES, 1);
    e = newsapi_source_fetch(r, ep, d, params, &json, &len, &info);
    if (e == NULL && info.stale) {
        /* Computed from an index the database could not refresh: not
         * kept, so the next request sees the refresh that brings it. */
        newsapi_shm_lease_release(lease, tag);
        return send_answer(r, stale_warning(r), info.name, json, len);
    }
    if (e == NULL) {
        now = apr_time_now();
        ttl = ttl_for(d, params, now);
        stale = newsapi_conf_number(d, NEWSAPI_N_STALE);
        fresh_until = now + apr_time_from_sec(ttl);
        if (info.fresh_until != 0 && info.fresh_until < fresh_until) {
            fresh_until = info.fresh_until;
        }
        if (ttl > 0 && newsapi_cache_put(r, key, json, len, info.name,
                                         fresh_until,
                                         now + apr_time_from_sec(ttl + stale))
                       != 0) {
            newsapi_shm_add(NEWSAPI_CTR_STORE_FAILS, 1);
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, NEWSAPI_LOGNO(0104)
                          "answer of %" APR_SIZE_T_FMT " bytes not cached",
                          len);
        }
        newsapi_shm_lease_release(lease, tag);
        return send_answer(r, "MISS", info.name, json, len);
    }
    newsapi_shm_lease_release(lease, tag);

    /* An answer somewhat old beats no answer while the database is out. */
    stale = newsapi_conf_number(d, NEWSAPI_N_STALE);
    if (e->status == HTTP_SERVICE_UNAVAILABLE && held
        && now < c.fresh_until + apr_time_from_sec(stale)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, NEWSAPI_LOGNO(0105)
                      "database unavailable: serving an answer %"
                      APR_TIME_T_FMT "s past its freshness",
                      apr_time_sec(now - c.fresh_until));
        return send_answer(r, stale_warning(r), c.source, c.body, c.len);
    }
    return newsapi_http_send_error(r, e);
}

int newsapi_endpoint_serve(request_rec *r, const newsapi_endpoint_t *ep)
{
    const newsapi_dir_conf_t *d = ap_get_module_config(r->per_dir_config,
                                                       &newsapi_module);
    newsapi_params_t params;
    newsapi_error_t *e;

    newsapi_shm_add(NEWSAPI_CTR_REQUESTS, 1);
    if ((e = newsapi_http_read_request(r, d, ep->want_district,
                                        ep->no_dates, &params)) != NULL) {
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
        return newsapi_http_send_error(r, e);
    }
    if (newsapi_cache_enabled()) {
        return answer_cached(r, ep, d, &params);
    }
    return answer_uncached(r, ep, d, &params);
}
