/*
 * newsapi_http.h - the HTTP side of an API request: the checks before
 * the body is parsed, and the JSON answers (results and errors) out.
 */
#ifndef NEWSAPI_HTTP_H
#define NEWSAPI_HTTP_H

#include "newsapi.h"
#include "newsapi_config.h"
#include "newsapi_error.h"
#include "newsapi_request.h"

/* POST, a JSON media type, a body within NewsApiMaxBodySize read through
 * the input filters, then newsapi_request_parse.  NULL and *params filled
 * when the request is good. */
newsapi_error_t *newsapi_http_read_request(request_rec *r,
                                           const newsapi_dir_conf_t *d,
                                           int want_district,
                                           int no_dates,
                                           newsapi_params_t *params);

/* Sends body (JSON, len bytes) with status; returns OK. */
int newsapi_http_send_json(request_rec *r, int status, const char *body,
                           apr_size_t len);
/* Sends e as the JSON error body, logged at debug (4xx) or info (5xx);
 * 503 carries Retry-After.  Returns OK. */
int newsapi_http_send_error(request_rec *r, const newsapi_error_t *e);

#endif /* NEWSAPI_HTTP_H */
