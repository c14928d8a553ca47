/*
 * test_visits_api.c - the visits endpoints (newsapi-visits-district and
 * newsapi-visits-commune) against SQL: sums over the range and totals up
 * to DenNgay equal what visits_daily says, for the sample data (2022) and
 * for rows of our own on the days around a range (2033, a year no other
 * test uses), zero-visit sites listed with 0, validation and errors as the
 * news endpoints, and the answer cache.
 *
 * NEWSAPI_URL is Apache A of tests/e2e/stage-visits.sh
 * (tests/e2e/visits-counter.conf): /api/truycap/{huyen,xa} cached,
 * /live/truycap/{huyen,xa} not.  Own rows: tests/e2e/visits-data.sql.
 * Tests run in parallel; only the cache test writes, to its own site.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "common.h"

TestSuite(visits_api, .timeout = 120);

#define V_DISTRICT "/api/truycap/huyen"
#define V_COMMUNE  "/api/truycap/xa"
#define L_DISTRICT "/live/truycap/huyen"
#define L_COMMUNE  "/live/truycap/xa"
#define OWN_DISTRICT 99301LL

static http_resp_t *post_range(const char *path, long long district,
                               const char *from, const char *to)
{
    char body[200];
    if (district >= 0) {
        snprintf(body, sizeof(body), "{\"Huyen_Id\":%lld,\"TuNgay\":\"%s\","
                 "\"DenNgay\":\"%s\"}", district, from, to);
    }
    else {
        snprintf(body, sizeof(body), "{\"TuNgay\":\"%s\",\"DenNgay\":\"%s\"}",
                 from, to);
    }
    return http_post_json(path, body);
}

/* The SQL meaning of the endpoints: site id, district id, HEX(district
 * name), HEX(site name), visits in [from, to], visits up to to. */
static sql_rows_t *sql_district(const char *from, const char *to)
{
    return sql_rows(
        "SELECT s.id, d.id, HEX(d.name), HEX(s.name),"
        " (SELECT COALESCE(SUM(hits), 0) FROM visits_daily v"
        "  WHERE v.site_id = s.id AND v.day BETWEEN '%s' AND '%s'),"
        " (SELECT COALESCE(SUM(hits), 0) FROM visits_daily v"
        "  WHERE v.site_id = s.id AND v.day <= '%s')"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE s.commune_id IS NULL ORDER BY d.id, s.id", from, to, to);
}

static sql_rows_t *sql_commune(long long district, const char *from,
                               const char *to)
{
    return sql_rows(
        "SELECT s.id, HEX(s.name),"
        " (SELECT COALESCE(SUM(hits), 0) FROM visits_daily v"
        "  WHERE v.site_id = s.id AND v.day BETWEEN '%s' AND '%s'),"
        " (SELECT COALESCE(SUM(hits), 0) FROM visits_daily v"
        "  WHERE v.site_id = s.id AND v.day <= '%s')"
        " FROM sites s WHERE s.district_id = %lld"
        " AND s.commune_id IS NOT NULL ORDER BY s.id", from, to, to,
        district);
}

static void expect_int(json_t *o, const char *key, const char *want,
                       const char *where)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "%s: %s is not a JSON integer", where, key);
    cr_assert_eq(json_integer_value(v), strtoll(want, NULL, 10),
                 "%s: %s is %lld, SQL says %s", where, key,
                 (long long)json_integer_value(v), want);
}

static void expect_hex(json_t *o, const char *key, const char *want,
                       const char *where)
{
    json_t *v = json_object_get(o, key);
    char *h;
    cr_assert(json_is_string(v), "%s: %s is not a string", where, key);
    h = hex_of(json_string_value(v), json_string_length(v));
    cr_assert_str_eq(h, want, "%s: %s bytes differ from SQL", where, key);
    free(h);
}

/* Object i of a has exactly the keys of the district answer, in the
 * order of the SQL rows; DangTruyCap is 0 for sites this Apache does not
 * count (every sample site).  Returns the sum of SoLuotTruyCap. */
