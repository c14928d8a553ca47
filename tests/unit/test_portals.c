/*
 * test_portals.c - newsapi_portals.h: one district picked from the whole
 * list, the note of a unit without a portal, a bad Cap refused; and the
 * answer those rows render to, byte for byte.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "newsapi_portals.h"
#include "newsapi_render.h"

TestSuite(portals, .init = pool_setup, .fini = pool_teardown);

/* The columns of mod_newsapi.c's newsapi-portals endpoint. */
static const newsapi_column_t COLS[] = {
    {"Huyen_Id", NEWSAPI_COL_ID},
    {"Ten_Don_Vi", NEWSAPI_COL_TEXT},
    {"Cap", NEWSAPI_COL_ID},
    {"Id", NEWSAPI_COL_INT_OR_NULL},
    {"Dia_Chi", NEWSAPI_COL_TEXT_OR_NULL},
    {"Ghi_Chu", NEWSAPI_COL_TEXT},
};

static apr_array_header_t *rows;
static newsapi_params_t params;

static void unit(const char *district, const char *name, const char *cap,
                 const char *id, const char *host)
{
    const char **v = apr_pcalloc(pool, sizeof(*v) * 5);

    v[0] = district;
    v[1] = name;
    v[2] = cap;
    v[3] = id;
    v[4] = host;
    APR_ARRAY_PUSH(rows, newsapi_row_t).values = v;
}

/* Two districts as in appendix II; Nga Sơn's town has no portal. */
static void sample(void)
{
    rows = apr_array_make(pool, 4, sizeof(newsapi_row_t));
    memset(&params, 0, sizeof(params));
    unit("384", "Huyện Mường Lát", "1", "54", "muonglat.thanhhoa.gov.vn");
    unit("384", "Xã Tam Chung", "2", NULL, NULL);
    unit("401", "Huyện Nga Sơn", "1", "404", "ngason.thanhhoa.gov.vn");
    unit("401", "Thị trấn Nga Sơn", "2", NULL, NULL);
    unit("401", "Xã Nga Điền", "2", "419",
         "ngadien.ngason.thanhhoa.gov.vn");
}

static void pick(long long district)
{
    params.has_district = 1;
    params.district = district;
    snprintf(params.sql_district, sizeof(params.sql_district), "%lld",
             district);
}

static char *render(void)
{
    char *json;
    apr_size_t len;
    newsapi_error_t *e = newsapi_portals_rows(pool, &params, &rows);

    cr_assert_null(e, "refused: %d %s", e ? e->status : 0,
                   e ? e->message : "");
    e = newsapi_render_rows(pool, COLS, 6, rows, &json, &len);
    cr_assert_null(e, "render: %s", e ? e->message : "");
    return json;
}

Test(portals, every_unit_in_order_with_notes)
{
    sample();
    cr_expect_str_eq(render(),
        "[{\"Huyen_Id\":384,\"Ten_Don_Vi\":\"Huyện Mường Lát\",\"Cap\":1,"
        "\"Id\":54,\"Dia_Chi\":\"muonglat.thanhhoa.gov.vn\",\"Ghi_Chu\":\"\"},"
        "{\"Huyen_Id\":384,\"Ten_Don_Vi\":\"Xã Tam Chung\",\"Cap\":2,"
        "\"Id\":null,\"Dia_Chi\":null,"
        "\"Ghi_Chu\":\"Chưa có cổng/trang thông tin điện tử\"},"
        "{\"Huyen_Id\":401,\"Ten_Don_Vi\":\"Huyện Nga Sơn\",\"Cap\":1,"
        "\"Id\":404,\"Dia_Chi\":\"ngason.thanhhoa.gov.vn\",\"Ghi_Chu\":\"\"},"
        "{\"Huyen_Id\":401,\"Ten_Don_Vi\":\"Thị trấn Nga Sơn\",\"Cap\":2,"
        "\"Id\":null,\"Dia_Chi\":null,"
        "\"Ghi_Chu\":\"Chưa có cổng/trang thông tin điện tử\"},"
        "{\"Huyen_Id\":401,\"Ten_Don_Vi\":\"Xã Nga Điền\",\"Cap\":2,"
        "\"Id\":419,\"Dia_Chi\":\"ngadien.ngason.thanhhoa.gov.vn\","
        "\"Ghi_Chu\":\"\"}]");
}

Test(portals, one_district)
{
    sample();
    pick(401);
    cr_assert_eq(newsapi_portals_rows(pool, &params, &rows), NULL);
    cr_assert_eq(rows->nelts, 3);
    cr_expect_str_eq(APR_ARRAY_IDX(rows, 0, newsapi_row_t).values[1],
                     "Huyện Nga Sơn");
    cr_expect_str_eq(APR_ARRAY_IDX(rows, 1, newsapi_row_t).values[5],
                     NEWSAPI_PORTALS_NONE);
    cr_expect_str_eq(APR_ARRAY_IDX(rows, 2, newsapi_row_t).values[5], "");
}

