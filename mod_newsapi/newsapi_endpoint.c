/*
 * newsapi_endpoint.c - the request path shared by every endpoint.
 */
#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#include "newsapi_endpoint.h"
#include "newsapi_request.h"
#include "newsapi_store.h"

APLOG_USE_MODULE(newsapi);

#define JSON_TYPE "application/json; charset=utf-8"

static int send_json(request_rec *r, int status, const char *body,
                     apr_size_t len)
{
    r->status = status;
    ap_set_content_type(r, JSON_TYPE);
    ap_set_content_length(r, (apr_off_t)len);
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (!r->header_only) {
        ap_rwrite(body, (int)len, r);
    }
    return OK;
}

static int send_error(request_rec *r, const newsapi_error_t *e)
{
    apr_size_t len;
    const char *body = newsapi_render_error(r->pool, e, &len);

    /* Client mistakes are routine for a public API: debug, not error.
     * The message may quote the request, hence the escaping. */
    ap_log_rerror(APLOG_MARK, e->status >= 500 ? APLOG_INFO : APLOG_DEBUG,
                  0, r, NEWSAPI_LOGNO(0101) "%d %s%s%s: %s", e->status,
                  e->code, e->field ? " " : "", e->field ? e->field : "",
                  ap_escape_logitem(r->pool, e->message));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (e->status == HTTP_SERVICE_UNAVAILABLE) {
        apr_table_setn(r->headers_out, "Retry-After", "5");
    }
    return send_json(r, e->status, body, len);
}

/* Reads the whole body, at most limit bytes.  A Content-Length over the
 * limit is refused before a byte is read; a chunked body is cut off as
 * soon as it passes the limit. */
static newsapi_error_t *read_body(request_rec *r, apr_off_t limit,
                                  char **body, apr_size_t *len)
{
    newsapi_error_t *too_large;
    apr_size_t have = 0;
    long n;
    char *buf;
    int rc;

    too_large = newsapi_error_make(r->pool, 413, NEWSAPI_E_TOO_LARGE, NULL,
                                   "the request body exceeds %" APR_OFF_T_FMT
                                   " bytes", limit);
    if ((rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) != OK) {
        return newsapi_error_make(r->pool, rc == HTTP_REQUEST_ENTITY_TOO_LARGE
                                  ? 413 : 400,
                                  rc == HTTP_REQUEST_ENTITY_TOO_LARGE
                                  ? NEWSAPI_E_TOO_LARGE : NEWSAPI_E_BAD_JSON,
                                  NULL, "the request body cannot be read");
    }
    if (r->remaining > limit) {
        return too_large;
    }
    buf = apr_palloc(r->pool, (apr_size_t)limit + 1);
    while ((n = ap_get_client_block(r, buf + have,
                                    (apr_size_t)limit + 1 - have)) > 0) {
        have += (apr_size_t)n;
        if (have > (apr_size_t)limit) {
            return too_large;
        }
    }
    if (n < 0) {
        return newsapi_error_make(r->pool, 400, NEWSAPI_E_BAD_JSON, NULL,
                                  "the request body could not be read "
                                  "completely");
    }
    buf[have] = '\0';
    *body = buf;
    *len = have;
    return NULL;
}

/* Checks the HTTP side of the request and parses its body. */
static newsapi_error_t *read_request(request_rec *r,
                                     const newsapi_endpoint_t *ep,
                                     const newsapi_dir_conf_t *d,
                                     newsapi_params_t *params)
{
    newsapi_rules_t rules;
    newsapi_error_t *e;
    apr_size_t len = 0;
    char *body = NULL;

    if (r->method_number != M_POST) {
        apr_table_setn(r->headers_out, "Allow", "POST");
        return newsapi_error_make(r->pool, 405, NEWSAPI_E_METHOD, NULL,
                                  "use POST with a JSON body");
    }
    if (!newsapi_request_is_json_type(apr_table_get(r->headers_in,
                                                    "Content-Type"))) {
        return newsapi_error_make(r->pool, 415, NEWSAPI_E_MEDIA_TYPE, NULL,
                                  "send the body as Content-Type: "
                                  "application/json");
    }
    if ((e = read_body(r, newsapi_conf_max_body(d), &body, &len)) != NULL) {
        return e;
    }
    rules.want_district = ep->want_district;
    rules.max_range_days = newsapi_conf_max_range(d);
    return newsapi_request_parse(r->pool, body, len, &rules, params);
}

/* Runs the endpoint's query; for a district-scoped endpoint an empty
 * answer is checked against the district list. */
static newsapi_error_t *query(request_rec *r, const newsapi_endpoint_t *ep,
                              const newsapi_dir_conf_t *d,
                              const newsapi_params_t *params,
                              apr_array_header_t **rows)
{
    const char *args[3];
    const char *const *range = args;
    apr_array_header_t *found;
    newsapi_error_t *e;

    args[0] = params->sql_district;
    args[1] = params->sql_from;
    args[2] = params->sql_to;
    if (!ep->want_district) {
        range = args + 1;
    }
    e = newsapi_store_select(r, newsapi_conf_query(d, ep->query), range,
                             ep->ncolumns, rows);
    if (e != NULL || (*rows)->nelts > 0 || ep->exists_query < 0) {
        return e;
    }
    e = newsapi_store_select(r, newsapi_conf_query(d, ep->exists_query),
                             args, 1, &found);
    if (e == NULL && found->nelts == 0) {
        e = newsapi_error_make(r->pool, 404, NEWSAPI_E_NO_DISTRICT,
                               "Huyen_Id", "no district has the code %s",
                               params->sql_district);
    }
    return e;
}

int newsapi_endpoint_serve(request_rec *r, const newsapi_endpoint_t *ep)
{
    const newsapi_dir_conf_t *d = ap_get_module_config(r->per_dir_config,
                                                       &newsapi_module);
    newsapi_params_t params;
    apr_array_header_t *rows;
    newsapi_error_t *e;
    apr_size_t len;
    char *json;

    if ((e = read_request(r, ep, d, &params)) != NULL) {
        if (e->status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
            /* Do not read the rest of a body we refused. */
            r->connection->keepalive = AP_CONN_CLOSE;
        }
        return send_error(r, e);
    }
    if ((e = query(r, ep, d, &params, &rows)) != NULL) {
        return send_error(r, e);
    }
    e = newsapi_render_rows(r->pool, ep->columns, ep->ncolumns, rows, &json,
                            &len);
    if (e != NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, NEWSAPI_LOGNO(0102)
                      "%s: %s", newsapi_conf_query(d, ep->query)->directive,
                      e->message);
        e->message = "the server's query for this endpoint returned a value "
                     "of the wrong type; the error log says which";
        return send_error(r, e);
    }
    return send_json(r, HTTP_OK, json, len);
}
