/*
 * newsapi_dbstate.h - whether the portal database is up, shared by all
 * processes, so that an outage is one event: marked down by the first
 * failure that is not the statement's, then refused at once (no
 * connection attempt) while one request at a time probes it, with
 * backoff, until it answers again.  The error log gets one line when it
 * goes down, one when it is back, and at most one every few seconds in
 * between.
 */
#ifndef NEWSAPI_DBSTATE_H
#define NEWSAPI_DBSTATE_H

#include "newsapi.h"
#include "newsapi_error.h"

/* post_config: the shared state, and what a probe connects with (the
 * main server's DBDriver and DBDParams). */
apr_status_t newsapi_dbstate_setup(apr_pool_t *pconf, server_rec *s);

int newsapi_dbstate_is_down(void);

/* Outside requests (the visit flusher): 1 when the database may be used,
 * after a probe (allocated in a subpool of p) when it was down and it is
 * the caller's turn; 0 while it is down. */
int newsapi_dbstate_check(server_rec *s, apr_pool_t *p);

/* For a request about to need the database: NULL when it may go on; a
 * 503 database_unavailable while the database is down.  The one request
 * whose turn it is probes it first (one connection) and goes on when the
 * database answered. */
newsapi_error_t *newsapi_dbstate_gate(request_rec *r);

/* The 503 of a request refused because the database is down (counted). */
newsapi_error_t *newsapi_dbstate_refuse(request_rec *r);

/* One connection of our own, opened and closed (counted as a probe):
 * NULL when the database answered, else why not (its message). */
const char *newsapi_dbstate_probe(server_rec *s, apr_pool_t *p);

/* A query or connection failed for a reason that is not the statement's:
 * marks the database down (the first caller logs the cause). */
void newsapi_dbstate_failed(server_rec *s, const char *cause);

/* Seconds a client should wait before trying again (Retry-After): the
 * probe interval while the database is down, busy_secs otherwise. */
long newsapi_dbstate_retry_after(long busy_secs);

/* Throttled log lines: true for the one caller whose turn it is to write
 * line (at most one every gap, all processes together). */
typedef enum {
    NEWSAPI_SAY_STILL_DOWN = 0,
    NEWSAPI_SAY_BUSY,
    NEWSAPI_SAY_COUNT
} newsapi_say_e;
int newsapi_dbstate_turn_to_say(newsapi_say_e line, apr_interval_time_t gap);

/* For the status page. */
typedef struct {
    int down;                   /* 1: marked down */
    long down_secs;             /* for how long */
    int probing;                /* a probe is under way */
    apr_uint64_t refused;       /* requests refused in this outage */
} newsapi_dbstate_now_t;
void newsapi_dbstate_now(newsapi_dbstate_now_t *now);

#endif /* NEWSAPI_DBSTATE_H */
