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

typedef struct {
    const char *handler;            /* SetHandler name */
    int want_district;              /* takes Huyen_Id (commune level) */
    newsapi_query_slot_e query;     /* the rows of the answer */
    /* Asked only when the main query returns no row, to tell an unknown
     * Huyen_Id (404) from a district without commune portals ([]);
     * -1 when the endpoint has no Huyen_Id. */
    int exists_query;
    const newsapi_column_t *columns;
    int ncolumns;
    /* >= 0: the answer's last column is not from SQL but the number of
     * visitors online now, counted by this Apache, for the site whose id
     * is in this column of the SQL row. */
    int online_site_column;
} newsapi_endpoint_t;

/* Serves r; always returns OK once the handler is ours (errors are JSON
 * answers written here, with their status in r->status). */
int newsapi_endpoint_serve(request_rec *r, const newsapi_endpoint_t *ep);

#endif /* NEWSAPI_ENDPOINT_H */
