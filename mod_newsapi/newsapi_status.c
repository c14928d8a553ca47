/*
 * newsapi_status.c - the module's figures as a page.
 *
 * One table (figures[] below) describes every figure: its name in each
 * form, whether it is a counter or a gauge, a line of help, and how to
 * read it.  HTML, ?auto, ?json and the Prometheus text format are all
 * rendered from it, so a figure added later is one row and appears
 * everywhere at once.  The figures live in shared memory (newsapi_shm):
 * they are the whole server's, whichever child answers.
 */
#include "apr_strings.h"
#include "http_protocol.h"
#include "mod_status.h"

#include "newsapi_admit.h"
#include "newsapi_cache.h"
#include "newsapi_config.h"
#include "newsapi_index.h"
#include "newsapi_shm.h"
#include "newsapi_status.h"

APLOG_USE_MODULE(newsapi);

/* ---- how the figures are read -------------------------------------- */

static apr_int64_t shm_counter(int c)
{
    return (apr_int64_t)newsapi_shm_get((newsapi_counter_e)c);
}

static apr_int64_t queries_running(int unused)
{
    return newsapi_shm_slots_in_use(newsapi_conf_global()->max_queries);
}

static apr_int64_t queries_max(int unused)
{
    return newsapi_conf_global()->max_queries;
}

static apr_int64_t connections_in_use(int unused)
{
    return newsapi_shm_conns_in_use();
}

static apr_int64_t cache_enabled(int unused)
{
    return newsapi_cache_enabled() ? 1 : 0;
}

static apr_int64_t admit_figure(int which)
{
    return newsapi_admit_figure((newsapi_admit_figure_e)which);
}

/* Names are public: monitoring and scripts read them, so a row is never
 * renamed, only added.  Prometheus names follow its conventions
 * (snake_case; "_total" is added to counters when printed).  The help
 * is the HTML row's label and the Prometheus HELP line. */
#define COUNTER(k, m, h, c) { .key = (k), .metric = (m), \
    .kind = NEWSAPI_FIG_COUNTER, .help = (h), .read = shm_counter, \
    .arg = (c) }
#define GAUGE(k, m, h, f) { .key = (k), .metric = (m), \
    .kind = NEWSAPI_FIG_GAUGE, .help = (h), .read = (f) }
#define ADMIT(k, m, h, a) { .key = (k), .metric = (m), \
    .kind = NEWSAPI_FIG_GAUGE, .help = (h), .read = admit_figure, \
    .arg = (a) }

