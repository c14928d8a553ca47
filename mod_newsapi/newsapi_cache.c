/*
 * newsapi_cache.c - the answer cache on Apache's socache providers.
 *
 * Lifetimes: a socache made in pconf dies at every graceful restart, and
 * logrotate restarts Apache every night.  The instance (and its global
 * mutex) is therefore made in the process pool and found again by the
 * next generation when NewsApiCache is unchanged.  Only data is kept
 * there: the provider's functions belong to a DSO that is unloaded and
 * loaded again at each restart, so the provider is looked up afresh.
 *
 * And not even in the process pool itself: shmcb registers a cleanup of
 * its own on the pool it is given, and the process pool is destroyed at
 * every process exit (apr_terminate), after the DSOs are unloaded: that
 * cleanup would call into unmapped code and every child would die of
 * SIGSEGV as it exits.  The instance lives in an unmanaged pool that
 * nothing destroys (the kernel takes the memory back at exit); at a real
 * stop the parent destroys instance and mutex itself while the provider
 * is still loaded, so that no semaphore outlives Apache.
 *
 * A value is a small header followed by the answer's bytes:
 *
 *   +-----------+---------+-----------------+------------+-----+--------+
 *   | magic u32 | len u32 | fresh_until i64 | source u32 | pad | body   |
 *   +-----------+---------+-----------------+------------+-----+--------+
 *
 * source: 0 the SQL, 1 the day index.  The magic changed with the
 * source field ("NAC1" had none): an older generation's value kept in a
 * socache that outlives a restart (memcache) reads as a miss.
 */
#include "apr_strings.h"
#include "ap_provider.h"
#include "ap_socache.h"
#include "http_core.h"
#include "http_main.h"
#include "util_mutex.h"

#include "newsapi_cache.h"

APLOG_USE_MODULE(newsapi);

#define KEEP_KEY     "mod_newsapi_cache"
#define MUTEX_TYPE   "newsapi-cache"
#define VALUE_MAGIC  0x4e414332u        /* "NAC2" */

typedef struct {
    apr_uint32_t magic;
    apr_uint32_t len;
    apr_int64_t fresh_until;
    apr_uint32_t source;
    apr_uint32_t pad;
} value_header_t;

typedef struct {
    apr_pool_t *pool;                   /* unmanaged: see above */
    char *spec;
    char *provider_name;
    ap_socache_instance_t *inst;
    apr_global_mutex_t *mutex;          /* NULL for MP-safe providers */
    apr_size_t max_object;
} cache_keep_t;

static cache_keep_t *keep;
static const ap_socache_provider_t *provider;

const char *newsapi_cache_parse_spec(apr_pool_t *p, const char *arg,
                                     newsapi_cache_spec_t *out)
{
    const ap_socache_provider_t *prov;
    ap_socache_instance_t *probe = NULL;
    const char *colon, *err;

    out->spec = arg;
    out->provider = NULL;
    out->args = NULL;
    if (strcasecmp(arg, "none") == 0) {
        return NULL;
    }
    colon = ap_strchr_c(arg, ':');
    out->provider = colon ? apr_pstrmemdup(p, arg, colon - arg) : arg;
    out->args = colon ? colon + 1 : "";
    prov = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, out->provider,
                              AP_SOCACHE_PROVIDER_VERSION);
    if (prov == NULL) {
        return apr_psprintf(p, "unknown socache provider '%s'; load its "
                            "module (mod_socache_%s) first, or say 'none'",
                            out->provider, out->provider);
    }
    /* Let the provider judge its arguments now, so configtest does. */
    err = prov->create(&probe, out->args, p, p);
    if (err != NULL) {
        return apr_psprintf(p, "socache %s: %s", out->provider, err);
    }
    return NULL;
}

void newsapi_cache_pre_config(apr_pool_t *pconf)
{
    ap_mutex_register(pconf, MUTEX_TYPE, NULL, APR_LOCK_DEFAULT, 0);
}

