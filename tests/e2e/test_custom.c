/*
 * test_custom.c - the admin's own queries: a second Apache (tests/run.sh
 * starts it with tests/e2e/custom-query.conf) answers from tables of
 * another shape (tests/e2e/custom-tables.sql), with its own limits.
 *
 * NEWSAPI_URL points at that second Apache.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "common.h"
#include "units.h"

TestSuite(custom, .timeout = 120);

static sql_rows_t *custom_district(const char *from, const char *to)
{
    return sql_rows(
        "SELECT s.ma_cong, s.ma_huyen, HEX(s.ten_huyen), HEX(s.ten_cong),"
        " (SELECT COUNT(*) FROM portal_news_custom n"
        "  WHERE n.ma_cong = s.ma_cong AND n.trang_thai = 'published'"
        "  AND n.ngay_dang >= '%s' AND n.ngay_dang < DATE_ADD('%s', INTERVAL 1 DAY))"
        " FROM portal_sites_custom s WHERE s.ma_xa IS NULL ORDER BY 1",
        from, to);
}

static sql_rows_t *custom_commune(long long d, const char *from,
                                  const char *to)
{
    return sql_rows(
        "SELECT s.ma_cong, HEX(s.ten_cong),"
        " (SELECT COUNT(*) FROM portal_news_custom n"
        "  WHERE n.ma_cong = s.ma_cong AND n.trang_thai = 'published'"
        "  AND n.ngay_dang >= '%s' AND n.ngay_dang < DATE_ADD('%s', INTERVAL 1 DAY))"
        " FROM portal_sites_custom s WHERE s.ma_huyen = %lld"
        " AND s.ma_xa IS NOT NULL ORDER BY 1", from, to, d);
}

static json_t *district_answer(const char *from, const char *to)
{
    http_resp_t *r = post_district(from, to);
    json_t *a = expect_array(r);
    sql_rows_t *t = custom_district(from, to);
    compare_district(a, t);
    sql_rows_free(t);
    http_free(r);
    return a;
}

static json_t *commune_answer(long long d, const char *from, const char *to)
{
    http_resp_t *r = post_commune(d, from, to);
    json_t *a = expect_array(r);
    sql_rows_t *t = custom_commune(d, from, to);
    compare_commune(a, t);
    sql_rows_free(t);
    http_free(r);
    return a;
}

static long long soluong(json_t *a, long long id)
{
    json_t *o = find_by_id(a, "Id", id);
    cr_assert(o != NULL, "Id %lld not in the answer", id);
    return json_integer_value(json_object_get(o, "SoLuong"));
}

Test(custom, the_tables_are_there)
{
    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM portal_sites_custom"), 6,
                 "custom-tables.sql not loaded?");
}

Test(custom, district_answer_comes_from_the_custom_query)
{
    json_t *a = district_answer("2024-05-01", "2024-05-31");
    cr_assert_eq(json_array_size(a), 3);
    cr_assert_eq(soluong(a, 7001), 2);      /* boundaries in, draft out */
    cr_assert_eq(soluong(a, 7002), 1);      /* 'publishedX' out: LIKE '_' */
    cr_assert_eq(soluong(a, 7003), 0);
    cr_assert_eq(json_integer_value(json_object_get(find_by_id(a, "Id", 7001),
                                                    "Huyen_Id")), 380);
    cr_assert_str_eq(json_string_value(json_object_get(
        find_by_id(a, "Id", 7002), "Ten_Huyen")), "Huyện Hậu Lộc");
    json_decref(a);

    a = district_answer("2024-04-30", "2024-06-01");
    cr_assert_eq(soluong(a, 7001), 4);
    json_decref(a);
    json_decref(district_answer("2019-01-01", "2026-12-31"));
    json_decref(district_answer("2030-01-01", "2030-01-31"));
}

Test(custom, commune_answer_comes_from_the_custom_query)
{
    json_t *a = commune_answer(380, "2024-05-01", "2024-05-31");
    cr_assert_eq(json_array_size(a), 2);
    cr_assert_eq(soluong(a, 7101), 2);
    cr_assert_eq(soluong(a, 7102), 0);
    cr_assert_str_eq(json_string_value(json_object_get(
        find_by_id(a, "Id", 7101), "Name")), "Xã Nga Điền");
    json_decref(a);

    a = commune_answer(381, "2024-05-01", "2024-05-31");
    cr_assert_eq(json_array_size(a), 1);
    cr_assert_eq(soluong(a, 7103), 1);
    json_decref(a);
}

