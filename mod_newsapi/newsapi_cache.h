/*
 * newsapi_cache.h - finished answers in a socache shared by every worker
 * process (shmcb by default; memcache or redis to share across a farm).
 */
#ifndef NEWSAPI_CACHE_H
#define NEWSAPI_CACHE_H

#include "apr_sha1.h"

#include "newsapi.h"
#include "newsapi_request.h"

#define NEWSAPI_CACHE_KEY_LEN APR_SHA1_DIGESTSIZE

/* What NewsApiCache says: a provider and its arguments, or off. */
typedef struct {
    const char *spec;           /* as written, for comparing generations */
    const char *provider;       /* NULL: caching off */
    const char *args;
} newsapi_cache_spec_t;

typedef struct {
    const char *body;
    apr_size_t len;
    apr_time_t fresh_until;     /* after this it is only good when stale */
    const char *source;         /* what computed it: "sql" or "index" */
} newsapi_cached_t;

/* Directive-time check of "provider:args" or "none"; NULL when good. */
const char *newsapi_cache_parse_spec(apr_pool_t *p, const char *arg,
                                     newsapi_cache_spec_t *out);

void newsapi_cache_pre_config(apr_pool_t *pconf);
/* Creates the cache, or adopts the one an earlier generation made with
 * the same NewsApiCache, so a graceful restart keeps what is cached. */
apr_status_t newsapi_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                                       server_rec *s,
                                       const newsapi_cache_spec_t *spec,
                                       apr_size_t max_object);
void newsapi_cache_child_init(apr_pool_t *p, server_rec *s);
int newsapi_cache_enabled(void);
/* One line for the status page: provider, size, largest object. */
const char *newsapi_cache_describe(apr_pool_t *p);

/* The key of an answer: the endpoint, the SQL in force (so a changed
 * query never serves the old one's answers) and the normalised request. */
void newsapi_cache_key(const char *endpoint, const char *sql,
                       const newsapi_params_t *params,
                       unsigned char key[NEWSAPI_CACHE_KEY_LEN]);

/* 1 and *out filled when an answer is held (fresh or not), else 0. */
int newsapi_cache_get(request_rec *r, const unsigned char *key,
                      newsapi_cached_t *out);
/* Keeps body, computed by source ("sql" or "index"), until keep_until;
 * returns 0 when stored. */
int newsapi_cache_put(request_rec *r, const unsigned char *key,
                      const char *body, apr_size_t len, const char *source,
                      apr_time_t fresh_until, apr_time_t keep_until);


/* The provider's own report (entries, fill), in the mod_status style:
 * flags may hold AP_STATUS_SHORT for "Key: value" lines. */
void newsapi_cache_status(request_rec *r, int flags);

#endif /* NEWSAPI_CACHE_H */
