/*
 * newsapi_request.h - the JSON request body: parsing and validation.
 *
 * Pure code (APR pools and jansson, no httpd), so that it can be unit
 * tested and fuzzed on its own.  Everything a client sends is checked
 * here; the handlers only see a valid newsapi_params_t.
 */
#ifndef NEWSAPI_REQUEST_H
#define NEWSAPI_REQUEST_H

#include "apr_pools.h"
#include "newsapi_date.h"
#include "newsapi_error.h"

/* Field names, fixed by the Department's request (SPEC.md). */
#define NEWSAPI_F_FROM      "TuNgay"
#define NEWSAPI_F_TO        "DenNgay"
#define NEWSAPI_F_DISTRICT  "Huyen_Id"

/* Whether an endpoint takes Huyen_Id (want_district). */
#define NEWSAPI_DISTRICT_NONE     0     /* no: the member is ignored */
#define NEWSAPI_DISTRICT_REQUIRED 1     /* yes: absent or null is refused */
#define NEWSAPI_DISTRICT_OPTIONAL 2     /* yes: absent or null means all */

/* Members an endpoint does not take are ignored, never validated, as any
 * unknown member is: a client may send one body to several endpoints. */
typedef struct {
    int want_district;        /* NEWSAPI_DISTRICT_* */
    long max_range_days;      /* longest range, both ends counted; 0: none */
    int no_dates;             /* the endpoint takes no TuNgay, DenNgay */
} newsapi_rules_t;

typedef struct {
    int has_range;            /* from, to and sql_from, sql_to are set */
    newsapi_date_t from;      /* TuNgay */
    newsapi_date_t to;        /* DenNgay */
    int has_district;         /* district and sql_district are set */
    long long district;       /* Huyen_Id */
    /* SQL parameters: range start (inclusive) and range end (exclusive,
     * the day after DenNgay), "yyyy-mm-dd 00:00:00"; "" without a range;
     * Huyen_Id in decimal, "" without one */
    char sql_from[NEWSAPI_DATETIME_BUFSZ];
    char sql_to[NEWSAPI_DATETIME_BUFSZ];
    char sql_district[24];
} newsapi_params_t;

/* Parses and validates a request body of len bytes.  Returns NULL and
 * fills *out on success, or an error allocated in p. */
newsapi_error_t *newsapi_request_parse(apr_pool_t *p, const char *body,
                                       apr_size_t len,
                                       const newsapi_rules_t *rules,
                                       newsapi_params_t *out);

/* True when a Content-Type header names application/json, whatever its
 * case and parameters ("application/json; charset=utf-8"). */
int newsapi_request_is_json_type(const char *content_type);

#endif /* NEWSAPI_REQUEST_H */
