/*
 * newsapi_status.h - what the module is doing, for people (HTML) and for
 * monitoring (?auto: "Key: value" lines, ?json, and the Prometheus text
 * format: ?format=prometheus or SetHandler newsapi-metrics).
 */
#ifndef NEWSAPI_STATUS_H
#define NEWSAPI_STATUS_H

#include "newsapi.h"

/* How a figure behaves, which is what Prometheus' TYPE line says. */
typedef enum {
    NEWSAPI_FIG_COUNTER,    /* only grows while Apache runs: "_total" */
    NEWSAPI_FIG_GAUGE,      /* a level that goes up and down */
    NEWSAPI_FIG_FLAG        /* a gauge of 0 or 1; JSON true/false */
} newsapi_status_kind_e;

/* Reads one figure, server-wide, now; arg is the row's .arg. */
typedef apr_int64_t newsapi_status_read_fn(int arg);

/* One row of the status table in newsapi_status.c: every form (HTML,
 * ?auto, ?json, Prometheus) is rendered from that table.  A figure is
 * added as one row there: COUNTER(...) for a counter of newsapi_shm, or
 * GAUGE(...) with a reader of the type above, declared in the header of
 * the file that owns the figure; .arg lets one reader serve several rows
 * (one per index family, say).  Text that is no number (a provider's
 * description, a state's reason) stays out of the table. */
typedef struct {
    const char *key;        /* ?auto "NewsApi<key>", ?json "<key>" */
    const char *metric;     /* Prometheus "newsapi_<metric>" ("_total"
                             * is added to counters) */
    newsapi_status_kind_e kind;
    const char *help;       /* HTML row and Prometheus HELP line: one
                             * line, no backslash */
    newsapi_status_read_fn *read;
    int arg;
} newsapi_status_row_t;

/* SetHandler newsapi-status (HTML, ?auto, ?json, ?format=prometheus)
 * and SetHandler newsapi-metrics (always Prometheus). */
int newsapi_status_handler(request_rec *r);

/* mod_status's status_hook: a section in /server-status. */
int newsapi_status_hook(request_rec *r, int flags);

#endif /* NEWSAPI_STATUS_H */
