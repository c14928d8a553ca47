/*
 * newsapi_dbstate.c - the database's up/down state in shared memory.
 *
 *   +---------------------------------------------+ 0
 *   | down        (u32)  0 up, 1 down             |
 *   | failed      (u32)  failed probes of this outage
 *   | since       (u64)  apr_time_t it went down   |
 *   | next_probe  (u64)  apr_time_t of the next probe
 *   | lease       (u64)  prober: pid << 32 | second taken, 0 free
 *   | refused     (u64)  requests refused in this outage
 *   | said[NEWSAPI_SAY_COUNT] (u64) time of each throttled line
 *   | cause       (char[256]) the first failure, for the log
 *   +---------------------------------------------+
 *
 * Every change is one compare-and-swap, so there is no lock for a process
 * to die holding: the winner of down 0 -> 1 logs the start and resets the
 * outage's figures, the winner of 1 -> 0 logs the end.  The probe lease
 * is tagged with its process and the second it was taken: a prober that
 * died, or that has been connecting for longer than PROBE_LEASE, is
 * replaced.  While the database is up, a request pays one atomic read.
 */
#include <unistd.h>

#include "apr_atomic.h"
#include "apr_dbd.h"
#include "apr_strings.h"
#include "mod_dbd.h"

#include "newsapi_dbstate.h"
#include "newsapi_limits.h"
#include "newsapi_shm.h"

APLOG_USE_MODULE(newsapi);

#define SEG_KEY      "mod_newsapi_dbstate1"
#define PROBE_LEASE  10         /* seconds */
#define STILL_GAP    apr_time_from_sec(5)

typedef struct {
    volatile apr_uint32_t down;
    volatile apr_uint32_t failed;
    volatile apr_uint64_t since;
    volatile apr_uint64_t next_probe;
    volatile apr_uint64_t lease;
    volatile apr_uint64_t refused;
    volatile apr_uint64_t said[NEWSAPI_SAY_COUNT];
    char cause[256];
} dbstate_t;

static dbstate_t *st;

/* What a probe connects with: the main server's DBDriver and DBDParams,
 * read where the admin wrote them (mod_dbd keeps its own private).  No
 * driver: the probe asks mod_dbd for a connection instead. */
static const apr_dbd_driver_t *probe_driver;
static const char *probe_params;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close;

static const char *first_arg(apr_pool_t *p, const ap_directive_t *node,
                             const char *name)
{
    const char *args;

    for (; node != NULL; node = node->next) {
        if (strcasecmp(node->directive, name) == 0 && node->args) {
            args = node->args;
            return ap_getword_conf(p, &args);
        }
    }
    return NULL;
}

apr_status_t newsapi_dbstate_setup(apr_pool_t *pconf, server_rec *s)
{
    const char *name = first_arg(pconf, ap_conftree, "DBDriver");

    st = newsapi_shm_segment(s, SEG_KEY, sizeof(*st));
    if (st == NULL) {
        return APR_ENOMEM;
    }
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    probe_params = first_arg(pconf, ap_conftree, "DBDParams");
    probe_driver = NULL;
    if (name != NULL && probe_params != NULL
        && apr_dbd_get_driver(pconf, name, &probe_driver) != APR_SUCCESS) {
        probe_driver = NULL;
    }
    return APR_SUCCESS;
}

int newsapi_dbstate_is_down(void)
{
    return st != NULL && apr_atomic_read32(&st->down) != 0;
}

int newsapi_dbstate_turn_to_say(newsapi_say_e line, apr_interval_time_t gap)
{
    apr_uint64_t last, now = (apr_uint64_t)apr_time_now();

    if (st == NULL) {
        return 1;
    }
    last = apr_atomic_read64(&st->said[line]);
    return now >= last + (apr_uint64_t)gap
           && apr_atomic_cas64(&st->said[line], now, last) == last;
}

static double secs_since(apr_uint64_t t)
{
    return (double)(apr_time_now() - (apr_time_t)t) / APR_USEC_PER_SEC;
}

void newsapi_dbstate_failed(server_rec *s, const char *cause)
{
    apr_time_t now = apr_time_now();

    if (st == NULL || apr_atomic_cas32(&st->down, 1, 0) != 0) {
        return;         /* already down: the outage's story is told */
    }
    apr_cpystrn(st->cause, cause, sizeof(st->cause));
    apr_atomic_set32(&st->failed, 0);
    apr_atomic_set64(&st->refused, 0);
    apr_atomic_set64(&st->since, (apr_uint64_t)now);
    apr_atomic_set64(&st->next_probe,
                     (apr_uint64_t)(now + NEWSAPI_PROBE_FIRST));
    apr_atomic_set64(&st->said[NEWSAPI_SAY_STILL_DOWN], (apr_uint64_t)now);
    newsapi_shm_add(NEWSAPI_CTR_OUTAGES, 1);
    ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, NEWSAPI_LOGNO(0701)
                 "the portal database is down (%s): requests that need it "
                 "get a stale answer or 503 at once, and one at a time "
                 "probes it every %.2f-%.2f s until it answers", cause,
                 (double)NEWSAPI_PROBE_FIRST / APR_USEC_PER_SEC,
                 (double)NEWSAPI_PROBE_MAX / APR_USEC_PER_SEC);
}