static long long check_district(const char *path, const char *from,
                                const char *to)
{
    http_resp_t *r = post_range(path, -1, from, to);
    json_t *a = expect_array(r), *o;
    sql_rows_t *t = sql_district(from, to);
    long long sum = 0;
    char where[128];
    size_t i;

    cr_assert_eq(json_array_size(a), t->nrows, "%s %s..%s: %zu objects, SQL"
                 " has %zu district portals", path, from, to,
                 json_array_size(a), t->nrows);
    json_array_foreach(a, i, o) {
        snprintf(where, sizeof(where), "%s %s..%s, object %zu (site %s)",
                 path, from, to, i, t->cell[i][0]);
        cr_assert(json_is_object(o));
        cr_assert_eq(json_object_size(o), 7, "%s: %zu members", where,
                     json_object_size(o));
        expect_int(o, "Id", t->cell[i][0], where);
        expect_int(o, "Huyen_Id", t->cell[i][1], where);
        expect_hex(o, "Ten_Huyen", t->cell[i][2], where);
        expect_hex(o, "Name", t->cell[i][3], where);
        expect_int(o, "SoLuotTruyCap", t->cell[i][4], where);
        expect_int(o, "TongLuotTruyCap", t->cell[i][5], where);
        expect_int(o, "DangTruyCap", "0", where);
        sum += json_integer_value(json_object_get(o, "SoLuotTruyCap"));
    }
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
    return sum;
}

static long long check_commune(const char *path, long long district,
                               const char *from, const char *to)
{
    http_resp_t *r = post_range(path, district, from, to);
    json_t *a = expect_array(r), *o;
    sql_rows_t *t = sql_commune(district, from, to);
    long long sum = 0;
    char where[128];
    size_t i;

    cr_assert_eq(json_array_size(a), t->nrows, "%s %lld %s..%s: %zu objects,"
                 " SQL has %zu commune portals", path, district, from, to,
                 json_array_size(a), t->nrows);
    json_array_foreach(a, i, o) {
        snprintf(where, sizeof(where), "%s %lld %s..%s, object %zu (site %s)",
                 path, district, from, to, i, t->cell[i][0]);
        cr_assert(json_is_object(o));
        cr_assert_eq(json_object_size(o), 5, "%s: %zu members", where,
                     json_object_size(o));
        expect_int(o, "Id", t->cell[i][0], where);
        expect_hex(o, "Name", t->cell[i][1], where);
        expect_int(o, "SoLuotTruyCap", t->cell[i][2], where);
        expect_int(o, "TongLuotTruyCap", t->cell[i][3], where);
        cr_assert(json_is_integer(json_object_get(o, "DangTruyCap")));
        sum += json_integer_value(json_object_get(o, "SoLuotTruyCap"));
    }
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
    return sum;
}

static long long visits(json_t *a, long long site, const char *key)
{
    json_t *o = find_by_id(a, "Id", site), *v;
    cr_assert(o != NULL, "site %lld not in the answer", site);
    v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "site %lld: %s not an integer", site, key);
    return json_integer_value(v);
}

static json_t *answer(const char *path, long long district, const char *from,
                      const char *to)
{
    http_resp_t *r = post_range(path, district, from, to);
    json_t *a = expect_array(r);
    http_free(r);
    return a;
}

Test(visits_api, the_data_is_there)
{
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM visits_daily WHERE site_id"
                        " < 99000 AND day BETWEEN '2022-01-01' AND"
                        " '2022-12-31'"), 1000, "no sample visits in 2022");
    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM sites WHERE district_id ="
                        " 99301"), 25, "visits-data.sql not loaded?");
}

