/*
 * newsapi_store.h - the portal database, through mod_dbd's pool.
 */
#ifndef NEWSAPI_STORE_H
#define NEWSAPI_STORE_H

#include "newsapi.h"
#include "newsapi_config.h"
#include "newsapi_error.h"

/* Binds mod_dbd's optional functions; returns non-zero (and logs) when
 * mod_dbd is not loaded.  Called from post_config. */
int newsapi_store_bind(server_rec *s);

/* Runs q with its q->nparams string args and returns the rows (an array
 * of newsapi_row_t, ncols values each, copied into r->pool).  Errors: 503
 * database_unavailable when no connection comes or the database fails,
 * 500 internal_error when the statement itself is wrong (its SQL or its
 * number of columns); the cause goes to the error log, never to the
 * client. */
/* ncols for a statement whose columns do not matter (only its rows). */
#define NEWSAPI_ANY_COLUMNS (-1)

newsapi_error_t *newsapi_store_select(request_rec *r,
                                      const newsapi_query_t *q,
                                      const char *const *args, int ncols,
                                      apr_array_header_t **rows);

/* newsapi_store_select outside any request (the portal list for the
 * visit counter), on a connection taken from and given back to the pool;
 * rows in p. */
newsapi_error_t *newsapi_store_select_outside(server_rec *s, apr_pool_t *p,
                                              const newsapi_query_t *q,
                                              const char *const *args,
                                              int ncols,
                                              apr_array_header_t **rows);

/* Runs a statement that returns no rows (the visit flush) outside any
 * request, on a connection taken from and given back to the pool.
 * APR_SUCCESS; APR_ECONNREFUSED when no connection could be had (the
 * database is out: stop for now); APR_EGENERAL when this statement failed
 * (others may still succeed).  Causes go to the error log. */
apr_status_t newsapi_store_exec(server_rec *s, apr_pool_t *p,
                                const newsapi_query_t *q,
                                const char *const *args);

/* Runs a SELECT outside any request (the day index loader), on a
 * connection taken from and given back to the pool, and hands each row
 * to each(baton, values) as it is read: the values (ncols of them, NULL
 * for SQL NULL) are the driver's and only good during the call.  each
 * returning non-zero stops (the rest of the result is drained).  Returns
 * as newsapi_store_exec does; APR_EINVAL when each stopped it. */
typedef int newsapi_store_row_fn(void *baton, const char *const *values);

apr_status_t newsapi_store_each(server_rec *s, apr_pool_t *p,
                                const newsapi_query_t *q,
                                const char *const *args, int ncols,
                                newsapi_store_row_fn *each, void *baton);

#endif /* NEWSAPI_STORE_H */
