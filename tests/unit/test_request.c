/*
 * test_request.c - newsapi_request.h: the JSON body, its validation and
 * the SQL parameters derived from it; the Content-Type check.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "unit.h"
#include "newsapi_request.h"

TestSuite(request, .init = pool_setup, .fini = pool_teardown);
TestSuite(json_type);

/* field: a name, NULL (must be absent), or ANY_FIELD (not checked) */
static const char ANY_FIELD[] = "<any field>";

static newsapi_params_t P;

static newsapi_error_t *req_len(const char *body, apr_size_t len,
                                int want_district, long max_days)
{
    newsapi_rules_t rules;
    memset(&rules, 0, sizeof(rules));
    rules.want_district = want_district;
    rules.max_range_days = max_days;
    memset(&P, 0x5a, sizeof(P));
    return newsapi_request_parse(pool, body, len, &rules, &P);
}

static newsapi_error_t *req(const char *body, int want_district,
                            long max_days)
{
    return req_len(body, strlen(body), want_district, max_days);
}

static void check_error(const char *what, newsapi_error_t *e, int status,
                        const char *code, const char *field)
{
    cr_assert_not_null(e, "%s: accepted, want %d %s", what, status, code);
    cr_expect_eq(e->status, status, "%s: status %d, want %d", what,
                 e->status, status);
    cr_expect_not_null(e->code, "%s: no code", what);
    if (e->code) {
        cr_expect_str_eq(e->code, code, "%s: code %s, want %s", what,
                         e->code, code);
    }
    if (field != ANY_FIELD) {
        if (field == NULL) {
            cr_expect_null(e->field, "%s: field \"%s\", want none", what,
                           e->field ? e->field : "");
        }
        else {
            cr_expect_not_null(e->field, "%s: no field, want %s", what,
                               field);
            if (e->field) {
                cr_expect_str_eq(e->field, field, "%s: field %s, want %s",
                                 what, e->field, field);
            }
        }
    }
    cr_expect(e->message != NULL && e->message[0] != '\0',
              "%s: empty message", what);
}

static void expect_err(const char *body, int want_district, long max,
                       int status, const char *code, const char *field)
{
    check_error(body, req(body, want_district, max), status, code, field);
}

/* status 400, code one of two acceptable ones, field checked */
static void expect_err2(const char *what, newsapi_error_t *e,
                        const char *code1, const char *code2,
                        const char *field)
{
    cr_assert_not_null(e, "%s: accepted, want 400 %s/%s", what, code1,
                       code2);
    cr_expect_eq(e->status, 400, "%s: status %d", what, e->status);
    cr_assert_not_null(e->code);
    cr_expect(strcmp(e->code, code1) == 0 || strcmp(e->code, code2) == 0,
              "%s: code %s, want %s or %s", what, e->code, code1, code2);
    if (field != ANY_FIELD) {
        if (field == NULL) {
            cr_expect_null(e->field, "%s: field %s, want none", what,
                           e->field);
        }
        else {
            cr_expect(e->field && strcmp(e->field, field) == 0,
                      "%s: field %s, want %s", what,
                      e->field ? e->field : "(none)", field);
        }
    }
}

static void expect_ok(const char *body, int want_district, long max)
{
    newsapi_error_t *e = req(body, want_district, max);
    cr_assert_null(e, "%s: rejected: %d %s field=%s: %s", body,
                   e ? e->status : 0, e ? e->code : "",
                   e && e->field ? e->field : "-", e ? e->message : "");
}

#define DATES "\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\""

/* ---- valid bodies ---- */

Test(request, valid_without_district)
{
    expect_ok("{" DATES "}", 0, 3660);
    cr_expect(P.from.year == 2022 && P.from.month == 5 && P.from.day == 1);
    cr_expect(P.to.year == 2022 && P.to.month == 5 && P.to.day == 31);
    cr_expect_str_eq(P.sql_from, "2022-05-01 00:00:00");
    cr_expect_str_eq(P.sql_to, "2022-06-01 00:00:00");
}

Test(request, valid_field_order_and_whitespace)
{
    expect_ok(" \n\t{ \"DenNgay\" : \"2022-05-31\" ,\r\n \"TuNgay\":"
              "\"2022-05-01\" }\n ", 0, 3660);
    cr_expect_str_eq(P.sql_from, "2022-05-01 00:00:00");
    cr_expect_str_eq(P.sql_to, "2022-06-01 00:00:00");
}

