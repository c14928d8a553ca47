/*
 * newsapi_limits.h - the numbers behind admission and the database
 * state, as pure functions (no Apache, no shared memory) so that they are
 * unit-tested: the probe schedule of an outage, the Retry-After that
 * follows it, and the default bound on waiting requests.
 */
#ifndef NEWSAPI_LIMITS_H
#define NEWSAPI_LIMITS_H

#include "apr_time.h"

/* The first probe of an outage comes this soon after it began; each
 * failed probe doubles the pause up to NEWSAPI_PROBE_MAX. */
#define NEWSAPI_PROBE_FIRST apr_time_from_msec(250)
#define NEWSAPI_PROBE_MAX   apr_time_from_msec(1000)

/* The pause before the next probe after failed failed probes. */
apr_interval_time_t newsapi_limits_probe_pause(unsigned failed);

/* Whole seconds for Retry-After when the next probe is pause away: at
 * least 1 (the header has no fractions). */
long newsapi_limits_retry_after(apr_interval_time_t pause);

/* Requests that may wait for a query slot when NewsApiDBMaxWaiting is not
 * set: a quarter of the workers (processes x threads, as the MPM says),
 * so that most workers stay free for cached answers; at least 1.  A
 * figure the MPM does not give (0 or less) counts as 1. */
int newsapi_limits_default_waiting(int daemons, int threads);

#endif /* NEWSAPI_LIMITS_H */
