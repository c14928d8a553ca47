/*
 * newsapi_config.c - directives, configuration records and defaults.
 *
 * Every value is checked when its directive is read, so that a mistake
 * stops "apachectl configtest" with a message naming the directive,
 * instead of surfacing as a 500 on the first request.
 */
#include <errno.h>

#include "apr_sha1.h"
#include "apr_strings.h"
#include "apr_lib.h"
#include "http_main.h"
#include "util_cfgtree.h"

#include "newsapi_config.h"
#include "newsapi_shm.h"
#include "newsapi_sql.h"
#include "newsapi_visits.h"

APLOG_USE_MODULE(newsapi);

typedef struct {
    const char *directive;
    int nparams;
    newsapi_query_t fallback;
} query_slot_t;

/* The defaults query the reference schema of sql/schema.sql.  Articles are
 * counted by a correlated subquery per portal site: with the index on
 * (site_id, status, is_deleted, published_at) each count is one index
 * range, where a LEFT JOIN ... GROUP BY reads every article of every site
 * (see sql/README.md for the measured plans).  The commune query takes
 * Huyen_Id first, as the API fixes it, hence its derived parameter row;
 * its columns are typed by CAST, or each index entry read would convert
 * the string parameters again (35-45% slower, measured). */
static const query_slot_t slots[NEWSAPI_Q_COUNT] = {
    { "NewsApiDistrictQuery", 2, {
        "SELECT d.id, d.name, s.id, s.name,"
        " (SELECT COUNT(*) FROM articles a"
        "   WHERE a.site_id = s.id AND a.status = 1 AND a.is_deleted = 0"
        "     AND a.published_at >= %s AND a.published_at < %s)"
        " FROM sites s JOIN districts d ON d.id = s.district_id"
        " WHERE s.commune_id IS NULL"
        " ORDER BY d.id, s.id",
        "newsapi_default_district", 2, "NewsApiDistrictQuery" } },
    { "NewsApiCommuneQuery", 3, {
        "SELECT s.id, s.name,"
        " (SELECT COUNT(*) FROM articles a"
        "   WHERE a.site_id = s.id AND a.status = 1 AND a.is_deleted = 0"
        "     AND a.published_at >= p.tu AND a.published_at < p.den)"
        " FROM (SELECT CAST(%s AS UNSIGNED) AS huyen,"
        "  CAST(%s AS DATETIME) AS tu, CAST(%s AS DATETIME) AS den) p"
        " JOIN sites s ON s.district_id = p.huyen"
        "  AND s.commune_id IS NOT NULL"
        " ORDER BY s.id",
        "newsapi_default_commune", 3, "NewsApiCommuneQuery" } },
    { "NewsApiDistrictExistsQuery", 1, {
        "SELECT 1 FROM districts WHERE id = %s",
        "newsapi_default_district_exists", 1,
        "NewsApiDistrictExistsQuery" } },
    /* Visits are kept per site and day; the total runs up to the end of
     * the range, so the range end is used twice, hence the parameter
     * row.  Both sums are one index range on the primary key. */
    { "NewsApiVisitsDistrictQuery", 2, {
        "SELECT d.id, d.name, s.id, s.name,"
        " (SELECT COALESCE(SUM(v.hits), 0) FROM visits_daily v"
        "   WHERE v.site_id = s.id AND v.day >= p.tu AND v.day < p.den),"
        " (SELECT COALESCE(SUM(v.hits), 0) FROM visits_daily v"
        "   WHERE v.site_id = s.id AND v.day < p.den)"
        " FROM (SELECT CAST(%s AS DATE) AS tu, CAST(%s AS DATE) AS den) p"
        " JOIN sites s ON s.commune_id IS NULL"
        " JOIN districts d ON d.id = s.district_id"
        " ORDER BY d.id, s.id",
        "newsapi_default_visits_district", 2,
        "NewsApiVisitsDistrictQuery" } },
    { "NewsApiVisitsCommuneQuery", 3, {
        "SELECT s.id, s.name,"
        " (SELECT COALESCE(SUM(v.hits), 0) FROM visits_daily v"
        "   WHERE v.site_id = s.id AND v.day >= p.tu AND v.day < p.den),"
        " (SELECT COALESCE(SUM(v.hits), 0) FROM visits_daily v"
        "   WHERE v.site_id = s.id AND v.day < p.den)"
        " FROM (SELECT CAST(%s AS UNSIGNED) AS huyen,"
        "  CAST(%s AS DATE) AS tu, CAST(%s AS DATE) AS den) p"
        " JOIN sites s ON s.district_id = p.huyen"
        "  AND s.commune_id IS NOT NULL"
        " ORDER BY s.id",
        "newsapi_default_visits_commune", 3,
        "NewsApiVisitsCommuneQuery" } },
    /* Increments, never absolute values: several Apache nodes flushing
     * into one table add up, and a retried flush adds what is left. */
    { "NewsApiVisitFlushQuery", 3, {
        "INSERT INTO visits_daily (site_id, day, hits) VALUES (%s, %s, %s)"
        " ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits)",
        "newsapi_default_visit_flush", 3, "NewsApiVisitFlushQuery" } },
    /* Every unit: the district itself (commune NULL) and its communes,
     * each with its portal if it has one; <=> matches the district's
     * portal by its NULL commune_id. */
    { "NewsApiPortalsQuery", 0, {
        "SELECT u.huyen, u.ten, u.cap, s.id, s.domain"
        " FROM (SELECT d.id AS huyen, d.name AS ten, 1 AS cap, NULL AS xa"
        "   FROM districts d"
        "  UNION ALL"
        "  SELECT c.district_id, c.name, 2, c.id FROM communes c) u"
        " LEFT JOIN sites s ON s.district_id = u.huyen"
        "  AND s.commune_id <=> u.xa"
        " ORDER BY u.huyen, u.cap, u.xa, s.id",
        "newsapi_default_portals", 0, "NewsApiPortalsQuery" } },
    /* The day index (newsapi_index.c): what the two families count, per
     * site and day, exactly as the district and commune queries above
     * count it.  The visits total is the sum of every day before the
     * range end, so it needs no query of its own.  ORDER BY NULL: the
     * rows may come in any order, so no sort after the grouping. */
    { "NewsApiNewsDailyQuery", 2, {
        "SELECT a.site_id, DATE(a.published_at), COUNT(*) FROM articles a"
        " WHERE a.status = 1 AND a.is_deleted = 0"
        "   AND a.published_at >= CAST(%s AS DATETIME)"
        "   AND a.published_at < CAST(%s AS DATETIME)"
        " GROUP BY a.site_id, DATE(a.published_at) ORDER BY NULL",
        "newsapi_default_news_daily", 2, "NewsApiNewsDailyQuery" } },
    { "NewsApiVisitsDailyQuery", 2, {
        "SELECT v.site_id, v.day, v.hits FROM visits_daily v"
        " WHERE v.day >= CAST(%s AS DATE) AND v.day < CAST(%s AS DATE)",
        "newsapi_default_visits_daily", 2, "NewsApiVisitsDailyQuery" } }
};

