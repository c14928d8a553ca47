/*
 * newsapi_status.c - the counters of newsapi_shm.c as a page.
 *
 * One table of (key, counter) drives all three forms, so a counter added
 * to the module shows up everywhere at once.
 */
#include "apr_strings.h"
#include "http_protocol.h"
#include "mod_status.h"

#include "newsapi_cache.h"
#include "newsapi_config.h"
#include "newsapi_index.h"
#include "newsapi_shm.h"
#include "newsapi_status.h"

APLOG_USE_MODULE(newsapi);

static const struct {
    const char *key;            /* ?auto and JSON name */
    const char *label;          /* HTML */
    newsapi_counter_e counter;
} counters[] = {
    { "Requests", "API requests", NEWSAPI_CTR_REQUESTS },
    { "CacheHits", "answered from the cache", NEWSAPI_CTR_HITS },
    { "CacheMisses", "answered from the database", NEWSAPI_CTR_MISSES },
    { "CacheStale", "stale answers on a db fault", NEWSAPI_CTR_STALE },
    { "CacheStoreFails", "answers too big to cache",
      NEWSAPI_CTR_STORE_FAILS },
    { "LeaseWaits", "waited for another's fill", NEWSAPI_CTR_LEASE_WAITS },
    { "LeaseTimeouts", "gave up waiting for a fill",
      NEWSAPI_CTR_LEASE_TIMEOUTS },
    { "DBQueries", "database queries", NEWSAPI_CTR_DB_QUERIES },
    { "DBErrors", "database errors", NEWSAPI_CTR_DB_ERRORS },
    { "Busy", "refused: query slots busy", NEWSAPI_CTR_BUSY },
    { "ClientErrors", "client errors (4xx)", NEWSAPI_CTR_CLIENT_ERRORS }
};

#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))

static void print_auto(request_rec *r, int queries_running)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    apr_size_t i;

    for (i = 0; i < NCOUNTERS; i++) {
        ap_rprintf(r, "NewsApi%s: %" APR_UINT64_T_FMT "\n", counters[i].key,
                   newsapi_shm_get(counters[i].counter));
    }
    ap_rprintf(r, "NewsApiDBQueriesRunning: %d\nNewsApiDBQueriesMax: %d\n"
               "NewsApiDBConnectionsInUse: %ld\n", queries_running,
               g->max_queries, newsapi_shm_conns_in_use());
    ap_rprintf(r, "NewsApiCache: %s\n", newsapi_cache_describe(r->pool));
    newsapi_index_status(r, AP_STATUS_SHORT);
}

static void print_json(request_rec *r, int queries_running)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    apr_size_t i;

    ap_rputs("{", r);
    newsapi_index_status(r, NEWSAPI_INDEX_JSON);
    for (i = 0; i < NCOUNTERS; i++) {
        ap_rprintf(r, "\"%s\":%" APR_UINT64_T_FMT ",", counters[i].key,
                   newsapi_shm_get(counters[i].counter));
    }
    /* The cache's description is free text from httpd.conf: the JSON
     * form keeps to numbers and flags. */
    ap_rprintf(r, "\"DBQueriesRunning\":%d,\"DBQueriesMax\":%d,"
               "\"DBConnectionsInUse\":%ld,\"CacheEnabled\":%s}\n",
               queries_running, g->max_queries, newsapi_shm_conns_in_use(),
               newsapi_cache_enabled() ? "true" : "false");
}

static void print_html(request_rec *r, int queries_running)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    apr_size_t i;

    ap_rputs("<table>\n", r);
    for (i = 0; i < NCOUNTERS; i++) {
        ap_rprintf(r, "<tr><th align=\"left\">%s</th><td>%" APR_UINT64_T_FMT
                   "</td></tr>\n", counters[i].label,
                   newsapi_shm_get(counters[i].counter));
    }
    ap_rprintf(r, "<tr><th align=\"left\">database queries running</th>"
               "<td>%d of %d</td></tr>\n<tr><th align=\"left\">mod_dbd "
               "connections held</th><td>%ld</td></tr>\n</table>\n",
               queries_running, g->max_queries, newsapi_shm_conns_in_use());
    ap_rprintf(r, "<p>Answer cache: %s</p>\n",
               ap_escape_html(r->pool, newsapi_cache_describe(r->pool)));
    newsapi_cache_status(r, 0);
    newsapi_index_status(r, 0);
}

int newsapi_status_handler(request_rec *r)
{
    int running = newsapi_shm_slots_in_use(newsapi_conf_global()->max_queries);
    const char *args = r->args ? r->args : "";

    if (strcmp(r->handler, "newsapi-status") != 0) {
        return DECLINED;
    }
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (ap_strstr_c(args, "json")) {
        ap_set_content_type(r, "application/json; charset=utf-8");
        print_json(r, running);
    }
    else if (ap_strstr_c(args, "auto")) {
        ap_set_content_type(r, "text/plain; charset=utf-8");
        print_auto(r, running);
        newsapi_cache_status(r, AP_STATUS_SHORT);
    }
    else {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rputs(DOCTYPE_HTML_4_01 "<html><head><title>mod_newsapi status"
                 "</title></head><body>\n<h1>mod_newsapi status</h1>\n", r);
        print_html(r, running);
        ap_rputs("</body></html>\n", r);
    }
    return OK;
}

int newsapi_status_hook(request_rec *r, int flags)
{
    int running = newsapi_shm_slots_in_use(newsapi_conf_global()->max_queries);

    if (flags & AP_STATUS_SHORT) {
        print_auto(r, running);
    }
    else {
        ap_rputs("<hr>\n<h2>mod_newsapi</h2>\n", r);
        print_html(r, running);
    }
    return OK;
}
