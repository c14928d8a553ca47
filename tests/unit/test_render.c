/*
 * test_render.c - newsapi_render.h: result rows and error bodies as JSON,
 * UTF-8 cleaning, database integers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "unit.h"
#include "apr_tables.h"
#include "apr_strings.h"
#include "newsapi_render.h"

TestSuite(render_rows, .init = pool_setup, .fini = pool_teardown);
TestSuite(render_error, .init = pool_setup, .fini = pool_teardown);
TestSuite(utf8_clean, .init = pool_setup, .fini = pool_teardown);
TestSuite(parse_int);

static const newsapi_column_t DCOLS[] = {
    {"Huyen_Id", NEWSAPI_COL_ID},
    {"Ten_Huyen", NEWSAPI_COL_TEXT},
    {"Id", NEWSAPI_COL_ID},
    {"Name", NEWSAPI_COL_TEXT},
    {"SoLuong", NEWSAPI_COL_COUNT},
};
#define NDCOLS 5

static const newsapi_column_t CCOLS[] = {
    {"Id", NEWSAPI_COL_ID},
    {"Name", NEWSAPI_COL_TEXT},
    {"SoLuong", NEWSAPI_COL_COUNT},
};
#define NCCOLS 3

static apr_array_header_t *rows_new(void)
{
    return apr_array_make(pool, 4, sizeof(newsapi_row_t));
}

/* n values, NULL for SQL NULL */
static void row_add(apr_array_header_t *rows, int n, ...)
{
    va_list ap;
    const char **v = apr_pcalloc(pool, sizeof(*v) * (n + 1));
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        v[i] = va_arg(ap, const char *);
    }
    va_end(ap);
    newsapi_row_t *r = apr_array_push(rows);
    r->values = v;
}

static char *json;
static apr_size_t json_len;

static void render_ok(const newsapi_column_t *cols, int ncols,
                      apr_array_header_t *rows)
{
    json = NULL;
    json_len = (apr_size_t)-1;
    newsapi_error_t *e = newsapi_render_rows(pool, cols, ncols, rows, &json,
                                             &json_len);
    cr_assert_null(e, "render failed: %d %s: %s", e ? e->status : 0,
                   e ? e->code : "", e ? e->message : "");
    cr_assert_not_null(json);
    cr_assert_eq(json[json_len], '\0', "not NUL terminated at len");
    cr_assert_eq(strlen(json), json_len, "len %zu, strlen %zu",
                 (size_t)json_len, strlen(json));
}

static void expect_bytes(const char *want)
{
    size_t wl = strlen(want);
    cr_expect(json_len == wl && memcmp(json, want, wl) == 0,
              "got  %s\nwant %s", json, want);
}

static json_t *parse_back(void)
{
    json_error_t err;
    json_t *j = json_loadb(json, json_len, 0, &err);
    cr_assert_not_null(j, "output is not JSON (%s): %s", err.text, json);
    return j;
}

static void expect_no_control_bytes(void)
{
    for (apr_size_t i = 0; i < json_len; i++) {
        cr_expect((unsigned char)json[i] >= 0x20,
                  "raw control byte 0x%02x at %zu", (unsigned char)json[i],
                  (size_t)i);
    }
}

/* ---- rows ---- */

Test(render_rows, district_exact_bytes_raw_utf8)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 5, "384",
            "Huy\xe1\xbb\x87n M\xc6\xb0\xe1\xbb\x9dng L\xc3\xa1t",
            "1", "C\xe1\xbb\x95ng", "0");
    render_ok(DCOLS, NDCOLS, rows);
    /* [{"Huyen_Id":384,"Ten_Huyen":"Huyện Mường Lát","Id":1,"Name":"Cổng",
     *   "SoLuong":0}] in UTF-8 bytes */
    expect_bytes("[{\"Huyen_Id\":384,\"Ten_Huyen\":\"Huy\xe1\xbb\x87n "
                 "M\xc6\xb0\xe1\xbb\x9dng L\xc3\xa1t\",\"Id\":1,\"Name\":"
                 "\"C\xe1\xbb\x95ng\",\"SoLuong\":0}]");
    cr_expect_null(strstr(json, "\\u"), "\\u escape in %s", json);
}

