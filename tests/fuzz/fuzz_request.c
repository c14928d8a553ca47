/*
 * fuzz_request.c - newsapi_request_parse (every rule set) on any body.
 *
 * Input: one byte of rules, then the request body as Apache hands it to
 * the parser (exactly len bytes, not NUL terminated: libFuzzer's buffer
 * ends where the body ends, so a read past it is an ASan report).
 *   bit 0      want_district (newsapi-commune) or not (newsapi-district)
 *   bits 1-2   max_range_days: 3660 (default), 0 (no limit), 1, 3660000
 *   bit 3      the portal list instead: Huyen_Id optional, no dates
 *
 * Beyond "no crash, no undefined behaviour", every answer is checked:
 * an error is a 400 with a known code and a message that renders as
 * valid JSON; a success is checked against an independent reading of
 * the same body with jansson.
 */
#include <string.h>

#include <jansson.h>

#include "newsapi_date.h"
#include "newsapi_render.h"
#include "newsapi_request.h"

#include "fuzz_common.h"

static const char *const codes[] = {
    NEWSAPI_E_BAD_JSON, NEWSAPI_E_NOT_OBJECT, NEWSAPI_E_MISSING,
    NEWSAPI_E_TYPE, NEWSAPI_E_VALUE, NEWSAPI_E_DATE, NEWSAPI_E_RANGE_ORDER,
    NEWSAPI_E_RANGE_LONG, NULL
};

static void check_error(apr_pool_t *p, const newsapi_error_t *e,
                        const newsapi_rules_t *rules)
{
    const char *text;
    apr_size_t len;
    json_error_t jerr;
    json_t *doc, *inner;
    int i, known = 0;

    FUZZ_CHECK(e->status == 400, "status %d", e->status);
    for (i = 0; codes[i]; i++) {
        known |= e->code != NULL && strcmp(e->code, codes[i]) == 0;
    }
    FUZZ_CHECK(known, "unknown code %s", e->code ? e->code : "(null)");
    FUZZ_CHECK(e->field == NULL || strcmp(e->field, NEWSAPI_F_FROM) == 0
               || strcmp(e->field, NEWSAPI_F_TO) == 0
               || (rules->want_district
                   && strcmp(e->field, NEWSAPI_F_DISTRICT) == 0),
               "field %s", e->field);
    FUZZ_CHECK(e->message != NULL && *e->message, "empty message");

    /* The body the client gets must be JSON whatever the message holds
     * (jansson's error text may quote bytes of the request). */
    text = newsapi_render_error(p, e, &len);
    FUZZ_CHECK(text != NULL && strlen(text) == len, "render length");
    FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)text, len),
               "error body is not UTF-8: %s", text);
    doc = json_loadb(text, len, 0, &jerr);
    FUZZ_CHECK(doc != NULL, "error body is not JSON (%s): %s", jerr.text,
               text);
    inner = json_object_get(doc, "error");
    FUZZ_CHECK(json_is_object(inner), "no error object: %s", text);
    FUZZ_CHECK(json_integer_value(json_object_get(inner, "status")) == 400,
               "status member: %s", text);
    FUZZ_CHECK(strcmp(json_string_value(json_object_get(inner, "code")),
                      e->code) == 0, "code member: %s", text);
    json_decref(doc);
}

/* The accepted date of a field must be exactly the string sent. */
static void check_date(json_t *doc, const char *field,
                       const newsapi_date_t *d)
{
    json_t *v = json_object_get(doc, field);
    char buf[NEWSAPI_DATE_BUFSZ];

    FUZZ_CHECK(json_is_string(v), "%s accepted but not a string", field);
    newsapi_date_format(d, buf);
    FUZZ_CHECK(json_string_length(v) == 10
               && memcmp(json_string_value(v), buf, 10) == 0,
               "%s accepted as %s", field, buf);
    FUZZ_CHECK(d->year >= NEWSAPI_DATE_MIN_YEAR
               && d->year <= NEWSAPI_DATE_MAX_YEAR, "%s year %d", field,
               d->year);
}