static ap_regex_t *default_robots;

/* Ranges and defaults of the per-directory numbers. */
static const struct {
    apr_int64_t lo, hi;
    long fallback;
} numbers[NEWSAPI_N_COUNT] = {
    { 0, 3660000, 3660 },       /* NewsApiMaxRangeDays: ten years */
    { 64, 1048576, 8192 },      /* NewsApiMaxBodySize */
    { 0, 31536000, 60 },        /* NewsApiCacheTTL */
    { 0, 31536000, 3600 },      /* NewsApiCachePastTTL */
    { 0, 31536000, 86400 },     /* NewsApiCacheStaleTime */
    { 0, 3600, 10 }             /* NewsApiCacheLockWait */
};

void *newsapi_create_dir_conf(apr_pool_t *p, char *dir)
{
    newsapi_dir_conf_t *d = apr_pcalloc(p, sizeof(*d));
    int i;

    (void)dir;
    for (i = 0; i < NEWSAPI_N_COUNT; i++) {
        d->number[i] = -1;
    }
    d->count_visits = -1;
    d->site_id = -1;
    return d;
}

void *newsapi_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    const newsapi_dir_conf_t *base = basev, *add = addv;
    newsapi_dir_conf_t *d = apr_palloc(p, sizeof(*d));
    int i;

    for (i = 0; i < NEWSAPI_Q_COUNT; i++) {
        d->query[i] = add->query[i] ? add->query[i] : base->query[i];
    }
    for (i = 0; i < NEWSAPI_N_COUNT; i++) {
        d->number[i] = add->number[i] >= 0 ? add->number[i] : base->number[i];
    }
    d->count_visits = add->count_visits >= 0 ? add->count_visits
                                             : base->count_visits;
    d->site_id = add->site_id >= 0 ? add->site_id : base->site_id;
    d->robots_set = add->robots_set || base->robots_set;
    d->robots = add->robots_set ? add->robots : base->robots;
    return d;
}

