/*
 * newsapi_hosts.c - host name -> site id of the portal list, in shared
 * memory.
 *
 * Two tables in one anonymous segment (in the process pool: a graceful
 * restart keeps the list until the new generation has read its own):
 *
 *   +---------------------------------------------------------------+
 *   | gen u32            the table in force is table[gen & 1]        |
 *   | writer u32         second the writer began (0: none)           |
 *   +---------------------------------------------------------------+
 *   | table[0][SLOTS]    key u64 = 64-bit hash of the host name (0:  |
 *   | table[1][SLOTS]    free), site u32; open addressing            |
 *   +---------------------------------------------------------------+
 *
 * The one writer (the watchdog of one child; during a graceful restart
 * the old generation's and the new one's may overlap, hence the writer
 * mark) fills the table not in force and then moves gen on, so readers
 * never see a table being written: the writer comes back to the same table only one whole
 * reload later, and a reader that was stalled that long looks again.
 * Host names are compared by their hash only: two of the list's few
 * thousand names sharing a 64-bit hash is not a case to plan for.
 */
#include "apr_atomic.h"
#include "apr_strings.h"

#include "newsapi_config.h"
#include "newsapi_hosts.h"
#include "newsapi_portals.h"
#include "newsapi_render.h"
#include "newsapi_shm.h"
#include "newsapi_store.h"

APLOG_USE_MODULE(newsapi);

#define SLOTS   16384           /* at most SLOTS / 2 host names */
#define SEG_KEY "mod_newsapi_hosts"
#define RETRY   5               /* seconds to the next try after a fault */
#define STUCK   60              /* a writer mark this old is a dead one's */

typedef struct {
    volatile apr_uint64_t key;
    volatile apr_uint32_t site;
    apr_uint32_t pad;
} host_t;

typedef struct {
    volatile apr_uint32_t gen;
    volatile apr_uint32_t writer;
    host_t table[2][SLOTS];
} hosts_seg_t;

static hosts_seg_t *seg;
/* Only in the process that reads the list (the watchdog's). */
static apr_time_t next_read;
static int last_count = -1;

/* FNV-1a, 64 bits; never 0, which marks a free slot. */
static apr_uint64_t host_key(const char *host)
{
    apr_uint64_t h = 14695981039346656037ULL;
    const unsigned char *c;

    for (c = (const unsigned char *)host; *c; c++) {
        h = (h ^ *c) * 1099511628211ULL;
    }
    return h ? h : 1;
}

apr_status_t newsapi_hosts_post_config(server_rec *s)
{
    if (!newsapi_conf_global()->hosts_from_list) {
        seg = NULL;
        return APR_SUCCESS;
    }
    seg = newsapi_shm_segment(s, SEG_KEY, sizeof(hosts_seg_t));
    next_read = 0;
    last_count = -1;
    return seg != NULL ? APR_SUCCESS : APR_ENOMEM;
}

int newsapi_hosts_enabled(void)
{
    return seg != NULL;
}

long long newsapi_hosts_site(const char *host)
{
    apr_uint64_t key;
    apr_uint32_t gen;
    long long site;
    int i;

    if (seg == NULL || host == NULL) {
        return -1;
    }
    key = host_key(host);
    do {
        /* An atomic add is a full barrier: the table is read after the
         * gen that put it in force. */
        gen = apr_atomic_add32(&seg->gen, 0);
        site = -1;
        for (i = 0; i < SLOTS; i++) {
            const host_t *e = &seg->table[gen & 1][(key + i) % SLOTS];
            apr_uint64_t k = e->key;

            if (k == 0) {
                break;
            }
            if (k == key) {
                site = e->site;
                break;
            }
        }
    } while (apr_atomic_add32(&seg->gen, 0) - gen >= 2);
    return site;
}

/* Adds host -> site to t; 0 when added, 1 when the host was there. */
static int put(host_t *t, const char *host, apr_uint32_t site)
{
    apr_uint64_t key = host_key(host);
    int i;

    for (i = 0; i < SLOTS; i++) {
        host_t *e = &t[(key + i) % SLOTS];

        if (e->key == key) {
            return 1;
        }
        if (e->key == 0) {
            e->key = key;
            e->site = site;
            return 0;
        }
    }
    return 1;                   /* not reached: the table is half empty */
}

/* Fills the table not in force from rows; returns the hosts put in. */
static int fill(server_rec *s, apr_pool_t *p, const apr_array_header_t *rows)
{
    host_t *t = seg->table[(apr_atomic_read32(&seg->gen) + 1) & 1];
    int i, n = 0, twice = 0, full = 0;

    memset(t, 0, sizeof(seg->table[0]));
    for (i = 0; i < rows->nelts; i++) {
        const newsapi_row_t *row = &APR_ARRAY_IDX(rows, i, newsapi_row_t);
        const char *host = newsapi_portals_host(
                               p, row->values[NEWSAPI_PORTALS_ADDRESS]);
        long long site;

        if (host == NULL
            || newsapi_render_parse_int(row->values[NEWSAPI_PORTALS_SITE],
                                        &site) != 0
            || site < 0 || site > APR_UINT32_MAX) {
            continue;
        }
        if (n >= SLOTS / 2) {
            full++;
        }
        else if (put(t, host, (apr_uint32_t)site) == 0) {
            n++;
        }
        else {
            twice++;
        }
    }
    if (twice > 0 || full > 0) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0501)
                     "portal list: %d host names given twice (the first "
                     "site counts), %d beyond the %d this table holds",
                     twice, full, SLOTS / 2);
    }
    return n;
}

/* Marks this process as the writer; 0 when another one is writing. */
static int begin_writing(apr_time_t now)
{
    apr_uint32_t sec = (apr_uint32_t)apr_time_sec(now);
    apr_uint32_t cur = apr_atomic_read32(&seg->writer);

    if (cur != 0 && sec - cur < STUCK) {
        return 0;
    }
    return apr_atomic_cas32(&seg->writer, sec ? sec : 1, cur) == cur;
}

void newsapi_hosts_refresh(server_rec *s, apr_pool_t *p)
{
    const newsapi_dir_conf_t *d = ap_get_module_config(s->lookup_defaults,
                                                       &newsapi_module);
    apr_time_t now = apr_time_now();
    apr_array_header_t *rows;
    newsapi_error_t *e;
    int n;

    if (seg == NULL || now < next_read) {
        return;
    }
    e = newsapi_store_select_outside(s, p, newsapi_conf_query(
                                         d, NEWSAPI_Q_PORTALS), NULL,
                                     NEWSAPI_PORTALS_SQL_COLUMNS, &rows);
    if (e != NULL) {
        /* The store has logged why; the list read last stays. */
        next_read = now + apr_time_from_sec(RETRY);
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0502)
                     "portal list not read for the visit counter (%s); "
                     "trying again in %ds", e->code, RETRY);
        return;
    }
    if (!begin_writing(now)) {
        next_read = now + apr_time_from_sec(RETRY);
        return;
    }
    n = fill(s, p, rows);
    apr_atomic_inc32(&seg->gen);
    apr_atomic_set32(&seg->writer, 0);
    next_read = now + apr_time_from_sec(newsapi_conf_global()
                                        ->flush_interval);
    if (n != last_count) {
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, NEWSAPI_LOGNO(0500)
                     "portal list: page views of %d host names count for "
                     "their sites", n);
        last_count = n;
    }
}
