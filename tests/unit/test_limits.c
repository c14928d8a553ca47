/*
 * test_limits.c - the probe schedule of an outage, its Retry-After, and
 * the default NewsApiDBMaxWaiting (newsapi_limits.c).
 */
#include <criterion/criterion.h>

#include "newsapi_limits.h"

Test(limits, probe_pause_doubles_from_a_quarter_second_to_the_cap)
{
    cr_assert_eq(newsapi_limits_probe_pause(0), apr_time_from_msec(250));
    cr_assert_eq(newsapi_limits_probe_pause(1), apr_time_from_msec(500));
    cr_assert_eq(newsapi_limits_probe_pause(2), apr_time_from_msec(1000));
    cr_assert_eq(newsapi_limits_probe_pause(3), NEWSAPI_PROBE_MAX);
    cr_assert_eq(newsapi_limits_probe_pause(1000), NEWSAPI_PROBE_MAX);
    cr_assert_eq(newsapi_limits_probe_pause(~0u), NEWSAPI_PROBE_MAX);
}

Test(limits, probes_of_a_ten_second_outage_stay_under_two_a_second)
{
    apr_interval_time_t t = 0;
    unsigned n = 0;

    while (t < apr_time_from_sec(10)) {
        t += newsapi_limits_probe_pause(n++);
    }
    cr_assert_leq(n, 20, "%u probes in 10 s", n);
}

Test(limits, retry_after_is_whole_seconds_at_least_one)
{
    cr_assert_eq(newsapi_limits_retry_after(0), 1);
    cr_assert_eq(newsapi_limits_retry_after(apr_time_from_msec(250)), 1);
    cr_assert_eq(newsapi_limits_retry_after(apr_time_from_msec(1000)), 1);
    cr_assert_eq(newsapi_limits_retry_after(apr_time_from_msec(1001)), 2);
    cr_assert_eq(newsapi_limits_retry_after(apr_time_from_sec(2)), 2);
}

Test(limits, default_waiting_is_a_quarter_of_the_workers)
{
    cr_assert_eq(newsapi_limits_default_waiting(4, 25), 25);
    cr_assert_eq(newsapi_limits_default_waiting(2, 64), 32);
    cr_assert_eq(newsapi_limits_default_waiting(16, 25), 100);
    /* prefork: threads = 1 */
    cr_assert_eq(newsapi_limits_default_waiting(150, 1), 37);
    cr_assert_eq(newsapi_limits_default_waiting(1, 1), 1);
    cr_assert_eq(newsapi_limits_default_waiting(1, 7), 1);
    cr_assert_eq(newsapi_limits_default_waiting(0, 0), 1);
    cr_assert_eq(newsapi_limits_default_waiting(-1, 8), 2);
}
