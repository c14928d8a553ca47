/*
 * test_counts.c - the numbers: both endpoints against SQL on the sample
 * data, range boundaries, drafts and deleted articles, zero counts.
 *
 * Tests run in parallel: each one that writes uses its own dates (years
 * 2030-2033, far from the 2019-2026 sample data) or its own ids (99101..).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "common.h"

TestSuite(counts, .timeout = 180);

/* Compares the district answer for [from, to] with SQL; returns the sum of
 * the counts. */
static long long check_district(const char *from, const char *to)
{
    http_resp_t *r = post_district(from, to);
    json_t *a = expect_array(r);
    sql_rows_t *t = expected_district(from, to);
    long long sum;

    compare_district(a, t);
    sum = sum_of(a, "SoLuong");
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
    return sum;
}

static long long check_commune(long long district, const char *from,
                               const char *to)
{
    http_resp_t *r = post_commune(district, from, to);
    json_t *a = expect_array(r);
    sql_rows_t *t = expected_commune(district, from, to);
    long long sum;

    compare_commune(a, t);
    sum = sum_of(a, "SoLuong");
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
    return sum;
}

/* The SoLuong of site in an answer (fails when the site is absent). */
static long long count_of(json_t *a, long long site)
{
    json_t *o = find_by_id(a, "Id", site);
    cr_assert(o != NULL, "site %lld not in the answer", site);
    return json_integer_value(json_object_get(o, "SoLuong"));
}

static long long district_count(long long site, const char *from,
                                const char *to)
{
    http_resp_t *r = post_district(from, to);
    json_t *a = expect_array(r);
    long long n = count_of(a, site);
    json_decref(a);
    http_free(r);
    return n;
}

static long long commune_count(long long district, long long site,
                               const char *from, const char *to)
{
    http_resp_t *r = post_commune(district, from, to);
    json_t *a = expect_array(r);
    long long n = count_of(a, site);
    json_decref(a);
    http_free(r);
    return n;
}

static void add_article(long long site, int status, int deleted,
                        const char *when)
{
    free(sql_run("INSERT INTO articles (site_id, title, status, is_deleted,"
                 " published_at) VALUES (%lld, 'e2e %s', %d, %d, '%s')",
                 site, when, status, deleted, when));
}

/* Removes the articles of site in [from, to): a rerun on the same
 * database starts clean. */
static void clear(long long site, const char *from, const char *to)
{
    free(sql_run("DELETE FROM articles WHERE site_id = %lld"
                 " AND published_at >= '%s' AND published_at < '%s'",
                 site, from, to));
}

static long long first_district_site(void)
{
    return sql_ll("SELECT MIN(id) FROM sites WHERE commune_id IS NULL"
                  " AND district_id < 99000");
}

/* A commune site and its district: the last one, so that it is not the
 * one of the other tests. */
static void last_commune_site(long long *site, long long *district)
{
    sql_rows_t *t = sql_rows("SELECT id, district_id FROM sites"
                             " WHERE commune_id IS NOT NULL"
                             " AND district_id < 99000"
                             " ORDER BY id DESC LIMIT 1");
    cr_assert_eq(t->nrows, 1, "the sample data has no commune site");
    *site = strtoll(t->cell[0][0], NULL, 10);
    *district = strtoll(t->cell[0][1], NULL, 10);
    sql_rows_free(t);
}

Test(counts, sample_data_is_there)
{
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM sites WHERE commune_id IS NULL"),
                 1, "too few district portals in the sample data");
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM sites"
                        " WHERE commune_id IS NOT NULL"), 1);
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM articles WHERE status = 1"
                        " AND is_deleted = 0 AND published_at < '2027-01-01'"),
                 100);
}

Test(counts, district_busiest_day)
{
    char *day = sql_run("SELECT DATE(a.published_at) d FROM articles a"
                        " JOIN sites s ON s.id = a.site_id"
                        " WHERE s.commune_id IS NULL"
                        " AND a.status = 1 AND a.is_deleted = 0"
                        " AND a.published_at < '2027-01-01'"
                        " GROUP BY d ORDER BY COUNT(*) DESC, d LIMIT 1");
    day[10] = '\0';
    cr_assert_gt(check_district(day, day), 0, "no article on %s", day);
    free(day);
}

Test(counts, district_leap_day)
{
    check_district("2024-02-29", "2024-02-29");
}

Test(counts, district_months)
{
    cr_assert_gt(check_district("2024-03-01", "2024-03-31"), 0);
    check_district("2023-12-01", "2023-12-31");
    check_district("2024-02-01", "2024-02-29");
}

Test(counts, district_years)
{
    cr_assert_gt(check_district("2025-01-01", "2025-12-31"), 0);
    check_district("2019-01-01", "2019-12-31");
}

