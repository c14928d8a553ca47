/*
 * newsapi_config.h - the module's configuration: directives, per-server
 * and per-directory records, and their defaults.
 */
#ifndef NEWSAPI_CONFIG_H
#define NEWSAPI_CONFIG_H

#include "newsapi.h"
#include "newsapi_cache.h"

/* The SQL statements an admin can replace.  Each slot has a fixed list
 * of parameters, documented in the README. */
typedef enum {
    NEWSAPI_Q_DISTRICT = 0,     /* start, end */
    NEWSAPI_Q_COMMUNE,          /* Huyen_Id, start, end */
    NEWSAPI_Q_DISTRICT_EXISTS,  /* Huyen_Id */
    NEWSAPI_Q_VISITS_DISTRICT,  /* start, end */
    NEWSAPI_Q_VISITS_COMMUNE,   /* Huyen_Id, start, end */
    NEWSAPI_Q_VISIT_FLUSH,      /* site id, day, increment */
    NEWSAPI_Q_PORTALS,          /* none: every unit of every district */
    NEWSAPI_Q_NEWS_DAILY,       /* start, end: site, day, count */
    NEWSAPI_Q_VISITS_DAILY,     /* start, end: site, day, count */
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

/* The per-directory numbers; each has a range and a default in the table
 * of newsapi_config.c. */
typedef enum {
    NEWSAPI_N_MAX_RANGE = 0,    /* longest range in days; 0: no limit */
    NEWSAPI_N_MAX_BODY,         /* largest request body in bytes */
    NEWSAPI_N_TTL,              /* seconds fresh: ranges reaching today */
    NEWSAPI_N_PAST_TTL,         /* seconds fresh: ranges wholly past */
    NEWSAPI_N_STALE,            /* seconds past freshness a db fault may
                                   still be answered from the cache */
    NEWSAPI_N_LEASE_WAIT,       /* longest wait for another's fill */
    NEWSAPI_N_COUNT
} newsapi_dir_number_e;

typedef struct {
    const newsapi_query_t *query[NEWSAPI_Q_COUNT];  /* NULL: unset */
    long number[NEWSAPI_N_COUNT];                   /* -1: unset */
    /* The visit counter */
    int count_visits;      /* -1: unset */
    long long site_id;     /* -1: unset */
    ap_regex_t *robots;    /* user agents not counted */
    int robots_set;
} newsapi_dir_conf_t;

/* Server-wide settings: only the main server's are used, since the
 * cache, the counters and the query bound are one per Apache. */
typedef struct {
    int acquire_attempts;                           /* 0: unset, derive */
    int cache_set;
    newsapi_cache_spec_t cache;
    apr_size_t cache_max_object;                    /* 0: unset */
    int max_queries;                                /* 0: unset */
    long query_wait;                                /* -1: unset */
    int max_waiting;                                /* -1: unset, derive */
    long query_timeout;                             /* -1: unset */
    int utc_offset_set;
    int utc_offset_minutes;
    long flush_interval;                            /* -1: unset */
    long online_window;                             /* -1: unset */
    apr_hash_t *site_hosts;     /* this server's host name -> site id */
    int hosts_from_list;        /* host names of the portal list count */
    int index_on;                                   /* -1: unset */
    apr_size_t index_size;                          /* 0: unset */
} newsapi_srv_conf_t;

#define NEWSAPI_DEFAULT_CACHE_SIZE     8388608
#define NEWSAPI_DEFAULT_MAX_OBJECT     131072
#define NEWSAPI_DEFAULT_MAX_QUERIES    8
#define NEWSAPI_DEFAULT_QUERY_WAIT     3
#define NEWSAPI_DEFAULT_QUERY_TIMEOUT  30
#define NEWSAPI_DEFAULT_UTC_OFFSET     420      /* Vietnam, UTC+07:00 */
#define NEWSAPI_DEFAULT_FLUSH_INTERVAL 60
#define NEWSAPI_DEFAULT_ONLINE_WINDOW  5        /* minutes */
#define NEWSAPI_DEFAULT_INDEX_SIZE     67108864 /* one copy, per family */
#define NEWSAPI_DEFAULT_ROBOTS \
    "bot|crawl|spider|slurp|archiver|facebookexternalhit|bingpreview"
/* mod_dbd's own default for DBDMax on threaded MPMs */
#define NEWSAPI_DBD_DEFAULT_NMAX       10

void *newsapi_create_dir_conf(apr_pool_t *p, char *dir);
void *newsapi_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);
void *newsapi_create_srv_conf(apr_pool_t *p, server_rec *s);
void *newsapi_merge_srv_conf(apr_pool_t *p, void *basev, void *addv);

/* Directive handlers (the command table lives in mod_newsapi.c). */
const char *newsapi_set_query(cmd_parms *cmd, void *dconf, const char *sql);
/* cmd->info: a newsapi_dir_number_e */
const char *newsapi_set_dir_number(cmd_parms *cmd, void *dconf,
                                   const char *arg);
const char *newsapi_set_attempts(cmd_parms *cmd, void *dconf,
                                 const char *arg);
const char *newsapi_set_cache(cmd_parms *cmd, void *dconf, const char *arg);
const char *newsapi_set_server_number(cmd_parms *cmd, void *dconf,
                                      const char *arg);
const char *newsapi_set_utc_offset(cmd_parms *cmd, void *dconf,
                                   const char *arg);

/* The server-wide numbers, for the command table's cmd->info. */
#define NEWSAPI_SRV_MAX_OBJECT 1
#define NEWSAPI_SRV_MAX_QUERIES 2
#define NEWSAPI_SRV_QUERY_WAIT 3
#define NEWSAPI_SRV_FLUSH_INTERVAL 4
#define NEWSAPI_SRV_ONLINE_WINDOW 5
#define NEWSAPI_SRV_QUERY_TIMEOUT 6
#define NEWSAPI_SRV_MAX_WAITING 7
#define NEWSAPI_SRV_INDEX_SIZE 8

const char *newsapi_set_index(cmd_parms *cmd, void *dconf, int on);
/* Was this query slot set by a directive in the main server? */
int newsapi_conf_query_set(const newsapi_dir_conf_t *d,
                           newsapi_query_slot_e slot);

const char *newsapi_set_count_visits(cmd_parms *cmd, void *dconf, int on);
const char *newsapi_set_site_id(cmd_parms *cmd, void *dconf,
                                const char *arg);
const char *newsapi_set_site_host(cmd_parms *cmd, void *dconf,
                                  const char *host, const char *id);
const char *newsapi_set_robots(cmd_parms *cmd, void *dconf,
                               const char *arg);
const char *newsapi_set_hosts_from_list(cmd_parms *cmd, void *dconf,
                                        int on);
/* The robots pattern in force (NULL: none). */
const ap_regex_t *newsapi_conf_robots(const newsapi_dir_conf_t *d);

/* The effective values for a request's directory configuration. */
const newsapi_query_t *newsapi_conf_query(const newsapi_dir_conf_t *d,
                                          newsapi_query_slot_e slot);
/* A per-directory number, its default applied. */
long newsapi_conf_number(const newsapi_dir_conf_t *d, newsapi_dir_number_e n);
/* The main server's record, where the server-wide settings live. */
const newsapi_srv_conf_t *newsapi_conf_global(void);

/* post_config: fills in what is derived from the whole configuration
 * (the acquire bound from DBDMax) and warns about DBDParams that lack
 * reconnect=0. */
void newsapi_conf_finish(apr_pool_t *p, server_rec *s);

#endif /* NEWSAPI_CONFIG_H */