Test(request, valid_with_district)
{
    expect_ok("{\"Huyen_Id\":384," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 384LL);
    cr_expect_str_eq(P.sql_district, "384");
    cr_expect_str_eq(P.sql_from, "2022-05-01 00:00:00");
    cr_expect_str_eq(P.sql_to, "2022-06-01 00:00:00");
}

Test(request, sql_to_is_day_after)
{
    expect_ok("{\"TuNgay\":\"2022-12-01\",\"DenNgay\":\"2022-12-31\"}", 0,
              3660);
    cr_expect_str_eq(P.sql_from, "2022-12-01 00:00:00");
    cr_expect_str_eq(P.sql_to, "2023-01-01 00:00:00");

    expect_ok("{\"TuNgay\":\"2024-02-01\",\"DenNgay\":\"2024-02-28\"}", 0,
              3660);
    cr_expect_str_eq(P.sql_to, "2024-02-29 00:00:00");

    expect_ok("{\"TuNgay\":\"2024-02-29\",\"DenNgay\":\"2024-02-29\"}", 0,
              3660);
    cr_expect_str_eq(P.sql_from, "2024-02-29 00:00:00");
    cr_expect_str_eq(P.sql_to, "2024-03-01 00:00:00");

    expect_ok("{\"TuNgay\":\"2023-02-28\",\"DenNgay\":\"2023-02-28\"}", 0,
              3660);
    cr_expect_str_eq(P.sql_to, "2023-03-01 00:00:00");
}

Test(request, same_day_is_a_range_of_one)
{
    expect_ok("{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-01\"}", 0,
              1);
    cr_expect_str_eq(P.sql_from, "2022-05-01 00:00:00");
    cr_expect_str_eq(P.sql_to, "2022-05-02 00:00:00");
}

Test(request, range_limits_of_dates)
{
    expect_ok("{\"TuNgay\":\"1000-01-01\",\"DenNgay\":\"9999-12-30\"}", 0,
              0);
    cr_expect_str_eq(P.sql_from, "1000-01-01 00:00:00");
    cr_expect_str_eq(P.sql_to, "9999-12-31 00:00:00");
}

Test(request, extra_fields_ignored)
{
    expect_ok("{\"foo\":[1,2,{\"a\":null}],\"TuNgay\":\"2022-05-01\","
              "\"x\":true,\"DenNgay\":\"2022-05-31\",\"y\":\"\\u00e9\"}", 0,
              3660);
    cr_expect_str_eq(P.sql_from, "2022-05-01 00:00:00");
    /* Huyen_Id sent to the district endpoint: just an extra field */
    expect_ok("{\"Huyen_Id\":\"oops\"," DATES "}", 0, 3660);
    /* field names are case sensitive: "tungay" is an extra field */
    expect_ok("{\"tungay\":5," DATES "}", 0, 3660);
}

Test(request, json_escapes_in_dates_decoded)
{
    /* "\u0032" is '2': the decoded string is a valid date */
    expect_ok("{\"TuNgay\":\"\\u0032022-05-01\",\"DenNgay\":\"2022-05-31\"}",
              0, 3660);
    cr_expect_str_eq(P.sql_from, "2022-05-01 00:00:00");
}

Test(request, reads_only_len_bytes)
{
    const char *body = "{" DATES "}GARBAGE{{{";
    apr_size_t len = strlen("{" DATES "}");
    newsapi_error_t *e = req_len(body, len, 0, 3660);
    cr_expect_null(e, "body followed by bytes past len rejected: %s",
                   e ? e->code : "");

    /* exactly len bytes, no NUL after them */
    char *buf = malloc(len);
    cr_assert_not_null(buf);
    memcpy(buf, "{" DATES "}", len);
    e = req_len(buf, len, 0, 3660);
    cr_expect_null(e, "non NUL-terminated body rejected: %s",
                   e ? e->code : "");
    free(buf);
}

/* ---- Huyen_Id ---- */

