/*
 * test_errors.c - every bad request of the contract gets its status, its
 * error code and field, as a JSON body that leaks neither SQL nor secrets;
 * and the accepted variants (charset parameter, "12"-style Huyen_Id) are
 * really accepted.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>
#include "common.h"

TestSuite(errors, .timeout = 120);

#define GOOD_RANGE "\"TuNgay\":\"2024-03-01\",\"DenNgay\":\"2024-03-31\""

static void district_error(const char *body, long status, const char *code,
                           const char *field)
{
    http_resp_t *r = http_post_json(DISTRICT_PATH, body);
    expect_error(r, status, code, field);
    http_free(r);
}

static void commune_error(const char *body, long status, const char *code,
                          const char *field)
{
    http_resp_t *r = http_post_json(COMMUNE_PATH, body);
    expect_error(r, status, code, field);
    http_free(r);
}

/* Both endpoints, with a Huyen_Id added for the commune one. */
static void both_error(const char *fields, long status, const char *code,
                       const char *field)
{
    char *b1, *b2;
    cr_assert(asprintf(&b1, "{%s}", fields) > 0);
    cr_assert(asprintf(&b2, "{\"Huyen_Id\":%lld%s%s}",
                       sql_ll("SELECT MIN(district_id) FROM sites"
                              " WHERE commune_id IS NOT NULL"),
                       *fields ? "," : "", fields) > 0);
    district_error(b1, status, code, field);
    commune_error(b2, status, code, field);
    free(b1);
    free(b2);
}

static long long real_district(void)
{
    return sql_ll("SELECT MIN(district_id) FROM sites"
                  " WHERE commune_id IS NOT NULL AND district_id < 99000");
}

/* ---- method, media type, size ------------------------------------- */

Test(errors, get_is_405_with_allow)
{
    const char *paths[] = { DISTRICT_PATH, COMMUNE_PATH };
    int i;
    for (i = 0; i < 2; i++) {
        http_opts_t o = { "GET", NULL, 0 };
        http_resp_t *r = http_do(paths[i], &o, NULL, 0);
        char *allow = http_header(r, "Allow");
        expect_error(r, 405, "method_not_allowed", NULL);
        cr_assert(allow != NULL, "405 without an Allow header");
        cr_assert(strstr(allow, "POST") != NULL, "Allow: %s", allow);
        free(allow);
        http_free(r);
    }
}

Test(errors, put_and_delete_are_405)
{
    const char *methods[] = { "PUT", "DELETE" };
    int i;
    for (i = 0; i < 2; i++) {
        http_opts_t o = { methods[i], JSON_TYPE, 0 };
        const char *b = "{" GOOD_RANGE "}";
        http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
        char *allow = http_header(r, "Allow");
        expect_error(r, 405, "method_not_allowed", NULL);
        cr_assert(allow && strstr(allow, "POST"), "Allow: %s", allow);
        free(allow);
        http_free(r);
    }
}

Test(errors, text_plain_is_415)
{
    http_opts_t o = { "POST", "text/plain", 0 };
    const char *b = "{" GOOD_RANGE "}";
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);
    r = http_do(COMMUNE_PATH, &o, b, strlen(b));
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);
}

Test(errors, form_urlencoded_is_415)
{
    http_opts_t o = { "POST", "application/x-www-form-urlencoded", 0 };
    const char *b = "TuNgay=2024-03-01&DenNgay=2024-03-31";
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);
}

Test(errors, missing_content_type_is_415)
{
    http_opts_t o = { "POST", NULL, 0 };
    const char *b = "{" GOOD_RANGE "}";
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);
}

Test(errors, json_lookalike_type_is_415)
{
    http_opts_t o = { "POST", "application/jsonp", 0 };
    const char *b = "{" GOOD_RANGE "}";
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);
}

static char *big_body(size_t n)
{
    /* a valid request padded with spaces up to n bytes */
    const char *head = "{" GOOD_RANGE;
    char *b = malloc(n + 1);
    size_t h = strlen(head);
    cr_assert(b != NULL);
    memcpy(b, head, h);
    memset(b + h, ' ', n - h - 1);
    b[n - 1] = '}';
    b[n] = '\0';
    return b;
}

