/*
 * newsapi_error.h - the errors a client can get, with their HTTP status.
 *
 * The codes are part of the public API: aggregators branch on them, so a
 * code is never renamed.  The message is for people and may change.
 */
#ifndef NEWSAPI_ERROR_H
#define NEWSAPI_ERROR_H

#include "apr_pools.h"

#define NEWSAPI_E_METHOD        "method_not_allowed"      /* 405 */
#define NEWSAPI_E_MEDIA_TYPE    "unsupported_media_type"  /* 415 */
#define NEWSAPI_E_TOO_LARGE     "body_too_large"          /* 413 */
#define NEWSAPI_E_TIMEOUT       "request_timeout"         /* 408 */
#define NEWSAPI_E_BAD_JSON      "malformed_json"          /* 400 */
#define NEWSAPI_E_NOT_OBJECT    "body_not_object"         /* 400 */
#define NEWSAPI_E_MISSING       "missing_field"           /* 400 */
#define NEWSAPI_E_TYPE          "invalid_type"            /* 400 */
#define NEWSAPI_E_VALUE         "invalid_value"           /* 400 */
#define NEWSAPI_E_DATE          "invalid_date"            /* 400 */
#define NEWSAPI_E_RANGE_ORDER   "range_reversed"          /* 400 */
#define NEWSAPI_E_RANGE_LONG    "range_too_long"          /* 400 */
#define NEWSAPI_E_NO_DISTRICT   "unknown_district"        /* 404 */
#define NEWSAPI_E_DB            "database_unavailable"    /* 503 */
#define NEWSAPI_E_BUSY          "server_busy"             /* 503 */
#define NEWSAPI_E_INTERNAL      "internal_error"          /* 500 */

typedef struct {
    int status;             /* HTTP status */
    const char *code;       /* one of NEWSAPI_E_* */
    const char *field;      /* the request field at fault, or NULL */
    const char *message;    /* for people, never holds SQL or secrets */
} newsapi_error_t;

/* Allocates an error in p; message is a printf format. */
newsapi_error_t *newsapi_error_make(apr_pool_t *p, int status,
                                    const char *code, const char *field,
                                    const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif /* NEWSAPI_ERROR_H */
