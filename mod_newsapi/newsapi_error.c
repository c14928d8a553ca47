/*
 * newsapi_error.c - building client errors in a pool.
 */
#include <stdarg.h>

#include "apr_strings.h"

#include "newsapi_error.h"

newsapi_error_t *newsapi_error_make(apr_pool_t *p, int status,
                                    const char *code, const char *field,
                                    const char *fmt, ...)
{
    newsapi_error_t *e = apr_palloc(p, sizeof(*e));
    va_list ap;

    va_start(ap, fmt);
    e->message = apr_pvsprintf(p, fmt, ap);
    va_end(ap);
    e->status = status;
    e->code = code;
    e->field = field;
    return e;
}