Test(counts, district_all_2019_2026)
{
    long long sum = check_district("2019-01-01", "2026-12-31");
    long long want = sql_ll(
        "SELECT COUNT(*) FROM articles a JOIN sites s ON s.id = a.site_id"
        " WHERE s.commune_id IS NULL AND a.status = 1 AND a.is_deleted = 0"
        " AND a.published_at >= '2019-01-01' AND a.published_at < '2027-01-01'");
    cr_assert_eq(sum, want, "sum of SoLuong %lld, SQL %lld", sum, want);
    cr_assert_gt(sum, 0);
}

Test(counts, commune_ranges)
{
    /* the three districts with the most commune portals */
    sql_rows_t *t = sql_rows("SELECT district_id FROM sites"
                             " WHERE commune_id IS NOT NULL"
                             " GROUP BY district_id"
                             " ORDER BY COUNT(*) DESC, district_id LIMIT 3");
    long long total = 0;
    size_t i;

    cr_assert_gt(t->nrows, 0);
    for (i = 0; i < t->nrows; i++) {
        long long d = strtoll(t->cell[i][0], NULL, 10);
        check_commune(d, "2024-02-29", "2024-02-29");
        check_commune(d, "2024-03-01", "2024-03-31");
        check_commune(d, "2025-01-01", "2025-12-31");
        total += check_commune(d, "2019-01-01", "2026-12-31");
    }
    cr_assert_gt(total, 0, "no commune article at all: the test proves nothing");
    sql_rows_free(t);
}

Test(counts, commune_every_district)
{
    sql_rows_t *t = sql_rows("SELECT DISTINCT district_id FROM sites"
                             " WHERE commune_id IS NOT NULL"
                             " AND district_id < 99000 ORDER BY 1");
    size_t i;
    for (i = 0; i < t->nrows; i++) {
        check_commune(strtoll(t->cell[i][0], NULL, 10),
                      "2019-01-01", "2026-12-31");
    }
    sql_rows_free(t);
}

/* TuNgay 00:00:00 and DenNgay 23:59:59 count; the second before and the
 * second after do not. */
Test(counts, district_boundaries)
{
    long long site = first_district_site();

    clear(site, "2031-03-01", "2031-04-01");
    add_article(site, 1, 0, "2031-03-09 23:59:59");
    add_article(site, 1, 0, "2031-03-10 00:00:00");
    add_article(site, 1, 0, "2031-03-20 23:59:59");
    add_article(site, 1, 0, "2031-03-21 00:00:00");

    cr_assert_eq(district_count(site, "2031-03-10", "2031-03-20"), 2);
    /* each boundary article alone */
    cr_assert_eq(district_count(site, "2031-03-09", "2031-03-09"), 1);
    cr_assert_eq(district_count(site, "2031-03-21", "2031-03-21"), 1);
    cr_assert_eq(district_count(site, "2031-03-11", "2031-03-19"), 0);
    cr_assert_eq(district_count(site, "2031-03-09", "2031-03-21"), 4);
    /* and the whole answer still agrees with SQL */
    check_district("2031-03-01", "2031-03-31");
}

Test(counts, district_single_day)
{
    long long site = first_district_site();

    clear(site, "2031-07-01", "2031-08-01");
    add_article(site, 1, 0, "2031-07-14 23:59:59");
    add_article(site, 1, 0, "2031-07-15 00:00:00");
    add_article(site, 1, 0, "2031-07-15 12:00:00");
    add_article(site, 1, 0, "2031-07-15 23:59:59");
    add_article(site, 1, 0, "2031-07-16 00:00:00");

    cr_assert_eq(district_count(site, "2031-07-15", "2031-07-15"), 3);
}

Test(counts, commune_boundaries)
{
    long long site, district;
    last_commune_site(&site, &district);

    clear(site, "2032-03-01", "2032-04-01");
    add_article(site, 1, 0, "2032-03-09 23:59:59");
    add_article(site, 1, 0, "2032-03-10 00:00:00");
    add_article(site, 1, 0, "2032-03-20 23:59:59");
    add_article(site, 1, 0, "2032-03-21 00:00:00");

    cr_assert_eq(commune_count(district, site, "2032-03-10", "2032-03-20"), 2);
    cr_assert_eq(commune_count(district, site, "2032-03-21", "2032-03-21"), 1);
    cr_assert_eq(commune_count(district, site, "2032-03-09", "2032-03-21"), 4);
    check_commune(district, "2032-03-01", "2032-03-31");
}