/* An accepted Huyen_Id must be the number sent. */
static void check_district(json_t *doc, const newsapi_params_t *out)
{
    if (out->has_district) {
        json_t *v = json_object_get(doc, NEWSAPI_F_DISTRICT);
        char want[32];

        FUZZ_CHECK(out->district >= 0, "negative district %lld",
                   out->district);
        snprintf(want, sizeof(want), "%lld", out->district);
        FUZZ_CHECK(strcmp(want, out->sql_district) == 0, "sql_district %s",
                   out->sql_district);
        if (json_is_integer(v)) {
            FUZZ_CHECK(json_integer_value(v) == out->district,
                       "Huyen_Id %lld read as %lld",
                       (long long)json_integer_value(v), out->district);
        }
        else {
            const char *s = json_string_value(v);
            size_t n = json_string_length(v);

            FUZZ_CHECK(s != NULL, "Huyen_Id of another type accepted");
            while (n > 1 && *s == '0') {
                s++;
                n--;
            }
            FUZZ_CHECK(n == strlen(want) && memcmp(s, want, n) == 0,
                       "Huyen_Id \"%.*s\" read as %s",
                       (int)json_string_length(v), json_string_value(v),
                       want);
        }
    }
    else {
        FUZZ_CHECK(out->sql_district[0] == '\0', "sql_district %s",
                   out->sql_district);
    }
}

static void check_success(const uint8_t *data, size_t size,
                          const newsapi_rules_t *rules,
                          const newsapi_params_t *out)
{
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)data, size,
                             JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    newsapi_date_t next;
    char buf[NEWSAPI_DATETIME_BUFSZ];
    long span;
    int given;

    FUZZ_CHECK(json_is_object(doc), "accepted a body that is no object");
    FUZZ_CHECK(out->has_range == !rules->no_dates, "has_range %d",
               out->has_range);
    given = json_object_get(doc, NEWSAPI_F_DISTRICT) != NULL
            && !json_is_null(json_object_get(doc, NEWSAPI_F_DISTRICT));
    FUZZ_CHECK(out->has_district
               == (rules->want_district != NEWSAPI_DISTRICT_NONE && given),
               "has_district %d", out->has_district);
    if (rules->no_dates) {
        FUZZ_CHECK(out->sql_from[0] == '\0' && out->sql_to[0] == '\0',
                   "a range without dates");
        check_district(doc, out);
        json_decref(doc);
        return;
    }
    check_date(doc, NEWSAPI_F_FROM, &out->from);
    check_date(doc, NEWSAPI_F_TO, &out->to);
    span = newsapi_date_span(&out->from, &out->to);
    FUZZ_CHECK(span >= 1, "accepted a reversed range");
    FUZZ_CHECK(rules->max_range_days == 0 || span <= rules->max_range_days,
               "accepted %ld days over the limit %ld", span,
               rules->max_range_days);

    /* SQL parameters: start at TuNgay 00:00:00, end the day after. */
    newsapi_date_format_midnight(&out->from, 0, buf);
    FUZZ_CHECK(strcmp(buf, out->sql_from) == 0, "sql_from %s",
               out->sql_from);
    newsapi_date_from_days(newsapi_date_to_days(&out->to) + 1, &next);
    newsapi_date_format(&next, buf);
    FUZZ_CHECK(strlen(out->sql_to) == 19 && memcmp(out->sql_to, buf, 10) == 0
               && strcmp(out->sql_to + 10, " 00:00:00") == 0,
               "sql_to %s for the day after %s", out->sql_to, buf);
    FUZZ_CHECK(next.year <= NEWSAPI_DATE_MAX_YEAR, "range end %s past 9999",
               out->sql_to);

    if (rules->want_district) {
        check_district(doc, out);
    }
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const long limits[4] = { 3660, 0, 1, 3660000 };
    newsapi_rules_t rules;
    newsapi_params_t out;
    newsapi_error_t *e;
    apr_pool_t *p;

    if (size < 1) {
        return 0;
    }
    rules.want_district = data[0] & 1;
    rules.max_range_days = limits[(data[0] >> 1) & 3];
    rules.no_dates = 0;
    if (data[0] & 8) {
        rules.want_district = NEWSAPI_DISTRICT_OPTIONAL;
        rules.no_dates = 1;
    }
    data++;
    size--;

    p = fuzz_pool();
    e = newsapi_request_parse(p, (const char *)data, size, &rules, &out);
    if (e != NULL) {
        check_error(p, e, &rules);
    }
    else {
        check_success(data, size, &rules, &out);
    }
    apr_pool_destroy(p);
    return 0;
}