Test(request, district_forms_accepted)
{
    expect_ok("{\"Huyen_Id\":0," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 0LL);
    cr_expect_str_eq(P.sql_district, "0");

    expect_ok("{\"Huyen_Id\":\"12\"," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 12LL);
    cr_expect_str_eq(P.sql_district, "12");

    expect_ok("{\"Huyen_Id\":\"0\"," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 0LL);
    cr_expect_eq(strtoll(P.sql_district, NULL, 10), 0LL);

    expect_ok("{\"Huyen_Id\":\"012\"," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 12LL);
    cr_expect_eq(strtoll(P.sql_district, NULL, 10), 12LL,
                 "sql_district %s", P.sql_district);

    /* 18 digits: the longest string accepted */
    expect_ok("{\"Huyen_Id\":\"999999999999999999\"," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 999999999999999999LL);
    cr_expect_str_eq(P.sql_district, "999999999999999999");

    expect_ok("{\"Huyen_Id\":999999999999999999," DATES "}", 1, 3660);
    cr_expect_eq(P.district, 999999999999999999LL);
    cr_expect_str_eq(P.sql_district, "999999999999999999");
}

Test(request, district_int64_max_no_crash)
{
    newsapi_error_t *e = req("{\"Huyen_Id\":9223372036854775807," DATES "}",
                             1, 3660);
    if (e == NULL) {
        cr_expect_eq(P.district, 9223372036854775807LL);
        cr_expect_str_eq(P.sql_district, "9223372036854775807");
    }
    else {
        cr_expect_eq(e->status, 400);
    }
}

Test(request, district_missing)
{
    expect_err("{" DATES "}", 1, 3660, 400, "missing_field", "Huyen_Id");
}

Test(request, district_wrong_types)
{
    static const char *bad[] = {
        "1.5", "12.0", "1e3", "1E2", "true", "false", "null", "[]",
        "[12]", "{}", "{\"Id\":12}",
        "\"\"", "\"12a\"", "\"a12\"", "\" 12\"", "\"12 \"", "\"+12\"",
        "\"1.5\"", "\"0x1A\"", "\"1e3\"", "\"\\u0661\\u0662\"",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body), "{\"Huyen_Id\":%s," DATES "}", bad[i]);
        if (strcmp(bad[i], "null") == 0) {
            expect_err2(body, req(body, 1, 3660), "invalid_type",
                        "missing_field", "Huyen_Id");
        }
        else {
            expect_err(body, 1, 3660, 400, "invalid_type", "Huyen_Id");
        }
    }
}

Test(request, district_negative)
{
    expect_err("{\"Huyen_Id\":-3," DATES "}", 1, 3660, 400, "invalid_value",
               "Huyen_Id");
    expect_err("{\"Huyen_Id\":-1," DATES "}", 1, 3660, 400, "invalid_value",
               "Huyen_Id");
    const char *b = "{\"Huyen_Id\":\"-3\"," DATES "}";
    expect_err2(b, req(b, 1, 3660), "invalid_type", "invalid_value",
                "Huyen_Id");
}

Test(request, district_too_long)
{
    /* 19 and 25 digit strings: more than 18 digits */
    const char *b = "{\"Huyen_Id\":\"1234567890123456789\"," DATES "}";
    expect_err2(b, req(b, 1, 3660), "invalid_type", "invalid_value",
                "Huyen_Id");
    b = "{\"Huyen_Id\":\"1234567890123456789012345\"," DATES "}";
    expect_err2(b, req(b, 1, 3660), "invalid_type", "invalid_value",
                "Huyen_Id");
    b = "{\"Huyen_Id\":\"99999999999999999999\"," DATES "}";
    expect_err2(b, req(b, 1, 3660), "invalid_type", "invalid_value",
                "Huyen_Id");
}

Test(request, district_huge_number)
{
    /* beyond int64: jansson refuses it, or the module does; never OK */
    const char *b = "{\"Huyen_Id\":123456789012345678901234567890," DATES "}";
    newsapi_error_t *e = req(b, 1, 3660);
    cr_assert_not_null(e, "huge Huyen_Id accepted as %lld", P.district);
    cr_expect_eq(e->status, 400);
    cr_expect(strcmp(e->code, "malformed_json") == 0
              || strcmp(e->code, "invalid_value") == 0
              || strcmp(e->code, "invalid_type") == 0, "code %s", e->code);
    b = "{\"Huyen_Id\":-123456789012345678901234567890," DATES "}";
    e = req(b, 1, 3660);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 400);
}

/* ---- dates ---- */