/* shmcb divides by zero when the hints ask for objects too large for
 * its size, and caps an object at one subcache: derive the hints from
 * the size so that a tiny cache still starts (and just holds less). */
static void hints_for(const char *args, struct ap_socache_hints *h)
{
    const char *open = args ? strrchr(args, '(') : NULL;
    apr_int64_t size = open ? apr_atoi64(open + 1) : 512 * 1024;
    apr_int64_t avg = size / 256;

    h->avg_id_len = NEWSAPI_CACHE_KEY_LEN;
    h->avg_obj_size = (apr_size_t)(avg < 256 ? 256 : avg > 2048 ? 2048
                                                                 : avg);
    h->expiry_interval = 60;
}

static void destroy_kept(server_rec *s)
{
    const ap_socache_provider_t *old;

    old = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, keep->provider_name,
                             AP_SOCACHE_PROVIDER_VERSION);
    if (old != NULL && keep->inst != NULL) {
        old->destroy(keep->inst, s);
    }
    if (keep->mutex != NULL) {
        apr_global_mutex_destroy(keep->mutex);
    }
    keep->inst = NULL;
    keep->mutex = NULL;
    keep->spec = NULL;
    /* The pool is left as it is: the provider's cleanup on it may point
     * into an earlier generation's copy of its DSO.  A changed
     * NewsApiCache leaks one small pool until Apache stops. */
    keep->pool = NULL;
}

static apr_status_t cache_at_exit(void *data)
{
    if (keep != NULL && keep->spec != NULL
        && ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_EXITING) {
        destroy_kept(data);
    }
    return APR_SUCCESS;
}

/* Without the lock a not-MP-safe provider would be corrupted: on failure
 * the caller skips the cache for this request. */
static int lock(server_rec *s)
{
    apr_status_t rv;

    if (keep->mutex && (rv = apr_global_mutex_lock(keep->mutex))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, NEWSAPI_LOGNO(0301)
                     "cannot lock the %s mutex", MUTEX_TYPE);
        return -1;
    }
    return 0;
}

static void unlock(server_rec *s)
{
    apr_status_t rv;

    if (keep->mutex && (rv = apr_global_mutex_unlock(keep->mutex))) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, NEWSAPI_LOGNO(0302)
                     "cannot unlock the %s mutex", MUTEX_TYPE);
    }
}

static apr_status_t store(server_rec *s, apr_pool_t *p,
                          const unsigned char *key, const char *body,
                          apr_size_t len, int source, apr_time_t fresh_until,
                          apr_time_t keep_until)
{
    value_header_t h;
    unsigned char *buf;
    apr_status_t rv;

    h.magic = VALUE_MAGIC;
    h.len = (apr_uint32_t)len;
    h.fresh_until = fresh_until;
    h.source = (apr_uint32_t)source;
    h.pad = 0;
    buf = apr_palloc(p, sizeof(h) + len);
    memcpy(buf, &h, sizeof(h));
    if (body != NULL) {
        memcpy(buf + sizeof(h), body, len);
    }
    else {
        memset(buf + sizeof(h), ' ', len);
    }
    if (lock(s) != 0) {
        return APR_EGENERAL;
    }
    rv = provider->store(keep->inst, s, key, NEWSAPI_CACHE_KEY_LEN,
                         keep_until, buf, (unsigned int)(sizeof(h) + len), p);
    unlock(s);
    return rv;
}

/* The largest answer the provider really keeps, found by storing probes
 * and halving from the configured maximum: shmcb's limit depends on its
 * size and layout.  Only local caches are probed; a remote one (memcache,
 * redis) may not be up yet when Apache starts, and its item limit (1 MB
 * for memcached) is above any sensible NewsApiCacheMaxObject. */
