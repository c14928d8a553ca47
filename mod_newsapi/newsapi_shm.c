/*
 * newsapi_shm.c - one anonymous shared memory segment for the counters,
 * the stampede leases and the query slots.
 *
 *   +--------------------------------------------+ 0
 *   | magic, version                  (2 x u32)  |
 *   +--------------------------------------------+ 8
 *   | counters[NEWSAPI_CTR_COUNT]      (u64 each) |
 *   +--------------------------------------------+
 *   | leases[NEWSAPI_LEASES]           (u64 each) |  key tag << 32 | pid
 *   +--------------------------------------------+
 *   | slots[NEWSAPI_MAX_QUERY_SLOTS]   (u32 each) |  pid, 0 when free
 *   +--------------------------------------------+
 *   | conns[NEWSAPI_MAX_PROCESSES]     (u64 each) |  pid << 32 | count
 *   +--------------------------------------------+
 *   | waiters[NEWSAPI_MAX_WAITERS]     (u32 each) |  pid, 0 when free
 *   +--------------------------------------------+
 *
 * Everything is updated with single atomic operations, so no mutex is
 * needed and a process killed at any instant leaves nothing locked: a
 * lease or slot whose pid is gone is simply taken over.  The segment is
 * made once, in the process pool, and found again at every graceful
 * restart, so counters survive logrotate's nightly restart and a query
 * still running in an old-generation child keeps its slot.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "apr_atomic.h"
#include "apr_shm.h"

#include "newsapi_shm.h"

APLOG_USE_MODULE(newsapi);

#define SHM_MAGIC   0x4e415049u     /* "NAPI" */
#define SHM_VERSION 3u
#define SHM_KEY     "mod_newsapi_shm3"

typedef struct {
    apr_uint32_t magic;
    apr_uint32_t version;
    volatile apr_uint64_t counters[NEWSAPI_CTR_COUNT];
    volatile apr_uint64_t leases[NEWSAPI_LEASES];
    volatile apr_uint32_t slots[NEWSAPI_MAX_QUERY_SLOTS];
    volatile apr_uint64_t conns[NEWSAPI_MAX_PROCESSES];
    volatile apr_uint32_t waiters[NEWSAPI_MAX_WAITERS];
} shm_layout_t;

/* Set in the parent before the children are forked; read-only after. */
static shm_layout_t *shm;

/* This process's entry in conns[], found at its first connection. */
static int conns_idx = -1;

void *newsapi_shm_segment(server_rec *s, const char *key, apr_size_t size)
{
    apr_pool_t *pp = s->process->pool;
    apr_shm_t *seg = NULL;
    apr_status_t rv;
    void *data = NULL;

    apr_pool_userdata_get(&data, key, pp);
    if (data != NULL && apr_shm_size_get(data) >= size) {
        return apr_shm_baseaddr_get(data);
    }
    rv = apr_shm_create(&seg, size, NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0003)
                     "cannot create %" APR_SIZE_T_FMT " bytes of anonymous "
                     "shared memory (%s)", size, key);
        return NULL;
    }
    memset(apr_shm_baseaddr_get(seg), 0, size);
    apr_pool_userdata_set(seg, key, apr_pool_cleanup_null, pp);
    return apr_shm_baseaddr_get(seg);
}

apr_status_t newsapi_shm_setup(server_rec *s)
{
    shm = newsapi_shm_segment(s, SHM_KEY, sizeof(shm_layout_t));
    if (shm == NULL) {
        return APR_ENOMEM;
    }
    shm->magic = SHM_MAGIC;
    shm->version = SHM_VERSION;
    return APR_SUCCESS;
}

void newsapi_shm_add(newsapi_counter_e c, long delta)
{
    if (shm != NULL) {
        apr_atomic_add64(&shm->counters[c], (apr_uint64_t)delta);
    }
}

apr_uint64_t newsapi_shm_get(newsapi_counter_e c)
{
    return shm != NULL ? apr_atomic_read64(&shm->counters[c]) : 0;
}

/* A pid counts as alive unless the kernel says there is no such process
 * (EPERM means it exists but belongs to another user). */
static int pid_alive(apr_uint32_t pid)
{
    return pid != 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH);
}

int newsapi_shm_pid_alive(apr_uint32_t pid)
{
    return pid_alive(pid);
}

int newsapi_shm_lease_take(apr_uint32_t tag)
{
    apr_uint64_t mine, cur;
    int idx;

    if (shm == NULL) {
        return -1;
    }
    tag |= 1;   /* a tag is never 0, so a lease word is never 0 */
    idx = (int)(tag % NEWSAPI_LEASES);
    mine = ((apr_uint64_t)tag << 32) | (apr_uint32_t)getpid();
    cur = apr_atomic_cas64(&shm->leases[idx], mine, 0);
    if (cur == 0) {
        return idx;
    }
    if (!pid_alive((apr_uint32_t)cur)
        && apr_atomic_cas64(&shm->leases[idx], mine, cur) == cur) {
        return idx;
    }
    return -1;
}

