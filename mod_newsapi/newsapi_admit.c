/*
 * newsapi_admit.c - who may wait for the database, and for how long.
 *
 * A request waiting for a query slot or a connection holds a worker;
 * enough of them and cached answers, which need no database at all,
 * queue behind them.  So waiting is bounded three ways (see the header):
 * the database state, a server-wide count of waiting requests (places
 * tagged with the pid, as the query slots are, so that a process killed
 * while its requests wait leaks nothing), and per process the requests
 * inside mod_dbd, whose pool has no acquire timeout.
 */
#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"
#include "ap_mpm.h"
#include "util_cfgtree.h"

#include "newsapi_admit.h"
#include "newsapi_config.h"
#include "newsapi_dbstate.h"
#include "newsapi_limits.h"
#include "newsapi_shm.h"

APLOG_USE_MODULE(newsapi);

#define BUSY_GAP   apr_time_from_sec(5)

void newsapi_admit_post_config(server_rec *s)
{
    newsapi_srv_conf_t *c = ap_get_module_config(s->module_config,
                                                 &newsapi_module);
    int daemons = 0, threads = 0, n;

    if (c->max_waiting >= 0) {
        return;
    }
    if (ap_mpm_query(AP_MPMQ_MAX_DAEMONS, &daemons) != APR_SUCCESS) {
        daemons = 1;
    }
    if (ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads) != APR_SUCCESS) {
        threads = 1;
    }
    n = newsapi_limits_default_waiting(daemons, threads);
    c->max_waiting = n < NEWSAPI_MAX_WAITERS ? n : NEWSAPI_MAX_WAITERS;
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, NEWSAPI_LOGNO(0710)
                 "NewsApiDBMaxWaiting %d: a quarter of %d processes x %d "
                 "threads", c->max_waiting, daemons,
                 threads > 0 ? threads : 1);
}

static newsapi_error_t *busy(request_rec *r, const char *why)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();

    if (newsapi_dbstate_turn_to_say(NEWSAPI_SAY_BUSY, BUSY_GAP)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, NEWSAPI_LOGNO(0103)
                      "503 server_busy: %s (NewsApiMaxDBQueries %d, "
                      "NewsApiDBMaxWaiting %d, NewsApiDBQueryWait %ld; one "
                      "such line every %d s at most, the status page counts "
                      "them all)", why, g->max_queries, g->max_waiting,
                      g->query_wait, (int)apr_time_sec(BUSY_GAP));
    }
    return newsapi_error_make(r->pool, 503, NEWSAPI_E_BUSY, NULL,
                              "the server is busy; try again in a few "
                              "seconds");
}

/* The deadline of a request's waits, set when it first asks. */
static apr_time_t deadline_of(request_rec *r)
{
    apr_time_t *d = NULL;

    apr_pool_userdata_get((void **)&d, "newsapi_deadline", r->pool);
    if (d == NULL) {
        d = apr_palloc(r->pool, sizeof(*d));
        *d = apr_time_now()
             + apr_time_from_sec(newsapi_conf_global()->query_wait);
        apr_pool_userdata_setn(d, "newsapi_deadline", NULL, r->pool);
    }
    return *d;
}

newsapi_error_t *newsapi_admit_enter(request_rec *r, int *slot)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    apr_time_t deadline = deadline_of(r);
    apr_interval_time_t pause = 1000;
    newsapi_error_t *e;
    int place;

    if ((e = newsapi_dbstate_gate(r)) != NULL) {
        return e;
    }
    if ((*slot = newsapi_shm_slot_take(g->max_queries)) >= 0) {
        return NULL;
    }
    if ((place = newsapi_shm_waiter_take(g->max_waiting)) < 0) {
        newsapi_shm_add(NEWSAPI_CTR_BUSY_WAITING, 1);
        return busy(r, "every query slot is taken and enough requests "
                       "wait for one");
    }
    while ((*slot = newsapi_shm_slot_take(g->max_queries)) < 0) {
        if (newsapi_dbstate_is_down()) {
            e = newsapi_dbstate_refuse(r);
            break;
        }
        if (apr_time_now() >= deadline) {
            newsapi_shm_add(NEWSAPI_CTR_BUSY, 1);
            e = busy(r, "no query slot came free in time");
            break;
        }
        apr_sleep(pause);
        pause = pause < 20000 ? pause * 2 : pause;
    }
    newsapi_shm_waiter_release(place);
    return e;
}

void newsapi_admit_leave(int slot)
{
    newsapi_shm_slot_release(slot);
}

/* ---- the requests of a process inside mod_dbd ------------------------- */

/* One per mod_dbd pool: servers without DBD directives of their own share
 * the main server's pool, hence its gate. */
typedef struct {
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *freed;
#endif
    int inside;
    int max;
} gate_t;

/* server_rec * -> gate_t *, made in child_init, read-only after. */
static apr_hash_t *gates;

/* The directive that starts sp's <VirtualHost>, or NULL. */
static const ap_directive_t *vhost_node(const server_rec *sp)
{
    const ap_directive_t *n;

    for (n = ap_conftree; n != NULL && sp->defn_name != NULL; n = n->next) {
        if (strcasecmp(n->directive, "<VirtualHost") == 0
            && (unsigned)n->line_num == sp->defn_line_number
            && strcmp(n->filename, sp->defn_name) == 0) {
            return n;
        }
    }
    return NULL;
}

