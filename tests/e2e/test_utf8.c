/*
 * test_utf8.c - Vietnamese names travel byte-exact from MariaDB to the
 * client: raw UTF-8 in the body (no \u escapes), the same bytes as SQL's
 * HEX(name), no normalisation, no truncation.
 *
 * Own rows: district 99201 (no district portal, so the district listing
 * of the other tests does not change), communes 99201001.., sites 992001..
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "common.h"

TestSuite(utf8, .timeout = 120);

#define OWN_DISTRICT 99201LL

/* Names of the own commune portals (UTF-8 bytes as written). */
static const char *own_names[] = {
    /* precomposed (NFC) */
    "Cổng thông tin điện tử xã Nga Điền",
    /* decomposed (NFD): "Xã Nga Điền" with combining marks; must not be
     * normalised on the way */
    "Xa\xcc\x83 Nga \xc4\x90ie\xcc\x82\xcc\x80n (NFD)",
    /* a 4-byte character (U+20027, a Nôm character) */
    "Phường \xf0\xa0\x80\xa7 Hàm Rồng",
    /* characters JSON must escape as \" and \\ */
    "Thị trấn \"Nga Sơn\" \\ Ngõ 5/7",
    /* every Vietnamese vowel form, upper and lower */
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
    " àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
    NULL
};

/* SQL string literal of s (quotes and backslashes doubled/escaped). */
static char *sql_quote(const char *s)
{
    size_t n = strlen(s), i, k = 0;
    char *q = malloc(2 * n + 3);
    cr_assert(q != NULL);
    q[k++] = '\'';
    for (i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '\\') {
            q[k++] = '\\';
        }
        q[k++] = s[i];
    }
    q[k++] = '\'';
    q[k] = '\0';
    return q;
}

static char *unhex(const char *h, size_t *len)
{
    size_t n = strlen(h) / 2, i;
    char *s = malloc(n + 1);
    cr_assert(s != NULL);
    for (i = 0; i < n; i++) {
        unsigned int b;
        cr_assert(sscanf(h + 2 * i, "%2x", &b) == 1);
        s[i] = (char)b;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

/* A 255-character name of 3-byte characters (765 bytes). */
static char *long_name(void)
{
    char *s = malloc(255 * 3 + 1);
    int i;
    cr_assert(s != NULL);
    for (i = 0; i < 255; i++) {
        memcpy(s + 3 * i, "Ữ", 3);
    }
    s[255 * 3] = '\0';
    return s;
}

static void create_own_rows(void)
{
    int i;
    char *ln = long_name(), *q;

    /* a parallel run of this test in another process is not expected;
     * INSERT IGNORE keeps a rerun on the same database working */
    free(sql_run("INSERT IGNORE INTO districts (id, name) VALUES"
                 " (%lld, 'Huyện Đảo Cồn Cỏ E2E')", OWN_DISTRICT));
    for (i = 0; own_names[i]; i++) {
        q = sql_quote(own_names[i]);
        free(sql_run("INSERT IGNORE INTO communes (id, district_id, name)"
                     " VALUES (%lld, %lld, %s)", OWN_DISTRICT * 1000 + i + 1,
                     OWN_DISTRICT, q));
        free(sql_run("INSERT IGNORE INTO sites (id, district_id, commune_id,"
                     " name, domain) VALUES (%d, %lld, %lld, %s,"
                     " 'e2e%d.example')", 992001 + i, OWN_DISTRICT,
                     OWN_DISTRICT * 1000 + i + 1, q, i));
        free(q);
    }
    free(sql_run("INSERT IGNORE INTO communes (id, district_id, name)"
                 " VALUES (%lld, %lld, 'Xã Dài')", OWN_DISTRICT * 1000 + 99,
                 OWN_DISTRICT));
    free(sql_run("INSERT IGNORE INTO sites (id, district_id, commune_id,"
                 " name, domain) VALUES (992099, %lld, %lld, '%s',"
                 " 'long.example')", OWN_DISTRICT, OWN_DISTRICT * 1000 + 99,
                 ln));
    free(sql_run("DELETE FROM articles WHERE site_id BETWEEN 992001 AND 992099"));
    free(sql_run("INSERT INTO articles (site_id, title, status, is_deleted,"
                 " published_at) VALUES (992001, 'Tin thử', 1, 0,"
                 " '2034-01-10 08:00:00'), (992003, 'Tin thử', 1, 0,"
                 " '2034-01-11 08:00:00')"));
    free(ln);
}

static void expect_no_u_escape(const http_resp_t *r)
{
    cr_assert(memmem(r->body, r->len, "\\u", 2) == NULL,
              "\\u escape in the raw answer: %.1000s", r->body);
}

Test(utf8, sample_names_are_not_ascii)
{
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM sites"
                        " WHERE LENGTH(name) > CHAR_LENGTH(name)"), 0);
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM districts"
                        " WHERE LENGTH(name) > CHAR_LENGTH(name)"), 0);
}

