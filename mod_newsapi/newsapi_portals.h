/*
 * newsapi_portals.h - the list of portals (appendix II of the Department's
 * letter): every unit, its portal or the note that it has none.
 *
 * Pure code (APR and the renderer's integer parsing, no httpd).  The
 * admin's NewsApiPortalsQuery returns every unit of every district; the
 * district a request names is picked here, so that any schema needs one
 * query with no parameters.
 */
#ifndef NEWSAPI_PORTALS_H
#define NEWSAPI_PORTALS_H

#include "apr_pools.h"
#include "apr_tables.h"
#include "newsapi_error.h"
#include "newsapi_request.h"

/* Ghi_Chu of a unit that has no portal, as the letter writes it. */
#define NEWSAPI_PORTALS_NONE "Chưa có cổng/trang thông tin điện tử"

/* Columns of the query's rows, in order. */
enum {
    NEWSAPI_PORTALS_DISTRICT = 0,   /* Huyen_Id */
    NEWSAPI_PORTALS_UNIT,           /* Ten_Don_Vi */
    NEWSAPI_PORTALS_LEVEL,          /* Cap: 1 district, 2 commune */
    NEWSAPI_PORTALS_SITE,           /* Id, NULL: no portal */
    NEWSAPI_PORTALS_ADDRESS,        /* Dia_Chi */
    NEWSAPI_PORTALS_SQL_COLUMNS
};

/* Turns *rows (newsapi_row_t of the query's columns) into the answer's:
 * only those of params->district when the request names one, each with
 * Ghi_Chu appended (from Id being NULL).  Errors, allocated in p: 404
 * unknown_district when no row has that Huyen_Id; 500 when a Cap is not
 * 1 or 2. */
newsapi_error_t *newsapi_portals_rows(apr_pool_t *p,
                                      const newsapi_params_t *params,
                                      apr_array_header_t **rows);

/* The host name in a Dia_Chi as portal databases write it
 * ("ngadien.ngason.thanhhoa.gov.vn", "https://NgaDien.../", "host:8080"),
 * lower case, as httpd gives a request's host name; NULL when there is
 * none (NULL, empty, or characters no host name has). */
const char *newsapi_portals_host(apr_pool_t *p, const char *address);

#endif /* NEWSAPI_PORTALS_H */
