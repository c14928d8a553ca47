/*
 * mod_newsapi - news and visitor counts of Vietnamese e-portals, served
 * as the JSON APIs a provincial Department of Information and
 * Communications asks for (see README.md).
 *
 * This file is the table of contents: the endpoints, the directives, the
 * hooks and the handler.  The work lives in the newsapi_*.c files:
 *   newsapi_config   directives and configuration records
 *   newsapi_endpoint the request path every endpoint shares
 *   newsapi_http     method, media type, body in; JSON answers out
 *   newsapi_source   where a missed answer comes from (index, else SQL)
 *   newsapi_days     the day counts of every site in a flat buffer (pure)
 *   newsapi_index    the day index: shared memory, loader, answers
 *   newsapi_request  JSON body parsing and validation (pure)
 *   newsapi_date     calendar days (pure)
 *   newsapi_store    SQL on mod_dbd's pooled connections
 *   newsapi_render   JSON answers and error bodies (pure)
 *   newsapi_sql      configuration-time checks of the admin's SQL (pure)
 *   newsapi_cache    the answer cache on a socache provider
 *   newsapi_shm      counters, stampede leases and query slots
 *   newsapi_admit    who may wait for the database, and how long
 *   newsapi_dbstate  the database up or down, for all processes
 *   newsapi_limits   the numbers behind both (pure)
 *   newsapi_status   the status page (HTML, ?auto, ?json, Prometheus),
 *                    /metrics and the mod_status section
 *   newsapi_visits   counting page views and flushing them
 *   newsapi_portals  the portal list: one district, no-portal notes (pure)
 *   newsapi_hosts    the list's host names for the visit counter (shm)
 */
#include "ap_provider.h"
#include "http_core.h"
#include "http_main.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_status.h"

#include "newsapi.h"
#include "newsapi_admit.h"
#include "newsapi_config.h"
#include "newsapi_dbstate.h"
#include "newsapi_endpoint.h"
#include "newsapi_index.h"
#include "newsapi_portals.h"
#include "newsapi_shm.h"
#include "newsapi_status.h"
#include "newsapi_store.h"
#include "newsapi_visits.h"

/* The answers' keys, fixed by the Department's request (SPEC.md). */
static const newsapi_column_t district_columns[] = {
    { "Huyen_Id",  NEWSAPI_COL_ID },
    { "Ten_Huyen", NEWSAPI_COL_TEXT },
    { "Id",        NEWSAPI_COL_ID },
    { "Name",      NEWSAPI_COL_TEXT },
    { "SoLuong",   NEWSAPI_COL_COUNT }
};

static const newsapi_column_t commune_columns[] = {
    { "Id",        NEWSAPI_COL_ID },
    { "Name",      NEWSAPI_COL_TEXT },
    { "SoLuong",   NEWSAPI_COL_COUNT }
};

static const newsapi_column_t visits_district_columns[] = {
    { "Huyen_Id",        NEWSAPI_COL_ID },
    { "Ten_Huyen",       NEWSAPI_COL_TEXT },
    { "Id",              NEWSAPI_COL_ID },
    { "Name",            NEWSAPI_COL_TEXT },
    { "SoLuotTruyCap",   NEWSAPI_COL_COUNT },
    { "TongLuotTruyCap", NEWSAPI_COL_COUNT },
    { "DangTruyCap",     NEWSAPI_COL_COUNT }    /* counted by this Apache */
};

static const newsapi_column_t visits_commune_columns[] = {
    { "Id",              NEWSAPI_COL_ID },
    { "Name",            NEWSAPI_COL_TEXT },
    { "SoLuotTruyCap",   NEWSAPI_COL_COUNT },
    { "TongLuotTruyCap", NEWSAPI_COL_COUNT },
    { "DangTruyCap",     NEWSAPI_COL_COUNT }
};

/* Appendix II: every unit, with its portal or none. */
static const newsapi_column_t portal_columns[] = {
    { "Huyen_Id",   NEWSAPI_COL_ID },
    { "Ten_Don_Vi", NEWSAPI_COL_TEXT },
    { "Cap",        NEWSAPI_COL_ID },
    { "Id",         NEWSAPI_COL_INT_OR_NULL },
    { "Dia_Chi",    NEWSAPI_COL_TEXT_OR_NULL },
    { "Ghi_Chu",    NEWSAPI_COL_TEXT }          /* from Id being NULL */
};