static apr_size_t probe_max_object(server_rec *s, apr_pool_t *ptemp,
                                   apr_size_t want)
{
    static const unsigned char probe_key[NEWSAPI_CACHE_KEY_LEN] =
        "newsapi-size-probe!";
    apr_time_t until = apr_time_now() + apr_time_from_sec(5);

    if (!(provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE)) {
        return want;
    }
    while (want >= 256) {
        if (store(s, ptemp, probe_key, NULL, want, 0, until, until)
            == APR_SUCCESS) {
            if (lock(s) == 0) {
                provider->remove(keep->inst, s, probe_key,
                                 NEWSAPI_CACHE_KEY_LEN, ptemp);
                unlock(s);
            }
            return want;
        }
        want /= 2;
    }
    return 0;
}

apr_status_t newsapi_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                                       server_rec *s,
                                       const newsapi_cache_spec_t *spec,
                                       apr_size_t max_object)
{
    apr_pool_t *pp = s->process->pool;
    struct ap_socache_hints hints;
    const char *err;
    apr_status_t rv;
    void *data = NULL;

    provider = NULL;
    apr_pool_userdata_get(&data, KEEP_KEY, pp);
    keep = data;
    if (keep == NULL) {
        keep = apr_pcalloc(pp, sizeof(*keep));
        apr_pool_userdata_set(keep, KEEP_KEY, apr_pool_cleanup_null, pp);
    }
    /* Registered after every LoadModule: runs before any DSO unloads. */
    apr_pool_cleanup_register(pconf, s, cache_at_exit, apr_pool_cleanup_null);
    if (keep->spec != NULL && (spec->provider == NULL
                               || strcmp(keep->spec, spec->spec) != 0)) {
        destroy_kept(s);
    }
    if (spec->provider == NULL) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, NEWSAPI_LOGNO(0010)
                     "answer cache disabled (NewsApiCache none)");
        return APR_SUCCESS;
    }
    provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, spec->provider,
                                  AP_SOCACHE_PROVIDER_VERSION);
    if (provider == NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0011)
                     "socache provider '%s' is not loaded: answers are not "
                     "cached (load mod_socache_%s, or set NewsApiCache)",
                     spec->provider, spec->provider);
        return APR_SUCCESS;
    }
    if (keep->spec != NULL) {
        keep->max_object = probe_max_object(s, ptemp, max_object);
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, NEWSAPI_LOGNO(0012)
                     "answer cache %s kept across the restart", keep->spec);
        return APR_SUCCESS;
    }

    if (keep->pool == NULL
        && (rv = apr_pool_create_unmanaged_ex(&keep->pool, NULL, NULL))
           != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0018)
                     "cannot create the answer cache's pool");
        return rv;
    }
    err = provider->create(&keep->inst, spec->args, ptemp, keep->pool);
    if (err != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NEWSAPI_LOGNO(0013)
                     "NewsApiCache %s: %s", spec->spec, err);
        return APR_EGENERAL;
    }
    if (provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&keep->mutex, NULL, MUTEX_TYPE, NULL, s,
                                    keep->pool, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0014)
                         "cannot create the %s mutex", MUTEX_TYPE);
            return rv;
        }
    }
    hints_for(spec->args, &hints);
    rv = provider->init(keep->inst, "newsapi", &hints, s, keep->pool);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0015)
                     "cannot initialise the answer cache %s", spec->spec);
        return rv;
    }
    keep->spec = apr_pstrdup(keep->pool, spec->spec);
    keep->provider_name = apr_pstrdup(keep->pool, spec->provider);
    keep->max_object = probe_max_object(s, ptemp, max_object);
    ap_log_error(APLOG_MARK, keep->max_object ? APLOG_INFO : APLOG_WARNING,
                 0, s, NEWSAPI_LOGNO(0016) "answer cache %s ready; the "
                 "largest answer it holds is %" APR_SIZE_T_FMT " bytes "
                 "(NewsApiCacheMaxObject %" APR_SIZE_T_FMT ")%s", keep->spec,
                 keep->max_object, max_object, keep->max_object ? ""
                 : ": nothing can be cached, give the cache more room");
    return APR_SUCCESS;
}