Test(render_rows, commune_two_rows_exact)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "5", "X\xc3\xa3 Nga \xc4\x90i\xe1\xbb\x81n", "12");
    row_add(rows, 3, "6", "Th\xe1\xbb\x8b tr\xe1\xba\xa5n", "1234567890123");
    render_ok(CCOLS, NCCOLS, rows);
    expect_bytes("[{\"Id\":5,\"Name\":"
                 "\"X\xc3\xa3 Nga \xc4\x90i\xe1\xbb\x81n\","
                 "\"SoLuong\":12},{\"Id\":6,\"Name\":\"Th\xe1\xbb\x8b "
                 "tr\xe1\xba\xa5n\",\"SoLuong\":1234567890123}]");
}

Test(render_rows, empty)
{
    render_ok(DCOLS, NDCOLS, rows_new());
    expect_bytes("[]");
    render_ok(CCOLS, NCCOLS, rows_new());
    expect_bytes("[]");
}

Test(render_rows, null_count_is_zero)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 5, "1", "A", "2", "B", NULL);
    render_ok(DCOLS, NDCOLS, rows);
    expect_bytes("[{\"Huyen_Id\":1,\"Ten_Huyen\":\"A\",\"Id\":2,\"Name\":"
                 "\"B\",\"SoLuong\":0}]");
}

Test(render_rows, null_text_is_empty)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 5, "1", NULL, "2", NULL, "3");
    render_ok(DCOLS, NDCOLS, rows);
    expect_bytes("[{\"Huyen_Id\":1,\"Ten_Huyen\":\"\",\"Id\":2,\"Name\":"
                 "\"\",\"SoLuong\":3}]");
}

Test(render_rows, null_id_leaves_row_out)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 5, "1", "A", NULL, NULL, NULL);   /* district, no site */
    row_add(rows, 5, "2", "B", "20", "S", "4");
    row_add(rows, 5, NULL, "C", "30", "T", "5");
    row_add(rows, 5, "4", "D", "40", "U", NULL);
    render_ok(DCOLS, NDCOLS, rows);
    expect_bytes("[{\"Huyen_Id\":2,\"Ten_Huyen\":\"B\",\"Id\":20,\"Name\":"
                 "\"S\",\"SoLuong\":4},{\"Huyen_Id\":4,\"Ten_Huyen\":\"D\","
                 "\"Id\":40,\"Name\":\"U\",\"SoLuong\":0}]");
}

Test(render_rows, all_ids_null_gives_empty_array)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, NULL, "A", "1");
    row_add(rows, 3, NULL, NULL, NULL);
    render_ok(CCOLS, NCCOLS, rows);
    expect_bytes("[]");
}

/* Columns that may be null: the portal list's Id and Dia_Chi. */
static const newsapi_column_t NCOLS_[] = {
    {"Huyen_Id", NEWSAPI_COL_ID},
    {"Id", NEWSAPI_COL_INT_OR_NULL},
    {"Dia_Chi", NEWSAPI_COL_TEXT_OR_NULL},
};

Test(render_rows, nullable_columns_give_null)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "401", "404", "ngason.thanhhoa.gov.vn");
    row_add(rows, 3, "401", NULL, NULL);
    row_add(rows, 3, "401", NULL, "thitran.ngason.thanhhoa.gov.vn");
    row_add(rows, 3, "401", "0", "");
    row_add(rows, 3, NULL, "9", "dropped");     /* NULL id: row left out */
    render_ok(NCOLS_, 3, rows);
    expect_bytes("[{\"Huyen_Id\":401,\"Id\":404,"
                 "\"Dia_Chi\":\"ngason.thanhhoa.gov.vn\"},"
                 "{\"Huyen_Id\":401,\"Id\":null,\"Dia_Chi\":null},"
                 "{\"Huyen_Id\":401,\"Id\":null,"
                 "\"Dia_Chi\":\"thitran.ngason.thanhhoa.gov.vn\"},"
                 "{\"Huyen_Id\":401,\"Id\":0,\"Dia_Chi\":\"\"}]");
}

Test(render_rows, nullable_int_still_checked)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "401", "x404", "a");
    newsapi_error_t *e = newsapi_render_rows(pool, NCOLS_, 3, rows, &json,
                                             &json_len);
    cr_assert_not_null(e, "a non-integer Id was rendered");
    cr_expect_eq(e->status, 500);
    cr_expect(strstr(e->message, "column 2 (Id)") != NULL, "%s",
              e->message);
}

Test(render_rows, nullable_text_cleaned_utf8)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "1", "2", "x\xffy");
    render_ok(NCOLS_, 3, rows);
    expect_bytes("[{\"Huyen_Id\":1,\"Id\":2,"
                 "\"Dia_Chi\":\"x\xEF\xBF\xBDy\"}]");
}

