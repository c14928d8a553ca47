/*
 * test_cache_limits.c - the cache and the database at their limits, each
 * suite against its own Apache (stage-cache.sh runs them one at a time
 * with --filter):
 *
 *   suite tiny:   tests/e2e/cache-tiny.conf: a cache smaller than an answer
 *   suite bound:  tests/e2e/cache-bound.conf: NewsApiMaxDBQueries 1,
 *                 NewsApiDBQueryWait 0, a district query of one second,
 *                 NewsApiCache none
 */
#include "test_cache_lib.c"

TestSuite(tiny, .timeout = 60);
TestSuite(bound, .timeout = 60);

/* ---- tiny ------------------------------------------------------------ */

/* Apache started (the stage saw to that) with shmcb's smallest size; an
 * answer that does not fit is still right, never a HIT, and counted. */
Test(tiny, answers_too_big_for_the_cache_are_right_and_never_hits)
{
    json_t *before = status_of(base_url()), *after;
    long max = cache_max_object(base_url());
    http_resp_t *r;
    int i;

    cr_assert(json_is_true(json_object_get(before, "CacheEnabled")),
              "the tiny cache should be enabled");
    cr_assert_geq(max, 0, "the status page does not say the largest "
                  "answer kept");
    for (i = 0; i < 3; i++) {
        r = post_to(base_url(), DISTRICT_PATH, "{\"TuNgay\":\"2020-01-01\","
                    "\"DenNgay\":\"2020-12-31\"}");
        expect_district_answer(r, "2020-01-01", "2020-12-31");
        cr_assert_gt((long)r->len, max, "a district answer of %zu bytes "
                     "fits the tiny cache (%ld): the test needs a bigger "
                     "answer", r->len, max);
        expect_cache(r, "MISS", "an answer bigger than the cache");
        http_free(r);
    }
    after = status_of(base_url());
    cr_assert_eq(counter_in(after, "CacheStoreFails")
                 - counter_in(before, "CacheStoreFails"), 3);
    cr_assert_eq(counter_in(after, "DBQueries")
                 - counter_in(before, "DBQueries"), 3);
    cr_assert_eq(counter_in(after, "CacheHits"),
                 counter_in(before, "CacheHits"));
    json_decref(before);
    json_decref(after);
}

/* ... while an answer small enough (a district with few communes) is
 * kept: the tiny cache works, it is just small. */
Test(tiny, an_answer_that_fits_is_still_cached)
{
    long max = cache_max_object(base_url());
    long long d = sql_ll("SELECT district_id FROM sites WHERE commune_id IS"
                         " NOT NULL GROUP BY district_id ORDER BY COUNT(*),"
                         " district_id LIMIT 1");
    http_resp_t *r;
    json_t *a;
    sql_rows_t *t;
    int i;

    for (i = 0; i < 2; i++) {
        r = post_commune(d, "2020-01-01", "2020-12-31");
        a = expect_array(r);
        t = expected_commune(d, "2020-01-01", "2020-12-31");
        compare_commune(a, t);
        cr_assert_leq((long)r->len, max, "commune answer of %zu bytes, the "
                      "cache holds %ld", r->len, max);
        expect_cache(r, i ? "HIT" : "MISS", "a small answer in a tiny cache");
        sql_rows_free(t);
        json_decref(a);
        http_free(r);
    }
}

/* The start-up line says how big an answer the cache can hold. */
Test(tiny, the_error_log_says_the_largest_answer_kept)
{
    cr_assert(errlog_contains_after(0, "NEWSAPI0016"),
              "no NEWSAPI0016 line in the error log");
}

/* ---- bound ----------------------------------------------------------- */

/* NewsApiCache none: every answer from the database, marked OFF. */
Test(bound, no_cache_answers_off)
{
    json_t *before = status_of(base_url()), *after;
    http_resp_t *r;
    int i;

    cr_assert(json_is_false(json_object_get(before, "CacheEnabled")));
    for (i = 0; i < 2; i++) {
        r = post_to(base_url(), "/api/plain/huyen", "{\"TuNgay\":"
                    "\"2020-02-01\",\"DenNgay\":\"2020-02-29\"}");
        expect_district_answer(r, "2020-02-01", "2020-02-29");
        expect_cache(r, "OFF", "NewsApiCache none");
        http_free(r);
    }
    after = status_of(base_url());
    cr_assert_eq(counter_in(after, "DBQueries")
                 - counter_in(before, "DBQueries"), 2);
    json_decref(before);
    json_decref(after);
}

/* Eight different ranges at once against one query slot and no wait:
 * one (or a few, if they do not overlap) answered, the others refused at
 * once with 503 server_busy and Retry-After; nothing hangs, nothing 500. */
Test(bound, a_full_query_bound_refuses_with_server_busy)
{
    enum { N = 8 };
    const char *bodies[N];
    char *b[N];
    http_resp_t *out[N];
    long long busy0 = counter_of(base_url(), "Busy");
    int i, ok = 0, refused = 0;
    double secs;

    for (i = 0; i < N; i++) {
        char from[11];
        date_add("2020-03-01", i, from);
        b[i] = range_body(from, "2020-03-31");
        bodies[i] = b[i];
    }
    secs = post_burst(base_url(), DISTRICT_PATH, bodies, N, out);
    for (i = 0; i < N; i++) {
        if (out[i]->status == 200) {
            ok++;
            expect_cache(out[i], "OFF", "answered");
        }
        else {
            char *retry = http_header(out[i], "Retry-After");
            expect_error(out[i], 503, "server_busy", NULL);
            cr_assert(retry != NULL && atoi(retry) > 0,
                      "503 server_busy without Retry-After");
            free(retry);
            refused++;
        }
    }
    cr_assert_geq(ok, 1, "no request got the query slot");
    cr_assert_geq(refused, 1, "%d requests at once on one slot, none "
                  "refused (%.2f s)", N, secs);
    /* one second per query that ran, none queued behind another */
    cr_assert_lt(secs, ok + 3.0, "%d answers took %.2f s", ok, secs);
    cr_assert_eq(counter_of(base_url(), "Busy") - busy0, refused);

    /* and the slot is free again */
    {
        http_resp_t *r = post_to(base_url(), DISTRICT_PATH, bodies[N - 1]);
        char from[11];
        date_add("2020-03-01", N - 1, from);
        expect_district_answer(r, from, "2020-03-31");
        http_free(r);
    }
    for (i = 0; i < N; i++) {
        http_free(out[i]);
        free(b[i]);
    }
}