Test(custom, the_custom_exists_query_decides_404)
{
    /* 382 exists in the custom tables, with no commune portal: [] */
    json_t *a = commune_answer(382, "2024-05-01", "2024-05-31");
    long long other;
    http_resp_t *r;

    cr_assert_eq(json_array_size(a), 0);
    json_decref(a);

    /* a district of the reference schema that the custom tables do not
     * know: the custom exists query says no */
    other = sql_ll("SELECT MIN(id) FROM districts WHERE id NOT IN"
                   " (SELECT ma_huyen FROM portal_sites_custom)");
    r = post_commune(other, "2024-05-01", "2024-05-31");
    expect_error(r, 404, "unknown_district", "*");
    http_free(r);
}

Test(custom, rows_added_later_are_counted)
{
    json_t *a;
    free(sql_run("INSERT INTO portal_news_custom (ma_cong, trang_thai,"
                 " ngay_dang) VALUES (7003, 'published', '2035-02-01 00:00:00'),"
                 " (7003, 'published', '2035-02-28 23:59:59'),"
                 " (7003, 'published', '2035-03-01 00:00:00'),"
                 " (7003, 'draft', '2035-02-10 00:00:00'),"
                 " (7103, 'published', '2035-02-10 00:00:00')"));
    a = district_answer("2035-02-01", "2035-02-28");
    cr_assert_eq(soluong(a, 7003), 2);
    json_decref(a);
    a = commune_answer(381, "2035-02-01", "2035-02-28");
    cr_assert_eq(soluong(a, 7103), 1);
    json_decref(a);
}

Test(custom, commune_range_limit_is_31_days)
{
    http_resp_t *r = post_commune(380, "2024-05-01", "2024-06-01");
    expect_error(r, 400, "range_too_long", "*");
    http_free(r);
    json_decref(commune_answer(380, "2024-05-01", "2024-05-31"));
    /* the district endpoint keeps the default limit */
    json_decref(district_answer("2020-01-01", "2024-12-31"));
}

Test(custom, district_body_limit_is_1024_bytes)
{
    char body[1101];
    const char *head = "{\"TuNgay\":\"2024-05-01\",\"DenNgay\":\"2024-05-31\"";
    char *cbody;
    http_resp_t *r;

    memset(body, ' ', sizeof(body) - 1);
    memcpy(body, head, strlen(head));
    body[1099] = '}';
    body[1100] = '\0';
    r = http_do(DISTRICT_PATH, NULL, body, 1100);
    expect_error(r, 413, "body_too_large", NULL);
    http_free(r);

    /* the commune endpoint keeps the default 8192 */
    cr_assert(asprintf(&cbody, "{\"Huyen_Id\":380,%s", body + 1) > 0);
    r = http_do(COMMUNE_PATH, NULL, cbody, strlen(cbody));
    json_decref(expect_array(r));
    http_free(r);
    free(cbody);
}

/* The same range on a Location with the default queries, same server and
 * cache: each answer comes from its own query. */
