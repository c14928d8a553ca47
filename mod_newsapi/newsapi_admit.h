/*
 * newsapi_admit.h - admission of requests that need the database.
 *
 * Three bounds, checked in this order, so that a request that cannot be
 * answered soon is refused at once and the workers stay free for cached
 * answers:
 *   1. the database state (newsapi_dbstate): down -> 503 at once;
 *   2. the server-wide query slots (NewsApiMaxDBQueries): a request that
 *      finds none free waits for one only while fewer than
 *      NewsApiDBMaxWaiting others wait, and at most NewsApiDBQueryWait;
 *      the rest get 503 server_busy at once;
 *   3. mod_dbd's pool of the process (DBDMax): mod_dbd has no acquire
 *      timeout, so at most DBDMax requests of a process go into it and
 *      the others wait, until the same deadline, on a condition variable.
 */
#ifndef NEWSAPI_ADMIT_H
#define NEWSAPI_ADMIT_H

#include "newsapi.h"
#include "newsapi_error.h"

/* post_config, after newsapi_conf_finish: NewsApiDBMaxWaiting when the
 * admin did not set it, from the MPM's worker count (logged at debug). */
void newsapi_admit_post_config(server_rec *s);
/* child_init: the per-process bounds on mod_dbd's pools. */
void newsapi_admit_child_init(apr_pool_t *pchild, server_rec *s);

/* Bounds 1 and 2: NULL with *slot held (give it back with
 * newsapi_admit_leave), or the 503 to send. */
newsapi_error_t *newsapi_admit_enter(request_rec *r, int *slot);
void newsapi_admit_leave(int slot);

/* Bound 3, before a request's first ap_dbd_acquire: NULL when it may go
 * on (the place is held until r->pool is cleaned up, when mod_dbd has
 * released the connection), else 503 server_busy. */
newsapi_error_t *newsapi_admit_dbd_request(request_rec *r);
/* The same outside requests (the visit flusher), around ap_dbd_open and
 * ap_dbd_close: 0 when taken, -1 when none came within
 * NewsApiDBQueryWait. */
int newsapi_admit_dbd_take(server_rec *s);
void newsapi_admit_dbd_give(server_rec *s);

/* Figures for the status page (its table names and explains them). */
typedef enum {
    NEWSAPI_ADMIT_DOWN = 0,         /* 1 while the database is down */
    NEWSAPI_ADMIT_DOWN_SECONDS,     /* how long it has been down */
    NEWSAPI_ADMIT_PROBING,          /* 1 while a probe is under way */
    NEWSAPI_ADMIT_REFUSED,          /* requests refused in this outage */
    NEWSAPI_ADMIT_WAITING,          /* requests waiting for a query slot */
    NEWSAPI_ADMIT_MAX_WAITING       /* NewsApiDBMaxWaiting in force */
} newsapi_admit_figure_e;
apr_int64_t newsapi_admit_figure(newsapi_admit_figure_e which);

#endif /* NEWSAPI_ADMIT_H */