static const newsapi_status_row_t figures[] = {
    COUNTER("Requests", "requests",
            "API requests answered",
            NEWSAPI_CTR_REQUESTS),
    COUNTER("CacheHits", "cache_hits",
            "API answers served from the cache",
            NEWSAPI_CTR_HITS),
    COUNTER("CacheMisses", "cache_misses",
            "API answers computed by the database",
            NEWSAPI_CTR_MISSES),
    COUNTER("CacheStale", "cache_stale",
            "Expired answers served because the database failed",
            NEWSAPI_CTR_STALE),
    COUNTER("CacheStoreFails", "cache_store_fails",
            "Answers too big for the cache",
            NEWSAPI_CTR_STORE_FAILS),
    COUNTER("LeaseWaits", "lease_waits",
            "Requests that waited for another one computing the same answer",
            NEWSAPI_CTR_LEASE_WAITS),
    COUNTER("LeaseTimeouts", "lease_timeouts",
            "Requests that gave up waiting for that answer",
            NEWSAPI_CTR_LEASE_TIMEOUTS),
    COUNTER("DBQueries", "db_queries",
            "Database queries run",
            NEWSAPI_CTR_DB_QUERIES),
    COUNTER("DBErrors", "db_errors",
            "Database queries or connections that failed",
            NEWSAPI_CTR_DB_ERRORS),
    COUNTER("Busy", "busy",
            "Requests refused with server_busy (no query slot in time)",
            NEWSAPI_CTR_BUSY),
    COUNTER("BusyWaiting", "busy_waiting",
            "Requests refused with server_busy: too many waiting already",
            NEWSAPI_CTR_BUSY_WAITING),
    COUNTER("BusyDBD", "busy_dbd",
            "Requests refused with server_busy: no mod_dbd connection "
            "in time",
            NEWSAPI_CTR_BUSY_DBD),
    COUNTER("DBDownRefused", "db_down_refused",
            "Requests refused with database_unavailable while it was down",
            NEWSAPI_CTR_DOWN_REFUSED),
    COUNTER("DBOutages", "db_outages",
            "Database outages (down after being up)",
            NEWSAPI_CTR_OUTAGES),
    COUNTER("DBProbes", "db_probes",
            "Connections tried to see whether the database is back",
            NEWSAPI_CTR_PROBES),
    COUNTER("DBAcquires", "db_acquires",
            "Connections asked of mod_dbd",
            NEWSAPI_CTR_DB_ACQUIRES),
    COUNTER("ClientErrors", "client_errors",
            "Requests refused before the database was asked "
            "(400, 405, 408, 413, 415)",
            NEWSAPI_CTR_CLIENT_ERRORS),
    GAUGE("DBQueriesRunning", "db_queries_running",
          "Database queries running now",
          queries_running),
    GAUGE("DBQueriesMax", "db_queries_max",
          "Database queries allowed at once (NewsApiMaxDBQueries)",
          queries_max),
    GAUGE("DBConnectionsInUse", "db_connections_in_use",
          "mod_dbd connections held by requests now",
          connections_in_use),
    { .key = "CacheEnabled", .metric = "cache_enabled",
      .kind = NEWSAPI_FIG_FLAG, .help = "1 when answers are cached, else 0",
      .read = cache_enabled },
    ADMIT("DBDown", "db_down",
          "1 while the database is down, else 0",
          NEWSAPI_ADMIT_DOWN),
    ADMIT("DBDownSeconds", "db_down_seconds",
          "Seconds the database has been down (0 when up)",
          NEWSAPI_ADMIT_DOWN_SECONDS),
    ADMIT("DBProbing", "db_probing",
          "1 while a probe of the database is under way",
          NEWSAPI_ADMIT_PROBING),
    ADMIT("DBRefusedThisOutage", "db_refused_this_outage",
          "Requests refused in the current outage",
          NEWSAPI_ADMIT_REFUSED),
    ADMIT("DBWaiting", "db_waiting",
          "Requests waiting for a query slot now",
          NEWSAPI_ADMIT_WAITING),
    ADMIT("DBMaxWaiting", "db_max_waiting",
          "Requests that may wait for a query slot (NewsApiDBMaxWaiting)",
          NEWSAPI_ADMIT_MAX_WAITING)
};

#define NFIGURES (sizeof(figures) / sizeof(figures[0]))

/* Every figure read once, before anything is printed: one answer shows
 * one moment, whatever its form. */
static apr_int64_t *snapshot(apr_pool_t *p)
{
    apr_int64_t *v = apr_palloc(p, NFIGURES * sizeof(*v));
    apr_size_t i;

    for (i = 0; i < NFIGURES; i++) {
        v[i] = figures[i].read(figures[i].arg);
    }
    return v;
}

/* ---- the forms ---------------------------------------------------- */

static void print_auto(request_rec *r, const apr_int64_t *v)
{
    apr_size_t i;

    for (i = 0; i < NFIGURES; i++) {
        ap_rprintf(r, "NewsApi%s: %" APR_INT64_T_FMT "\n", figures[i].key,
                   v[i]);
    }
    ap_rprintf(r, "NewsApiCache: %s\n", newsapi_cache_describe(r->pool));
    newsapi_index_status(r, AP_STATUS_SHORT);
}

static void print_json(request_rec *r, const apr_int64_t *v)
{
    apr_size_t i;

    /* The day index's members first: each ends with its comma. */
    ap_rputs("{", r);
    newsapi_index_status(r, NEWSAPI_INDEX_JSON);
    /* The cache's description is free text from httpd.conf: the JSON
     * form keeps to numbers and flags. */
    for (i = 0; i < NFIGURES; i++) {
        ap_rprintf(r, "%s\"%s\":", i == 0 ? "" : ",", figures[i].key);
        if (figures[i].kind == NEWSAPI_FIG_FLAG) {
            ap_rputs(v[i] ? "true" : "false", r);
        }
        else {
            ap_rprintf(r, "%" APR_INT64_T_FMT, v[i]);
        }
    }
    ap_rputs("}\n", r);
}