void *newsapi_create_srv_conf(apr_pool_t *p, server_rec *s)
{
    newsapi_srv_conf_t *c = apr_pcalloc(p, sizeof(*c));

    (void)s;
    c->query_wait = -1;
    c->max_waiting = -1;
    c->query_timeout = -1;
    c->flush_interval = -1;
    c->online_window = -1;
    c->site_hosts = apr_hash_make(p);
    c->index_on = -1;
    return c;
}

void *newsapi_merge_srv_conf(apr_pool_t *p, void *basev, void *addv)
{
    const newsapi_srv_conf_t *base = basev, *add = addv;
    newsapi_srv_conf_t *c = apr_palloc(p, sizeof(*c));

    /* The server-wide settings are only read from the main server (the
     * directives refuse a <VirtualHost>), so inheriting is enough. */
    *c = *base;
    if (add->acquire_attempts) {
        c->acquire_attempts = add->acquire_attempts;
    }
    c->site_hosts = apr_hash_overlay(p, add->site_hosts, base->site_hosts);
    return c;
}

/* Parses a whole decimal number within [lo, hi] for directive cmd. */
static const char *parse_number(cmd_parms *cmd, const char *arg,
                                apr_int64_t lo, apr_int64_t hi,
                                apr_int64_t *out)
{
    char *end;
    apr_int64_t v;

    errno = 0;
    v = apr_strtoi64(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a whole number "
                            "from %" APR_INT64_T_FMT " to %" APR_INT64_T_FMT,
                            cmd->directive->directive, arg, lo, hi);
    }
    *out = v;
    return NULL;
}

static const char *sql_label(apr_pool_t *p, const char *sql)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    char *label = apr_palloc(p, sizeof("newsapi_") + 2 * sizeof(digest));
    apr_sha1_ctx_t ctx;

    apr_sha1_init(&ctx);
    apr_sha1_update(&ctx, sql, (unsigned int)strlen(sql));
    apr_sha1_final(digest, &ctx);
    memcpy(label, "newsapi_", 8);
    ap_bin2hex(digest, sizeof(digest), label + 8);
    return label;
}

const char *newsapi_set_query(cmd_parms *cmd, void *dconf, const char *sql)
{
    newsapi_dir_conf_t *d = dconf;
    int slot = (int)(apr_uintptr_t)cmd->info;
    newsapi_query_t *q;
    const char *why;

    why = newsapi_sql_check(cmd->temp_pool, sql, slots[slot].nparams);
    if (why != NULL) {
        return apr_psprintf(cmd->pool, "%s: %s", cmd->directive->directive,
                            why);
    }
    q = apr_palloc(cmd->pool, sizeof(*q));
    q->sql = sql;
    q->label = sql_label(cmd->pool, sql);
    q->nparams = slots[slot].nparams;
    q->directive = slots[slot].directive;
    d->query[slot] = q;
    return NULL;
}

const char *newsapi_set_dir_number(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    newsapi_dir_conf_t *d = dconf;
    int n = (int)(apr_uintptr_t)cmd->info;
    apr_int64_t v;
    const char *err = parse_number(cmd, arg, numbers[n].lo, numbers[n].hi,
                                   &v);

    if (err == NULL) {
        d->number[n] = (long)v;
    }
    return err;
}