/* Sets both .columns and .ncolumns of an endpoint from one array. */
#define COLUMNS(c) (c), .ncolumns = (int)(sizeof(c) / sizeof((c)[0]))

static const newsapi_endpoint_t endpoints[] = {
    {
        .handler = "newsapi-district",
        .want_district = 0,
        .query = NEWSAPI_Q_DISTRICT,
        .district_list = -1,
        .columns = COLUMNS(district_columns),
        .online_site_column = -1
    },
    {
        .handler = "newsapi-commune",
        .want_district = 1,
        .query = NEWSAPI_Q_COMMUNE,
        .district_list = NEWSAPI_Q_DISTRICT,
        .district_list_ncols = 5,
        .columns = COLUMNS(commune_columns),
        .online_site_column = -1
    },
    {
        .handler = "newsapi-visits-district",
        .want_district = 0,
        .query = NEWSAPI_Q_VISITS_DISTRICT,
        .district_list = -1,
        .columns = COLUMNS(visits_district_columns),
        .online_site_column = 2         /* Id */
    },
    {
        .handler = "newsapi-visits-commune",
        .want_district = 1,
        .query = NEWSAPI_Q_VISITS_COMMUNE,
        .district_list = NEWSAPI_Q_VISITS_DISTRICT,
        .district_list_ncols = 6,
        .columns = COLUMNS(visits_commune_columns),
        .online_site_column = 0         /* Id */
    },
    {
        .handler = "newsapi-portals",
        .want_district = NEWSAPI_DISTRICT_OPTIONAL,
        .no_dates = 1,
        .query = NEWSAPI_Q_PORTALS,
        .district_list = -1,
        .columns = COLUMNS(portal_columns),
        .online_site_column = -1,
        .derive = newsapi_portals_rows,
        .derived_columns = 1            /* Ghi_Chu */
    }
};

