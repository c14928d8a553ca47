/*
 * test_portals.c - the list of portals (appendix II, newsapi-portals at
 * /api/donvi): every unit of the sample data against SQL, in order and
 * byte for byte, units without a portal with Id and Dia_Chi null and the
 * letter's note, one district, 404 for an unknown one, the errors, the
 * cache.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "common.h"
#include "units.h"

TestSuite(portals, .timeout = 120);

#define NGASON 401          /* Huyện Nga Sơn: Thị trấn Nga Sơn has none */
#define MUONGLAT 384        /* Huyện Mường Lát: no commune has a portal */

Test(portals, every_unit_of_every_district)
{
    json_t *a = check_units(PORTALS_PATH, "{}", expected_units(-1));
    long long units = sql_ll("SELECT (SELECT COUNT(*) FROM districts)"
                             " + (SELECT COUNT(*) FROM communes)");
    long long none = sql_ll("SELECT (SELECT COUNT(*) FROM communes c"
                            " WHERE NOT EXISTS (SELECT 1 FROM sites s"
                            " WHERE s.commune_id = c.id))"
                            " + (SELECT COUNT(*) FROM districts d"
                            " WHERE NOT EXISTS (SELECT 1 FROM sites s"
                            " WHERE s.district_id = d.id"
                            " AND s.commune_id IS NULL))");
    size_t i, nulls = 0;
    json_t *o;

    cr_assert_eq((long long)json_array_size(a), units);
    json_array_foreach(a, i, o) {
        nulls += json_is_null(json_object_get(o, "Id"));
    }
    cr_assert_gt(none, 0, "the sample data has a unit without a portal");
    cr_assert_eq((long long)nulls, none);
    json_decref(a);
}

/* Appendix II's example rows, as the letter writes them. */
Test(portals, nga_son_as_in_the_letter)
{
    json_t *a = check_units(PORTALS_PATH, "{\"Huyen_Id\":401}",
                           expected_units(NGASON));
    json_t *o = json_array_get(a, 0);

    cr_assert_str_eq(json_string_value(json_object_get(o, "Ten_Don_Vi")),
                     "Huy\xe1\xbb\x87n Nga S\xc6\xa1n");
    cr_assert_eq(json_integer_value(json_object_get(o, "Cap")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(o, "Dia_Chi")),
                     "ngason.thanhhoa.gov.vn");
    o = unit_named(a, "Th\xe1\xbb\x8b tr\xe1\xba\xa5n Nga S\xc6\xa1n");
    cr_assert(o != NULL, "Thị trấn Nga Sơn is not listed");
    cr_assert(json_is_null(json_object_get(o, "Id")));
    cr_assert(json_is_null(json_object_get(o, "Dia_Chi")));
    cr_assert_eq(json_integer_value(json_object_get(o, "Cap")), 2);
    o = unit_named(a, "X\xc3\xa3 Nga \xc4\x90i\xe1\xbb\x81n");
    cr_assert(o != NULL, "Xã Nga Điền is not listed");
    cr_assert_str_eq(json_string_value(json_object_get(o, "Dia_Chi")),
                     "ngadien.ngason.thanhhoa.gov.vn");
    cr_assert_str_eq(json_string_value(json_object_get(o, "Ghi_Chu")), "");
    json_decref(a);
}

Test(portals, muong_lat_communes_have_no_portal)
{
    json_t *a = check_units(PORTALS_PATH, "{\"Huyen_Id\":384}",
                           expected_units(MUONGLAT));
    size_t i;
    json_t *o;

    cr_assert_gt(json_array_size(a), 1);
    json_array_foreach(a, i, o) {
        cr_assert_eq(json_is_null(json_object_get(o, "Id")), i > 0,
                     "unit %zu of Mường Lát", i);
    }
    json_decref(a);
}

/* "401", 401 and null (every district) as the commune endpoints read
 * Huyen_Id; dates are not the list's members and are ignored. */