Test(request, dates_missing)
{
    expect_err("{\"DenNgay\":\"2022-05-31\"}", 0, 3660, 400, "missing_field",
               "TuNgay");
    expect_err("{\"TuNgay\":\"2022-05-01\"}", 0, 3660, 400, "missing_field",
               "DenNgay");
    expect_err("{}", 0, 3660, 400, "missing_field", ANY_FIELD);
    expect_err("{\"Huyen_Id\":1}", 1, 3660, 400, "missing_field", ANY_FIELD);
    expect_err("{\"Huyen_Id\":1,\"TuNgay\":\"2022-05-01\"}", 1, 3660, 400,
               "missing_field", "DenNgay");
}

Test(request, dates_wrong_types)
{
    static const char *bad[] = {
        "20220501", "2022", "1.5", "true", "false", "[]",
        "[\"2022-05-01\"]", "{}", "{\"y\":2022}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 "{\"TuNgay\":%s,\"DenNgay\":\"2022-05-31\"}", bad[i]);
        expect_err(body, 0, 3660, 400, "invalid_type", "TuNgay");
        snprintf(body, sizeof(body),
                 "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":%s}", bad[i]);
        expect_err(body, 0, 3660, 400, "invalid_type", "DenNgay");
    }
    const char *b = "{\"TuNgay\":null,\"DenNgay\":\"2022-05-31\"}";
    expect_err2(b, req(b, 0, 3660), "invalid_type", "missing_field",
                "TuNgay");
    b = "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":null}";
    expect_err2(b, req(b, 0, 3660), "invalid_type", "missing_field",
                "DenNgay");
}

Test(request, dates_invalid)
{
    static const char *bad[] = {
        "2023-02-29", "2022-13-01", "2022-00-10", "2022-04-31", "2022-4-1",
        "22-04-01", "2022/04/01", " 2022-04-01", "2022-04-01 ",
        "2022-04-01T00:00:00", "0999-12-31", "9999-12-31", "", "today",
        "1900-02-29", "2022-05-01\\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 "{\"TuNgay\":\"%s\",\"DenNgay\":\"2022-05-31\"}", bad[i]);
        expect_err(body, 0, 0, 400, "invalid_date", "TuNgay");
        snprintf(body, sizeof(body),
                 "{\"TuNgay\":\"1000-01-01\",\"DenNgay\":\"%s\"}", bad[i]);
        expect_err(body, 0, 0, 400, "invalid_date", "DenNgay");
    }
}

Test(request, date_with_escaped_nul)
{
    /* jansson refuses \u0000 unless asked; either way it is an error */
    const char *b = "{\"TuNgay\":\"2022-05-01\\u0000\",\"DenNgay\":"
                    "\"2022-05-31\"}";
    expect_err2(b, req(b, 0, 3660), "malformed_json", "invalid_date",
                ANY_FIELD);
    b = "{\"TuNgay\":\"2022-05\\u00001\",\"DenNgay\":\"2022-05-31\"}";
    expect_err2(b, req(b, 0, 3660), "malformed_json", "invalid_date",
                ANY_FIELD);
}

Test(request, range_reversed)
{
    expect_err("{\"TuNgay\":\"2022-05-02\",\"DenNgay\":\"2022-05-01\"}", 0,
               3660, 400, "range_reversed", ANY_FIELD);
    expect_err("{\"TuNgay\":\"2023-01-01\",\"DenNgay\":\"2022-12-31\"}", 0,
               0, 400, "range_reversed", ANY_FIELD);
    expect_err("{\"Huyen_Id\":5,\"TuNgay\":\"9999-12-30\",\"DenNgay\":"
               "\"1000-01-01\"}", 1, 0, 400, "range_reversed", ANY_FIELD);
}

Test(request, range_length_limit)
{
    /* 2012-01-01..2022-01-07 is 3660 days, both ends counted */
    expect_ok("{\"TuNgay\":\"2012-01-01\",\"DenNgay\":\"2022-01-07\"}", 0,
              3660);
    cr_expect_str_eq(P.sql_to, "2022-01-08 00:00:00");
    expect_err("{\"TuNgay\":\"2012-01-01\",\"DenNgay\":\"2022-01-08\"}", 0,
               3660, 400, "range_too_long", ANY_FIELD);
    expect_err("{\"TuNgay\":\"1000-01-01\",\"DenNgay\":\"9999-12-30\"}", 0,
               3660, 400, "range_too_long", ANY_FIELD);
    /* a limit of one day */
    expect_ok("{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-01\"}", 0, 1);
    expect_err("{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-02\"}", 0, 1,
               400, "range_too_long", ANY_FIELD);
    /* 31 days */
    expect_ok("{" DATES "}", 0, 31);
    expect_err("{" DATES "}", 0, 30, 400, "range_too_long", ANY_FIELD);
}