Test(render_rows, decimal_count)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "7", "A", "12.000");
    row_add(rows, 3, "8", "B", "0.000");
    row_add(rows, 3, "9", "C", "9223372036854775807");
    render_ok(CCOLS, NCCOLS, rows);
    expect_bytes("[{\"Id\":7,\"Name\":\"A\",\"SoLuong\":12},"
                 "{\"Id\":8,\"Name\":\"B\",\"SoLuong\":0},"
                 "{\"Id\":9,\"Name\":\"C\",\"SoLuong\":9223372036854775807}]");
}

static void expect_render_500(const newsapi_column_t *cols, int ncols,
                              apr_array_header_t *rows, const char *colname)
{
    char *out = NULL;
    apr_size_t len = 0;
    newsapi_error_t *e = newsapi_render_rows(pool, cols, ncols, rows, &out,
                                             &len);
    cr_assert_not_null(e, "bad %s value rendered as %s", colname,
                       out ? out : "(null)");
    cr_expect_eq(e->status, 500);
    cr_expect(e->code && strcmp(e->code, "internal_error") == 0, "code %s",
              e->code);
    cr_expect((e->field && strcmp(e->field, colname) == 0)
              || (e->message && strstr(e->message, colname)),
              "error does not name the column %s: field %s, message %s",
              colname, e->field ? e->field : "-",
              e->message ? e->message : "-");
}

Test(render_rows, non_integer_id_is_500)
{
    static const char *bad[] = {"abc", "12.5", "", "1e3", " 12", "12x",
                                "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        apr_array_header_t *rows = rows_new();
        row_add(rows, 5, "1", "A", "2", "B", "3");
        row_add(rows, 5, bad[i], "A", "2", "B", "3");
        expect_render_500(DCOLS, NDCOLS, rows, "Huyen_Id");

        rows = rows_new();
        row_add(rows, 5, "1", "A", bad[i], "B", "3");
        expect_render_500(DCOLS, NDCOLS, rows, "Id");
    }
}

Test(render_rows, non_integer_count_is_500)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "1", "A", "abc");
    expect_render_500(CCOLS, NCCOLS, rows, "SoLuong");
    rows = rows_new();
    row_add(rows, 3, "1", "A", "4.5");
    expect_render_500(CCOLS, NCCOLS, rows, "SoLuong");
}

Test(render_rows, escapes_specials)
{
    const char *name = "He said \"hi\" \\ back\\slash\n\t\r\b\f"
                       "\x01\x1f/end\x7f";
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "1", name, "2");
    row_add(rows, 3, "2", "\"", "0");
    row_add(rows, 3, "3", "\\", "0");
    row_add(rows, 3, "4", "\"}]", "0");
    render_ok(CCOLS, NCCOLS, rows);
    expect_no_control_bytes();

    json_t *j = parse_back();
    cr_assert(json_is_array(j));
    cr_assert_eq(json_array_size(j), 4);
    static const char *want[] = {NULL, "\"", "\\", "\"}]"};
    want[0] = name;
    for (size_t i = 0; i < 4; i++) {
        json_t *o = json_array_get(j, i);
        cr_assert(json_is_object(o));
        cr_expect_eq(json_object_size(o), 3);
        cr_expect_str_eq(json_string_value(json_object_get(o, "Name")),
                         want[i]);
        cr_expect_eq(json_integer_value(json_object_get(o, "Id")),
                     (json_int_t)(i + 1));
        cr_expect(json_is_integer(json_object_get(o, "SoLuong")));
    }
    json_decref(j);
}

Test(render_rows, invalid_utf8_becomes_replacement)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "1", "A\xff" "B", "2");
    row_add(rows, 3, "2", "x\xc3", "2");            /* truncated at end */
    row_add(rows, 3, "3", "\xed\xa0\x80", "2");      /* surrogate */
    row_add(rows, 3, "4", "\xc0\xaf", "2");          /* overlong '/' */
    render_ok(CCOLS, NCCOLS, rows);
    cr_expect_not_null(strstr(json, "\"A\xef\xbf\xbd" "B\""),
                       "no U+FFFD for \\xff in %s", json);
    cr_expect_null(strstr(json, "\\u"), "\\u escape in output");
    json_t *j = parse_back();
    cr_assert_eq(json_array_size(j), 4);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(j, 0),
                                                       "Name")),
                     "A\xef\xbf\xbd" "B");
    const char *n1 = json_string_value(json_object_get(json_array_get(j, 1),
                                                       "Name"));
    cr_assert_not_null(n1);
    cr_expect_str_eq(n1, "x\xef\xbf\xbd");
    json_decref(j);
}