Test(errors, body_9000_bytes_is_413)
{
    char *b = big_body(9000);
    http_resp_t *r = http_do(DISTRICT_PATH, NULL, b, 9000);
    expect_error(r, 413, "body_too_large", NULL);
    http_free(r);
    r = http_do(COMMUNE_PATH, NULL, b, 9000);
    expect_error(r, 413, "body_too_large", NULL);
    http_free(r);
    free(b);
}

Test(errors, body_9000_bytes_with_expect_100_continue_is_413)
{
    char *b = big_body(9000);
    http_opts_t o = { "POST", JSON_TYPE, 0, 1 };
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, 9000);
    expect_error(r, 413, "body_too_large", NULL);
    http_free(r);
    free(b);
}

Test(errors, chunked_body_9000_bytes_is_413)
{
    char *b = big_body(9000);
    http_opts_t o = { "POST", JSON_TYPE, 1 };
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, 9000);
    expect_error(r, 413, "body_too_large", NULL);
    http_free(r);
    free(b);
}

Test(errors, body_of_8192_bytes_is_accepted)
{
    char *b = big_body(8192);
    http_resp_t *r = http_do(DISTRICT_PATH, NULL, b, 8192);
    json_decref(expect_array(r));
    http_free(r);
    free(b);
}

Test(errors, chunked_small_body_is_accepted)
{
    const char *b = "{" GOOD_RANGE "}";
    http_opts_t o = { "POST", JSON_TYPE, 1 };
    http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
    json_decref(expect_array(r));
    http_free(r);
}

/* ---- the JSON body -------------------------------------------------- */

Test(errors, malformed_json)
{
    district_error("{\"TuNgay\":", 400, "malformed_json", NULL);
    district_error("{\"TuNgay\":\"2024-03-01\",}", 400, "malformed_json", NULL);
    district_error("not json", 400, "malformed_json", NULL);
    commune_error("{'Huyen_Id':1}", 400, "malformed_json", NULL);
}

Test(errors, trailing_garbage_is_malformed)
{
    district_error("{" GOOD_RANGE "} x", 400, "malformed_json", NULL);
}

Test(errors, empty_body_is_an_error)
{
    http_resp_t *r = http_do(DISTRICT_PATH, NULL, "", 0);
    expect_error(r, 400, "malformed_json", NULL);
    http_free(r);
}

Test(errors, array_is_not_an_object)
{
    static const char *scalars[] = { "\"2024-01-01\"", "42", "null", NULL };
    int i;

    district_error("[]", 400, "body_not_object", NULL);
    commune_error("[]", 400, "body_not_object", NULL);
    district_error("[{" GOOD_RANGE "}]", 400, "body_not_object", NULL);
    /* a bare scalar may be refused by the parser itself */
    for (i = 0; scalars[i]; i++) {
        http_resp_t *r = http_post_json(DISTRICT_PATH, scalars[i]);
        expect_error(r, 400, strstr(r->body, "malformed_json")
                     ? "malformed_json" : "body_not_object", NULL);
        http_free(r);
    }
}

Test(errors, missing_fields)
{
    both_error("\"DenNgay\":\"2024-03-31\"", 400, "missing_field", "TuNgay");
    both_error("\"TuNgay\":\"2024-03-01\"", 400, "missing_field", "DenNgay");
    district_error("{}", 400, "missing_field", "*");
    commune_error("{" GOOD_RANGE "}", 400, "missing_field", "Huyen_Id");
}

Test(errors, field_names_are_case_sensitive)
{
    district_error("{\"tungay\":\"2024-03-01\",\"DenNgay\":\"2024-03-31\"}",
                   400, "missing_field", "TuNgay");
}