Test(visits_api, district_sums_equal_sql_for_several_ranges)
{
    static const char *ranges[][2] = {
        { "2022-01-01", "2022-12-31" },     /* the whole sample year */
        { "2022-05-01", "2022-05-31" },
        { "2022-02-28", "2022-03-01" },
        { "2022-07-14", "2022-07-14" },     /* one day */
        { "2021-12-20", "2022-01-03" },     /* half outside the data */
        { "2022-12-31", "2023-01-31" },
        { "2019-01-01", "2026-12-31" },
        { "2030-06-01", "2030-06-30" },     /* nothing in range, totals */
    };
    size_t i;
    for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
        long long sum = check_district(V_DISTRICT, ranges[i][0],
                                       ranges[i][1]);
        if (i < 4) {
            cr_assert_gt(sum, 0, "no visits in %s..%s", ranges[i][0],
                         ranges[i][1]);
        }
    }
    /* the uncached Location answers the same */
    check_district(L_DISTRICT, "2022-05-01", "2022-05-31");
}

Test(visits_api, commune_sums_equal_sql)
{
    static const long long districts[] = { 380, 391, 401, 407,
                                           OWN_DISTRICT };
    size_t i;
    for (i = 0; i < sizeof(districts) / sizeof(districts[0]); i++) {
        long long sum = check_commune(V_COMMUNE, districts[i], "2022-03-01",
                                      "2022-04-15");
        if (districts[i] != OWN_DISTRICT) {
            cr_assert_gt(sum, 0);
        }
        check_commune(V_COMMUNE, districts[i], "2022-12-31", "2023-01-01");
    }
    check_commune(L_COMMUNE, 380, "2021-01-01", "2022-06-30");
}

/* 993001 has rows on 2033-01-05 (1000), 03-09 (200), 03-10 (30), 03-15
 * (4), 03-20 (5000), 03-21 (60000). */
Test(visits_api, district_day_boundaries)
{
    static const struct {
        const char *from, *to;
        long long in, total;
    } cases[] = {
        { "2033-03-10", "2033-03-20", 5034, 6234 },     /* both ends in */
        { "2033-03-10", "2033-03-10", 30, 1230 },       /* first day */
        { "2033-03-20", "2033-03-20", 5000, 6234 },     /* last day */
        { "2033-03-11", "2033-03-19", 4, 1234 },        /* ends out */
        { "2033-03-09", "2033-03-09", 200, 1200 },      /* the day before */
        { "2033-03-21", "2033-03-21", 60000, 66234 },   /* the day after */
        { "2033-03-21", "2033-12-31", 60000, 66234 },
        { "2033-01-06", "2033-03-08", 0, 1000 },
        { "2032-12-31", "2033-01-04", 0, 0 },
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *a = answer(V_DISTRICT, -1, cases[i].from, cases[i].to);
        cr_assert_eq(visits(a, 993001, "SoLuotTruyCap"), cases[i].in,
                     "%s..%s", cases[i].from, cases[i].to);
        cr_assert_eq(visits(a, 993001, "TongLuotTruyCap"), cases[i].total,
                     "%s..%s", cases[i].from, cases[i].to);
        cr_assert_eq(visits(a, 993001, "DangTruyCap"), 0);
        cr_assert_eq(visits(a, 993001, "Huyen_Id"), OWN_DISTRICT);
        json_decref(a);
        check_district(L_DISTRICT, cases[i].from, cases[i].to);
    }
}

/* 993002 has rows on 2033-03-09 (7), 03-10 (11), 03-20 (13), 03-21 (17)
 * and 2034-01-01 (19); 993003 none at all. */