/* Every name of the district answer, byte for byte, as raw UTF-8. */
Test(utf8, district_names_byte_exact)
{
    http_resp_t *r = post_district("2019-01-01", "2026-12-31");
    json_t *a = expect_array(r);
    sql_rows_t *t = expected_district("2019-01-01", "2026-12-31");
    size_t i;

    compare_district(a, t);            /* jansson's decoded bytes vs HEX() */
    expect_no_u_escape(r);
    for (i = 0; i < t->nrows; i++) {   /* and the raw bytes of the body */
        size_t n;
        int k;
        for (k = 2; k <= 3; k++) {
            char *raw = unhex(t->cell[i][k], &n);
            if (!strpbrk(raw, "\"\\/")) {
                cr_assert(memmem(r->body, r->len, raw, n) != NULL,
                          "raw bytes of '%s' not in the body", raw);
            }
            free(raw);
        }
    }
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

Test(utf8, commune_names_byte_exact)
{
    long long d = sql_ll("SELECT district_id FROM sites"
                         " WHERE commune_id IS NOT NULL AND district_id < 99000"
                         " AND LENGTH(name) > CHAR_LENGTH(name)"
                         " ORDER BY id LIMIT 1");
    http_resp_t *r = post_commune(d, "2019-01-01", "2026-12-31");
    json_t *a = expect_array(r);
    sql_rows_t *t = expected_commune(d, "2019-01-01", "2026-12-31");
    size_t i;

    compare_commune(a, t);
    expect_no_u_escape(r);
    for (i = 0; i < t->nrows; i++) {
        size_t n;
        char *raw = unhex(t->cell[i][1], &n);
        if (!strpbrk(raw, "\"\\")) {
            cr_assert(memmem(r->body, r->len, raw, n) != NULL,
                      "raw bytes of '%s' not in the body", raw);
        }
        free(raw);
    }
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

/* Own names: NFD, 4-byte characters, quotes, 255 characters. */
Test(utf8, hard_names_byte_exact)
{
    http_resp_t *r;
    json_t *a, *o;
    sql_rows_t *t;
    char *ln;
    int i;

    create_own_rows();
    r = post_commune(OWN_DISTRICT, "2034-01-01", "2034-01-31");
    a = expect_array(r);
    t = expected_commune(OWN_DISTRICT, "2034-01-01", "2034-01-31");
    compare_commune(a, t);
    expect_no_u_escape(r);
    cr_assert_eq(json_array_size(a), 6);

    for (i = 0; own_names[i]; i++) {
        const char *n = own_names[i];
        o = find_by_id(a, "Id", 992001 + i);
        cr_assert(o != NULL);
        cr_assert_str_eq(json_string_value(json_object_get(o, "Name")), n);
        if (!strpbrk(n, "\"\\")) {
            cr_assert(memmem(r->body, r->len, n, strlen(n)) != NULL,
                      "raw '%s' not in %s", n, r->body);
        }
    }
    /* JSON's own escapes, and nothing else */
    cr_assert(memmem(r->body, r->len, "\\\"Nga Sơn\\\" \\\\ Ngõ",
                     strlen("\\\"Nga Sơn\\\" \\\\ Ngõ")) != NULL,
              "quote/backslash escaping: %s", r->body);

    ln = long_name();
    o = find_by_id(a, "Id", 992099);
    cr_assert(o != NULL);
    cr_assert_eq(json_string_length(json_object_get(o, "Name")), strlen(ln),
                 "the 255-character name was cut");
    cr_assert_str_eq(json_string_value(json_object_get(o, "Name")), ln);

    cr_assert_eq(json_integer_value(json_object_get(
        find_by_id(a, "Id", 992001), "SoLuong")), 1);
    cr_assert_eq(json_integer_value(json_object_get(
        find_by_id(a, "Id", 992003), "SoLuong")), 1);
    cr_assert_eq(json_integer_value(json_object_get(
        find_by_id(a, "Id", 992002), "SoLuong")), 0);

    free(ln);
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

Test(utf8, content_type_is_json_utf8)
{
    http_resp_t *r = post_district("2024-01-01", "2024-01-31");
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(r->content_type, "application/json; charset=utf-8");
    http_free(r);
}

Test(utf8, error_answers_are_utf8_json_too)
{
    http_resp_t *r = http_post_json(DISTRICT_PATH,
        "{\"TuNgay\":\"ngày 1\",\"DenNgay\":\"2024-01-31\"}");
    json_t *j;
    expect_error(r, 400, "invalid_date", "TuNgay");
    j = resp_json(r);
    json_decref(j);
    http_free(r);
}