Test(errors, dates_of_the_wrong_type)
{
    both_error("\"TuNgay\":20240301,\"DenNgay\":\"2024-03-31\"", 400,
               "invalid_type", "TuNgay");
    both_error("\"TuNgay\":\"2024-03-01\",\"DenNgay\":{}", 400,
               "invalid_type", "DenNgay");
    both_error("\"TuNgay\":[\"2024-03-01\"],\"DenNgay\":\"2024-03-31\"", 400,
               "invalid_type", "TuNgay");
    both_error("\"TuNgay\":true,\"DenNgay\":\"2024-03-31\"", 400,
               "invalid_type", "TuNgay");
}

Test(errors, impossible_dates)
{
    both_error("\"TuNgay\":\"2023-02-29\",\"DenNgay\":\"2023-03-31\"", 400,
               "invalid_date", "TuNgay");
    both_error("\"TuNgay\":\"2022-01-01\",\"DenNgay\":\"2022-13-01\"", 400,
               "invalid_date", "DenNgay");
    both_error("\"TuNgay\":\"2022-04-31\",\"DenNgay\":\"2022-05-01\"", 400,
               "invalid_date", "TuNgay");
    both_error("\"TuNgay\":\"2022-00-10\",\"DenNgay\":\"2022-05-01\"", 400,
               "invalid_date", "TuNgay");
    both_error("\"TuNgay\":\"2022-01-00\",\"DenNgay\":\"2022-05-01\"", 400,
               "invalid_date", "TuNgay");
    both_error("\"TuNgay\":\"1900-02-29\",\"DenNgay\":\"1900-03-01\"", 400,
               "invalid_date", "TuNgay");
}

Test(errors, badly_formatted_dates)
{
    static const char *bad[] = {
        "2024-3-01", "2024/03/01", "01-03-2024", "20240301", "2024-03-01 ",
        " 2024-03-01", "2024-03-01T00:00:00", "2024-03-1", "", "2024-03-0a",
        "+024-03-01", "２０２４-03-01", NULL
    };
    int i;
    for (i = 0; bad[i]; i++) {
        char *b;
        cr_assert(asprintf(&b, "{\"TuNgay\":\"%s\",\"DenNgay\":\"2024-03-31\"}",
                           bad[i]) > 0);
        district_error(b, 400, "invalid_date", "TuNgay");
        free(b);
    }
}

Test(errors, dates_outside_the_datetime_range)
{
    both_error("\"TuNgay\":\"0999-12-31\",\"DenNgay\":\"1000-01-01\"", 400,
               "invalid_date", "TuNgay");
    both_error("\"TuNgay\":\"9999-12-01\",\"DenNgay\":\"9999-12-31\"", 400,
               "invalid_date", "DenNgay");
}

Test(errors, the_datetime_range_ends_are_accepted)
{
    http_resp_t *r = post_district("9999-12-01", "9999-12-30");
    json_decref(expect_array(r));
    http_free(r);
    r = post_district("1000-01-01", "1000-01-31");
    json_decref(expect_array(r));
    http_free(r);
}

Test(errors, reversed_range)
{
    both_error("\"TuNgay\":\"2024-03-02\",\"DenNgay\":\"2024-03-01\"", 400,
               "range_reversed", "*");
    both_error("\"TuNgay\":\"2025-01-01\",\"DenNgay\":\"2024-12-31\"", 400,
               "range_reversed", "*");
}

Test(errors, range_over_the_limit)
{
    /* default NewsApiMaxRangeDays 3660, both ends counted */
    char last_ok[11], first_bad[11], *b;
    http_resp_t *r;

    both_error("\"TuNgay\":\"2000-01-01\",\"DenNgay\":\"2019-12-31\"", 400,
               "range_too_long", "*");

    date_add("2015-01-01", 3659, last_ok);
    date_add("2015-01-01", 3660, first_bad);
    cr_assert(asprintf(&b, "{\"TuNgay\":\"2015-01-01\",\"DenNgay\":\"%s\"}",
                       first_bad) > 0);
    district_error(b, 400, "range_too_long", "*");
    free(b);

    r = post_district("2015-01-01", last_ok);
    json_decref(expect_array(r));
    http_free(r);
}

