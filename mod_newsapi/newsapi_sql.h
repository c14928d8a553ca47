/*
 * newsapi_sql.h - checking an admin's SQL before apr_dbd ever sees it.
 *
 * apr_dbd_prepare turns every '%' followed by a letter into a parameter
 * and '%%' into a literal '%'; a stray '?' would be a MySQL parameter
 * that apr_dbd never binds.  Counting them when the directive is read
 * turns a runtime 500 into a configtest error.  Pure code.
 */
#ifndef NEWSAPI_SQL_H
#define NEWSAPI_SQL_H

#include "apr_pools.h"

/* Returns NULL when sql has exactly nparams apr_dbd placeholders and no
 * other trap, else a message (allocated in p) saying what is wrong. */
const char *newsapi_sql_check(apr_pool_t *p, const char *sql, int nparams);

/* Number of apr_dbd placeholders in sql, as apr_dbd_prepare counts them. */
int newsapi_sql_count_params(const char *sql);

#endif /* NEWSAPI_SQL_H */
