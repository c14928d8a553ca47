/*
 * newsapi_index.h - the day index: every range answered from shared
 * memory, the database out of the request path (README, "The day
 * index").
 *
 * Per family of endpoints (news, visits) the count of every site on
 * every day, loaded by one process (a mod_watchdog singleton) and read
 * by every worker.  The rows of an answer (sites, names, order) still
 * come from the endpoint's own query, run with an empty range and
 * cached; only the counts come from the index.
 */
#ifndef NEWSAPI_INDEX_H
#define NEWSAPI_INDEX_H

#include "apr_tables.h"

#include "newsapi.h"
#include "newsapi_config.h"
#include "newsapi_endpoint.h"
#include "newsapi_error.h"
#include "newsapi_request.h"
#include "newsapi_source.h"

/* The endpoint's rows with counts for params, as the SQL path gives
 * them (the source's own query, taking a query slot). */
typedef newsapi_error_t *newsapi_index_rows_fn(request_rec *r,
                                               const newsapi_endpoint_t *ep,
                                               const newsapi_dir_conf_t *d,
                                               const newsapi_params_t *p,
                                               apr_array_header_t **rows);

/* The rows of the answer from the index: *rows set (and info filled)
 * when the index answered; *rows NULL and NULL returned when it cannot
 * (off, loading, another query at this place, a copy rewritten under
 * the reader): then the SQL answers.  An error is one of the rows
 * query's (404 for an unknown district, 503). */
newsapi_error_t *newsapi_index_rows(request_rec *r,
                                    const newsapi_endpoint_t *ep,
                                    const newsapi_dir_conf_t *d,
                                    const newsapi_params_t *params,
                                    newsapi_index_rows_fn *sql_rows,
                                    apr_array_header_t **rows,
                                    newsapi_source_info_t *info);

/* child_init: the row lists this process keeps. */
void newsapi_index_child_init(apr_pool_t *pchild, server_rec *s);

/* post_config: the segments and the loader. */
apr_status_t newsapi_index_post_config(apr_pool_t *pconf, server_rec *s);

/* The status page's part: HTML, or "Key: value" lines with
 * AP_STATUS_SHORT; NEWSAPI_INDEX_JSON for members of a JSON object
 * (each followed by a comma); NEWSAPI_INDEX_PROMETHEUS for the text
 * exposition format (samples labelled family="news"|"visits"). */
#define NEWSAPI_INDEX_JSON 0x1000
#define NEWSAPI_INDEX_PROMETHEUS 0x2000
void newsapi_index_status(request_rec *r, int flags);

#endif /* NEWSAPI_INDEX_H */