static const command_rec newsapi_cmds[] = {
    AP_INIT_TAKE1("NewsApiDistrictQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_DISTRICT, RSRC_CONF | ACCESS_CONF,
                  "SQL for newsapi-district; parameters: range start, "
                  "range end (exclusive); columns: Huyen_Id, Ten_Huyen, "
                  "Id, Name, SoLuong"),
    AP_INIT_TAKE1("NewsApiCommuneQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_COMMUNE, RSRC_CONF | ACCESS_CONF,
                  "SQL for newsapi-commune; parameters: Huyen_Id, range "
                  "start, range end (exclusive); columns: Id, Name, SoLuong"),
    AP_INIT_TAKE1("NewsApiDistrictExistsQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_DISTRICT_EXISTS, RSRC_CONF | ACCESS_CONF,
                  "SQL returning a row when Huyen_Id (its one parameter) "
                  "is a district"),
    AP_INIT_TAKE1("NewsApiVisitsDistrictQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_VISITS_DISTRICT, RSRC_CONF | ACCESS_CONF,
                  "SQL for newsapi-visits-district; parameters: range start, "
                  "range end (exclusive); columns: Huyen_Id, Ten_Huyen, Id, "
                  "Name, SoLuotTruyCap, TongLuotTruyCap"),
    AP_INIT_TAKE1("NewsApiVisitsCommuneQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_VISITS_COMMUNE, RSRC_CONF | ACCESS_CONF,
                  "SQL for newsapi-visits-commune; parameters: Huyen_Id, "
                  "range start, range end (exclusive); columns: Id, Name, "
                  "SoLuotTruyCap, TongLuotTruyCap"),
    AP_INIT_TAKE1("NewsApiPortalsQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_PORTALS, RSRC_CONF | ACCESS_CONF,
                  "SQL for newsapi-portals; no parameters; columns: "
                  "Huyen_Id, Ten_Don_Vi, Cap, Id (NULL: no portal), "
                  "Dia_Chi"),
    AP_INIT_TAKE1("NewsApiMaxRangeDays", newsapi_set_dir_number,
                  (void *)NEWSAPI_N_MAX_RANGE, RSRC_CONF | ACCESS_CONF,
                  "Longest range in days, both ends counted (0: no limit; "
                  "default 3660)"),
    AP_INIT_TAKE1("NewsApiMaxBodySize", newsapi_set_dir_number,
                  (void *)NEWSAPI_N_MAX_BODY, RSRC_CONF | ACCESS_CONF,
                  "Largest request body in bytes (default 8192)"),
    AP_INIT_TAKE1("NewsApiDBAcquireAttempts", newsapi_set_attempts, NULL,
                  RSRC_CONF,
                  "Connections to ask mod_dbd for before giving up "
                  "(default: the largest DBDMax + 1)"),
    /* The answer cache */
    AP_INIT_TAKE1("NewsApiCache", newsapi_set_cache, NULL, RSRC_CONF,
                  "socache provider:args for answers, e.g. "
                  "shmcb:/run/apache2/newsapi(8388608), or none"),
    AP_INIT_TAKE1("NewsApiCacheMaxObject", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_MAX_OBJECT, RSRC_CONF,
                  "Largest answer in bytes that is cached (default 131072)"),
    AP_INIT_TAKE1("NewsApiCacheTTL", newsapi_set_dir_number,
                  (void *)NEWSAPI_N_TTL, RSRC_CONF | ACCESS_CONF,
                  "Seconds an answer for a range reaching today stays fresh "
                  "(default 60; 0: not cached)"),
    AP_INIT_TAKE1("NewsApiCachePastTTL", newsapi_set_dir_number,
                  (void *)NEWSAPI_N_PAST_TTL, RSRC_CONF | ACCESS_CONF,
                  "Seconds an answer for a range wholly in the past stays "
                  "fresh (default 3600; 0: not cached)"),
    AP_INIT_TAKE1("NewsApiCacheStaleTime", newsapi_set_dir_number,
                  (void *)NEWSAPI_N_STALE, RSRC_CONF | ACCESS_CONF,
                  "Seconds past freshness an answer may still be served "
                  "when the database fails (default 86400; 0: never)"),
    AP_INIT_TAKE1("NewsApiCacheLockWait", newsapi_set_dir_number,
                  (void *)NEWSAPI_N_LEASE_WAIT, RSRC_CONF | ACCESS_CONF,
                  "Seconds a request waits for another one filling the "
                  "same answer (default 10)"),
    /* Protecting the portal database */
    AP_INIT_TAKE1("NewsApiMaxDBQueries", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_MAX_QUERIES, RSRC_CONF,
                  "Database queries running at once, all processes "
                  "together (default 8)"),
    AP_INIT_TAKE1("NewsApiDBQueryWait", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_QUERY_WAIT, RSRC_CONF,
                  "Seconds a request waits for a query slot and a "
                  "connection before a 503 (default 3)"),
    AP_INIT_TAKE1("NewsApiDBMaxWaiting", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_MAX_WAITING, RSRC_CONF,
                  "Requests that may wait for a query slot at once, all "
                  "processes together; the others get 503 at once "
                  "(default: a quarter of MaxRequestWorkers)"),
    AP_INIT_TAKE1("NewsApiDBQueryTimeout", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_QUERY_TIMEOUT, RSRC_CONF,
                  "Seconds a statement may run before the database stops "
                  "it (default 30; 0: no limit)"),
    AP_INIT_TAKE1("NewsApiUTCOffset", newsapi_set_utc_offset, NULL,
                  RSRC_CONF,
                  "The portals' time zone, for what 'today' is "
                  "(default +07:00)"),
    /* The visitor counter Apache keeps itself */
    AP_INIT_FLAG("NewsApiCountVisits", newsapi_set_count_visits, NULL,
                 RSRC_CONF | ACCESS_CONF,
                 "On: count page views served here (default Off)"),
    AP_INIT_TAKE1("NewsApiSiteId", newsapi_set_site_id, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "The portal site id the page views here belong to"),
    AP_INIT_TAKE2("NewsApiSiteHost", newsapi_set_site_host, NULL, RSRC_CONF,
                  "A host name and the portal site id of its page views"),
    AP_INIT_FLAG("NewsApiSiteHostsFromList", newsapi_set_hosts_from_list,
                 NULL, RSRC_CONF,
                 "On: page views of a host name the portal list "
                 "(NewsApiPortalsQuery) gives a site count for that site "
                 "(default Off)"),
    AP_INIT_TAKE1("NewsApiVisitRobots", newsapi_set_robots, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "Regular expression (case-insensitive) of User-Agents "
                  "not counted, or none"),
    AP_INIT_TAKE1("NewsApiVisitFlushInterval", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_FLUSH_INTERVAL, RSRC_CONF,
                  "Seconds between flushes of the counts (default 60)"),
    AP_INIT_TAKE1("NewsApiVisitFlushQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_VISIT_FLUSH, RSRC_CONF,
                  "SQL adding page views; parameters: site id, day "
                  "(yyyy-mm-dd), increment"),
    /* The day index: ranges answered from shared memory */
    AP_INIT_FLAG("NewsApiIndex", newsapi_set_index, NULL, RSRC_CONF,
                 "On: answer ranges from the day index where its daily "
                 "query is known (default); Off: always the SQL"),
    AP_INIT_TAKE1("NewsApiIndexSize", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_INDEX_SIZE, RSRC_CONF,
                  "Bytes of one copy of a family's day index (default "
                  "67108864; shared memory holds two per family)"),
    AP_INIT_TAKE1("NewsApiNewsDailyQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_NEWS_DAILY, RSRC_CONF,
                  "SQL of the news day index; parameters: range start, "
                  "range end (exclusive); columns: site Id, day "
                  "(yyyy-mm-dd), count"),
    AP_INIT_TAKE1("NewsApiVisitsDailyQuery", newsapi_set_query,
                  (void *)NEWSAPI_Q_VISITS_DAILY, RSRC_CONF,
                  "SQL of the visits day index; parameters: range start, "
                  "range end (exclusive); columns: site Id, day "
                  "(yyyy-mm-dd), page views"),
    AP_INIT_TAKE1("NewsApiOnlineWindow", newsapi_set_server_number,
                  (void *)NEWSAPI_SRV_ONLINE_WINDOW, RSRC_CONF,
                  "Minutes a visitor counts as online (default 5)"),
    { NULL }
};

