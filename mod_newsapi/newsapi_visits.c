/*
 * newsapi_visits.c - counting page views in the Apache that serves them.
 *
 * Two tables in one anonymous shared segment, kept in the process pool so
 * that a graceful restart loses nothing that was counted:
 *
 *   +---------------------------------------------------------------+
 *   | pending[PENDING]   key u64 = site id << 32 | day number       |
 *   |                    hits u64, added to atomically               |
 *   +---------------------------------------------------------------+
 *   | online[ONLINE]     who u64 = visitor hash << 32 | site id      |
 *   |                    seen u32 = minute of the last page view     |
 *   +---------------------------------------------------------------+
 *   | dropped u64        views that found no room (table full)       |
 *   +---------------------------------------------------------------+
 *
 * A worker claims a pending entry with one compare-and-swap and adds to
 * it; the flusher takes an entry's hits with one atomic exchange, adds
 * them to the database as an increment, and puts them back if that
 * fails.  Nothing is locked, so a killed process leaves nothing behind,
 * and a count is either in the table or in the database, never both.
 */
#include "apr_atomic.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "http_core.h"
#include "http_protocol.h"
#include "mod_watchdog.h"

#include "newsapi_config.h"
#include "newsapi_date.h"
#include "newsapi_dbstate.h"
#include "newsapi_hosts.h"
#include "newsapi_shm.h"
#include "newsapi_store.h"
#include "newsapi_visits.h"

APLOG_USE_MODULE(newsapi);

#define PENDING 16384
#define ONLINE  65536
#define PROBES  16
#define SEG_KEY "mod_newsapi_visits"

typedef struct {
    volatile apr_uint64_t key;
    volatile apr_uint64_t hits;
} pending_t;

typedef struct {
    volatile apr_uint64_t who;
    volatile apr_uint32_t seen;
    apr_uint32_t pad;
} online_t;

typedef struct {
    pending_t pending[PENDING];
    online_t online[ONLINE];
    volatile apr_uint64_t dropped;
} visits_seg_t;

static visits_seg_t *seg;
static int wanted;

/* In a child, the watchdog thread's periodic flush and the exit flush
 * must not overlap: the exit flush runs while the child is being torn
 * down, and a periodic flush still using mod_dbd's pool then would crash
 * the child.  After the exit flush, periodic ones are skipped. */
static apr_thread_mutex_t *flush_lock;
static int closing;

static APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *wd_get_instance;
static APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *wd_register;

void newsapi_visits_pre_config(void)
{
    wanted = 0;
}

void newsapi_visits_wanted(void)
{
    wanted = 1;
}

/* 64-bit finaliser (from MurmurHash3): spreads neighbouring site ids and
 * days over the table. */
