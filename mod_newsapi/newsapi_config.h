/*
 * newsapi_config.h - the module's configuration: directives, per-server
 * and per-directory records, and their defaults.
 */
#ifndef NEWSAPI_CONFIG_H
#define NEWSAPI_CONFIG_H

#include "newsapi.h"

/* The SQL statements an admin can replace.  Each slot has a fixed list
 * of parameters, documented in the README. */
typedef enum {
    NEWSAPI_Q_DISTRICT = 0,     /* start, end */
    NEWSAPI_Q_COMMUNE,          /* Huyen_Id, start, end */
    NEWSAPI_Q_DISTRICT_EXISTS,  /* Huyen_Id */
    NEWSAPI_Q_COUNT
} newsapi_query_slot_e;

typedef struct {
    const char *sql;
    /* Key of the prepared statement on a pooled connection: derived from
     * the SQL text, so two places with the same SQL share a statement and
     * a changed SQL can never be served by the old statement. */
    const char *label;
    int nparams;
    const char *directive;      /* names the statement in log lines */
} newsapi_query_t;

typedef struct {
    const newsapi_query_t *query[NEWSAPI_Q_COUNT];  /* NULL: unset */
    long max_range_days;                            /* -1: unset */
    apr_off_t max_body;                             /* -1: unset */
} newsapi_dir_conf_t;

typedef struct {
    int acquire_attempts;                           /* 0: unset, derive */
} newsapi_srv_conf_t;

#define NEWSAPI_DEFAULT_MAX_RANGE_DAYS 3660
#define NEWSAPI_DEFAULT_MAX_BODY       8192
/* mod_dbd's own default for DBDMax on threaded MPMs */
#define NEWSAPI_DBD_DEFAULT_NMAX       10

void *newsapi_create_dir_conf(apr_pool_t *p, char *dir);
void *newsapi_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);
void *newsapi_create_srv_conf(apr_pool_t *p, server_rec *s);
void *newsapi_merge_srv_conf(apr_pool_t *p, void *basev, void *addv);

/* Directive handlers (the command table lives in mod_newsapi.c). */
const char *newsapi_set_query(cmd_parms *cmd, void *dconf, const char *sql);
const char *newsapi_set_max_range(cmd_parms *cmd, void *dconf,
                                  const char *arg);
const char *newsapi_set_max_body(cmd_parms *cmd, void *dconf,
                                 const char *arg);
const char *newsapi_set_attempts(cmd_parms *cmd, void *dconf,
                                 const char *arg);

/* The effective values for a request's directory configuration. */
const newsapi_query_t *newsapi_conf_query(const newsapi_dir_conf_t *d,
                                          newsapi_query_slot_e slot);
long newsapi_conf_max_range(const newsapi_dir_conf_t *d);
apr_off_t newsapi_conf_max_body(const newsapi_dir_conf_t *d);

/* post_config: fills in what is derived from the whole configuration
 * (the acquire bound from DBDMax) and warns about DBDParams that lack
 * reconnect=0. */
void newsapi_conf_finish(apr_pool_t *p, server_rec *s);

#endif /* NEWSAPI_CONFIG_H */
