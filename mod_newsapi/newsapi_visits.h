/*
 * newsapi_visits.h - the visitor counter Apache keeps itself: page views
 * counted where they are served, summed in shared memory across worker
 * processes, and added to the database by one flusher.
 */
#ifndef NEWSAPI_VISITS_H
#define NEWSAPI_VISITS_H

#include "newsapi.h"

/* pre_config: forget the previous generation's "is counting on". */
void newsapi_visits_pre_config(void);
/* A directive turned counting on somewhere: a flusher is needed. */
void newsapi_visits_wanted(void);
/* post_config: the shared tables and the flusher (a mod_watchdog
 * singleton in one child). */
apr_status_t newsapi_visits_post_config(apr_pool_t *pconf, server_rec *s);

/* child_init: flush what is pending when the child exits. */
void newsapi_visits_child_init(apr_pool_t *pchild, server_rec *s);

/* log_transaction hook: counts r when it is a page view. */
int newsapi_visits_log(request_rec *r);

/* Adds what is pending to the database; what fails stays pending. */
void newsapi_visits_flush(server_rec *s, apr_pool_t *p);

/* Distinct visitors per site seen in the last NewsApiOnlineWindow
 * minutes ("Đang truy cập"): site id (decimal string) -> count. */
apr_hash_t *newsapi_visits_online(apr_pool_t *p);

#endif /* NEWSAPI_VISITS_H */