Test(render_rows, emoji_and_four_byte_raw)
{
    apr_array_header_t *rows = rows_new();
    row_add(rows, 3, "1", "\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", "2");
    render_ok(CCOLS, NCCOLS, rows);
    expect_bytes("[{\"Id\":1,\"Name\":\"\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\","
                 "\"SoLuong\":2}]");
}

Test(render_rows, many_rows)
{
    apr_array_header_t *rows = rows_new();
    for (int i = 0; i < 2000; i++) {
        row_add(rows, 3, apr_itoa(pool, i + 1),
                apr_psprintf(pool, "X\xc3\xa3 %d", i), apr_itoa(pool, i * 3));
    }
    render_ok(CCOLS, NCCOLS, rows);
    json_t *j = parse_back();
    cr_assert_eq(json_array_size(j), 2000);
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(j, 1999),
                                                    "SoLuong")),
                 (json_int_t)5997);
    json_decref(j);
}

/* ---- error bodies ---- */

static json_t *error_back(const newsapi_error_t *e)
{
    apr_size_t len = (apr_size_t)-1;
    char *out = newsapi_render_error(pool, e, &len);
    cr_assert_not_null(out);
    cr_assert_eq(strlen(out), len, "len %zu, strlen %zu", (size_t)len,
                 strlen(out));
    json_error_t err;
    json_t *j = json_loadb(out, len, 0, &err);
    cr_assert_not_null(j, "not JSON (%s): %s", err.text, out);
    cr_assert(json_is_object(j));
    cr_expect_eq(json_object_size(j), 1, "extra top-level keys: %s", out);
    json_t *o = json_object_get(j, "error");
    cr_assert(json_is_object(o), "no \"error\" object: %s", out);
    cr_expect_null(strstr(out, "\\u"), "\\u escape in %s", out);
    json_incref(o);
    json_decref(j);
    return o;
}

Test(render_error, all_keys)
{
    newsapi_error_t e = {400, "invalid_date", "TuNgay",
                         "TuNgay must be \"yyyy-mm-dd\""};
    json_t *o = error_back(&e);
    cr_expect(json_is_integer(json_object_get(o, "status")));
    cr_expect_eq(json_integer_value(json_object_get(o, "status")), 400);
    cr_expect_str_eq(json_string_value(json_object_get(o, "code")),
                     "invalid_date");
    cr_expect_str_eq(json_string_value(json_object_get(o, "field")),
                     "TuNgay");
    cr_expect_str_eq(json_string_value(json_object_get(o, "message")),
                     "TuNgay must be \"yyyy-mm-dd\"");
    cr_expect_eq(json_object_size(o), 4);
    json_decref(o);
}

Test(render_error, field_absent_when_null)
{
    newsapi_error_t e = {503, "database_unavailable", NULL, "try later"};
    json_t *o = error_back(&e);
    cr_expect_eq(json_integer_value(json_object_get(o, "status")), 503);
    cr_expect_str_eq(json_string_value(json_object_get(o, "code")),
                     "database_unavailable");
    cr_expect_null(json_object_get(o, "field"), "field present");
    cr_expect_str_eq(json_string_value(json_object_get(o, "message")),
                     "try later");
    cr_expect_eq(json_object_size(o), 3);
    json_decref(o);
}

Test(render_error, made_by_error_make)
{
    newsapi_error_t *e = newsapi_error_make(pool, 400, "range_too_long",
                                            NULL, "at most %d days", 3660);
    cr_assert_not_null(e);
    cr_expect_eq(e->status, 400);
    cr_expect_str_eq(e->code, "range_too_long");
    cr_expect_null(e->field);
    cr_expect_str_eq(e->message, "at most 3660 days");
    json_t *o = error_back(e);
    cr_expect_str_eq(json_string_value(json_object_get(o, "message")),
                     "at most 3660 days");
    json_decref(o);
}