Test(request, range_unlimited_when_zero)
{
    expect_ok("{\"TuNgay\":\"2012-01-01\",\"DenNgay\":\"2022-01-08\"}", 0, 0);
    expect_ok("{\"TuNgay\":\"1000-01-01\",\"DenNgay\":\"9999-12-30\"}", 0, 0);
    expect_ok("{\"Huyen_Id\":7,\"TuNgay\":\"1000-01-01\",\"DenNgay\":"
              "\"9999-12-30\"}", 1, 0);
    cr_expect_eq(P.district, 7LL);
}

/* ---- malformed or non-object bodies ---- */

Test(request, malformed_json)
{
    static const char *bad[] = {
        "{", "}", "{\"TuNgay\":\"2022-05-01\"",
        "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"",
        "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-3",
        "{" DATES "} x", "{" DATES "}{}", "{" DATES "},", "{" DATES ",}",
        "{TuNgay:\"2022-05-01\",DenNgay:\"2022-05-31\"}",
        "{'TuNgay':'2022-05-01','DenNgay':'2022-05-31'}",
        "{\"TuNgay\" \"2022-05-01\"}", "   ", "\n", "nul", "tru",
        "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\" /* c */}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_err(bad[i], 0, 3660, 400, "malformed_json", NULL);
    }
}

Test(request, empty_body)
{
    check_error("empty body", req_len("", 0, 0, 3660), 400,
                "malformed_json", NULL);
}

Test(request, body_not_object)
{
    static const char *bad[] = {
        "[]", "[{" DATES "}]", "null", "\"2022-05-01\"", "42", "true",
        "  []  ", "-1", "1.5",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_err(bad[i], 0, 3660, 400, "body_not_object", NULL);
    }
}

Test(request, duplicate_keys_no_crash)
{
    /* not specified: either refused as 400, or one of the values used */
    const char *b = "{\"TuNgay\":\"2022-05-01\",\"TuNgay\":\"2022-05-03\","
                    "\"DenNgay\":\"2022-05-31\"}";
    newsapi_error_t *e = req(b, 0, 3660);
    if (e) {
        cr_expect_eq(e->status, 400);
    }
    else {
        cr_expect(P.from.day == 1 || P.from.day == 3);
        cr_expect(strcmp(P.sql_from, "2022-05-01 00:00:00") == 0
                  || strcmp(P.sql_from, "2022-05-03 00:00:00") == 0);
    }
    /* a bad value then a good one must not slip through half-checked */
    b = "{\"Huyen_Id\":-1,\"Huyen_Id\":5," DATES "}";
    e = req(b, 1, 3660);
    if (e) {
        cr_expect_eq(e->status, 400);
    }
    else {
        cr_expect_eq(P.district, 5LL);
        cr_expect_str_eq(P.sql_district, "5");
    }
}

Test(request, invalid_utf8_body)
{
    static const char *bad[] = {
        "{" DATES ",\"x\":\"\xff\"}",
        "{" DATES ",\"x\":\"\xc0\x80\"}",
        "{" DATES ",\"x\":\"\xed\xa0\x80\"}",
        "{" DATES ",\"\xe2\x82\":1}",
        "{\"TuNgay\":\"2022-05-01\xc3\",\"DenNgay\":\"2022-05-31\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        newsapi_error_t *e = req(bad[i], 0, 3660);
        cr_assert_not_null(e, "invalid UTF-8 body #%zu accepted", i);
        cr_expect_eq(e->status, 400, "#%zu: status %d", i, e->status);
        if (i < 4) {
            cr_expect_str_eq(e->code, "malformed_json", "#%zu: %s", i,
                             e->code);
        }
    }
}