/* DBDMax among nodes (0: not there); *own set when any DBD* is there. */
static int dbd_max_in(const ap_directive_t *n, int *own)
{
    int max = 0;

    for (; n != NULL; n = n->next) {
        if (strncasecmp(n->directive, "DBD", 3) == 0) {
            *own = 1;
        }
        if (strcasecmp(n->directive, "DBDMax") == 0 && n->args) {
            max = (int)apr_atoi64(n->args);
        }
    }
    return max;
}

static gate_t *gate_make(apr_pool_t *p, server_rec *s, int max)
{
    gate_t *g = apr_pcalloc(p, sizeof(*g));

    g->max = max > 0 ? max : NEWSAPI_DBD_DEFAULT_NMAX;
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&g->lock, APR_THREAD_MUTEX_DEFAULT, p)
        != APR_SUCCESS
        || apr_thread_cond_create(&g->freed, p) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NEWSAPI_LOGNO(0711)
                     "cannot create the lock bounding the requests inside "
                     "mod_dbd: this process has no such bound");
        return NULL;
    }
#endif
    return g;
}

void newsapi_admit_child_init(apr_pool_t *pchild, server_rec *s)
{
    int threaded = 0, own = 0, main_max;
    const ap_directive_t *vh;
    gate_t *main_gate;
    server_rec *sp;

    gates = NULL;
    /* One thread per process: it is alone in mod_dbd anyway. */
    if (ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded) != APR_SUCCESS
        || threaded == AP_MPMQ_NOT_SUPPORTED || !APR_HAS_THREADS) {
        return;
    }
    gates = apr_hash_make(pchild);
    main_max = dbd_max_in(ap_conftree, &own);
    main_gate = gate_make(pchild, s, main_max);
    for (sp = s; sp != NULL; sp = sp->next) {
        gate_t *g = main_gate;
        int max;

        own = 0;
        if (sp != s && (vh = vhost_node(sp)) != NULL) {
            max = dbd_max_in(vh->first_child, &own);
            if (own) {
                g = gate_make(pchild, sp, max > 0 ? max : main_max);
            }
        }
        if (g != NULL) {
            apr_hash_set(gates, apr_pmemdup(pchild, &sp, sizeof(sp)),
                         sizeof(sp), g);
        }
    }
}

static gate_t *gate_of(server_rec *s)
{
    return gates ? apr_hash_get(gates, &s, sizeof(s)) : NULL;
}

/* 0 when a place inside came before the deadline. */
static int gate_enter(gate_t *g, apr_time_t deadline)
{
    int rc = 0;

    if (g == NULL) {
        return 0;
    }
#if APR_HAS_THREADS
    apr_thread_mutex_lock(g->lock);
    while (g->inside >= g->max && rc == 0) {
        apr_time_t left = deadline - apr_time_now();

        if (left <= 0) {
            rc = -1;
        }
        else {
            apr_thread_cond_timedwait(g->freed, g->lock, left);
        }
    }
    if (rc == 0) {
        g->inside++;
    }
    apr_thread_mutex_unlock(g->lock);
#endif
    return rc;
}

static apr_status_t gate_leave(void *data)
{
    gate_t *g = data;

    if (g != NULL) {
#if APR_HAS_THREADS
        apr_thread_mutex_lock(g->lock);
        g->inside--;
        apr_thread_cond_signal(g->freed);
        apr_thread_mutex_unlock(g->lock);
#endif
    }
    return APR_SUCCESS;
}

newsapi_error_t *newsapi_admit_dbd_request(request_rec *r)
{
    void *held = NULL;
    gate_t *g;

    apr_pool_userdata_get(&held, "newsapi_dbd_gate", r->pool);
    if (held != NULL || (g = gate_of(r->server)) == NULL) {
        return NULL;
    }
    if (gate_enter(g, deadline_of(r)) != 0) {
        newsapi_shm_add(NEWSAPI_CTR_BUSY_DBD, 1);
        return busy(r, "no connection of this process's mod_dbd pool came "
                       "free in time (DBDMax)");
    }
    /* Registered before mod_dbd registers its release of the connection
     * on the same pool, so it runs after it: cleanups run in reverse. */
    apr_pool_userdata_setn(g, "newsapi_dbd_gate", NULL, r->pool);
    apr_pool_cleanup_register(r->pool, g, gate_leave,
                              apr_pool_cleanup_null);
    return NULL;
}

int newsapi_admit_dbd_take(server_rec *s)
{
    return gate_enter(gate_of(s), apr_time_now() + apr_time_from_sec(
                                      newsapi_conf_global()->query_wait));
}

void newsapi_admit_dbd_give(server_rec *s)
{
    gate_leave(gate_of(s));
}

apr_int64_t newsapi_admit_figure(newsapi_admit_figure_e which)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    newsapi_dbstate_now_t now;

    newsapi_dbstate_now(&now);
    switch (which) {
    case NEWSAPI_ADMIT_DOWN:
        return now.down;
    case NEWSAPI_ADMIT_DOWN_SECONDS:
        return now.down_secs;
    case NEWSAPI_ADMIT_PROBING:
        return now.probing;
    case NEWSAPI_ADMIT_REFUSED:
        return (apr_int64_t)now.refused;
    case NEWSAPI_ADMIT_WAITING:
        return newsapi_shm_waiters(g->max_waiting);
    case NEWSAPI_ADMIT_MAX_WAITING:
        return g->max_waiting;
    }
    return 0;
}