static int newsapi_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    newsapi_cache_pre_config(pconf);
    newsapi_visits_pre_config();
    return OK;
}

static int newsapi_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp, server_rec *s)
{
    const newsapi_srv_conf_t *g;

    (void)plog;
    if (newsapi_store_bind(s) != 0) {
        return !OK;
    }
    newsapi_conf_finish(pconf, s);
    newsapi_admit_post_config(s);
    /* The first of the two startup passes only checks the configuration:
     * shared memory made now would be thrown away. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    g = newsapi_conf_global();
    if (newsapi_shm_setup(s) != APR_SUCCESS
        || newsapi_dbstate_setup(pconf, s) != APR_SUCCESS
        || newsapi_cache_post_config(pconf, ptemp, s, &g->cache,
                                     g->cache_max_object) != APR_SUCCESS
        || newsapi_visits_post_config(pconf, s) != APR_SUCCESS
        || newsapi_index_post_config(pconf, s) != APR_SUCCESS) {
        return !OK;
    }
    return OK;
}

static void newsapi_child_init(apr_pool_t *p, server_rec *s)
{
    newsapi_cache_child_init(p, s);
    newsapi_admit_child_init(p, s);
    newsapi_visits_child_init(p, s);
    newsapi_index_child_init(p, s);
}

static int newsapi_handler(request_rec *r)
{
    size_t i;

    if (r->handler == NULL) {
        return DECLINED;
    }
    if (strcmp(r->handler, "newsapi-status") == 0
        || strcmp(r->handler, "newsapi-metrics") == 0) {
        return newsapi_status_handler(r);
    }
    for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
        if (strcmp(r->handler, endpoints[i].handler) == 0) {
            return newsapi_endpoint_serve(r, &endpoints[i]);
        }
    }
    return DECLINED;
}

static void newsapi_register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_pre_config(newsapi_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(newsapi_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(newsapi_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(newsapi_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(newsapi_visits_log, NULL, NULL, APR_HOOK_MIDDLE);
    APR_OPTIONAL_HOOK(ap, status_hook, newsapi_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(newsapi) = {
    STANDARD20_MODULE_STUFF,
    newsapi_create_dir_conf,
    newsapi_merge_dir_conf,
    newsapi_create_srv_conf,
    newsapi_merge_srv_conf,
    newsapi_cmds,
    newsapi_register_hooks
};
