/*
 * test_sql.c - newsapi_sql.h: apr_dbd placeholders counted as
 * apr_dbd_prepare counts them ('%' + letter; "%%" is a literal '%').
 */
#include <string.h>

#include "unit.h"
#include "newsapi_sql.h"

TestSuite(sql_count);
TestSuite(sql_check, .init = pool_setup, .fini = pool_teardown);

static void count_is(const char *sql, int want)
{
    int got = newsapi_sql_count_params(sql);
    cr_expect_eq(got, want, "count(\"%s\") = %d, want %d", sql, got, want);
}

Test(sql_count, placeholders)
{
    count_is("SELECT 1", 0);
    count_is("", 0);
    count_is("%s", 1);
    count_is("SELECT x FROM t WHERE a >= %s AND a < %s", 2);
    count_is("WHERE d = %s AND a >= %s AND a < %s", 3);
    count_is("%s%s", 2);
    count_is("%d", 1);
    count_is("%u %f %lld %pDi %hhd", 5);
    count_is("%S", 1);
    count_is("(%s)", 1);
}

Test(sql_count, literal_percent)
{
    count_is("%%", 0);
    count_is("LIKE 'a%%b'", 0);
    count_is("%%s", 0);
    count_is("%%%s", 1);
    count_is("%%%%s", 0);
    count_is("100%% done %s", 1);
}

Test(sql_count, lone_percent)
{
    count_is("% ", 0);
    count_is("%", 0);
    count_is("a % b", 0);
    count_is("x %1 y", 0);
    count_is("%)", 0);
    count_is("%'", 0);
}

static void check_ok(const char *sql, int n)
{
    const char *m = newsapi_sql_check(pool, sql, n);
    cr_expect_null(m, "check(\"%s\", %d) refused: %s", sql, n, m);
}

static const char *check_bad(const char *sql, int n)
{
    const char *m = newsapi_sql_check(pool, sql, n);
    cr_expect_not_null(m, "check(\"%s\", %d) accepted", sql ? sql : "NULL",
                       n);
    if (m) {
        cr_expect_neq(m[0], '\0', "empty message");
    }
    return m;
}

Test(sql_check, right_count_ok)
{
    check_ok("SELECT d.id AS Huyen_Id FROM districts d WHERE a >= %s "
             "AND a < %s", 2);
    check_ok("SELECT 1 FROM districts WHERE id = %s", 1);
    check_ok("SELECT name FROM t WHERE name LIKE 'a%%b'", 0);
    check_ok("WHERE x LIKE '%%' AND d = %s AND a >= %s AND a < %s", 3);
}

Test(sql_check, question_mark)
{
    const char *m = check_bad("SELECT 1 FROM t WHERE id = ?", 0);
    if (m) {
        cr_expect_not_null(strchr(m, '?'), "message does not show '?': %s",
                           m);
    }
    check_bad("SELECT 1 FROM t WHERE id = ? AND a >= %s AND a < %s", 2);
    check_bad("WHERE a >= %s AND a < %s AND id = ?", 3);
    check_bad("?", 0);
}

Test(sql_check, wrong_count)
{
    const char *m = check_bad("SELECT 1 FROM t WHERE a >= %s", 2);
    if (m) {
        cr_expect_not_null(strstr(m, "2"), "expected count not in: %s", m);
    }
    m = check_bad("WHERE d = %s AND a >= %s AND a < %s", 2);
    if (m) {
        cr_expect_not_null(strstr(m, "2"), "expected count not in: %s", m);
    }
    m = check_bad("SELECT 1", 1);
    if (m) {
        cr_expect_not_null(strstr(m, "1"), "expected count not in: %s", m);
    }
    m = check_bad("WHERE a >= %s AND a < %s", 3);
    if (m) {
        cr_expect_not_null(strstr(m, "3"), "expected count not in: %s", m);
    }
    /* "%%s" is a literal "%s", no parameter */
    check_bad("WHERE a LIKE '%%s'", 1);
}

Test(sql_check, null_or_empty)
{
    check_bad(NULL, 0);
    check_bad(NULL, 2);
    check_bad("", 0);
    check_bad("", 2);
}