const char *newsapi_set_attempts(cmd_parms *cmd, void *dconf,
                                 const char *arg)
{
    newsapi_srv_conf_t *c = ap_get_module_config(cmd->server->module_config,
                                                 &newsapi_module);
    apr_int64_t v;
    const char *err = parse_number(cmd, arg, 1, 10000, &v);

    (void)dconf;
    if (err == NULL) {
        c->acquire_attempts = (int)v;
    }
    return err;
}

static newsapi_srv_conf_t *main_conf(cmd_parms *cmd, const char **err)
{
    *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    return ap_get_module_config(cmd->server->module_config, &newsapi_module);
}

const char *newsapi_set_cache(cmd_parms *cmd, void *dconf, const char *arg)
{
    const char *err;
    newsapi_srv_conf_t *c = main_conf(cmd, &err);

    (void)dconf;
    if (err == NULL) {
        err = newsapi_cache_parse_spec(cmd->pool, arg, &c->cache);
    }
    if (err != NULL) {
        return apr_psprintf(cmd->pool, "NewsApiCache: %s", err);
    }
    c->cache_set = 1;
    return NULL;
}

const char *newsapi_set_server_number(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    const char *err;
    newsapi_srv_conf_t *c = main_conf(cmd, &err);
    newsapi_srv_conf_t parsed = *c;
    apr_int64_t v = 0;

    (void)dconf;
    if (err != NULL) {
        return err;
    }
    c = &parsed;        /* kept only when the value is good */
    switch ((int)(apr_uintptr_t)cmd->info) {
    case NEWSAPI_SRV_MAX_OBJECT:
        err = parse_number(cmd, arg, 256, 64 * 1024 * 1024, &v);
        c->cache_max_object = (apr_size_t)v;
        break;
    case NEWSAPI_SRV_MAX_QUERIES:
        err = parse_number(cmd, arg, 1, NEWSAPI_MAX_QUERY_SLOTS, &v);
        c->max_queries = (int)v;
        break;
    case NEWSAPI_SRV_FLUSH_INTERVAL:
        err = parse_number(cmd, arg, 1, 86400, &v);
        c->flush_interval = (long)v;
        break;
    case NEWSAPI_SRV_QUERY_TIMEOUT:
        err = parse_number(cmd, arg, 0, 86400, &v);
        c->query_timeout = (long)v;
        break;
    case NEWSAPI_SRV_MAX_WAITING:
        err = parse_number(cmd, arg, 0, NEWSAPI_MAX_WAITERS, &v);
        c->max_waiting = (int)v;
        break;
    case NEWSAPI_SRV_INDEX_SIZE:
        err = parse_number(cmd, arg, 4096, APR_INT64_C(17179869184), &v);
        c->index_size = (apr_size_t)v;
        break;
    case NEWSAPI_SRV_ONLINE_WINDOW:
        err = parse_number(cmd, arg, 1, 1440, &v);
        c->online_window = (long)v;
        break;
    default:
        err = parse_number(cmd, arg, 0, 3600, &v);
        c->query_wait = (long)v;
        break;
    }
    if (err == NULL) {
        *main_conf(cmd, &err) = parsed;
    }
    return err;
}

const char *newsapi_set_index(cmd_parms *cmd, void *dconf, int on)
{
    const char *err;
    newsapi_srv_conf_t *c = main_conf(cmd, &err);

    (void)dconf;
    if (err == NULL) {
        c->index_on = on;
    }
    return err;
}

int newsapi_conf_query_set(const newsapi_dir_conf_t *d,
                           newsapi_query_slot_e slot)
{
    return d->query[slot] != NULL;
}

const char *newsapi_set_count_visits(cmd_parms *cmd, void *dconf, int on)
{
    newsapi_dir_conf_t *d = dconf;

    (void)cmd;
    d->count_visits = on;
    if (on) {
        newsapi_visits_wanted();
    }
    return NULL;
}

const char *newsapi_set_site_id(cmd_parms *cmd, void *dconf,
                                const char *arg)
{
    newsapi_dir_conf_t *d = dconf;
    apr_int64_t v;
    const char *err = parse_number(cmd, arg, 0, APR_INT32_MAX, &v);

    if (err == NULL) {
        d->site_id = v;
    }
    return err;
}