Test(visits_api, commune_day_boundaries_and_zero_sites)
{
    static const struct {
        const char *from, *to;
        long long in, total;
    } cases[] = {
        { "2033-03-10", "2033-03-20", 24, 31 },
        { "2033-03-11", "2033-03-19", 0, 18 },
        { "2033-03-09", "2033-03-09", 7, 7 },
        { "2033-03-21", "2034-01-01", 36, 67 },
        { "2033-03-21", "2033-12-31", 17, 48 },
        { "2022-01-01", "2022-12-31", 0, 0 },
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *a = answer(V_COMMUNE, OWN_DISTRICT, cases[i].from,
                           cases[i].to);
        cr_assert_eq(visits(a, 993002, "SoLuotTruyCap"), cases[i].in,
                     "%s..%s", cases[i].from, cases[i].to);
        cr_assert_eq(visits(a, 993002, "TongLuotTruyCap"), cases[i].total,
                     "%s..%s", cases[i].from, cases[i].to);
        /* a portal nobody visited is listed, with 0 */
        cr_assert_eq(visits(a, 993003, "SoLuotTruyCap"), 0);
        cr_assert_eq(visits(a, 993003, "TongLuotTruyCap"), 0);
        cr_assert_eq(visits(a, 993003, "DangTruyCap"), 0);
        json_decref(a);
    }
    /* Huyen_Id as a string of digits: the same answer */
    {
        http_resp_t *r = http_post_json(V_COMMUNE, "{\"Huyen_Id\":\"99301\","
                                        "\"TuNgay\":\"2033-03-10\","
                                        "\"DenNgay\":\"2033-03-20\"}");
        json_t *a = expect_array(r);
        cr_assert_eq(visits(a, 993002, "SoLuotTruyCap"), 24);
        json_decref(a);
        http_free(r);
    }
    check_commune(L_COMMUNE, OWN_DISTRICT, "2033-03-10", "2033-03-20");
}

Test(visits_api, district_listing_has_zero_sites_too)
{
    json_t *a = answer(V_DISTRICT, -1, "2040-01-01", "2040-01-31");
    size_t i;
    json_t *o;
    cr_assert_eq((long long)json_array_size(a),
                 sql_ll("SELECT COUNT(*) FROM sites WHERE commune_id IS"
                        " NULL"));
    json_array_foreach(a, i, o) {
        cr_assert_eq(json_integer_value(json_object_get(o, "SoLuotTruyCap")),
                     0);
    }
    json_decref(a);
}

Test(visits_api, errors_as_the_news_endpoints)
{
    http_opts_t text = { "POST", "text/plain", 0, 0 };
    const char *good = "{\"TuNgay\":\"2022-01-01\",\"DenNgay\":\"2022-01-31\"}";
    http_resp_t *r;

    expect_post_only(V_DISTRICT);

    r = http_do(V_COMMUNE, &text, good, strlen(good));
    expect_error(r, 415, "unsupported_media_type", NULL);
    http_free(r);

    r = http_post_json(V_DISTRICT, "{\"TuNgay\":\"2022-01-01\"");
    expect_error(r, 400, "malformed_json", NULL);
    http_free(r);

    r = http_post_json(V_DISTRICT, "[1,2]");
    expect_error(r, 400, "body_not_object", NULL);
    http_free(r);

    r = http_post_json(V_DISTRICT, "{\"TuNgay\":\"2022-01-01\"}");
    expect_error(r, 400, "missing_field", "DenNgay");
    http_free(r);

    r = post_range(V_DISTRICT, -1, "2023-02-29", "2023-03-01");
    expect_error(r, 400, "invalid_date", "TuNgay");
    http_free(r);

    r = post_range(V_DISTRICT, -1, "2022-05-02", "2022-05-01");
    expect_error(r, 400, "range_reversed", "*");
    http_free(r);

    r = post_range(L_DISTRICT, -1, "2000-01-01", "2022-01-01");
    expect_error(r, 400, "range_too_long", "*");
    http_free(r);

    r = http_post_json(V_COMMUNE, good);
    expect_error(r, 400, "missing_field", "Huyen_Id");
    http_free(r);

    r = http_post_json(V_COMMUNE, "{\"Huyen_Id\":\"4x\",\"TuNgay\":"
                       "\"2022-01-01\",\"DenNgay\":\"2022-01-31\"}");
    expect_error(r, 400, "invalid_type", "Huyen_Id");
    http_free(r);

    r = post_range(V_COMMUNE, -1, "2022-01-01", "2022-01-31");
    expect_error(r, 400, "missing_field", "Huyen_Id");
    http_free(r);

    r = http_post_json(V_COMMUNE, "{\"Huyen_Id\":-5,\"TuNgay\":"
                       "\"2022-01-01\",\"DenNgay\":\"2022-01-31\"}");
    expect_error(r, 400, "invalid_value", "Huyen_Id");
    http_free(r);
}