/* Month ends and the year end are boundaries too (DenNgay + 1 day). */
Test(counts, month_and_year_end)
{
    long long site = first_district_site();

    clear(site, "2032-02-01", "2032-03-02");
    clear(site, "2032-12-01", "2033-01-02");
    add_article(site, 1, 0, "2032-02-29 23:59:59");   /* 2032 is leap */
    add_article(site, 1, 0, "2032-03-01 00:00:00");
    add_article(site, 1, 0, "2032-12-31 23:59:59");
    add_article(site, 1, 0, "2033-01-01 00:00:00");

    cr_assert_eq(district_count(site, "2032-02-01", "2032-02-29"), 1);
    cr_assert_eq(district_count(site, "2032-12-31", "2032-12-31"), 1);
    cr_assert_eq(district_count(site, "2033-01-01", "2033-01-01"), 1);
}

Test(counts, drafts_and_deleted_excluded)
{
    long long site = first_district_site(), csite, district;
    last_commune_site(&csite, &district);

    clear(site, "2033-05-01", "2033-06-01");
    clear(csite, "2033-05-01", "2033-06-01");
    add_article(site, 1, 0, "2033-05-10 10:00:00");
    add_article(site, 1, 0, "2033-05-11 10:00:00");
    add_article(site, 1, 0, "2033-05-12 10:00:00");
    add_article(site, 0, 0, "2033-05-10 11:00:00");     /* draft */
    add_article(site, 0, 0, "2033-05-13 11:00:00");     /* draft */
    add_article(site, 1, 1, "2033-05-10 12:00:00");     /* deleted */
    add_article(site, 1, 1, "2033-05-14 12:00:00");     /* deleted */
    add_article(site, 0, 1, "2033-05-15 12:00:00");     /* both */

    add_article(csite, 1, 0, "2033-05-10 10:00:00");
    add_article(csite, 0, 0, "2033-05-10 11:00:00");
    add_article(csite, 1, 1, "2033-05-10 12:00:00");

    cr_assert_eq(district_count(site, "2033-05-01", "2033-05-31"), 3);
    cr_assert_eq(commune_count(district, csite, "2033-05-01", "2033-05-31"), 1);
    check_district("2033-05-01", "2033-05-31");
    check_commune(district, "2033-05-01", "2033-05-31");
}

/* Drafts and deleted articles added to a range already asked do not move
 * its count. */
Test(counts, count_does_not_move)
{
    long long site = first_district_site();

    clear(site, "2033-06-01", "2033-07-01");
    add_article(site, 1, 0, "2033-06-10 10:00:00");
    add_article(site, 1, 0, "2033-06-11 10:00:00");
    cr_assert_eq(district_count(site, "2033-06-01", "2033-06-30"), 2);

    add_article(site, 0, 0, "2033-06-12 10:00:00");
    add_article(site, 1, 1, "2033-06-13 10:00:00");
    add_article(site, 0, 1, "2033-06-14 10:00:00");
    cr_assert_eq(district_count(site, "2033-06-01", "2033-06-30"), 2);
    cr_assert_eq(sql_ll("SELECT COUNT(*) FROM articles WHERE site_id = %lld"
                        " AND published_at >= '2033-06-01'"
                        " AND published_at < '2033-07-01'", site), 5);
}

