/*
 * newsapi_shm.h - the module's own shared memory: counters the status
 * page shows, the leases that stop a cache stampede, and the slots that
 * bound the database queries running at once across all processes.
 */
#ifndef NEWSAPI_SHM_H
#define NEWSAPI_SHM_H

#include "newsapi.h"

typedef enum {
    NEWSAPI_CTR_REQUESTS = 0,   /* API requests answered */
    NEWSAPI_CTR_HITS,           /* answered from the cache */
    NEWSAPI_CTR_MISSES,         /* answered from the database */
    NEWSAPI_CTR_STALE,          /* expired answers served on a db fault */
    NEWSAPI_CTR_DB_QUERIES,     /* statements run */
    NEWSAPI_CTR_DB_ERRORS,      /* statements or connections that failed */
    NEWSAPI_CTR_CLIENT_ERRORS,  /* 4xx answers */
    NEWSAPI_CTR_BUSY,           /* 503 because no query slot came */
    NEWSAPI_CTR_LEASE_WAITS,    /* requests that waited for another's fill */
    NEWSAPI_CTR_LEASE_TIMEOUTS, /* ... and gave up waiting */
    NEWSAPI_CTR_STORE_FAILS,    /* answers the cache could not hold */
    NEWSAPI_CTR_BUSY_WAITING,   /* 503: too many requests waiting */
    NEWSAPI_CTR_BUSY_DBD,       /* 503: no mod_dbd connection in time */
    NEWSAPI_CTR_DOWN_REFUSED,   /* 503: the database is marked down */
    NEWSAPI_CTR_OUTAGES,        /* times the database was marked down */
    NEWSAPI_CTR_PROBES,         /* connection probes while it was down */
    NEWSAPI_CTR_DB_ACQUIRES,    /* connections asked of mod_dbd */
    NEWSAPI_CTR_COUNT
} newsapi_counter_e;

/* Most query slots and leases the segment holds. */
#define NEWSAPI_MAX_QUERY_SLOTS 1024
#define NEWSAPI_LEASES          256
#define NEWSAPI_MAX_PROCESSES   1024
#define NEWSAPI_MAX_WAITERS     4096

/* An anonymous shared memory segment of size bytes, made zeroed in the
 * process pool under key, or the one an earlier generation made there:
 * it outlives graceful restarts.  NULL (logged) when it cannot be made. */
void *newsapi_shm_segment(server_rec *s, const char *key, apr_size_t size);

/* post_config: the counters, leases and slots. */
apr_status_t newsapi_shm_setup(server_rec *s);

/* Whether process pid still runs (for pid-tagged entries elsewhere). */
int newsapi_shm_pid_alive(apr_uint32_t pid);

void newsapi_shm_add(newsapi_counter_e c, long delta);
apr_uint64_t newsapi_shm_get(newsapi_counter_e c);

/* Takes the lease on a cache key (tag: 32 bits of its hash): returns its
 * index, or -1 when a live process holds it (or another key shares its
 * place, in which case the caller just goes ahead). */
int newsapi_shm_lease_take(apr_uint32_t tag);
int newsapi_shm_lease_held(apr_uint32_t tag);
void newsapi_shm_lease_release(int idx, apr_uint32_t tag);

/* Takes one of max query slots; -1 when all are held by live processes.
 * Slots of a process that died holding them are taken over. */
int newsapi_shm_slot_take(int max);
void newsapi_shm_slot_release(int idx);
int newsapi_shm_slots_in_use(int max);

/* The same for the places of requests waiting for a query slot (at
 * most max of them wait). */
int newsapi_shm_waiter_take(int max);
void newsapi_shm_waiter_release(int idx);
int newsapi_shm_waiters(int max);

/* mod_dbd connections held by requests, counted per process so that a
 * process killed while holding some stops counting at once. */
void newsapi_shm_conns_add(int delta);
long newsapi_shm_conns_in_use(void);

#endif /* NEWSAPI_SHM_H */
