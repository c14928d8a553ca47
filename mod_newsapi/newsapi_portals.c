/*
 * newsapi_portals.c - the list of portals: the district a request names,
 * and the note of a unit without a portal.
 */
#include <string.h>
#include <strings.h>

#include "apr_lib.h"
#include "apr_strings.h"

#include "newsapi_portals.h"
#include "newsapi_render.h"

/* Cap is the one value the renderer cannot check: any integer would do
 * for it, and an aggregator branches on 1 and 2. */
static newsapi_error_t *check_level(apr_pool_t *p, const char *v)
{
    long long level;

    if (v == NULL || (newsapi_render_parse_int(v, &level) == 0
                      && (level == 1 || level == 2))) {
        return NULL;                /* NULL: the renderer drops the row */
    }
    return newsapi_error_make(p, 500, NEWSAPI_E_INTERNAL, NULL,
                              "column %d (Cap) of the query's result is "
                              "not 1 (district) or 2 (commune)",
                              NEWSAPI_PORTALS_LEVEL + 1);
}

static int in_district(const newsapi_row_t *row, long long district)
{
    long long id;

    return newsapi_render_parse_int(row->values[NEWSAPI_PORTALS_DISTRICT],
                                    &id) == 0 && id == district;
}

newsapi_error_t *newsapi_portals_rows(apr_pool_t *p,
                                      const newsapi_params_t *params,
                                      apr_array_header_t **rows)
{
    const apr_array_header_t *in = *rows;
    apr_array_header_t *out = apr_array_make(p, in->nelts > 0 ? in->nelts
                                                              : 1,
                                             sizeof(newsapi_row_t));
    newsapi_error_t *e;
    int i;

    for (i = 0; i < in->nelts; i++) {
        const newsapi_row_t *row = &APR_ARRAY_IDX(in, i, newsapi_row_t);
        const char **values;

        if (params->has_district && !in_district(row, params->district)) {
            continue;
        }
        if ((e = check_level(p, row->values[NEWSAPI_PORTALS_LEVEL]))
            != NULL) {
            return e;
        }
        values = apr_palloc(p, sizeof(char *)
                               * (NEWSAPI_PORTALS_SQL_COLUMNS + 1));
        memcpy(values, row->values,
               sizeof(char *) * NEWSAPI_PORTALS_SQL_COLUMNS);
        values[NEWSAPI_PORTALS_SQL_COLUMNS] =
            row->values[NEWSAPI_PORTALS_SITE] == NULL ? NEWSAPI_PORTALS_NONE
                                                      : "";
        APR_ARRAY_PUSH(out, newsapi_row_t).values = values;
    }
    /* Every district has a row of its own (its People's Committee), with
     * a portal or not: no row means no such district. */
    if (params->has_district && out->nelts == 0) {
        return newsapi_error_make(p, 404, NEWSAPI_E_NO_DISTRICT,
                                  NEWSAPI_F_DISTRICT,
                                  "no district has the code %s",
                                  params->sql_district);
    }
    *rows = out;
    return NULL;
}

/* What may follow a host name in an address: nothing, a path, a query,
 * a fragment, or a port (digits) and then a path or nothing. */
static int rest_of_address(const char *s)
{
    if (*s != ':') {
        return 1;
    }
    s++;
    if (!apr_isdigit(*s)) {
        return 0;
    }
    while (apr_isdigit(*s)) {
        s++;
    }
    return *s == '\0' || *s == '/';
}

const char *newsapi_portals_host(apr_pool_t *p, const char *address)
{
    const char *a = address, *end;
    char *host;
    size_t i, n;

    if (a == NULL) {
        return NULL;
    }
    while (*a == ' ' || *a == '\t') {
        a++;
    }
    if (strncasecmp(a, "http://", 7) == 0) {
        a += 7;
    }
    else if (strncasecmp(a, "https://", 8) == 0) {
        a += 8;
    }
    end = a + strcspn(a, "/:?#");
    if (!rest_of_address(end)) {
        return NULL;
    }
    while (end > a && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    while (end > a && end[-1] == '.') {
        end--;                  /* the root's dot: "host." is "host" */
    }
    n = (size_t)(end - a);
    if (n == 0 || n > 253) {
        return NULL;
    }
    host = apr_pstrmemdup(p, a, n);
    for (i = 0; i < n; i++) {
        if (!apr_isalnum(host[i]) && host[i] != '-' && host[i] != '.') {
            return NULL;
        }
        host[i] = (char)apr_tolower(host[i]);
    }
    return host;
}