Test(errors, one_day_range_is_fine)
{
    http_resp_t *r = post_district("2024-03-01", "2024-03-01");
    json_decref(expect_array(r));
    http_free(r);
}

/* ---- Huyen_Id -------------------------------------------------------- */

Test(errors, unknown_district_is_404)
{
    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM districts WHERE id = 99999"), 0);
    commune_error("{\"Huyen_Id\":99999," GOOD_RANGE "}", 404,
                  "unknown_district", "*");
    commune_error("{\"Huyen_Id\":\"99999\"," GOOD_RANGE "}", 404,
                  "unknown_district", "*");
    commune_error("{\"Huyen_Id\":0," GOOD_RANGE "}", 404,
                  "unknown_district", "*");
}

Test(errors, huyen_id_as_digit_string_is_the_same_answer)
{
    long long d = real_district();
    char *b1, *b2, *b3;
    http_resp_t *r1, *r2, *r3;

    cr_assert(asprintf(&b1, "{\"Huyen_Id\":%lld," GOOD_RANGE "}", d) > 0);
    cr_assert(asprintf(&b2, "{\"Huyen_Id\":\"%lld\"," GOOD_RANGE "}", d) > 0);
    cr_assert(asprintf(&b3, "{\"Huyen_Id\":\"00%lld\"," GOOD_RANGE "}", d) > 0);
    r1 = http_post_json(COMMUNE_PATH, b1);
    r2 = http_post_json(COMMUNE_PATH, b2);
    r3 = http_post_json(COMMUNE_PATH, b3);
    json_decref(expect_array(r1));
    json_decref(expect_array(r2));
    json_decref(expect_array(r3));
    cr_assert_gt(r1->len, 2, "district %lld has no commune portal?", d);
    cr_assert_eq(r1->len, r2->len);
    cr_assert(memcmp(r1->body, r2->body, r1->len) == 0,
              "integer: %s\nstring: %s", r1->body, r2->body);
    cr_assert_eq(r1->len, r3->len, "leading zeros: %s", r3->body);
    cr_assert(memcmp(r1->body, r3->body, r1->len) == 0);
    http_free(r1);
    http_free(r2);
    http_free(r3);
    free(b1);
    free(b2);
    free(b3);
}

Test(errors, huyen_id_of_the_wrong_type)
{
    static const char *bad[] = {
        "\"abc\"", "\"12a\"", "\"\"", "\" 12\"", "\"12 \"",
        "\"+12\"", "\"1.5\"", "\"1e3\"", "1.5", "true", "[12]",
        "{\"id\":12}", "\"１２\"", NULL
    };
    int i;
    for (i = 0; bad[i]; i++) {
        char *b;
        cr_assert(asprintf(&b, "{\"Huyen_Id\":%s," GOOD_RANGE "}", bad[i]) > 0);
        commune_error(b, 400, "invalid_type", "Huyen_Id");
        free(b);
    }
}

Test(errors, negative_huyen_id_is_invalid_value)
{
    commune_error("{\"Huyen_Id\":-1," GOOD_RANGE "}", 400, "invalid_value",
                  "Huyen_Id");
    commune_error("{\"Huyen_Id\":-380," GOOD_RANGE "}", 400, "invalid_value",
                  "Huyen_Id");
}

/* null reads as "absent" (missing_field) or as "of the wrong type"
 * (invalid_type): the contract does not say which. */
Test(errors, null_fields_are_rejected)
{
    http_resp_t *r = http_post_json(COMMUNE_PATH,
        "{\"Huyen_Id\":null," GOOD_RANGE "}");
    expect_error(r, 400, strstr(r->body, "missing_field") ? "missing_field"
                 : "invalid_type", "Huyen_Id");
    http_free(r);
    r = http_post_json(DISTRICT_PATH,
        "{\"TuNgay\":null,\"DenNgay\":\"2024-03-31\"}");
    expect_error(r, 400, strstr(r->body, "missing_field") ? "missing_field"
                 : "invalid_type", "TuNgay");
    http_free(r);
}