/* A range without any article still lists every portal, with 0. */
Test(counts, zero_range_lists_every_district_portal)
{
    http_resp_t *r = post_district("2030-01-01", "2030-01-31");
    json_t *a = expect_array(r), *o;
    sql_rows_t *t = expected_district("2030-01-01", "2030-01-31");
    long long nsites = sql_ll("SELECT COUNT(*) FROM sites"
                              " WHERE commune_id IS NULL");
    size_t i;

    cr_assert_eq((long long)json_array_size(a), nsites,
                 "%zu objects for %lld district portals",
                 json_array_size(a), nsites);
    json_array_foreach(a, i, o) {
        json_t *n = json_object_get(o, "SoLuong");
        cr_assert(json_is_integer(n));
        cr_assert_eq(json_integer_value(n), 0);
    }
    compare_district(a, t);
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

Test(counts, zero_range_lists_every_commune_portal)
{
    long long site, district, nsites;
    http_resp_t *r;
    json_t *a, *o;
    size_t i;

    last_commune_site(&site, &district);
    nsites = sql_ll("SELECT COUNT(*) FROM sites WHERE district_id = %lld"
                    " AND commune_id IS NOT NULL", district);
    r = post_commune(district, "2030-01-01", "2030-01-31");
    a = expect_array(r);
    cr_assert_eq((long long)json_array_size(a), nsites);
    json_array_foreach(a, i, o) {
        cr_assert_eq(json_integer_value(json_object_get(o, "SoLuong")), 0);
    }
    json_decref(a);
    http_free(r);
}

/* A commune without a portal has no sites row and is not listed. */
Test(counts, commune_without_portal_not_listed)
{
    long long site, district;
    http_resp_t *r;
    json_t *a;
    sql_rows_t *t;
    const char *name = "Xã Không Cổng E2E";

    last_commune_site(&site, &district);
    free(sql_run("INSERT IGNORE INTO communes (id, district_id, name)"
                 " VALUES (99101001, %lld, '%s')", district, name));

    r = post_commune(district, "2024-01-01", "2024-12-31");
    a = expect_array(r);
    t = expected_commune(district, "2024-01-01", "2024-12-31");
    compare_commune(a, t);
    cr_assert(memmem(r->body, r->len, name, strlen(name)) == NULL,
              "the commune without a portal is listed: %s", r->body);
    /* more communes than portals in that district */
    cr_assert_gt(sql_ll("SELECT COUNT(*) FROM communes WHERE district_id = %lld",
                        district), (long long)json_array_size(a));
    sql_rows_free(t);
    json_decref(a);
    http_free(r);
}

/* A district that exists but has no commune portal: 200 with []. */
Test(counts, district_without_commune_portals_is_empty)
{
    http_resp_t *r;
    json_t *a;

    free(sql_run("INSERT IGNORE INTO districts (id, name)"
                 " VALUES (99102, 'Huyện Trống E2E')"));
    free(sql_run("INSERT IGNORE INTO communes (id, district_id, name)"
                 " VALUES (99102001, 99102, 'Xã Trống E2E')"));
    r = post_commune(99102, "2024-01-01", "2024-12-31");
    a = expect_array(r);
    cr_assert_eq(json_array_size(a), 0, "got %s", r->body);
    cr_assert(r->len >= 2);
    json_decref(a);
    http_free(r);
}

/* Numbers are JSON integers, never strings or decimals. */
Test(counts, integers_are_json_integers)
{
    http_resp_t *r = post_district("2019-01-01", "2026-12-31");
    json_t *a = expect_array(r), *o;
    size_t i;
    static const char *keys[] = { "Huyen_Id", "Id", "SoLuong" };

    json_array_foreach(a, i, o) {
        size_t k;
        for (k = 0; k < 3; k++) {
            cr_assert(json_is_integer(json_object_get(o, keys[k])),
                      "%s of object %zu is not an integer", keys[k], i);
        }
        cr_assert(json_is_string(json_object_get(o, "Ten_Huyen")));
        cr_assert(json_is_string(json_object_get(o, "Name")));
    }
    cr_assert(memmem(r->body, r->len, "\"SoLuong\":\"", 11) == NULL);
    json_decref(a);
    http_free(r);
}

/* Many clients at once, on the same new range and on different ones:
 * every answer is complete and right (the cache fills once). */
Test(counts, concurrent_requests_agree)
{
    enum { N = 24 };
    long long site = first_district_site(), csite, district;
    const char *paths[N], *bodies[N];
    char bufs[N][128];
    http_resp_t *out[N];
    sql_rows_t *td, *tc;
    int i;

    last_commune_site(&csite, &district);
    clear(site, "2034-05-01", "2034-06-01");
    clear(csite, "2034-05-01", "2034-06-01");
    add_article(site, 1, 0, "2034-05-05 05:05:05");
    add_article(site, 1, 0, "2034-05-06 05:05:05");
    add_article(csite, 1, 0, "2034-05-07 05:05:05");
    td = expected_district("2034-05-01", "2034-05-31");
    tc = expected_commune(district, "2034-05-01", "2034-05-31");

    for (i = 0; i < N; i++) {
        if (i % 3 == 2) {
            paths[i] = COMMUNE_PATH;
            snprintf(bufs[i], sizeof(bufs[i]), "{\"Huyen_Id\":%lld,"
                     "\"TuNgay\":\"2034-05-01\",\"DenNgay\":\"2034-05-31\"}",
                     district);
        }
        else {
            paths[i] = DISTRICT_PATH;
            snprintf(bufs[i], sizeof(bufs[i]), "{\"TuNgay\":\"2034-05-01\","
                     "\"DenNgay\":\"2034-05-31\"}");
        }
        bodies[i] = bufs[i];
    }
    http_multi(N, paths, bodies, out);
    for (i = 0; i < N; i++) {
        json_t *a;
        cr_assert_eq(out[i]->status, 200, "request %d: %ld %s", i,
                     out[i]->status, out[i]->body);
        a = resp_json(out[i]);
        if (i % 3 == 2) {
            compare_commune(a, tc);
            cr_assert_eq(count_of(a, csite), 1);
        }
        else {
            compare_district(a, td);
            cr_assert_eq(count_of(a, site), 2);
        }
        json_decref(a);
        http_free(out[i]);
    }
    sql_rows_free(td);
    sql_rows_free(tc);
}