Test(request, nul_bytes_in_body)
{
    static const char b1[] = "{\"TuNgay\":\"2022-05-01\"\0,\"DenNgay\":"
                             "\"2022-05-31\"}";
    check_error("NUL between members", req_len(b1, sizeof(b1) - 1, 0, 3660),
                400, "malformed_json", NULL);

    static const char b2[] = "{" DATES "}\0";
    check_error("NUL after the object", req_len(b2, sizeof(b2) - 1, 0, 3660),
                400, "malformed_json", NULL);

    static const char b3[] = "{" DATES "}\0{\"x\":1}";
    check_error("NUL then more JSON", req_len(b3, sizeof(b3) - 1, 0, 3660),
                400, "malformed_json", NULL);

    static const char b4[] = "{\"TuNgay\":\"2022-05\0-01\",\"DenNgay\":"
                             "\"2022-05-31\"}";
    newsapi_error_t *e = req_len(b4, sizeof(b4) - 1, 0, 3660);
    cr_assert_not_null(e, "raw NUL inside a string accepted");
    cr_expect_eq(e->status, 400);

    static const char b5[] = "\0{" DATES "}";
    check_error("leading NUL", req_len(b5, sizeof(b5) - 1, 0, 3660),
                400, "malformed_json", NULL);
}

static char *repeat(char c, size_t n, const char *prefix, const char *suffix)
{
    size_t lp = strlen(prefix), ls = strlen(suffix);
    char *s = apr_palloc(pool, lp + n + ls + 1);
    memcpy(s, prefix, lp);
    memset(s + lp, c, n);
    memcpy(s + lp + n, suffix, ls + 1);
    return s;
}

Test(request, deep_nesting_no_crash, .timeout = 30)
{
    char *b = repeat('[', 100000, "", "");
    newsapi_error_t *e = req(b, 0, 3660);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 400);

    b = repeat('[', 100000, "{" DATES ",\"x\":", "");
    e = req(b, 0, 3660);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 400);
    cr_expect_str_eq(e->code, "malformed_json");

    /* balanced: deeper than any sane limit, still not a crash */
    size_t n = 100000;
    char *bal = apr_palloc(pool, 2 * n + 64);
    strcpy(bal, "{" DATES ",\"x\":");
    size_t off = strlen(bal);
    memset(bal + off, '[', n);
    memset(bal + off + n, ']', n);
    strcpy(bal + off + 2 * n, "}");
    e = req(bal, 0, 3660);
    if (e) {
        cr_expect_eq(e->status, 400);
    }

    b = repeat('{', 100000, "", "");
    e = req(b, 0, 3660);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 400);
}

Test(request, long_strings_no_crash)
{
    char *b = repeat('7', 100000, "{\"Huyen_Id\":\"", "\"," DATES "}");
    newsapi_error_t *e = req(b, 1, 3660);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 400);

    b = repeat('2', 100000, "{\"TuNgay\":\"",
               "\",\"DenNgay\":\"2022-05-31\"}");
    check_error("100000-byte TuNgay", req(b, 0, 3660), 400, "invalid_date",
                "TuNgay");

    b = repeat('9', 5000, "{\"Huyen_Id\":", "," DATES "}");
    e = req(b, 1, 3660);
    cr_assert_not_null(e, "5000-digit Huyen_Id accepted");
    cr_expect_eq(e->status, 400);
}

/* ---- Content-Type ---- */

/* ---- the portal list: Huyen_Id optional, no dates ---- */

static newsapi_error_t *portals(const char *body)
{
    newsapi_rules_t rules = { .want_district = NEWSAPI_DISTRICT_OPTIONAL,
                              .max_range_days = 1, .no_dates = 1 };
    memset(&P, 0x5a, sizeof(P));
    return newsapi_request_parse(pool, body, strlen(body), &rules, &P);
}

static void portals_ok(const char *body)
{
    newsapi_error_t *e = portals(body);
    cr_assert_null(e, "%s: rejected: %d %s: %s", body, e ? e->status : 0,
                   e ? e->code : "", e ? e->message : "");
    cr_expect_eq(P.has_range, 0, "%s: a range", body);
    cr_expect_str_eq(P.sql_from, "", "%s", body);
    cr_expect_str_eq(P.sql_to, "", "%s", body);
}

Test(request, portals_every_district)
{
    static const char *all[] = {
        "{}", " { } ", "{\"Huyen_Id\":null}", "{\"huyen_id\":401}",
    };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        portals_ok(all[i]);
        cr_expect_eq(P.has_district, 0, "%s: a district", all[i]);
        cr_expect_str_eq(P.sql_district, "", "%s", all[i]);
    }
}