Test(render_error, utf8_message_raw_and_bad_bytes_safe)
{
    newsapi_error_t e = {404, "unknown_district", "Huyen_Id",
                         "Kh\xc3\xb4ng c\xc3\xb3 huy\xe1\xbb\x87n \\ \n"};
    json_t *o = error_back(&e);
    cr_expect_str_eq(json_string_value(json_object_get(o, "message")),
                     "Kh\xc3\xb4ng c\xc3\xb3 huy\xe1\xbb\x87n \\ \n");
    json_decref(o);

    newsapi_error_t bad = {400, "invalid_value", "Huyen_Id", "bad \xff\xfe"};
    o = error_back(&bad);
    cr_expect_str_eq(json_string_value(json_object_get(o, "code")),
                     "invalid_value");
    json_decref(o);
}

/* ---- utf8_clean ---- */

#define FFFD "\xef\xbf\xbd"

static const char *clean(const char *s, apr_size_t len)
{
    char *c = newsapi_render_utf8_clean(pool, s, len);
    cr_assert_not_null(c);
    return c;
}

static void expect_clean_exact(const char *s, apr_size_t len,
                               const char *want)
{
    const char *c = clean(s, len);
    cr_expect_str_eq(c, want);
}

/* prefix, then one or more U+FFFD and nothing else, then suffix: the
 * number of replacements for one bad sequence is not fixed by the spec */
static void expect_clean_fffd(const char *s, apr_size_t len,
                              const char *prefix, const char *suffix)
{
    const char *c = clean(s, len);
    size_t lc = strlen(c), lp = strlen(prefix), ls = strlen(suffix);
    cr_assert(lc >= lp + 3 + ls, "clean gave \"%s\"", c);
    cr_expect(memcmp(c, prefix, lp) == 0, "prefix lost in \"%s\"", c);
    cr_expect(memcmp(c + lc - ls, suffix, ls) == 0, "suffix lost in \"%s\"",
              c);
    size_t mid = lc - lp - ls;
    cr_expect(mid % 3 == 0, "middle is not U+FFFDs in \"%s\"", c);
    for (size_t i = 0; i + 3 <= mid; i += 3) {
        cr_expect(memcmp(c + lp + i, FFFD, 3) == 0,
                  "middle is not U+FFFDs in \"%s\"", c);
    }
}

Test(utf8_clean, valid_text_unchanged)
{
    expect_clean_exact("abc", 3, "abc");
    expect_clean_exact("", 0, "");
    const char *vn = "Huy\xe1\xbb\x87n M\xc6\xb0\xe1\xbb\x9dng L\xc3\xa1t";
    expect_clean_exact(vn, strlen(vn), vn);
    expect_clean_exact("\xc2\x80\xdf\xbf", 4, "\xc2\x80\xdf\xbf");
    expect_clean_exact("\xe0\xa0\x80\xef\xbf\xbf", 6,
                       "\xe0\xa0\x80\xef\xbf\xbf");
    expect_clean_exact("\xed\x9f\xbf\xee\x80\x80", 6,
                       "\xed\x9f\xbf\xee\x80\x80");
    expect_clean_exact("\xf0\x90\x80\x80", 4, "\xf0\x90\x80\x80");
    expect_clean_exact("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");
    expect_clean_exact("\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf");
    expect_clean_exact("\x7f", 1, "\x7f");
    expect_clean_exact(FFFD, 3, FFFD);
}

Test(utf8_clean, only_len_bytes)
{
    expect_clean_exact("abcdef", 3, "abc");
    /* a valid sequence cut by len */
    expect_clean_fffd("a\xe1\xbb\x87", 3, "a", "");
}

Test(utf8_clean, single_bad_byte_exact)
{
    expect_clean_exact("a\xff" "b", 3, "a" FFFD "b");
    expect_clean_exact("a\xfe" "b", 3, "a" FFFD "b");
    expect_clean_exact("a\x80" "b", 3, "a" FFFD "b");
    expect_clean_exact("\xbf", 1, FFFD);
}

Test(utf8_clean, nul_replaced)
{
    expect_clean_exact("a\0b", 3, "a" FFFD "b");
    expect_clean_exact("\0", 1, FFFD);
    expect_clean_exact("\0\0", 2, FFFD FFFD);
}

Test(utf8_clean, overlong)
{
    expect_clean_fffd("a\xc0\x80" "b", 4, "a", "b");
    expect_clean_fffd("a\xc1\xbf" "b", 4, "a", "b");
    expect_clean_fffd("a\xe0\x80\x80" "b", 5, "a", "b");
    expect_clean_fffd("a\xe0\x9f\xbf" "b", 5, "a", "b");
    expect_clean_fffd("a\xf0\x80\x80\x80" "b", 6, "a", "b");
    expect_clean_fffd("a\xf0\x8f\xbf\xbf" "b", 6, "a", "b");
}

