/*
 * newsapi_endpoint.h - one API endpoint from request to answer: the HTTP
 * checks, the body, the query and the JSON.  Every endpoint is a row of
 * the table in mod_newsapi.c; this file holds the one code path they all
 * share.
 */
#ifndef NEWSAPI_ENDPOINT_H
#define NEWSAPI_ENDPOINT_H

#include "newsapi.h"
#include "newsapi_config.h"
#include "newsapi_render.h"
#include "newsapi_request.h"

typedef struct {
    const char *handler;            /* SetHandler name */
    int want_district;              /* NEWSAPI_DISTRICT_*: Huyen_Id */
    int no_dates;                   /* takes no TuNgay, DenNgay */
    newsapi_query_slot_e query;     /* the rows of the answer */
    /* Only when the main query returns no row: is Huyen_Id a district
     * (answer []) or not (404)?  NewsApiDistrictExistsQuery says, unless
     * the admin replaced this family's district query but not that one:
     * then the district list itself (Huyen_Id in its first column) says,
     * so that an admin's own schema never meets our default tables.
     * -1 when the endpoint takes no Huyen_Id. */
    int district_list;              /* query slot of the district list */
    int district_list_ncols;
    const newsapi_column_t *columns;
    int ncolumns;
    /* >= 0: the answer's last column is not from SQL but the number of
     * visitors online now, counted by this Apache, for the site whose id
     * is in this column of the SQL row. */
    int online_site_column;
    /* When set: makes the answer's rows of the SQL rows (keeps some,
     * appends the last derived_columns columns), outside the query slot.
     * A 500 it returns is the admin's query's fault and is logged so. */
    newsapi_error_t *(*derive)(apr_pool_t *p, const newsapi_params_t *params,
                               apr_array_header_t **rows);
    int derived_columns;
} newsapi_endpoint_t;

/* Serves r; always returns OK once the handler is ours (errors are JSON
 * answers written here, with their status in r->status). */
int newsapi_endpoint_serve(request_rec *r, const newsapi_endpoint_t *ep);

#endif /* NEWSAPI_ENDPOINT_H */