const char *newsapi_set_site_host(cmd_parms *cmd, void *dconf,
                                  const char *host, const char *id)
{
    newsapi_srv_conf_t *c = ap_get_module_config(cmd->server->module_config,
                                                 &newsapi_module);
    apr_int64_t v;
    const char *err = parse_number(cmd, id, 0, APR_INT32_MAX, &v);
    long long *site;
    char *name;

    (void)dconf;
    if (err != NULL) {
        return err;
    }
    site = apr_palloc(cmd->pool, sizeof(*site));
    *site = v;
    /* httpd lowercases the host name of every request: match that. */
    name = apr_pstrdup(cmd->pool, host);
    ap_str_tolower(name);
    apr_hash_set(c->site_hosts, name, APR_HASH_KEY_STRING, site);
    return NULL;
}

const char *newsapi_set_robots(cmd_parms *cmd, void *dconf,
                               const char *arg)
{
    newsapi_dir_conf_t *d = dconf;

    d->robots_set = 1;
    d->robots = NULL;
    if (strcasecmp(arg, "none") == 0) {
        return NULL;
    }
    d->robots = ap_pregcomp(cmd->pool, arg, AP_REG_ICASE | AP_REG_NOSUB);
    if (d->robots == NULL) {
        return apr_psprintf(cmd->pool, "NewsApiVisitRobots: '%s' is not a "
                            "regular expression", arg);
    }
    return NULL;
}

const char *newsapi_set_hosts_from_list(cmd_parms *cmd, void *dconf,
                                        int on)
{
    const char *err;
    newsapi_srv_conf_t *c = main_conf(cmd, &err);

    (void)dconf;
    if (err == NULL) {
        c->hosts_from_list = on;
    }
    return err;
}

const ap_regex_t *newsapi_conf_robots(const newsapi_dir_conf_t *d)
{
    return d->robots_set ? d->robots : default_robots;
}

/* "+07:00", "-05:30", "+0700" or "UTC". */
const char *newsapi_set_utc_offset(cmd_parms *cmd, void *dconf,
                                   const char *arg)
{
    const char *err;
    newsapi_srv_conf_t *c = main_conf(cmd, &err);
    const char *a = arg;
    int sign, hh, mm;

    (void)dconf;
    if (err != NULL) {
        return err;
    }
    if (strcasecmp(a, "UTC") == 0 || strcmp(a, "Z") == 0) {
        c->utc_offset_minutes = 0;
        c->utc_offset_set = 1;
        return NULL;
    }
    sign = *a == '-' ? -1 : 1;
    if ((*a == '+' || *a == '-') && apr_isdigit(a[1]) && apr_isdigit(a[2])) {
        hh = (a[1] - '0') * 10 + (a[2] - '0');
        a += 3;
        if (*a == ':') {
            a++;
        }
        if (apr_isdigit(a[0]) && apr_isdigit(a[1]) && a[2] == '\0') {
            mm = (a[0] - '0') * 10 + (a[1] - '0');
            if (hh <= 14 && mm < 60) {
                c->utc_offset_minutes = sign * (hh * 60 + mm);
                c->utc_offset_set = 1;
                return NULL;
            }
        }
    }
    return apr_psprintf(cmd->pool, "NewsApiUTCOffset: '%s' is not an offset "
                        "like +07:00 (Vietnam) or UTC", arg);
}

long newsapi_conf_number(const newsapi_dir_conf_t *d, newsapi_dir_number_e n)
{
    return d->number[n] >= 0 ? d->number[n] : numbers[n].fallback;
}

const newsapi_query_t *newsapi_conf_query(const newsapi_dir_conf_t *d,
                                          newsapi_query_slot_e slot)
{
    return d->query[slot] ? d->query[slot] : &slots[slot].fallback;
}

/* mod_dbd keeps DBDMax in a private record, so read it where the admin
 * wrote it.  The largest value anywhere is a safe bound for every server:
 * a request never holds more than one connection. */