void newsapi_cache_child_init(apr_pool_t *p, server_rec *s)
{
    apr_status_t rv;

    if (provider == NULL || keep == NULL || keep->mutex == NULL) {
        return;
    }
    rv = apr_global_mutex_child_init(&keep->mutex,
                                     apr_global_mutex_lockfile(keep->mutex),
                                     p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0017)
                     "cannot attach to the %s mutex: answers will not be "
                     "cached in this process", MUTEX_TYPE);
        provider = NULL;
    }
}

int newsapi_cache_enabled(void)
{
    return provider != NULL && keep != NULL && keep->inst != NULL;
}

const char *newsapi_cache_describe(apr_pool_t *p)
{
    if (!newsapi_cache_enabled()) {
        return "none";
    }
    return apr_psprintf(p, "%s (largest answer kept: %" APR_SIZE_T_FMT
                        " bytes)", keep->spec, keep->max_object);
}

void newsapi_cache_key(const char *endpoint, const char *sql,
                       const newsapi_params_t *params,
                       unsigned char key[NEWSAPI_CACHE_KEY_LEN])
{
    apr_sha1_ctx_t ctx;

    /* NUL separators keep "a"+"bc" and "ab"+"c" apart. */
    apr_sha1_init(&ctx);
    apr_sha1_update_binary(&ctx, (const unsigned char *)endpoint,
                           (unsigned int)strlen(endpoint) + 1);
    apr_sha1_update_binary(&ctx, (const unsigned char *)sql,
                           (unsigned int)strlen(sql) + 1);
    apr_sha1_update_binary(&ctx, (const unsigned char *)params->sql_from,
                           sizeof(params->sql_from));
    apr_sha1_update_binary(&ctx, (const unsigned char *)params->sql_to,
                           sizeof(params->sql_to));
    apr_sha1_update_binary(&ctx, (const unsigned char *)params->sql_district,
                           (unsigned int)strlen(params->sql_district) + 1);
    apr_sha1_final(key, &ctx);
}

int newsapi_cache_get(request_rec *r, const unsigned char *key,
                      newsapi_cached_t *out)
{
    unsigned int len = (unsigned int)(sizeof(value_header_t)
                                      + keep->max_object);
    unsigned char *buf;
    value_header_t h;
    apr_status_t rv;

    if (!newsapi_cache_enabled()) {
        return 0;
    }
    buf = apr_palloc(r->pool, len);
    if (lock(r->server) != 0) {
        return 0;
    }
    rv = provider->retrieve(keep->inst, r->server, key,
                            NEWSAPI_CACHE_KEY_LEN, buf, &len, r->pool);
    unlock(r->server);
    if (rv != APR_SUCCESS || len < sizeof(h)) {
        return 0;
    }
    memcpy(&h, buf, sizeof(h));
    if (h.magic != VALUE_MAGIC || h.len != len - sizeof(h)) {
        return 0;
    }
    out->body = (const char *)buf + sizeof(h);
    out->len = h.len;
    out->fresh_until = h.fresh_until;
    out->source = h.source == 1 ? "index" : "sql";
    return 1;
}

int newsapi_cache_put(request_rec *r, const unsigned char *key,
                      const char *body, apr_size_t len, const char *source,
                      apr_time_t fresh_until, apr_time_t keep_until)
{
    if (!newsapi_cache_enabled() || len > keep->max_object) {
        return -1;
    }
    return store(r->server, r->pool, key, body, len,
                 source != NULL && strcmp(source, "index") == 0,
                 fresh_until, keep_until) == APR_SUCCESS ? 0 : -1;
}

void newsapi_cache_status(request_rec *r, int flags)
{
    if (!newsapi_cache_enabled() || lock(r->server) != 0) {
        return;
    }
    provider->status(keep->inst, r, flags);
    unlock(r->server);
}