/* A string with a sign is "not digits" (invalid_type) or "negative"
 * (invalid_value): the contract allows both readings. */
Test(errors, signed_digit_string_is_rejected)
{
    http_resp_t *r = http_post_json(COMMUNE_PATH,
        "{\"Huyen_Id\":\"-12\"," GOOD_RANGE "}");
    expect_error(r, 400, strstr(r->body, "invalid_value") ? "invalid_value"
                 : "invalid_type", "Huyen_Id");
    http_free(r);
}

Test(errors, too_long_digit_string_is_rejected)
{
    /* 19 digits: not "1-18 ASCII digits" */
    http_resp_t *r = http_post_json(COMMUNE_PATH,
        "{\"Huyen_Id\":\"1234567890123456789\"," GOOD_RANGE "}");
    cr_assert_eq(r->status, 400, "got %ld %s", r->status, r->body);
    expect_error(r, 400, strstr(r->body, "invalid_value") ? "invalid_value"
                 : "invalid_type", "Huyen_Id");
    http_free(r);
}

/* ---- accepted variants ---------------------------------------------- */

Test(errors, content_type_with_charset_is_accepted)
{
    static const char *types[] = {
        "application/json; charset=utf-8", "application/json;charset=UTF-8",
        "Application/JSON", NULL
    };
    const char *b = "{" GOOD_RANGE "}";
    http_resp_t *ref = http_post_json(DISTRICT_PATH, b);
    int i;

    json_decref(expect_array(ref));
    for (i = 0; types[i]; i++) {
        http_opts_t o = { "POST", types[i], 0 };
        http_resp_t *r = http_do(DISTRICT_PATH, &o, b, strlen(b));
        json_decref(expect_array(r));
        cr_assert_eq(r->len, ref->len, "Content-Type %s", types[i]);
        cr_assert(memcmp(r->body, ref->body, r->len) == 0);
        http_free(r);
    }
    http_free(ref);
}

Test(errors, field_order_and_whitespace_do_not_matter)
{
    http_resp_t *a = http_post_json(DISTRICT_PATH,
        "{\"TuNgay\":\"2024-03-01\",\"DenNgay\":\"2024-03-31\"}");
    http_resp_t *b = http_post_json(DISTRICT_PATH,
        " {\n\t\"DenNgay\" : \"2024-03-31\" ,\r\n \"TuNgay\":\"2024-03-01\" }\n");
    json_decref(expect_array(a));
    json_decref(expect_array(b));
    cr_assert_eq(a->len, b->len);
    cr_assert(memcmp(a->body, b->body, a->len) == 0);
    http_free(a);
    http_free(b);
}

/* The database answer of an error never reaches the client either: a
 * Huyen_Id that SQL would choke on never gets that far. */
Test(errors, no_sql_in_any_error_body)
{
    district_error("{\"TuNgay\":\"2024-03-01' OR '1'='1\",\"DenNgay\":"
                   "\"2024-03-31\"}", 400, "invalid_date", "TuNgay");
    commune_error("{\"Huyen_Id\":\"1 OR 1=1\"," GOOD_RANGE "}", 400,
                  "invalid_type", "Huyen_Id");
}

/* Bytes that are not UTF-8: refused, and the error is still valid JSON
 * (resp_json fails on invalid UTF-8). */
Test(errors, invalid_utf8_body)
{
    static const char *bad[] = {
        "{\"TuNgay\":\"\xff\xfe\",\"DenNgay\":\"2024-01-02\"}",
        "{\"TuNgay\":\"2024-01-01\",\"DenNgay\":\"2024-01-02\"} \xc3",
        "\xe1\xbb",
        "{\"TuNgay\xc0\xaf\":\"2024-01-01\",\"DenNgay\":\"2024-01-02\"}",
        NULL
    };
    int i;
    for (i = 0; bad[i]; i++) {
        district_error(bad[i], 400, "malformed_json", NULL);
    }
}