Test(request, portals_one_district)
{
    static const char *one[] = {
        "{\"Huyen_Id\":401}", "{\"Huyen_Id\":\"401\"}",
        "{\"Huyen_Id\":\"000401\"}",
    };
    for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
        portals_ok(one[i]);
        cr_expect_eq(P.has_district, 1, "%s", one[i]);
        cr_expect_eq(P.district, 401LL, "%s", one[i]);
        cr_expect_str_eq(P.sql_district, "401", "%s", one[i]);
    }
    portals_ok("{\"Huyen_Id\":0}");
    cr_expect_eq(P.has_district, 1, "0 is a code, not 'every district'");
    cr_expect_str_eq(P.sql_district, "0");
}

/* Dates are members the list does not take: ignored like any unknown
 * member, even when they would be refused elsewhere. */
Test(request, portals_ignore_dates)
{
    portals_ok("{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}");
    portals_ok("{\"TuNgay\":\"2022-13-45\",\"DenNgay\":7}");
    portals_ok("{\"Huyen_Id\":384,\"TuNgay\":\"2030-01-01\","
               "\"DenNgay\":\"2020-01-01\"}");
    cr_expect_eq(P.district, 384LL);
}

/* The same Huyen_Id rules as the commune endpoints. */
Test(request, portals_district_refused_as_for_communes)
{
    static const struct {
        const char *body, *code;
    } bad[] = {
        { "{\"Huyen_Id\":-1}", "invalid_value" },
        { "{\"Huyen_Id\":\"-7\"}", "invalid_value" },
        { "{\"Huyen_Id\":\"1234567890123456789\"}", "invalid_value" },
        { "{\"Huyen_Id\":1.5}", "invalid_type" },
        { "{\"Huyen_Id\":\"40a\"}", "invalid_type" },
        { "{\"Huyen_Id\":\"\"}", "invalid_type" },
        { "{\"Huyen_Id\":true}", "invalid_type" },
        { "{\"Huyen_Id\":[401]}", "invalid_type" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        check_error(bad[i].body, portals(bad[i].body), 400, bad[i].code,
                    "Huyen_Id");
        check_error(bad[i].body, req(bad[i].body, 1, 3660), 400,
                    bad[i].code, "Huyen_Id");
    }
    check_error("[]", portals("[]"), 400, "body_not_object", NULL);
    check_error("{", portals("{"), 400, "malformed_json", NULL);
    check_error("dup", portals("{\"Huyen_Id\":1,\"Huyen_Id\":2}"), 400,
                "malformed_json", NULL);
    check_error("empty", portals(""), 400, "malformed_json", NULL);
}

Test(request, ranges_still_set_has_range)
{
    expect_ok("{" DATES "}", 0, 3660);
    cr_expect_eq(P.has_range, 1);
    cr_expect_eq(P.has_district, 0);
    cr_expect_str_eq(P.sql_district, "");
    expect_ok("{\"Huyen_Id\":384," DATES "}", 1, 3660);
    cr_expect_eq(P.has_range, 1);
    cr_expect_eq(P.has_district, 1);
}

Test(json_type, accepted)
{
    cr_expect(newsapi_request_is_json_type("application/json"));
    cr_expect(newsapi_request_is_json_type("Application/JSON; charset=UTF-8"));
    cr_expect(newsapi_request_is_json_type("application/json;charset=utf-8"));
    cr_expect(newsapi_request_is_json_type("APPLICATION/JSON"));
    cr_expect(newsapi_request_is_json_type("application/json; charset=utf-8"));
    cr_expect(newsapi_request_is_json_type("application/Json;foo=bar"));
}

Test(json_type, refused)
{
    static const char *no[] = {
        "application/jsonx", "text/json", "application/json-patch+json",
        "", "application/", "application", "application/js", "json",
        "text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/xml",
        "application/json5", "application/jsonp; charset=utf-8",
        "xapplication/json", "application/json/x",
        "text/json; x=application/json",
    };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        cr_expect(!newsapi_request_is_json_type(no[i]), "\"%s\" accepted",
                  no[i]);
    }
    cr_expect(!newsapi_request_is_json_type(NULL));
}

Test(json_type, leading_whitespace_no_crash)
{
    /* either answer is fine: only must not crash */
    (void)newsapi_request_is_json_type(" application/json");
    (void)newsapi_request_is_json_type("\tapplication/json ; charset=utf-8");
    (void)newsapi_request_is_json_type(";");
    (void)newsapi_request_is_json_type(" ");
}