/* "0401" from the database (a CHAR column) is district 401 too. */
Test(portals, district_matched_as_a_number)
{
    sample();
    unit("0401", "Xã Nga An", "2", NULL, NULL);
    unit(NULL, "no district", "2", NULL, NULL);
    unit("401.000", "Xã Nga Thanh", "2", "413", "ngathanh.example");
    pick(401);
    cr_assert_eq(newsapi_portals_rows(pool, &params, &rows), NULL);
    cr_expect_eq(rows->nelts, 5);
}

Test(portals, unknown_district_is_404)
{
    newsapi_error_t *e;

    sample();
    pick(999);
    e = newsapi_portals_rows(pool, &params, &rows);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 404);
    cr_expect_str_eq(e->code, "unknown_district");
    cr_expect_str_eq(e->field, "Huyen_Id");
    cr_expect(strstr(e->message, "999") != NULL, "%s", e->message);
}

Test(portals, empty_list)
{
    rows = apr_array_make(pool, 1, sizeof(newsapi_row_t));
    memset(&params, 0, sizeof(params));
    cr_expect_str_eq(render(), "[]");
    pick(401);
    cr_expect_eq(newsapi_portals_rows(pool, &params, &rows)->status, 404);
}

Test(portals, cap_other_than_1_or_2_is_500)
{
    static const char *bad[] = { "0", "3", "-1", "xa", "" };
    newsapi_error_t *e;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sample();
        unit("401", "Xã Nga An", bad[i], NULL, NULL);
        e = newsapi_portals_rows(pool, &params, &rows);
        cr_assert_not_null(e, "Cap '%s' accepted", bad[i]);
        cr_expect_eq(e->status, 500);
        cr_expect(strstr(e->message, "Cap") != NULL, "%s", e->message);
    }
    /* A bad Cap of another district does not spoil this one's answer. */
    sample();
    unit("384", "Xã Pù Nhi", "7", NULL, NULL);
    pick(401);
    cr_expect_null(newsapi_portals_rows(pool, &params, &rows));
}

/* A NULL Cap (or Huyen_Id) is left out by the renderer, as a NULL id is
 * at every endpoint. */
Test(portals, null_cap_left_out)
{
    sample();
    unit("401", "Xã Nga An", NULL, NULL, NULL);
    cr_expect(strstr(render(), "Nga An") == NULL);
    cr_expect_eq(rows->nelts, 6);
}

/* ---- host names of Dia_Chi, for the visit counter ---- */

Test(portals, host_of_an_address)
{
    static const struct {
        const char *in, *want;
    } ok[] = {
        { "ngadien.ngason.thanhhoa.gov.vn", "ngadien.ngason.thanhhoa.gov.vn" },
        { "NgaDien.NgaSon.ThanhHoa.gov.vn", "ngadien.ngason.thanhhoa.gov.vn" },
        { "https://ngason.thanhhoa.gov.vn/", "ngason.thanhhoa.gov.vn" },
        { "HTTP://ngason.thanhhoa.gov.vn/tin-tuc?x=1",
          "ngason.thanhhoa.gov.vn" },
        { "  ngason.thanhhoa.gov.vn:8080", "ngason.thanhhoa.gov.vn" },
        { "ngason.thanhhoa.gov.vn:80/x", "ngason.thanhhoa.gov.vn" },
        { "ngason.thanhhoa.gov.vn  ", "ngason.thanhhoa.gov.vn" },
        { "ngason.thanhhoa.gov.vn.", "ngason.thanhhoa.gov.vn" },
        { "a-b.test", "a-b.test" },
        { "localhost", "localhost" },
    };
    static const char *none[] = {
        "", "   ", "https://", "/tin-tuc", ":80", "ngã.test", "a b.test",
        "a_b.test", "...", "http:/x.test", "x.test:", "x.test:80x",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        const char *h = newsapi_portals_host(pool, ok[i].in);
        cr_expect(h != NULL && strcmp(h, ok[i].want) == 0,
                  "'%s' gave '%s'", ok[i].in, h ? h : "(none)");
    }
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        const char *h = newsapi_portals_host(pool, none[i]);
        cr_expect(h == NULL, "'%s' gave '%s'", none[i], h);
    }
    cr_expect_null(newsapi_portals_host(pool, NULL));
}

Test(portals, host_longer_than_253_is_none)
{
    char name[300];

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    cr_expect_null(newsapi_portals_host(pool, name));
    name[253] = '\0';
    cr_expect_not_null(newsapi_portals_host(pool, name));
}