Test(custom, default_and_custom_queries_do_not_mix)
{
    const char *body = "{\"TuNgay\":\"2024-05-01\",\"DenNgay\":\"2024-05-31\"}";
    http_resp_t *r;
    json_t *a;
    sql_rows_t *t;
    int round;

    for (round = 0; round < 2; round++) {       /* the second from cache */
        r = http_post_json(DISTRICT_PATH, body);
        a = expect_array(r);
        t = custom_district("2024-05-01", "2024-05-31");
        compare_district(a, t);
        sql_rows_free(t);
        json_decref(a);
        http_free(r);

        r = http_post_json("/api/macdinh/huyen", body);
        a = expect_array(r);
        t = expected_district("2024-05-01", "2024-05-31");
        compare_district(a, t);
        cr_assert_gt(json_array_size(a), 3);
        sql_rows_free(t);
        json_decref(a);
        http_free(r);
    }
    r = http_post_json("/api/macdinh/xa",
        "{\"Huyen_Id\":380,\"TuNgay\":\"2024-05-01\",\"DenNgay\":\"2024-05-31\"}");
    a = expect_array(r);
    t = expected_commune(380, "2024-05-01", "2024-05-31");
    compare_commune(a, t);
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

/* NewsApiMaxRangeDays 0: no limit, up to the whole DATETIME range. */
Test(custom, max_range_days_0_is_no_limit)
{
    http_resp_t *r = http_post_json("/api/macdinh/xa",
        "{\"Huyen_Id\":380,\"TuNgay\":\"1000-01-01\",\"DenNgay\":\"9999-12-30\"}");
    json_t *a = expect_array(r);
    sql_rows_t *t = expected_commune(380, "1000-01-01", "9999-12-30");
    compare_commune(a, t);
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

/* ---- the portal list from the admin's own NewsApiPortalsQuery ---- */

/* The custom units as SQL says, in the columns of compare_units. */
static sql_rows_t *custom_units(const char *where)
{
    return sql_rows(
        "SELECT u.ma_huyen, HEX(u.ten_dv), IF(u.loai = 'huyen', 1, 2),"
        " u.ma_cong, HEX(h.ten_mien) FROM portal_units_custom u"
        " LEFT JOIN portal_hosts_custom h ON h.ma_cong = u.ma_cong %s"
        " ORDER BY u.ma_huyen, u.loai <> 'huyen', u.ma_dv", where);
}

static json_t *custom_units_answer(const char *body, const char *where)
{
    return check_units(PORTALS_PATH, body, custom_units(where));
}

Test(custom, portal_list_from_the_custom_query)
{
    json_t *a = custom_units_answer("{}", "");
    json_t *o;

    cr_assert_eq(json_array_size(a), 7);
    /* a unit without a portal, and a portal without a known address */
    o = unit_named(a, "Th\xe1\xbb\x8b tr\xe1\xba\xa5n Nga S\xc6\xa1n");
    cr_assert(o != NULL && json_is_null(json_object_get(o, "Id")));
    o = unit_named(a, "X\xc3\xa3 Nga Th\xc3\xa1i");
    cr_assert(o != NULL);
    cr_assert_eq(json_integer_value(json_object_get(o, "Id")), 7102);
    cr_assert(json_is_null(json_object_get(o, "Dia_Chi")));
    cr_assert_str_eq(json_string_value(json_object_get(o, "Ghi_Chu")), "");
    json_decref(a);

    a = custom_units_answer("{\"Huyen_Id\":380}", "WHERE u.ma_huyen = 380");
    cr_assert_eq(json_array_size(a), 4);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(a, 0),
                                                    "Cap")), 1);
    json_decref(a);
    /* a district whose own People's Committee has no portal */
    a = custom_units_answer("{\"Huyen_Id\":\"382\"}",
                            "WHERE u.ma_huyen = 382");
    cr_assert_eq(json_array_size(a), 1);
    json_decref(a);
}

/* 401 is a district of the reference schema, not of this one. */
Test(custom, portal_list_404_from_the_custom_rows)
{
    http_resp_t *r = post_units("{\"Huyen_Id\":401}");

    expect_error(r, 404, "unknown_district", "Huyen_Id");
    http_free(r);
    r = http_post_json("/api/macdinh/donvi", "{\"Huyen_Id\":401}");
    json_decref(expect_array(r));
    http_free(r);
}

/* The default query next to the custom one on the same cache. */
Test(custom, portal_lists_do_not_mix)
{
    int round;

    for (round = 0; round < 2; round++) {
        json_decref(check_units("/api/macdinh/donvi", "{}",
                                expected_units(-1)));
        json_decref(custom_units_answer("{}", ""));
    }
}

/* A Cap of 3: 500 internal_error, the error log names the directive. */
Test(custom, portal_list_bad_cap_is_500)
{
    long at = errlog_size();
    http_resp_t *r = http_post_json("/api/sai/donvi", "{}");

    expect_error(r, 500, "internal_error", NULL);
    http_free(r);
    cr_assert(errlog_contains_after(at, "NewsApiPortalsQuery: column 3 "
                                        "(Cap)"), "not in the error log");
}