int newsapi_shm_lease_held(apr_uint32_t tag)
{
    apr_uint64_t cur;

    if (shm == NULL) {
        return 0;
    }
    tag |= 1;
    cur = apr_atomic_read64(&shm->leases[tag % NEWSAPI_LEASES]);
    return (apr_uint32_t)(cur >> 32) == tag && pid_alive((apr_uint32_t)cur);
}

void newsapi_shm_lease_release(int idx, apr_uint32_t tag)
{
    apr_uint64_t mine;

    if (shm == NULL || idx < 0) {
        return;
    }
    mine = ((apr_uint64_t)(tag | 1) << 32) | (apr_uint32_t)getpid();
    apr_atomic_cas64(&shm->leases[idx], 0, mine);
}

/* Takes a free place of places[0..max), or one whose process is gone. */
static int pid_place_take(volatile apr_uint32_t *places, int max)
{
    apr_uint32_t me = (apr_uint32_t)getpid(), cur;
    int i;

    for (i = 0; i < max; i++) {
        cur = apr_atomic_cas32(&places[i], me, 0);
        if (cur == 0) {
            return i;
        }
        if (!pid_alive(cur) && apr_atomic_cas32(&places[i], me, cur) == cur) {
            return i;
        }
    }
    return -1;
}

static int pid_places_used(volatile apr_uint32_t *places, int max)
{
    int i, n = 0;

    for (i = 0; i < max; i++) {
        if (pid_alive(apr_atomic_read32(&places[i]))) {
            n++;
        }
    }
    return n;
}

int newsapi_shm_slot_take(int max)
{
    if (shm == NULL) {
        return -1;
    }
    return pid_place_take(shm->slots, max < NEWSAPI_MAX_QUERY_SLOTS
                                      ? max : NEWSAPI_MAX_QUERY_SLOTS);
}

void newsapi_shm_slot_release(int idx)
{
    if (shm != NULL && idx >= 0) {
        apr_atomic_set32(&shm->slots[idx], 0);
    }
}

int newsapi_shm_slots_in_use(int max)
{
    if (shm == NULL) {
        return 0;
    }
    return pid_places_used(shm->slots, max < NEWSAPI_MAX_QUERY_SLOTS
                                       ? max : NEWSAPI_MAX_QUERY_SLOTS);
}

int newsapi_shm_waiter_take(int max)
{
    if (shm == NULL) {
        return -1;
    }
    return pid_place_take(shm->waiters, max < NEWSAPI_MAX_WAITERS
                                        ? max : NEWSAPI_MAX_WAITERS);
}

void newsapi_shm_waiter_release(int idx)
{
    if (shm != NULL && idx >= 0) {
        apr_atomic_set32(&shm->waiters[idx], 0);
    }
}

int newsapi_shm_waiters(int max)
{
    if (shm == NULL) {
        return 0;
    }
    return pid_places_used(shm->waiters, max < NEWSAPI_MAX_WAITERS
                                         ? max : NEWSAPI_MAX_WAITERS);
}

/* Claims an entry of conns[] for this process: a free one, or one whose
 * process is gone (its count dies with it). */
static int conns_entry(void)
{
    apr_uint64_t me = (apr_uint64_t)(apr_uint32_t)getpid() << 32, cur;
    int i;

    for (i = 0; i < NEWSAPI_MAX_PROCESSES; i++) {
        cur = apr_atomic_read64(&shm->conns[i]);
        if ((cur >> 32) == (me >> 32)) {
            return i;
        }
        if ((cur == 0 || !pid_alive((apr_uint32_t)(cur >> 32)))
            && apr_atomic_cas64(&shm->conns[i], me, cur) == cur) {
            return i;
        }
    }
    return -1;
}

void newsapi_shm_conns_add(int delta)
{
    if (shm == NULL) {
        return;
    }
    /* Threads of one process may race here; both find the same entry. */
    if (conns_idx < 0 || (apr_atomic_read64(&shm->conns[conns_idx]) >> 32)
                         != (apr_uint32_t)getpid()) {
        conns_idx = conns_entry();
    }
    if (conns_idx >= 0) {
        apr_atomic_add64(&shm->conns[conns_idx], (apr_uint64_t)(long)delta);
    }
}

long newsapi_shm_conns_in_use(void)
{
    long n = 0;
    int i;

    for (i = 0; shm != NULL && i < NEWSAPI_MAX_PROCESSES; i++) {
        apr_uint64_t cur = apr_atomic_read64(&shm->conns[i]);

        if (cur != 0 && pid_alive((apr_uint32_t)(cur >> 32))) {
            n += (long)(apr_int32_t)(apr_uint32_t)cur;
        }
    }
    return n;
}