Test(visits_api, unknown_district_is_404_and_empty_district_is_empty)
{
    http_resp_t *r;
    json_t *a;

    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM districts WHERE id = 99399"),
                 0);
    r = post_range(V_COMMUNE, 99399, "2022-01-01", "2022-01-31");
    expect_error(r, 404, "unknown_district", "*");
    http_free(r);
    r = post_range(L_COMMUNE, 99399, "2022-01-01", "2022-01-31");
    expect_error(r, 404, "unknown_district", "*");
    http_free(r);

    /* Mường Lát (384) exists and has no commune portal: [] */
    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM sites WHERE district_id = 384"
                        " AND commune_id IS NOT NULL"), 0);
    a = answer(V_COMMUNE, 384, "2022-01-01", "2022-01-31");
    cr_assert_eq(json_array_size(a), 0);
    json_decref(a);
}

/* The cached Location keeps an answer; the uncached one sees new rows at
 * once.  Site 993004, alone in district 99302, is this test's alone. */
Test(visits_api, answers_are_cached_like_the_news_endpoints)
{
    const char *body = "{\"Huyen_Id\":99302,\"TuNgay\":\"2032-06-01\","
                       "\"DenNgay\":\"2032-06-30\"}";
    http_resp_t *r1, *r2, *r3;
    char *h1, *h2, *h3;
    json_t *a;

    free(sql_run("DELETE FROM visits_daily WHERE site_id = 993004"));
    r1 = http_post_json(V_COMMUNE, body);
    h1 = http_header(r1, "X-NewsApi-Cache");
    a = expect_array(r1);
    cr_assert_eq(visits(a, 993004, "SoLuotTruyCap"), 0);
    json_decref(a);
    cr_assert(h1 != NULL && strcmp(h1, "MISS") == 0, "first: %s", h1);

    free(sql_run("INSERT INTO visits_daily (site_id, day, hits) VALUES"
                 " (993004, '2032-06-15', 77)"));

    r2 = http_post_json(V_COMMUNE, body);
    h2 = http_header(r2, "X-NewsApi-Cache");
    cr_assert(h2 != NULL && strcmp(h2, "HIT") == 0, "second: %s", h2);
    cr_assert_eq(r2->len, r1->len);
    cr_assert(memcmp(r2->body, r1->body, r1->len) == 0,
              "a cache hit differs from the answer cached");

    /* "99302" shares the entry of 99302 */
    r3 = http_post_json(V_COMMUNE, "{\"Huyen_Id\":\"99302\",\"TuNgay\":"
                        "\"2032-06-01\",\"DenNgay\":\"2032-06-30\"}");
    h3 = http_header(r3, "X-NewsApi-Cache");
    cr_assert(h3 != NULL && strcmp(h3, "HIT") == 0, "as a string: %s", h3);
    free(h3);
    http_free(r3);

    r3 = http_post_json(L_COMMUNE, body);
    h3 = http_header(r3, "X-NewsApi-Cache");
    cr_assert(h3 == NULL || strcmp(h3, "HIT") != 0, "uncached: %s", h3);
    a = expect_array(r3);
    cr_assert_eq(visits(a, 993004, "SoLuotTruyCap"), 77);
    cr_assert_eq(visits(a, 993004, "TongLuotTruyCap"), 77);
    json_decref(a);

    free(h1);
    free(h2);
    free(h3);
    http_free(r1);
    http_free(r2);
    http_free(r3);
}
