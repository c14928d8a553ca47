/*
 * newsapi_http.c - the HTTP side of an API request: method, media type,
 * the body read through the input filters, and JSON answers out.
 */
#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#include "newsapi_dbstate.h"
#include "newsapi_http.h"
#include "newsapi_render.h"
#include "newsapi_request.h"

APLOG_USE_MODULE(newsapi);

#define JSON_TYPE "application/json; charset=utf-8"

int newsapi_http_send_json(request_rec *r, int status, const char *body,
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

int newsapi_http_send_error(request_rec *r, const newsapi_error_t *e)
{
    apr_size_t len;
    const char *body = newsapi_render_error(r->pool, e, &len);

    /* Client mistakes are routine for a public API: debug, not error;
     * so are 503s, which the database state and the admission tell once
     * per outage or every few seconds, and the status page counts.  The
     * message may quote the request, hence the escaping. */
    ap_log_rerror(APLOG_MARK, e->status >= 500
                              && e->status != HTTP_SERVICE_UNAVAILABLE
                              ? APLOG_INFO : APLOG_DEBUG,
                  0, r, NEWSAPI_LOGNO(0101) "%d %s%s%s: %s", e->status,
                  e->code, e->field ? " " : "", e->field ? e->field : "",
                  ap_escape_logitem(r->pool, e->message));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (e->status == HTTP_SERVICE_UNAVAILABLE) {
        apr_table_setn(r->headers_out, "Retry-After",
                       apr_ltoa(r->pool, newsapi_dbstate_retry_after(2)));
    }
    return newsapi_http_send_json(r, e->status, body, len);
}

/* A failed read of the body, as httpd's own handlers map it: 408 when
 * mod_reqtimeout gave up on a slow client, 413 past LimitRequestBody,
 * else 400. */
static newsapi_error_t *read_failed(request_rec *r, apr_status_t rv,
                                    newsapi_error_t *too_large)
{
    int status = ap_map_http_request_error(rv, HTTP_BAD_REQUEST);

    if (status == HTTP_REQUEST_ENTITY_TOO_LARGE) {
        return too_large;
    }
    if (status == HTTP_REQUEST_TIME_OUT) {
        return newsapi_error_make(r->pool, 408, NEWSAPI_E_TIMEOUT, NULL,
                                  "the request body did not arrive in time");
    }
    return newsapi_error_make(r->pool, 400, NEWSAPI_E_BAD_JSON, NULL,
                              "the request body could not be read");
}

/* Reads the whole body, at most limit bytes.  A Content-Length over the
 * limit is refused before a byte is read (and before "100 Continue");
 * a chunked body is cut off as soon as it passes the limit. */
static newsapi_error_t *read_body(request_rec *r, apr_off_t limit,
                                  char **body, apr_size_t *len)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t have = 0, max = (apr_size_t)limit;
    newsapi_error_t *too_large;
    apr_bucket_brigade *bb;
    int eos = 0;
    char *buf;

    too_large = newsapi_error_make(r->pool, 413, NEWSAPI_E_TOO_LARGE, NULL,
                                   "the request body exceeds %" APR_OFF_T_FMT
                                   " bytes", limit);
    /* httpd has already refused a Content-Length that is not a number. */
    if (cl != NULL && apr_atoi64(cl) > limit) {
        return too_large;
    }
    buf = apr_palloc(r->pool, max + 1);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    while (!eos) {
        apr_bucket *b;
        apr_status_t rv = ap_get_brigade(r->input_filters, bb,
                                         AP_MODE_READBYTES, APR_BLOCK_READ,
                                         max + 1 - have);

        if (rv != APR_SUCCESS) {
            return read_failed(r, rv, too_large);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;

            if (APR_BUCKET_IS_EOS(b)) {
                eos = 1;
                break;
            }
            rv = apr_bucket_read(b, &data, &n, APR_BLOCK_READ);
            if (rv != APR_SUCCESS) {
                return read_failed(r, rv, too_large);
            }
            if (n > max - have) {
                return too_large;
            }
            memcpy(buf + have, data, n);
            have += n;
        }
        apr_brigade_cleanup(bb);
    }
    buf[have] = '\0';
    *body = buf;
    *len = have;
    return NULL;
}

newsapi_error_t *newsapi_http_read_request(request_rec *r,
                                           const newsapi_dir_conf_t *d,
                                           int want_district,
                                           int no_dates,
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
    e = read_body(r, (apr_off_t)newsapi_conf_number(d, NEWSAPI_N_MAX_BODY),
                  &body, &len);
    if (e != NULL) {
        return e;
    }
    rules.want_district = want_district;
    rules.no_dates = no_dates;
    rules.max_range_days = newsapi_conf_number(d, NEWSAPI_N_MAX_RANGE);
    return newsapi_request_parse(r->pool, body, len, &rules, params);
}
