/*
 * newsapi_source.h - where an answer that is not cached comes from.
 *
 * One interface for the request path: today the endpoint's SQL on the
 * portal database; whatever else can compute an answer sits behind this
 * same call, so that the endpoint never knows which one answered.
 */
#ifndef NEWSAPI_SOURCE_H
#define NEWSAPI_SOURCE_H

#include "newsapi.h"
#include "newsapi_config.h"
#include "newsapi_endpoint.h"
#include "newsapi_error.h"
#include "newsapi_request.h"

/* Where an answer came from, for X-NewsApi-Source and the cache. */
typedef struct {
    const char *name;           /* "index" or "sql" */
    apr_time_t fresh_until;     /* 0: the endpoint's TTL decides */
    int stale;                  /* the index is older than its promise */
} newsapi_source_info_t;

/* The answer to params as the endpoint's JSON (allocated in r->pool), or
 * an error: 404 for an unknown district, 503 when the database is out or
 * busy, 500 when the admin's SQL is wrong.  info says who answered: the
 * day index (newsapi_index.h) when it can, else the SQL. */
newsapi_error_t *newsapi_source_fetch(request_rec *r,
                                      const newsapi_endpoint_t *ep,
                                      const newsapi_dir_conf_t *d,
                                      const newsapi_params_t *params,
                                      char **json, apr_size_t *len,
                                      newsapi_source_info_t *info);

#endif /* NEWSAPI_SOURCE_H */
