/*
 * newsapi_limits.c - the probe schedule and the default waiting bound.
 */
#include "newsapi_limits.h"

apr_interval_time_t newsapi_limits_probe_pause(unsigned failed)
{
    apr_interval_time_t pause = NEWSAPI_PROBE_FIRST;

    while (failed-- > 0 && pause < NEWSAPI_PROBE_MAX) {
        pause *= 2;
    }
    return pause < NEWSAPI_PROBE_MAX ? pause : NEWSAPI_PROBE_MAX;
}

long newsapi_limits_retry_after(apr_interval_time_t pause)
{
    long secs = (long)((pause + APR_USEC_PER_SEC - 1) / APR_USEC_PER_SEC);

    return secs > 0 ? secs : 1;
}

int newsapi_limits_default_waiting(int daemons, int threads)
{
    long workers = (long)(daemons > 0 ? daemons : 1)
                   * (threads > 0 ? threads : 1);

    return workers >= 8 ? (int)(workers / 4) : 1;
}