static apr_uint64_t mix(apr_uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* FNV-1a over the parts that tell one visitor from another. */
static apr_uint32_t visitor_hash(const char *ip, const char *agent)
{
    apr_uint32_t h = 2166136261u;
    const unsigned char *c;

    for (c = (const unsigned char *)ip; c && *c; c++) {
        h = (h ^ *c) * 16777619u;
    }
    h = (h ^ '|') * 16777619u;
    for (c = (const unsigned char *)agent; c && *c; c++) {
        h = (h ^ *c) * 16777619u;
    }
    return h ? h : 1;
}

static void count_view(apr_uint32_t site, apr_uint32_t day)
{
    apr_uint64_t key = ((apr_uint64_t)site << 32) | day;
    apr_uint64_t h = mix(key);
    int i;

    for (i = 0; i < PROBES; i++) {
        pending_t *e = &seg->pending[(h + i) % PENDING];
        apr_uint64_t cur = apr_atomic_read64(&e->key);

        if (cur == 0) {
            cur = apr_atomic_cas64(&e->key, key, 0);
            if (cur == 0) {
                cur = key;
            }
        }
        if (cur == key) {
            apr_atomic_inc64(&e->hits);
            return;
        }
    }
    apr_atomic_inc64(&seg->dropped);
}

static void see_visitor(apr_uint32_t site, apr_uint32_t visitor,
                        apr_uint32_t minute, apr_uint32_t window)
{
    apr_uint64_t who = ((apr_uint64_t)visitor << 32) | site;
    apr_uint64_t h = mix(who);
    int i;

    for (i = 0; i < PROBES; i++) {
        online_t *e = &seg->online[(h + i) % ONLINE];
        apr_uint64_t cur = apr_atomic_read64(&e->who);

        /* An entry unseen for a whole window is free to take. */
        if (cur != who && (cur == 0
                           || apr_atomic_read32(&e->seen) + window <= minute)
            && apr_atomic_cas64(&e->who, who, cur) == cur) {
            cur = who;
        }
        if (cur == who) {
            apr_atomic_set32(&e->seen, minute);
            return;
        }
    }
}

/* The site of a request: NewsApiSiteId where it applies, else the
 * NewsApiSiteHost entry of the host name asked for, else the site the
 * portal list gives that host name (NewsApiSiteHostsFromList): what the
 * admin wrote wins over what the database says. */
static long long site_of(request_rec *r, const newsapi_dir_conf_t *d)
{
    newsapi_srv_conf_t *c;
    long long *site;

    if (d->site_id >= 0) {
        return d->site_id;
    }
    c = ap_get_module_config(r->server->module_config, &newsapi_module);
    if (r->hostname == NULL) {
        return -1;
    }
    site = apr_hash_get(c->site_hosts, r->hostname, APR_HASH_KEY_STRING);
    return site ? *site : newsapi_hosts_site(r->hostname);
}

/* The rule: a page view is the final answer to a GET, with status 200,
 * of an HTML page, not from this module, to a user agent that does not
 * call itself a robot (NewsApiVisitRobots). */
static int is_page_view(request_rec *r, const newsapi_dir_conf_t *d)
{
    const ap_regex_t *robots = newsapi_conf_robots(d);
    const char *agent, *type = r->content_type;

    if (r->method_number != M_GET || r->header_only || r->status != HTTP_OK
        || type == NULL) {
        return 0;
    }
    if (strncasecmp(type, "text/html", 9) != 0
        && strncasecmp(type, "application/xhtml+xml", 21) != 0) {
        return 0;
    }
    if (r->handler && strncmp(r->handler, "newsapi-", 8) == 0) {
        return 0;
    }
    agent = apr_table_get(r->headers_in, "User-Agent");
    return robots == NULL || agent == NULL
           || ap_regexec(robots, agent, 0, NULL, 0) != 0;
}

int newsapi_visits_log(request_rec *r)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    const newsapi_dir_conf_t *d;
    newsapi_date_t today;
    apr_time_t now;
    long long site;

    if (seg == NULL || r->main != NULL) {
        return DECLINED;
    }
    /* After internal redirects the last request holds what was sent. */
    while (r->next != NULL) {
        r = r->next;
    }
    d = ap_get_module_config(r->per_dir_config, &newsapi_module);
    if (d->count_visits != 1 || !is_page_view(r, d)
        || (site = site_of(r, d)) < 0) {
        return DECLINED;
    }
    now = apr_time_now();
    newsapi_date_today(apr_time_sec(now), g->utc_offset_minutes, &today);
    count_view((apr_uint32_t)site,
               (apr_uint32_t)newsapi_date_to_days(&today));
    see_visitor((apr_uint32_t)site,
                visitor_hash(r->useragent_ip,
                             apr_table_get(r->headers_in, "User-Agent")),
                (apr_uint32_t)(apr_time_sec(now) / 60),
                (apr_uint32_t)g->online_window);
    return DECLINED;
}

/* Adds one entry's hits to the database; puts them back on failure.
 * Returns what newsapi_store_exec says. */
static apr_status_t flush_entry(server_rec *s, apr_pool_t *p,
                                const newsapi_query_t *q, pending_t *e,
                                apr_uint64_t key)
{
    apr_uint64_t hits = apr_atomic_xchg64(&e->hits, 0);
    char day[NEWSAPI_DATE_BUFSZ];
    const char *args[3];
    newsapi_date_t date;
    apr_status_t rv;

    if (hits == 0) {
        return APR_SUCCESS;
    }
    newsapi_date_from_days((long)(apr_uint32_t)key, &date);
    newsapi_date_format(&date, day);
    args[0] = apr_psprintf(p, "%u", (unsigned)(key >> 32));
    args[1] = day;
    args[2] = apr_psprintf(p, "%" APR_UINT64_T_FMT, hits);
    rv = newsapi_store_exec(s, p, q, args);
    if (rv != APR_SUCCESS) {
        apr_atomic_add64(&e->hits, hits);
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0401)
                     "%" APR_UINT64_T_FMT " page views of site %s on %s "
                     "kept for the next flush", hits, args[0], day);
    }
    return rv;
}

void newsapi_visits_flush(server_rec *s, apr_pool_t *p)
{
    const newsapi_dir_conf_t *d = ap_get_module_config(s->lookup_defaults,
                                                       &newsapi_module);
    const newsapi_query_t *q = newsapi_conf_query(d, NEWSAPI_Q_VISIT_FLUSH);
    newsapi_date_t today;
    long yesterday;
    int i;

    /* While the database is down the counts stay pending: no connection
     * is tried but the probe, when it is its turn. */
    if (seg == NULL || !newsapi_dbstate_check(s, p)) {
        return;
    }
    newsapi_date_today(apr_time_sec(apr_time_now()),
                       newsapi_conf_global()->utc_offset_minutes, &today);
    yesterday = newsapi_date_to_days(&today) - 1;
    for (i = 0; i < PENDING; i++) {
        pending_t *e = &seg->pending[i];
        apr_uint64_t key = apr_atomic_read64(&e->key);

        if (key == 0) {
            continue;
        }
        /* Without a connection, try again next time; a statement that
         * fails for one site (a site id the database refuses) must not
         * hold back the others. */
        if (flush_entry(s, p, q, e, key) == APR_ECONNREFUSED) {
            return;
        }
        /* No view can be counted for a day before yesterday any more, so
         * its emptied entry can be given back. */
        if ((long)(apr_uint32_t)key < yesterday
            && apr_atomic_read64(&e->hits) == 0) {
            apr_atomic_cas64(&e->key, 0, key);
        }
    }
}