static void mark_up(server_rec *s)
{
    if (apr_atomic_cas32(&st->down, 0, 1) != 1) {
        return;
    }
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0702)
                 "the portal database answers again after %.1f s down; "
                 "%" APR_UINT64_T_FMT " requests were refused meanwhile, "
                 "%u probes failed", secs_since(apr_atomic_read64(&st->since)),
                 apr_atomic_read64(&st->refused),
                 apr_atomic_read32(&st->failed));
}

/* The probe's turn: the next probe is due and no live prober holds the
 * lease.  Returns the lease word taken, 0 when it is not our turn. */
static apr_uint64_t take_lease(apr_time_t now)
{
    apr_uint64_t cur = apr_atomic_read64(&st->lease);
    apr_uint64_t mine = ((apr_uint64_t)(apr_uint32_t)getpid() << 32)
                        | (apr_uint32_t)apr_time_sec(now);

    if (now < (apr_time_t)apr_atomic_read64(&st->next_probe)) {
        return 0;
    }
    if (cur != 0 && newsapi_shm_pid_alive((apr_uint32_t)(cur >> 32))
        && (apr_uint32_t)apr_time_sec(now) - (apr_uint32_t)cur
           < PROBE_LEASE) {
        return 0;
    }
    return apr_atomic_cas64(&st->lease, mine, cur) == cur ? mine : 0;
}

const char *newsapi_dbstate_probe(server_rec *s, apr_pool_t *p)
{
    apr_dbd_t *handle = NULL;
    const char *err = NULL;
    ap_dbd_t *conn;

    newsapi_shm_add(NEWSAPI_CTR_PROBES, 1);
    if (probe_driver != NULL) {
        if (apr_dbd_open_ex(probe_driver, p, probe_params, &handle, &err)
            == APR_SUCCESS && handle != NULL) {
            apr_dbd_close(probe_driver, handle);
            return NULL;
        }
        return err && *err ? err : "the connection failed";
    }
    if (dbd_open == NULL || (conn = dbd_open(p, s)) == NULL) {
        return "mod_dbd gave no connection";
    }
    dbd_close(s, conn);
    return NULL;
}

newsapi_error_t *newsapi_dbstate_refuse(request_rec *r)
{
    newsapi_shm_add(NEWSAPI_CTR_DOWN_REFUSED, 1);
    if (st != NULL) {
        apr_atomic_inc64(&st->refused);
        if (newsapi_dbstate_turn_to_say(NEWSAPI_SAY_STILL_DOWN, STILL_GAP)
            && newsapi_dbstate_is_down()) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          NEWSAPI_LOGNO(0703) "the portal database is still "
                          "down after %.0f s: %" APR_UINT64_T_FMT " requests "
                          "refused, %u probes failed (%s)",
                          secs_since(apr_atomic_read64(&st->since)),
                          apr_atomic_read64(&st->refused),
                          apr_atomic_read32(&st->failed), st->cause);
        }
    }
    return newsapi_error_make(r->pool, 503, NEWSAPI_E_DB, NULL,
                              "the portal database is not available; "
                              "try again later");
}

int newsapi_dbstate_check(server_rec *s, apr_pool_t *pool)
{
    apr_uint64_t lease;
    const char *why;
    apr_pool_t *p;
    unsigned failed;

    if (!newsapi_dbstate_is_down()) {
        return 1;
    }
    if ((lease = take_lease(apr_time_now())) == 0) {
        return 0;
    }
    apr_pool_create(&p, pool);
    why = newsapi_dbstate_probe(s, p);
    if (why == NULL) {
        mark_up(s);
    }
    else {
        failed = apr_atomic_inc32(&st->failed) + 1;
        apr_cpystrn(st->cause, why, sizeof(st->cause));
        apr_atomic_set64(&st->next_probe, (apr_uint64_t)(apr_time_now()
                         + newsapi_limits_probe_pause(failed)));
    }
    apr_pool_destroy(p);
    apr_atomic_cas64(&st->lease, 0, lease);
    return why == NULL;
}

newsapi_error_t *newsapi_dbstate_gate(request_rec *r)
{
    if (newsapi_dbstate_check(r->server, r->pool)) {
        return NULL;
    }
    return newsapi_dbstate_refuse(r);
}

long newsapi_dbstate_retry_after(long busy_secs)
{
    if (!newsapi_dbstate_is_down()) {
        return busy_secs;
    }
    return newsapi_limits_retry_after(
        newsapi_limits_probe_pause(apr_atomic_read32(&st->failed)));
}

void newsapi_dbstate_now(newsapi_dbstate_now_t *now)
{
    apr_uint64_t lease;

    memset(now, 0, sizeof(*now));
    if (st == NULL || !newsapi_dbstate_is_down()) {
        return;
    }
    now->down = 1;
    now->down_secs = (long)secs_since(apr_atomic_read64(&st->since));
    lease = apr_atomic_read64(&st->lease);
    now->probing = lease != 0
                   && newsapi_shm_pid_alive((apr_uint32_t)(lease >> 32));
    now->refused = apr_atomic_read64(&st->refused);
}
