/*
 * test_configtest.c - a bad directive value stops `apache2 -t` with a
 * message naming the directive; good values pass.
 *
 * Each test renders its own configuration (tests/lib/apache.sh configtest)
 * into its own folder; no server is started.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "common.h"

TestSuite(configtest, .timeout = 60);

/* Runs a configtest with extra as the extra configuration; returns the
 * exit status and sets *out to what apache2 -t printed. */
static int configtest(const char *extra, char **out)
{
    char dir[] = "/tmp/newsapi-e2e-conf.XXXXXX", *path;
    FILE *f;
    int rc;

    cr_assert(mkdtemp(dir) != NULL);
    cr_assert(asprintf(&path, "%s/extra.conf", dir) > 0);
    f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs(extra, f);
    fclose(f);
    rc = run_capture(out, "'%s/tests/lib/apache.sh' configtest '%s/httpd' 1 '%s'",
                     env_req("NEWSAPI_REPO"), dir, path);
    run_cmd("rm -rf '%s'", dir);
    free(path);
    return rc;
}

static void expect_bad(const char *extra, const char *directive)
{
    char *out;
    int rc = configtest(extra, &out);
    cr_assert_neq(rc, 0, "configtest passed with:\n%s\n--- output:\n%s",
                  extra, out);
    cr_assert(strstr(out, directive) != NULL,
              "the message does not name %s:\n%s", directive, out);
    free(out);
}

static void expect_good(const char *extra)
{
    char *out;
    int rc = configtest(extra, &out);
    cr_assert_eq(rc, 0, "configtest failed (%d) with:\n%s\n--- output:\n%s",
                 rc, extra, out);
    cr_assert(strstr(out, "Syntax OK") != NULL, "%s", out);
    free(out);
}

#define IN_DISTRICT(x) "<Location /api/tintuc/huyen>\n" x "\n</Location>\n"
#define IN_COMMUNE(x)  "<Location /api/tintuc/xa>\n" x "\n</Location>\n"

Test(configtest, the_plain_test_config_is_fine)
{
    expect_good("# nothing\n");
}

Test(configtest, good_values_pass)
{
    expect_good(IN_DISTRICT("NewsApiMaxRangeDays 31\nNewsApiMaxBodySize 1024"));
    expect_good(IN_DISTRICT("NewsApiMaxRangeDays 0"));
    expect_good(IN_DISTRICT(
        "NewsApiDistrictQuery \"SELECT d.id, d.name, s.id, s.name, 0"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE s.name LIKE '%%' AND %s <= %s\""));
    expect_good(IN_COMMUNE(
        "NewsApiCommuneQuery \"SELECT s.id, s.name, 0 FROM sites s"
        " WHERE s.district_id = %s AND %s <= %s\"\n"
        "NewsApiDistrictExistsQuery \"SELECT 1 FROM districts WHERE id = %s\""));
    expect_good("NewsApiDBAcquireAttempts 3\n");
}

Test(configtest, negative_max_range_days)
{
    expect_bad(IN_DISTRICT("NewsApiMaxRangeDays -5"), "NewsApiMaxRangeDays");
}

Test(configtest, non_numeric_max_range_days)
{
    expect_bad(IN_DISTRICT("NewsApiMaxRangeDays abc"), "NewsApiMaxRangeDays");
    expect_bad(IN_DISTRICT("NewsApiMaxRangeDays 12x"), "NewsApiMaxRangeDays");
    expect_bad(IN_DISTRICT("NewsApiMaxRangeDays 99999999999999999999999"),
               "NewsApiMaxRangeDays");
}

Test(configtest, bad_max_body_size)
{
    expect_bad(IN_DISTRICT("NewsApiMaxBodySize -1"), "NewsApiMaxBodySize");
    expect_bad(IN_DISTRICT("NewsApiMaxBodySize lots"), "NewsApiMaxBodySize");
}

Test(configtest, bad_acquire_attempts)
{
    expect_bad("NewsApiDBAcquireAttempts -1\n", "NewsApiDBAcquireAttempts");
    expect_bad("NewsApiDBAcquireAttempts x\n", "NewsApiDBAcquireAttempts");
}

Test(configtest, district_query_without_placeholders)
{
    expect_bad(IN_DISTRICT("NewsApiDistrictQuery \"SELECT 1\""),
               "NewsApiDistrictQuery");
}

Test(configtest, district_query_with_three_placeholders)
{
    expect_bad(IN_DISTRICT(
        "NewsApiDistrictQuery \"SELECT d.id, d.name, s.id, s.name, 0"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE %s <= %s AND s.id = %s\""), "NewsApiDistrictQuery");
}

Test(configtest, unescaped_percent_is_a_placeholder)
{
    /* LIKE 'a%s' is a third placeholder for apr_dbd */
    expect_bad(IN_DISTRICT(
        "NewsApiDistrictQuery \"SELECT d.id, d.name, s.id, s.name, 0"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE s.name LIKE 'a%s' AND %s <= %s\""), "NewsApiDistrictQuery");
}

Test(configtest, question_mark_placeholder)
{
    expect_bad(IN_DISTRICT(
        "NewsApiDistrictQuery \"SELECT d.id, d.name, s.id, s.name, 0"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE ? <= ?\""), "NewsApiDistrictQuery");
}

Test(configtest, commune_query_with_two_placeholders)
{
    expect_bad(IN_COMMUNE(
        "NewsApiCommuneQuery \"SELECT s.id, s.name, 0 FROM sites s"
        " WHERE %s <= %s\""), "NewsApiCommuneQuery");
}

Test(configtest, exists_query_without_placeholder)
{
    expect_bad(IN_COMMUNE(
        "NewsApiDistrictExistsQuery \"SELECT 1 FROM districts\""),
        "NewsApiDistrictExistsQuery");
}

#define IN_PORTALS(x)  "<Location /api/donvi>\n" x "\n</Location>\n"

Test(configtest, portals_query_takes_no_placeholder)
{
    expect_good(IN_PORTALS(
        "NewsApiPortalsQuery \"SELECT d.id, d.name, 1, NULL, NULL"
        " FROM districts d WHERE d.name LIKE '%%'\""));
    expect_bad(IN_PORTALS(
        "NewsApiPortalsQuery \"SELECT d.id, d.name, 1, NULL, NULL"
        " FROM districts d WHERE d.id = %s\""), "NewsApiPortalsQuery");
    expect_bad(IN_PORTALS(
        "NewsApiPortalsQuery \"SELECT 1 FROM districts WHERE id = ?\""),
        "NewsApiPortalsQuery");
}
