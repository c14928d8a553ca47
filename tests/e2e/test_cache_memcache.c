/*
 * test_cache_memcache.c - two Apaches (NEWSAPI_URL, NEWSAPI_URL2) with
 * NewsApiCache memcache:... on one memcached (tests/e2e/cache-memcache.conf,
 * started by stage-cache.sh): an answer filled through one is a hit
 * through the other, which asks its database nothing.
 */
#include "test_cache_lib.c"

TestSuite(memcache, .timeout = 60);

static void fill_here_hit_there(const char *here, const char *there,
                                const char *from, const char *to)
{
    char *body = range_body(from, to);
    json_t *h0 = status_of(here), *t0 = status_of(there), *h1, *t1;
    http_resp_t *fill, *r;

    cr_assert(json_is_true(json_object_get(h0, "CacheEnabled")));
    cr_assert(json_is_true(json_object_get(t0, "CacheEnabled")));
    fill = post_to(here, DISTRICT_PATH, body);
    expect_district_answer(fill, from, to);
    expect_cache(fill, "MISS", "the fill");

    r = post_to(there, DISTRICT_PATH, body);
    expect_cache(r, "HIT", "the other Apache");
    expect_same_body(r, fill, "the other Apache");
    http_free(r);

    h1 = status_of(here);
    t1 = status_of(there);
    cr_assert_eq(counter_in(h1, "DBQueries") - counter_in(h0, "DBQueries"),
                 1);
    cr_assert_eq(counter_in(t1, "DBQueries") - counter_in(t0, "DBQueries"),
                 0, "the other Apache asked the database");
    cr_assert_eq(counter_in(t1, "CacheHits") - counter_in(t0, "CacheHits"),
                 1);
    json_decref(h0);
    json_decref(t0);
    json_decref(h1);
    json_decref(t1);
    http_free(fill);
    free(body);
}

Test(memcache, a_fill_through_one_apache_is_a_hit_through_the_other)
{
    fill_here_hit_there(base_url(), env_req("NEWSAPI_URL2"),
                        "2020-04-01", "2020-04-30");
}

Test(memcache, and_the_other_way_round)
{
    fill_here_hit_there(env_req("NEWSAPI_URL2"), base_url(),
                        "2020-05-01", "2020-05-31");
}