Test(portals, accepted_variants)
{
    const char *same401[] = {
        "{\"Huyen_Id\":\"401\"}", "{\"Huyen_Id\":\"0401\"}",
        "{\"Huyen_Id\":401,\"TuNgay\":\"2022-13-45\"}",
    };
    const char *every[] = {
        "{\"Huyen_Id\":null}",
        "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}",
        "{\"TuNgay\":\"not a date\",\"DenNgay\":1}",
    };
    http_resp_t *base = post_units("{\"Huyen_Id\":401}"), *r;
    size_t i;

    cr_assert_eq(base->status, 200);
    for (i = 0; i < sizeof(same401) / sizeof(same401[0]); i++) {
        r = post_units(same401[i]);
        cr_assert_eq(r->status, 200, "%s: %ld", same401[i], r->status);
        cr_assert(r->len == base->len
                  && memcmp(r->body, base->body, r->len) == 0,
                  "%s answers differently", same401[i]);
        http_free(r);
    }
    http_free(base);
    base = post_units("{}");
    for (i = 0; i < sizeof(every) / sizeof(every[0]); i++) {
        r = post_units(every[i]);
        cr_assert_eq(r->status, 200, "%s: %ld", every[i], r->status);
        cr_assert(r->len == base->len
                  && memcmp(r->body, base->body, r->len) == 0,
                  "%s answers differently", every[i]);
        http_free(r);
    }
    http_free(base);
}

Test(portals, unknown_district_is_404)
{
    http_resp_t *r = post_units("{\"Huyen_Id\":99999}");

    expect_error(r, 404, "unknown_district", "Huyen_Id");
    http_free(r);
    r = post_units("{\"Huyen_Id\":0}");
    expect_error(r, 404, "unknown_district", "Huyen_Id");
    http_free(r);
}

Test(portals, bad_requests)
{
    static const struct {
        const char *body;
        long status;
        const char *code, *field;
    } bad[] = {
        { "{\"Huyen_Id\":-1}", 400, "invalid_value", "Huyen_Id" },
        { "{\"Huyen_Id\":\"1234567890123456789\"}", 400, "invalid_value",
          "Huyen_Id" },
        { "{\"Huyen_Id\":4.5}", 400, "invalid_type", "Huyen_Id" },
        { "{\"Huyen_Id\":\"40a\"}", 400, "invalid_type", "Huyen_Id" },
        { "{\"Huyen_Id\":[401]}", 400, "invalid_type", "Huyen_Id" },
        { "[]", 400, "body_not_object", NULL },
        { "{\"Huyen_Id\":", 400, "malformed_json", NULL },
        { "{\"Huyen_Id\":1,\"Huyen_Id\":2}", 400, "malformed_json", NULL },
        { "", 400, "malformed_json", NULL },
    };
    http_opts_t text = { "POST", "text/plain", 0 };
    http_resp_t *r;
    char *big;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = post_units(bad[i].body);
        expect_error(r, bad[i].status, bad[i].code, bad[i].field);
        http_free(r);
    }
    expect_post_only(PORTALS_PATH);
    r = http_do(PORTALS_PATH, &text, "{}", 2);
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);
    big = malloc(9001);
    cr_assert(big != NULL);
    memset(big, ' ', 9000);
    big[0] = '{';
    big[8999] = '}';
    big[9000] = '\0';
    r = post_units(big);                    /* NewsApiMaxBodySize 8192 */
    expect_error(r, 413, "body_too_large", NULL);
    http_free(r);
    free(big);
}

/* A repeat comes from the cache, the whole list included (it must fit
 * NewsApiCacheMaxObject). */
Test(portals, repeat_is_a_cache_hit)
{
    const char *bodies[] = { "{\"Huyen_Id\":407}", "{}" };
    size_t i;

    for (i = 0; i < 2; i++) {
        http_resp_t *r1 = post_units(bodies[i]), *r2 = post_units(bodies[i]);
        char *how = http_header(r2, "X-NewsApi-Cache");

        cr_assert_eq(r1->status, 200);
        cr_assert(how != NULL && strcmp(how, "HIT") == 0,
                  "%s: repeat answered %s", bodies[i], how ? how : "-");
        cr_assert(r1->len == r2->len
                  && memcmp(r1->body, r2->body, r1->len) == 0);
        free(how);
        http_free(r1);
        http_free(r2);
    }
}