static void scan_dbd_directives(const ap_directive_t *node, int *nmax,
                                const ap_directive_t **params_without)
{
    for (; node != NULL; node = node->next) {
        if (strcasecmp(node->directive, "DBDMax") == 0 && node->args) {
            apr_int64_t v = apr_atoi64(node->args);

            if (v > *nmax && v < 100000) {
                *nmax = (int)v;
            }
        }
        else if (strcasecmp(node->directive, "DBDParams") == 0
                 && node->args && !ap_strstr_c(node->args, "reconnect=0")) {
            *params_without = node;
        }
        if (node->first_child != NULL) {
            scan_dbd_directives(node->first_child, nmax, params_without);
        }
    }
}

static const newsapi_srv_conf_t *global;

const newsapi_srv_conf_t *newsapi_conf_global(void)
{
    return global;
}

/* The server-wide defaults that need the configuration to be complete:
 * the runtime directory for the cache, and whether shmcb is loaded. */
static void finish_global(apr_pool_t *p, server_rec *s,
                          newsapi_srv_conf_t *c)
{
    const char *err;

    if (!c->cache_set) {
        const char *spec = apr_psprintf(p, "shmcb:%s(%d)",
                                        ap_runtime_dir_relative(p,
                                            "newsapi_cache"),
                                        NEWSAPI_DEFAULT_CACHE_SIZE);

        err = newsapi_cache_parse_spec(p, spec, &c->cache);
        if (err != NULL) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0004)
                         "no answer cache: %s (the default cache needs "
                         "mod_socache_shmcb; NewsApiCache none silences "
                         "this)", err);
            c->cache.provider = NULL;
        }
    }
    if (c->cache_max_object == 0) {
        c->cache_max_object = NEWSAPI_DEFAULT_MAX_OBJECT;
    }
    if (c->max_queries == 0) {
        c->max_queries = NEWSAPI_DEFAULT_MAX_QUERIES;
    }
    if (c->query_wait < 0) {
        c->query_wait = NEWSAPI_DEFAULT_QUERY_WAIT;
    }
    if (c->query_timeout < 0) {
        c->query_timeout = NEWSAPI_DEFAULT_QUERY_TIMEOUT;
    }
    if (!c->utc_offset_set) {
        c->utc_offset_minutes = NEWSAPI_DEFAULT_UTC_OFFSET;
    }
    if (c->flush_interval < 0) {
        c->flush_interval = NEWSAPI_DEFAULT_FLUSH_INTERVAL;
    }
    if (c->online_window < 0) {
        c->online_window = NEWSAPI_DEFAULT_ONLINE_WINDOW;
    }
    if (c->index_size == 0) {
        c->index_size = NEWSAPI_DEFAULT_INDEX_SIZE;
    }
    default_robots = ap_pregcomp(p, NEWSAPI_DEFAULT_ROBOTS,
                                 AP_REG_ICASE | AP_REG_NOSUB);
    global = c;
}

void newsapi_conf_finish(apr_pool_t *p, server_rec *s)
{
    const ap_directive_t *params_without = NULL;
    int nmax = 0;
    server_rec *sp;

    finish_global(p, s, ap_get_module_config(s->module_config,
                                             &newsapi_module));
    scan_dbd_directives(ap_conftree, &nmax, &params_without);
    if (nmax == 0) {
        nmax = NEWSAPI_DBD_DEFAULT_NMAX;
    }
    /* After a database restart every pooled connection of a process is
     * dead and mod_dbd throws away one per failed acquire: one more
     * attempt than the pool holds always reaches a fresh connection. */
    for (sp = s; sp != NULL; sp = sp->next) {
        newsapi_srv_conf_t *c = ap_get_module_config(sp->module_config,
                                                     &newsapi_module);
        if (c->acquire_attempts == 0) {
            c->acquire_attempts = nmax + 1;
        }
    }
    if (params_without != NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0002)
                     "DBDParams at %s:%d lacks reconnect=0: after a database "
                     "restart the MySQL driver reconnects silently and loses "
                     "its prepared statements; mod_newsapi re-prepares its "
                     "own, but other modules' statements fail",
                     params_without->filename, params_without->line_num);
    }
}
