/*
 * newsapi_request.c - parsing and validating the JSON request body.
 *
 * jansson allocates with malloc: every path out of newsapi_request_parse
 * drops the document, and nothing that points into it survives the call
 * (the parameters are copied into fixed buffers of newsapi_params_t).
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "apr_lib.h"
#include "apr_strings.h"

#include "newsapi_request.h"

/* Huyen_Id as a string of digits: longer ones are refused so that the
 * value always fits a signed 64-bit integer (a JSON integer that does not
 * fit is already refused by jansson as malformed). */
#define DISTRICT_MAX_DIGITS 18

static newsapi_error_t *bad(apr_pool_t *p, const char *code,
                            const char *field, const char *msg)
{
    return newsapi_error_make(p, 400, code, field, "%s", msg);
}

static newsapi_error_t *get_date(apr_pool_t *p, json_t *doc,
                                 const char *field, newsapi_date_t *out)
{
    json_t *v = json_object_get(doc, field);

    if (v == NULL || json_is_null(v)) {
        return newsapi_error_make(p, 400, NEWSAPI_E_MISSING, field,
                                  "%s is required (a date, yyyy-mm-dd)",
                                  field);
    }
    if (!json_is_string(v)) {
        return newsapi_error_make(p, 400, NEWSAPI_E_TYPE, field,
                                  "%s must be a string holding a date, "
                                  "yyyy-mm-dd", field);
    }
    switch (newsapi_date_parse(json_string_value(v), json_string_length(v),
                               out)) {
    case NEWSAPI_DATE_OK:
        return NULL;
    case NEWSAPI_DATE_IMPOSSIBLE:
        return newsapi_error_make(p, 400, NEWSAPI_E_DATE, field,
                                  "%s is not a day of the calendar", field);
    case NEWSAPI_DATE_OUT_OF_RANGE:
        return newsapi_error_make(p, 400, NEWSAPI_E_DATE, field,
                                  "%s must lie between 1000-01-01 and "
                                  "9999-12-30", field);
    default:
        return newsapi_error_make(p, 400, NEWSAPI_E_DATE, field,
                                  "%s must be written yyyy-mm-dd, "
                                  "e.g. 2022-05-31", field);
    }
}

static int all_digits(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (!apr_isdigit(s[i])) {
            return 0;
        }
    }
    return len > 0;
}

/* Huyen_Id by the endpoint's rule; out->has_district tells whether one
 * was given. */
static newsapi_error_t *get_district(apr_pool_t *p, json_t *doc, int rule,
                                     newsapi_params_t *out)
{
    const char *f = NEWSAPI_F_DISTRICT;
    json_t *v = json_object_get(doc, f);
    const char *s;
    size_t len;

    if (v == NULL || json_is_null(v)) {
        if (rule == NEWSAPI_DISTRICT_OPTIONAL) {
            return NULL;
        }
        return bad(p, NEWSAPI_E_MISSING, f,
                   "Huyen_Id is required (the district code, an integer)");
    }
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0) {
            return bad(p, NEWSAPI_E_VALUE, f,
                       "Huyen_Id must not be negative");
        }
        out->district = json_integer_value(v);
        out->has_district = 1;
        return NULL;
    }
    if (!json_is_string(v)) {
        return bad(p, NEWSAPI_E_TYPE, f,
                   "Huyen_Id must be an integer (or a string of digits)");
    }
    s = json_string_value(v);
    len = json_string_length(v);
    if (len > 1 && s[0] == '-' && all_digits(s + 1, len - 1)) {
        return bad(p, NEWSAPI_E_VALUE, f, "Huyen_Id must not be negative");
    }
    if (!all_digits(s, len)) {
        return bad(p, NEWSAPI_E_TYPE, f,
                   "Huyen_Id must be an integer (or a string of digits)");
    }
    /* Leading zeros carry no meaning; they must not count against the
     * length limit either. */
    while (len > 1 && *s == '0') {
        s++;
        len--;
    }
    if (len > DISTRICT_MAX_DIGITS) {
        return bad(p, NEWSAPI_E_VALUE, f, "Huyen_Id is too large");
    }
    out->district = apr_atoi64(apr_pstrmemdup(p, s, len));
    out->has_district = 1;
    return NULL;
}

/* The order and length of the range, then its SQL parameters. */
static newsapi_error_t *check_range(apr_pool_t *p,
                                    const newsapi_rules_t *rules,
                                    newsapi_params_t *out)
{
    long span = newsapi_date_span(&out->from, &out->to);

    if (span < 1) {
        return bad(p, NEWSAPI_E_RANGE_ORDER, NEWSAPI_F_FROM,
                   "TuNgay must not be after DenNgay");
    }
    if (rules->max_range_days > 0 && span > rules->max_range_days) {
        return newsapi_error_make(p, 400, NEWSAPI_E_RANGE_LONG,
                                  NEWSAPI_F_TO,
                                  "the range covers %ld days; this server "
                                  "answers at most %ld days per request",
                                  span, rules->max_range_days);
    }

    newsapi_date_format_midnight(&out->from, 0, out->sql_from);
    newsapi_date_format_midnight(&out->to, 1, out->sql_to);
    out->has_range = 1;
    return NULL;
}

newsapi_error_t *newsapi_request_parse(apr_pool_t *p, const char *body,
                                       apr_size_t len,
                                       const newsapi_rules_t *rules,
                                       newsapi_params_t *out)
{
    newsapi_error_t *e = NULL;
    json_error_t jerr;
    json_t *doc;

    memset(out, 0, sizeof(*out));
    if (body == NULL || len == 0) {
        return bad(p, NEWSAPI_E_BAD_JSON, NULL,
                   "the request body is empty; send a JSON object");
    }
    /* Duplicate keys are refused: two TuNgay in one body would be read
     * one way by us and maybe another way by a proxy or a log reader. */
    doc = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                     &jerr);
    if (doc == NULL) {
        return newsapi_error_make(p, 400, NEWSAPI_E_BAD_JSON, NULL,
                                  "the body is not valid JSON "
                                  "(line %d, column %d): %s",
                                  jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        return bad(p, NEWSAPI_E_NOT_OBJECT, NULL,
                   "the body must be a JSON object");
    }

    if (rules->want_district != NEWSAPI_DISTRICT_NONE) {
        e = get_district(p, doc, rules->want_district, out);
    }
    if (e == NULL && !rules->no_dates) {
        e = get_date(p, doc, NEWSAPI_F_FROM, &out->from);
    }
    if (e == NULL && !rules->no_dates) {
        e = get_date(p, doc, NEWSAPI_F_TO, &out->to);
    }
    json_decref(doc);
    if (e == NULL && out->has_district) {
        apr_snprintf(out->sql_district, sizeof(out->sql_district),
                     "%" APR_INT64_T_FMT, (apr_int64_t)out->district);
    }
    if (e != NULL || rules->no_dates) {
        return e;
    }
    return check_range(p, rules, out);
}

int newsapi_request_is_json_type(const char *ct)
{
    static const char want[] = "application/json";
    const size_t n = sizeof(want) - 1;

    if (ct == NULL) {
        return 0;
    }
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    if (strncasecmp(ct, want, n) != 0) {
        return 0;
    }
    ct += n;
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    return *ct == '\0' || *ct == ';';
}
