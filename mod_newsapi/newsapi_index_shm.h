/*
 * newsapi_index_shm.h - inside the day index: the families, the shared
 * segment of each (control block and two copies) and how a copy is
 * read and written.  Shared by newsapi_index*.c only.
 */
#ifndef NEWSAPI_INDEX_SHM_H
#define NEWSAPI_INDEX_SHM_H

#include "apr_tables.h"

#include "newsapi_index.h"

typedef enum {
    IDX_OFF = 0,        /* NewsApiIndex Off, or no daily query */
    IDX_LOADING,        /* no good copy yet */
    IDX_READY,
    IDX_TOO_SMALL,      /* the data does not fit NewsApiIndexSize */
    IDX_MISMATCH,       /* the check against the endpoint queries failed */
    IDX_FAILED,         /* the daily query does not work */
    IDX_NSTATES
} idx_state_e;

/* How one endpoint shape lays out its SQL row. */
typedef struct {
    newsapi_query_slot_e query;
    int ncols;                  /* columns of its SQL row */
    int site_col;               /* the site Id */
    int count_col;              /* the range's count */
    int total_col;              /* the count up to the range end; -1 */
    int want_district;
} idx_shape_t;

typedef struct {
    const char *name;           /* "news", "visits" */
    newsapi_query_slot_e daily;
    idx_shape_t district;
    idx_shape_t commune;
} idx_family_t;

#define IDX_FAMILIES 2
extern const idx_family_t newsapi_idx_families[IDX_FAMILIES];

/* The control block at the start of a family's segment.  The loader
 * (one process) writes everything but answers; readers use only
 * published, state and seq with atomic reads. */
typedef struct {
    apr_uint32_t magic;
    apr_uint32_t version;
    volatile apr_uint32_t published;    /* 0: none, else copy 1 or 2 */
    volatile apr_uint32_t state;        /* idx_state_e */
    volatile apr_uint64_t seq[2];       /* odd while a copy is written */
    volatile apr_uint64_t answers;      /* answers computed from it */
    /* pid of the process loading: a loader of the generation before a
     * graceful restart may still be at work when the next one starts */
    volatile apr_uint32_t loader;
    apr_uint64_t copy_size;
    char fingerprint[48];       /* of the SQL the copies were built by */
    char why[256];              /* the state's cause, for the status */
    apr_time_t full_ok_at;      /* start of the last good full load */
    apr_time_t recent_ok_at;    /* start of the last good refresh */
    apr_time_t full_tried_at, recent_tried_at;
    apr_time_t next_full_at, next_recent_at;    /* planned ends */
    apr_interval_time_t full_took, recent_took;
    apr_interval_time_t full_db_took, recent_db_took;
    apr_uint64_t needed;        /* bytes the last build needed */
    apr_uint64_t failures;      /* refreshes that failed */
    apr_uint64_t sites, entries, bytes;
    /* Where each copy keeps the answers' rows (newsapi_index_rows.c),
     * written with the copy. */
    apr_uint64_t rows_off[2], rows_len[2];
    long first_day, last_day;
} idx_ctl_t;

typedef struct {
    const idx_family_t *fam;
    idx_ctl_t *ctl;
    char *copies;               /* two copies of ctl->copy_size bytes */
    int on;
    const char *off_why;
    /* The SQL the index answers for (the main server's). */
    const newsapi_query_t *daily, *district, *commune;
    apr_time_t ttl, past_ttl, stale;
    const char *fingerprint;
} idx_t;

extern idx_t newsapi_idx[IDX_FAMILIES];

/* Reading: the published copy and its sequence number, or NULL. */
const void *newsapi_idx_pin(idx_t *x, int *copy, apr_uint64_t *ticket);
/* 1 when the copy was not rewritten since newsapi_idx_pin. */
int newsapi_idx_unpin(idx_t *x, int copy, apr_uint64_t ticket);

/* Writing (the loader only): the spare copy, marked as being written;
 * then done with it, publishing it or not. */
void *newsapi_idx_write_begin(idx_t *x, int *copy);
void newsapi_idx_write_end(idx_t *x, int copy, int publish);

void newsapi_idx_set_state(idx_t *x, idx_state_e st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The rows of the answers in a copy (newsapi_index_rows.c): kind 0 the
 * district list (district 0), 1 the communes of a district. */
#define IDX_ROWS_DISTRICTS 0
#define IDX_ROWS_COMMUNES  1
int newsapi_idx_rows_put(char *buf, apr_size_t cap, apr_size_t *used,
                         int kind, long long district,
                         const apr_array_header_t *rows, int ncols);
apr_array_header_t *newsapi_idx_rows_get(apr_pool_t *p, const char *blob,
                                         apr_size_t len, int kind,
                                         long long district, int ncols);

/* The loader (newsapi_index_load.c): starts the watchdog singleton. */
apr_status_t newsapi_idx_loader_start(apr_pool_t *pconf, server_rec *s);
/* child_init: an exiting child waits for its loader to let go of the
 * database first. */
void newsapi_idx_loader_child_init(apr_pool_t *pchild, server_rec *s);

#endif /* NEWSAPI_INDEX_SHM_H */