Test(utf8_clean, surrogates)
{
    expect_clean_fffd("a\xed\xa0\x80" "b", 5, "a", "b");
    expect_clean_fffd("a\xed\xbf\xbf" "b", 5, "a", "b");
    /* CESU-8 pair for U+1F600 */
    expect_clean_fffd("a\xed\xa0\xbd\xed\xb8\x80" "b", 8, "a", "b");
}

Test(utf8_clean, beyond_u10ffff)
{
    expect_clean_fffd("a\xf4\x90\x80\x80" "b", 6, "a", "b");
    expect_clean_fffd("a\xf5\x80\x80\x80" "b", 6, "a", "b");
    expect_clean_fffd("a\xf7\xbf\xbf\xbf" "b", 6, "a", "b");
    expect_clean_fffd("a\xf8\x88\x80\x80\x80" "b", 7, "a", "b");
    expect_clean_fffd("a\xfc\x84\x80\x80\x80\x80" "b", 8, "a", "b");
}

Test(utf8_clean, truncated_sequences)
{
    expect_clean_fffd("a\xe2\x82", 3, "a", "");
    expect_clean_fffd("a\xe2\x82" "b", 4, "a", "b");
    expect_clean_fffd("a\xf0\x9f\x98", 4, "a", "");
    expect_clean_fffd("a\xf0\x9f\x98" "b", 5, "a", "b");
    expect_clean_fffd("a\xc3", 2, "a", "");
    expect_clean_fffd("\xc3" "b", 2, "", "b");
    /* the byte that ends a truncated sequence starts a valid one */
    expect_clean_fffd("\xc3\xc3\xa9", 3, "", "\xc3\xa9");
    expect_clean_fffd("\xe2\x82\xe2\x82\xac", 5, "", "\xe2\x82\xac");
    expect_clean_fffd("\xf0\x9f\xf0\x9f\x98\x80", 6, "", "\xf0\x9f\x98\x80");
    /* a truncated sequence swallowing a NUL or an ASCII quote */
    expect_clean_fffd("\xe2\x82\"", 3, "", "\"");
    const char *c = clean("\xe2\x82\0", 3);
    cr_expect(strlen(c) >= 6 && strlen(c) % 3 == 0
              && memcmp(c, FFFD FFFD, 6) == 0,
              "truncated sequence + NUL gave \"%s\"", c);
}

Test(utf8_clean, output_is_valid_utf8_for_all_pairs)
{
    /* every two-byte input: the result must be accepted by jansson */
    char in[4];
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            in[0] = 'x';
            in[1] = (char)a;
            in[2] = (char)b;
            const char *c = clean(in, 3);
            json_t *s = json_stringn(c, strlen(c));
            if (s == NULL) {
                cr_expect_fail("clean(x %02x %02x) is not UTF-8", a, b);
                return;
            }
            json_decref(s);
        }
    }
}

/* ---- parse_int ---- */

static void int_ok(const char *s, long long want)
{
    long long v = 0x5a5a5a5a;
    int rc = newsapi_render_parse_int(s, &v);
    cr_expect_eq(rc, 0, "parse_int(\"%s\") refused", s);
    if (rc == 0) {
        cr_expect_eq(v, want, "parse_int(\"%s\") = %lld, want %lld", s, v,
                     want);
    }
}

static void int_bad(const char *s)
{
    long long v = 0;
    cr_expect_neq(newsapi_render_parse_int(s, &v), 0,
                  "parse_int(\"%s\") accepted as %lld", s, v);
}

Test(parse_int, accepted)
{
    int_ok("42", 42);
    int_ok("-7", -7);
    int_ok("0", 0);
    int_ok("42.000", 42);
    int_ok("42.0", 42);
    int_ok("0.000", 0);
    int_ok("-7.000", -7);
    int_ok("9223372036854775807", 9223372036854775807LL);
    int_ok("-9223372036854775807", -9223372036854775807LL);
    int_ok("1234567890123", 1234567890123LL);
}

Test(parse_int, refused)
{
    static const char *bad[] = {
        "42.5", "42.001", "42.0000001", "", "1e3", "1E3", " 42", "abc",
        "4a", "-", ".5", "9223372036854775808", "99999999999999999999",
        "-9223372036854775809", "0x10", "42,0", "4 2", "--1", "+-1", ".",
        "42.5000",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int_bad(bad[i]);
    }
}