apr_hash_t *newsapi_visits_online(apr_pool_t *p)
{
    apr_hash_t *by_site = apr_hash_make(p);
    apr_uint32_t minute = (apr_uint32_t)(apr_time_sec(apr_time_now()) / 60);
    apr_uint32_t window = (apr_uint32_t)newsapi_conf_global()->online_window;
    int i;

    for (i = 0; seg != NULL && i < ONLINE; i++) {
        apr_uint64_t who = apr_atomic_read64(&seg->online[i].who);
        const char *site;
        long *n;

        if (who == 0
            || apr_atomic_read32(&seg->online[i].seen) + window <= minute) {
            continue;
        }
        site = apr_psprintf(p, "%u", (unsigned)(apr_uint32_t)who);
        n = apr_hash_get(by_site, site, APR_HASH_KEY_STRING);
        if (n == NULL) {
            n = apr_pcalloc(p, sizeof(*n));
            apr_hash_set(by_site, site, APR_HASH_KEY_STRING, n);
        }
        (*n)++;
    }
    return by_site;
}

/* A pre-cleanup of the child's pool: it runs before the child's subpools,
 * mod_dbd's connection pool among them, are destroyed. */
static apr_status_t flush_at_exit(void *data)
{
    apr_pool_t *p;

    apr_thread_mutex_lock(flush_lock);
    closing = 1;
    if (apr_pool_create(&p, NULL) == APR_SUCCESS) {
        newsapi_visits_flush(data, p);
        apr_pool_destroy(p);
    }
    apr_thread_mutex_unlock(flush_lock);
    return APR_SUCCESS;
}

void newsapi_visits_child_init(apr_pool_t *pchild, server_rec *s)
{
    /* Every child flushes as it exits (a graceful restart, a stop, or
     * MaxConnectionsPerChild): what one child takes, the others find
     * empty, so nothing is written twice. */
    if (seg == NULL) {
        return;
    }
    /* In the process pool: the watchdog thread may still take it after
     * pchild's cleanups have begun. */
    if (apr_thread_mutex_create(&flush_lock, APR_THREAD_MUTEX_DEFAULT,
                                s->process->pool) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NEWSAPI_LOGNO(0404)
                     "cannot create the visit flush lock: this child "
                     "does not flush");
        return;
    }
    closing = 0;
    apr_pool_pre_cleanup_register(pchild, s, flush_at_exit);
}

/* Runs work (a flush, a read of the portal list: both use mod_dbd's
 * pool) under the flush lock, unless the child is closing. */
static void locked(void (*work)(server_rec *, apr_pool_t *), void *data,
                   apr_pool_t *p)
{
    apr_thread_mutex_lock(flush_lock);
    if (!closing) {
        work(data, p);
    }
    apr_thread_mutex_unlock(flush_lock);
}

static apr_status_t flush_callback(int state, void *data, apr_pool_t *p)
{
    if (state != AP_WATCHDOG_STATE_STARTING && flush_lock != NULL) {
        locked(newsapi_visits_flush, data, p);
    }
    return APR_SUCCESS;
}

/* Every second: reads the portal list's host names when due. */
static apr_status_t hosts_callback(int state, void *data, apr_pool_t *p)
{
    if (state == AP_WATCHDOG_STATE_RUNNING && flush_lock != NULL) {
        locked(newsapi_hosts_refresh, data, p);
    }
    return APR_SUCCESS;
}

apr_status_t newsapi_visits_post_config(apr_pool_t *pconf, server_rec *s)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    ap_watchdog_t *wd = NULL;
    apr_status_t rv;

    if (!wanted) {
        return APR_SUCCESS;
    }
    seg = newsapi_shm_segment(s, SEG_KEY, sizeof(visits_seg_t));
    if (seg == NULL || newsapi_hosts_post_config(s) != APR_SUCCESS) {
        return APR_ENOMEM;
    }
    wd_get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    wd_register = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (wd_get_instance == NULL || wd_register == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NEWSAPI_LOGNO(0402)
                     "NewsApiCountVisits needs mod_watchdog (LoadModule "
                     "watchdog_module) to flush the counts");
        return APR_EGENERAL;
    }
    /* One child flushes for all, every NewsApiVisitFlushInterval. */
    rv = wd_get_instance(&wd, "newsapi-visits", 0, 1, pconf);
    if (rv == APR_SUCCESS) {
        rv = wd_register(wd, apr_time_from_sec(g->flush_interval), s,
                         flush_callback);
    }
    /* Every second, so that the list is read soon after start; it reads
     * only when due. */
    if (rv == APR_SUCCESS && newsapi_hosts_enabled()) {
        rv = wd_register(wd, apr_time_from_sec(1), s, hosts_callback);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0403)
                     "cannot start the visit flusher");
    }
    return rv;
}