/* The Prometheus text exposition format, version 0.0.4. */
static void print_prometheus(request_rec *r, const apr_int64_t *v)
{
    apr_size_t i;

    for (i = 0; i < NFIGURES; i++) {
        const newsapi_status_row_t *f = &figures[i];
        int counter = f->kind == NEWSAPI_FIG_COUNTER;
        const char *name = apr_pstrcat(r->pool, "newsapi_", f->metric,
                                       counter ? "_total" : "", NULL);

        ap_rprintf(r, "# HELP %s %s.\n# TYPE %s %s\n%s %" APR_INT64_T_FMT
                   "\n", name, f->help, name, counter ? "counter" : "gauge",
                   name, v[i]);
    }
    newsapi_index_status(r, NEWSAPI_INDEX_PROMETHEUS);
}

static void print_html(request_rec *r, const apr_int64_t *v)
{
    apr_size_t i;

    ap_rputs("<table>\n", r);
    for (i = 0; i < NFIGURES; i++) {
        ap_rprintf(r, "<tr><th align=\"left\">%s</th><td>", figures[i].help);
        if (figures[i].kind == NEWSAPI_FIG_FLAG) {
            ap_rputs(v[i] ? "yes" : "no", r);
        }
        else {
            ap_rprintf(r, "%" APR_INT64_T_FMT, v[i]);
        }
        ap_rputs("</td></tr>\n", r);
    }
    ap_rputs("</table>\n", r);
    ap_rprintf(r, "<p>Answer cache: %s</p>\n",
               ap_escape_html(r->pool, newsapi_cache_describe(r->pool)));
    newsapi_cache_status(r, 0);
    newsapi_index_status(r, 0);
}

/* ---- the handler --------------------------------------------------- */

typedef enum { FORM_HTML, FORM_AUTO, FORM_JSON, FORM_PROMETHEUS } form_e;

/* The form the query string asks for: "auto" and "json" as mod_status
 * has them, or format=html|auto|json|prometheus; anything else is the
 * page for people. */
static form_e form_of(request_rec *r)
{
    char *args, *tok, *last;

    if (strcmp(r->handler, "newsapi-metrics") == 0) {
        return FORM_PROMETHEUS;
    }
    args = apr_pstrdup(r->pool, r->args ? r->args : "");
    for (tok = apr_strtok(args, "&", &last); tok != NULL;
         tok = apr_strtok(NULL, "&", &last)) {
        if (strncmp(tok, "format=", 7) == 0) {
            tok += 7;
        }
        if (strcmp(tok, "auto") == 0) {
            return FORM_AUTO;
        }
        if (strcmp(tok, "json") == 0) {
            return FORM_JSON;
        }
        if (strcmp(tok, "prometheus") == 0) {
            return FORM_PROMETHEUS;
        }
    }
    return FORM_HTML;
}

int newsapi_status_handler(request_rec *r)
{
    apr_int64_t *v;

    if (strcmp(r->handler, "newsapi-status") != 0
        && strcmp(r->handler, "newsapi-metrics") != 0) {
        return DECLINED;
    }
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    v = snapshot(r->pool);
    switch (form_of(r)) {
    case FORM_JSON:
        ap_set_content_type(r, "application/json; charset=utf-8");
        print_json(r, v);
        break;
    case FORM_AUTO:
        ap_set_content_type(r, "text/plain; charset=utf-8");
        print_auto(r, v);
        newsapi_cache_status(r, AP_STATUS_SHORT);
        break;
    case FORM_PROMETHEUS:
        ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
        print_prometheus(r, v);
        break;
    default:
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rputs(DOCTYPE_HTML_4_01 "<html><head><title>mod_newsapi status"
                 "</title></head><body>\n<h1>mod_newsapi status</h1>\n", r);
        print_html(r, v);
        ap_rputs("</body></html>\n", r);
    }
    return OK;
}

int newsapi_status_hook(request_rec *r, int flags)
{
    apr_int64_t *v = snapshot(r->pool);

    if (flags & AP_STATUS_SHORT) {
        print_auto(r, v);
    }
    else {
        ap_rputs("<hr>\n<h2>mod_newsapi</h2>\n", r);
        print_html(r, v);
    }
    return OK;
}
