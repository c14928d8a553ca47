/*
 * newsapi_source.c - where a missed answer comes from: the endpoint's SQL
 * on the portal database, under the server-wide bound on queries, then
 * rendered as the endpoint's JSON.
 */
#include "apr_strings.h"

#include "newsapi_admit.h"
#include "newsapi_index.h"
#include "newsapi_source.h"
#include "newsapi_store.h"
#include "newsapi_visits.h"

APLOG_USE_MODULE(newsapi);

/* Is params->district a district?  See district_list in the header. */
static newsapi_error_t *district_known(request_rec *r,
                                       const newsapi_endpoint_t *ep,
                                       const newsapi_dir_conf_t *d,
                                       const char *const *args, int *known)
{
    apr_array_header_t *found;
    newsapi_error_t *e;
    long long want, id;
    int i;

    *known = 0;
    if (d->query[NEWSAPI_Q_DISTRICT_EXISTS] != NULL
        || d->query[ep->district_list] == NULL) {
        e = newsapi_store_select(r, newsapi_conf_query(
                                     d, NEWSAPI_Q_DISTRICT_EXISTS),
                                 args, NEWSAPI_ANY_COLUMNS, &found);
        *known = e == NULL && found->nelts > 0;
        return e;
    }
    e = newsapi_store_select(r, newsapi_conf_query(d, ep->district_list),
                             args + 1, ep->district_list_ncols, &found);
    want = apr_atoi64(args[0]);
    for (i = 0; e == NULL && i < found->nelts && !*known; i++) {
        const char *v = APR_ARRAY_IDX(found, i, newsapi_row_t).values[0];

        *known = newsapi_render_parse_int(v, &id) == 0 && id == want;
    }
    return e;
}

/* Runs the endpoint's query; for a district-scoped endpoint an empty
 * answer is checked against the districts. */
static newsapi_error_t *query(request_rec *r, const newsapi_endpoint_t *ep,
                              const newsapi_dir_conf_t *d,
                              const newsapi_params_t *params,
                              apr_array_header_t **rows)
{
    const char *args[3];
    const char *const *range = args;
    newsapi_error_t *e;
    int known;

    args[0] = params->sql_district;
    args[1] = params->sql_from;
    args[2] = params->sql_to;
    if (!ep->want_district) {
        range = args + 1;
    }
    e = newsapi_store_select(r, newsapi_conf_query(d, ep->query), range,
                             ep->ncolumns - (ep->online_site_column >= 0)
                             - ep->derived_columns, rows);
    if (e != NULL || (*rows)->nelts > 0 || ep->district_list < 0) {
        return e;
    }
    e = district_known(r, ep, d, args, &known);
    if (e == NULL && !known) {
        e = newsapi_error_make(r->pool, 404, NEWSAPI_E_NO_DISTRICT,
                               "Huyen_Id", "no district has the code %s",
                               params->sql_district);
    }
    return e;
}

/* Appends the online-now count of each row's site as its last value. */
static void add_online(request_rec *r, const newsapi_endpoint_t *ep,
                       apr_array_header_t *rows)
{
    apr_hash_t *online = newsapi_visits_online(r->pool);
    int sql_cols = ep->ncolumns - 1;
    int i;

    for (i = 0; i < rows->nelts; i++) {
        newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);
        const char **values = apr_palloc(r->pool,
                                         sizeof(char *) * ep->ncolumns);
        const char *site = row->values[ep->online_site_column];
        long *n = site ? apr_hash_get(online, site, APR_HASH_KEY_STRING)
                       : NULL;

        memcpy(values, row->values, sizeof(char *) * sql_cols);
        values[sql_cols] = apr_ltoa(r->pool, n ? *n : 0);
        row->values = values;
    }
}

/* A value of the admin's query that does not fit the answer: the log says
 * which, the client only that the server is at fault. */
static newsapi_error_t *wrong_value(request_rec *r,
                                    const newsapi_endpoint_t *ep,
                                    const newsapi_dir_conf_t *d,
                                    newsapi_error_t *e)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, NEWSAPI_LOGNO(0102)
                  "%s: %s", newsapi_conf_query(d, ep->query)->directive,
                  e->message);
    e->message = "the server's query for this endpoint returned a value "
                 "of the wrong type; the error log says which";
    return e;
}

/* The endpoint's query under a query slot. */
static newsapi_error_t *slotted_query(request_rec *r,
                                      const newsapi_endpoint_t *ep,
                                      const newsapi_dir_conf_t *d,
                                      const newsapi_params_t *params,
                                      apr_array_header_t **rows)
{
    newsapi_error_t *e;
    int slot;

    /* A query slot held while the database works, so that a burst of
     * uncached ranges cannot take the portal database (which also serves
     * the portal's own pages) down with it. */
    if ((e = newsapi_admit_enter(r, &slot)) != NULL) {
        return e;
    }
    e = query(r, ep, d, params, rows);
    newsapi_admit_leave(slot);
    return e;
}

newsapi_error_t *newsapi_source_fetch(request_rec *r,
                                      const newsapi_endpoint_t *ep,
                                      const newsapi_dir_conf_t *d,
                                      const newsapi_params_t *params,
                                      char **json, apr_size_t *len,
                                      newsapi_source_info_t *info)
{
    apr_array_header_t *rows;
    newsapi_error_t *e;

    /* The day index first; it asks slotted_query for the rows only. */
    e = newsapi_index_rows(r, ep, d, params, slotted_query, &rows, info);
    if (e == NULL && rows == NULL) {
        e = slotted_query(r, ep, d, params, &rows);
    }
    if (e == NULL && ep->derive != NULL) {
        e = ep->derive(r->pool, params, &rows);
        if (e != NULL && e->status == HTTP_INTERNAL_SERVER_ERROR) {
            return wrong_value(r, ep, d, e);
        }
    }
    if (e != NULL) {
        return e;
    }
    if (ep->online_site_column >= 0) {
        add_online(r, ep, rows);
    }
    e = newsapi_render_rows(r->pool, ep->columns, ep->ncolumns, rows, json,
                            len);
    return e != NULL ? wrong_value(r, ep, d, e) : NULL;
}
