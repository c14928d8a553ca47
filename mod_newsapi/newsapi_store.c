/*
 * newsapi_store.c - running the admin's SQL on mod_dbd's pooled
 * connections.
 *
 * Statements are prepared on each connection the first time it runs
 * them and kept in the connection's own table (ap_dbd_t.prepared), not
 * registered with ap_dbd_prepare at startup: mod_dbd refuses a whole
 * connection when any registered statement fails to prepare, so a
 * default query against a schema the admin does not have (or one wrong
 * NewsApi*Query) would take down every module sharing the pool.
 * Preparing here also lets us recover when the MySQL driver reconnected
 * behind our back (reconnect=1) and the server forgot the statements.
 */
#include <stdarg.h>

#include "apr_dbd.h"
#include "apr_strings.h"
#include "mod_dbd.h"

#include "newsapi_admit.h"
#include "newsapi_dbstate.h"
#include "newsapi_render.h"
#include "newsapi_shm.h"
#include "newsapi_config.h"
#include "newsapi_store.h"

APLOG_USE_MODULE(newsapi);

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;
static APR_OPTIONAL_FN_TYPE(ap_dbd_open) *dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) *dbd_close;

/* Where a statement runs: inside a request (connection released with its
 * pool) or on its own, as the visit flusher does. */
typedef struct {
    request_rec *r;
    server_rec *s;
    apr_pool_t *p;
} call_t;

static void say(const call_t *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(const call_t *c, int level, const char *fmt, ...)
{
    const char *msg;
    va_list ap;

    va_start(ap, fmt);
    msg = apr_pvsprintf(c->p, fmt, ap);
    va_end(ap);
    if (c->r != NULL) {
        ap_log_rerror(APLOG_MARK, level, 0, c->r, "%s", msg);
    }
    else {
        ap_log_error(APLOG_MARK, level, 0, c->s, "%s", msg);
    }
}

int newsapi_store_bind(server_rec *s)
{
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (dbd_acquire == NULL || dbd_open == NULL || dbd_close == NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, NEWSAPI_LOGNO(0001)
                     "mod_dbd is not loaded: add 'LoadModule dbd_module "
                     "modules/mod_dbd.so' (a2enmod dbd) before mod_newsapi");
        return -1;
    }
    return 0;
}

static apr_status_t conn_released(void *data)
{
    (void)data;
    newsapi_shm_conns_add(-1);
    return APR_SUCCESS;
}

/* mod_dbd gives a request the same connection every time and releases it
 * with the request's pool: count it once, uncount it then. */
static void note_conn(request_rec *r)
{
    void *seen = NULL;

    apr_pool_userdata_get(&seen, "newsapi_conn", r->pool);
    if (seen == NULL) {
        apr_pool_userdata_setn(r, "newsapi_conn", conn_released, r->pool);
        newsapi_shm_conns_add(1);
    }
}

/* A query that runs on (a missing index, a locked table) would hold a
 * query slot and a pooled connection for as long as it runs: ask the
 * server to stop it.  Done once per connection, remembered in its table
 * of statements.  MariaDB knows max_statement_time (seconds), MySQL 5.7+
 * max_execution_time (milliseconds, SELECT only); a server that knows
 * neither keeps no limit, which is logged once per connection. */
static void limit_statement_time(const call_t *c, ap_dbd_t *conn)
{
    static const char mark[] = "newsapi_timeout_set";
    long secs = newsapi_conf_global()->query_timeout;
    long wait = newsapi_conf_global()->query_wait;
    int nrows = 0;

    if (apr_hash_get(conn->prepared, mark, APR_HASH_KEY_STRING)) {
        return;
    }
    apr_hash_set(conn->prepared, mark, APR_HASH_KEY_STRING, mark);
    /* A statement blocked by a table lock (LOCK TABLES, a schema change)
     * waits no longer than a request waits for a query slot: the lock
     * may be held for minutes, and every blocked statement holds a slot
     * and a connection.  Both servers know lock_wait_timeout. */
    apr_dbd_query(conn->driver, conn->handle, &nrows, apr_psprintf(
        c->p, "SET SESSION lock_wait_timeout = %ld", wait > 1 ? wait : 1));
    if (secs <= 0) {
        return;
    }
    if (apr_dbd_query(conn->driver, conn->handle, &nrows, apr_psprintf(
            c->p, "SET SESSION max_statement_time = %ld", secs)) == 0) {
        return;
    }
    if (apr_dbd_query(conn->driver, conn->handle, &nrows, apr_psprintf(
            c->p, "SET SESSION max_execution_time = %ld", secs * 1000)) != 0) {
        say(c, APLOG_WARNING, NEWSAPI_LOGNO(0206) "the database accepts "
            "neither max_statement_time nor max_execution_time: "
            "NewsApiDBQueryTimeout does not apply");
    }
}

/* With reconnect=0 mod_dbd hands out a dead pooled connection once, finds
 * it dead and throws it away, returning NULL.  After a database restart
 * every pooled connection is dead, so keep asking: the bound (DBDMax + 1
 * unless NewsApiDBAcquireAttempts says otherwise) reaches a new one.
 * While the database is marked down nothing is asked: the probe of
 * newsapi_dbstate finds out when it is back. */
static ap_dbd_t *acquire(const call_t *c)
{
    newsapi_srv_conf_t *conf = ap_get_module_config(c->s->module_config,
                                                    &newsapi_module);
    int attempts = conf->acquire_attempts > 0 ? conf->acquire_attempts
                                              : NEWSAPI_DBD_DEFAULT_NMAX + 1;
    const char *why = NULL;
    int i;

    if (newsapi_dbstate_is_down()) {
        return NULL;
    }
    for (i = 1; i <= attempts && why == NULL; i++) {
        ap_dbd_t *conn;

        newsapi_shm_add(NEWSAPI_CTR_DB_ACQUIRES, 1);
        conn = c->r ? dbd_acquire(c->r) : dbd_open(c->p, c->s);
        /* A NULL is a dead pooled connection thrown away, or the database
         * gone: one connection of our own tells which, so that a database
         * that is gone costs one attempt, not DBDMax + 1. */
        if (conn == NULL && i == 1) {
            why = newsapi_dbstate_probe(c->s, c->p);
        }
        if (conn != NULL) {
            limit_statement_time(c, conn);
            if (c->r) {
                note_conn(c->r);
            }
            if (i > 1) {
                say(c, APLOG_DEBUG, NEWSAPI_LOGNO(0204) "database "
                    "connection obtained at attempt %d (dead pooled "
                    "connections discarded)", i);
            }
            return conn;
        }
    }
    newsapi_shm_add(NEWSAPI_CTR_DB_ERRORS, 1);
    if (why == NULL && !newsapi_dbstate_is_down()) {
        say(c, APLOG_ERR, NEWSAPI_LOGNO(0201) "no database connection after "
            "%d attempts; mod_dbd's messages above give the cause",
            attempts);
    }
    newsapi_dbstate_failed(c->s, why ? apr_pstrcat(c->p, "no connection: ",
                                                   why, NULL)
                                     : apr_psprintf(c->p, "no connection "
                                                    "from mod_dbd after %d "
                                                    "attempts", attempts));
    return NULL;
}

/* Errors that say the statement itself is wrong (schema, syntax,
 * privileges): retrying will not help and the admin must fix the SQL. */
static int is_statement_fault(int err)
{
    switch (err) {
    case 1044: case 1051: case 1052: case 1054: case 1060: case 1064:
    case 1142: case 1143: case 1146: case 1149: case 1210: case 1222:
    case 1241: case 1242: case 1247: case 1248: case 1250: case 1305:
        return 1;
    default:
        return 0;
    }
}

/* Errors of a database that is up but slow: a statement stopped by
 * NewsApiDBQueryTimeout (MariaDB 1969, MySQL 3024), interrupted (1317),
 * or that waited too long for a lock (1205, 1213).  They fail one
 * request, not the database. */
static int is_slow(int err)
{
    return err == 1969 || err == 3024 || err == 1317 || err == 1205
           || err == 1213;
}

/* Errors that say the database (or the way to it) is out, not this
 * statement: the client library's own (2000-2999: no connection, server
 * gone, connection lost), refused or dropped connections (too many,
 * access denied, shutting down, network errors, killed).  Anything else
 * (a constraint, bad data) fails one statement only. */
static int is_outage(int err)
{
    switch (err) {
    case 1040: case 1045: case 1053: case 1077: case 1078: case 1079:
    case 1080: case 1152: case 1153: case 1154: case 1155: case 1156:
    case 1157: case 1158: case 1159: case 1160: case 1161: case 1184:
    case 1203: case 1226: case 1927: case 4031:
        return 1;
    default:
        return err >= 2000 && err < 3000;
    }
}

static newsapi_error_t *unavailable(apr_pool_t *p)
{
    return newsapi_error_make(p, 503, NEWSAPI_E_DB, NULL,
                              "the portal database is not available; "
                              "try again later");
}

static newsapi_error_t *misconfigured(apr_pool_t *p)
{
    return newsapi_error_make(p, 500, NEWSAPI_E_INTERNAL, NULL,
                              "the server's query for this endpoint is "
                              "misconfigured; the error log says why");
}

static newsapi_error_t *db_fault(const call_t *c, ap_dbd_t *conn,
                                 const newsapi_query_t *q, const char *what,
                                 int err)
{
    const char *msg = apr_dbd_error(conn->driver, conn->handle, err);
    int internal = is_statement_fault(err);

    msg = (msg && *msg) ? msg : "(no message)";
    newsapi_shm_add(NEWSAPI_CTR_DB_ERRORS, 1);
    /* Once the database is marked down, its story is newsapi_dbstate's:
     * the requests that were running when it went are not told again. */
    if (!is_outage(err) || !newsapi_dbstate_is_down()) {
        say(c, APLOG_ERR, NEWSAPI_LOGNO(0202) "%s of %s failed: database "
            "error %d: %s%s", what, q->directive, err, msg,
            internal ? " (check the SQL against your schema)" : "");
    }
    if (is_outage(err)) {
        newsapi_dbstate_failed(c->s, apr_psprintf(c->p, "%s of %s: error "
                                                  "%d: %s", what,
                                                  q->directive, err, msg));
    }
    return internal ? misconfigured(c->p) : unavailable(c->p);
}

static int prepare(const call_t *c, ap_dbd_t *conn, const newsapi_query_t *q,
                   apr_dbd_prepared_t **stmt)
{
    int rv;

    *stmt = NULL;
    rv = apr_dbd_prepare(conn->driver, conn->pool, conn->handle, q->sql,
                         q->label, stmt);
    if (rv == 0) {
        apr_hash_set(conn->prepared, apr_pstrdup(conn->pool, q->label),
                     APR_HASH_KEY_STRING, *stmt);
        say(c, APLOG_TRACE1, "mod_newsapi: prepared %s on a new connection",
            q->directive);
    }
    return rv;
}

static int run(const call_t *c, ap_dbd_t *conn, const newsapi_query_t *q,
               apr_dbd_prepared_t *stmt, const char *const *args,
               apr_dbd_results_t **res)
{
    int nrows = 0;

    if (res == NULL) {
        return apr_dbd_pquery(conn->driver, c->p, conn->handle, &nrows, stmt,
                              q->nparams, (const char **)args);
    }
    *res = NULL;
    return apr_dbd_pselect(conn->driver, c->p, conn->handle, res, stmt, 0,
                           q->nparams, (const char **)args);
}

/* Prepares if needed and runs; a statement prepared by an earlier
 * request that now fails may have been lost to a silent reconnect, so it
 * is prepared again and run once more.  res NULL: not a SELECT. */
static newsapi_error_t *execute(const call_t *c, ap_dbd_t *conn,
                                const newsapi_query_t *q,
                                const char *const *args,
                                apr_dbd_results_t **res)
{
    apr_dbd_prepared_t *stmt = apr_hash_get(conn->prepared, q->label,
                                            APR_HASH_KEY_STRING);
    int was_cached = stmt != NULL;
    int rv;

    newsapi_shm_add(NEWSAPI_CTR_DB_QUERIES, 1);
    if (!was_cached && (rv = prepare(c, conn, q, &stmt)) != 0) {
        return db_fault(c, conn, q, "preparing", rv);
    }
    rv = run(c, conn, q, stmt, args, res);
    /* Not for a slow statement (it would wait as long again) nor a lost
     * connection (preparing fails too). */
    if (rv != 0 && was_cached && !is_slow(rv) && rv != 2006 && rv != 2013) {
        say(c, APLOG_INFO, NEWSAPI_LOGNO(0205) "%s failed with error %d on "
            "a pooled connection; preparing it again", q->directive, rv);
        apr_hash_set(conn->prepared, q->label, APR_HASH_KEY_STRING, NULL);
        if ((rv = prepare(c, conn, q, &stmt)) != 0) {
            return db_fault(c, conn, q, "preparing", rv);
        }
        rv = run(c, conn, q, stmt, args, res);
    }
    return rv != 0 ? db_fault(c, conn, q, "running", rv) : NULL;
}

/* A sequential result must be read to its end, or the connection goes
 * back to the pool out of sync with the server. */
static void drain(ap_dbd_t *conn, apr_pool_t *p, apr_dbd_results_t *res)
{
    apr_dbd_row_t *row = NULL;

    while (apr_dbd_get_row(conn->driver, p, res, &row, -1) == 0) {
        /* discard */
    }
}

static newsapi_error_t *read_rows(const call_t *c, ap_dbd_t *conn,
                                  const newsapi_query_t *q,
                                  apr_dbd_results_t *res, int ncols,
                                  apr_array_header_t **rows)
{
    apr_dbd_row_t *row = NULL;
    int got = apr_dbd_num_cols(conn->driver, res);
    int rv, i;

    if (ncols == NEWSAPI_ANY_COLUMNS) {
        ncols = got > 0 ? 1 : 0;
    }
    else if (got != ncols) {
        drain(conn, c->p, res);
        say(c, APLOG_ERR, NEWSAPI_LOGNO(0203) "%s returns %d columns where "
            "%d are expected (see the README for the columns and their "
            "order)", q->directive, got, ncols);
        return misconfigured(c->p);
    }
    *rows = apr_array_make(c->p, 64, sizeof(newsapi_row_t));
    while ((rv = apr_dbd_get_row(conn->driver, c->p, res, &row, -1)) == 0) {
        newsapi_row_t *out = apr_array_push(*rows);

        out->values = apr_palloc(c->p, sizeof(char *) * ncols);
        for (i = 0; i < ncols; i++) {
            /* The driver reuses its buffers at the next fetch: copy now. */
            const char *v = apr_dbd_get_entry(conn->driver, row, i);

            out->values[i] = v ? apr_pstrdup(c->p, v) : NULL;
        }
    }
    return rv != -1 ? db_fault(c, conn, q, "reading the result", rv) : NULL;
}

static newsapi_error_t *select_rows(const call_t *c,
                                    const newsapi_query_t *q,
                                    const char *const *args, int ncols,
                                    apr_array_header_t **rows)
{
    apr_dbd_results_t *res = NULL;
    newsapi_error_t *e;
    ap_dbd_t *conn;

    /* A request holds its place in mod_dbd until its pool goes (as the
     * connection does); outside requests it is given back below. */
    if (c->r != NULL) {
        if ((e = newsapi_admit_dbd_request(c->r)) != NULL) {
            return e;
        }
    }
    else if (newsapi_admit_dbd_take(c->s) != 0) {
        return newsapi_error_make(c->p, 503, NEWSAPI_E_BUSY, NULL,
                                  "no database connection came in time");
    }
    if ((conn = acquire(c)) == NULL) {
        if (c->r == NULL) {
            newsapi_admit_dbd_give(c->s);
        }
        return unavailable(c->p);
    }
    e = execute(c, conn, q, args, &res);
    if (e == NULL) {
        e = read_rows(c, conn, q, res, ncols, rows);
    }
    if (c->r == NULL) {
        dbd_close(c->s, conn);
        newsapi_admit_dbd_give(c->s);
    }
    return e;
}

newsapi_error_t *newsapi_store_select(request_rec *r,
                                      const newsapi_query_t *q,
                                      const char *const *args, int ncols,
                                      apr_array_header_t **rows)
{
    call_t c = { r, r->server, r->pool };

    return select_rows(&c, q, args, ncols, rows);
}

newsapi_error_t *newsapi_store_select_outside(server_rec *s, apr_pool_t *p,
                                              const newsapi_query_t *q,
                                              const char *const *args,
                                              int ncols,
                                              apr_array_header_t **rows)
{
    call_t c = { NULL, s, p };

    return select_rows(&c, q, args, ncols, rows);
}

apr_status_t newsapi_store_exec(server_rec *s, apr_pool_t *p,
                                const newsapi_query_t *q,
                                const char *const *args)
{
    call_t c = { NULL, s, p };
    newsapi_error_t *e;
    ap_dbd_t *conn;

    if (newsapi_admit_dbd_take(s) != 0) {
        return APR_ECONNREFUSED;
    }
    if ((conn = acquire(&c)) == NULL) {
        newsapi_admit_dbd_give(s);
        return APR_ECONNREFUSED;
    }
    e = execute(&c, conn, q, args, NULL);
    dbd_close(s, conn);
    newsapi_admit_dbd_give(s);
    return e == NULL ? APR_SUCCESS : APR_EGENERAL;
}

/* The loader's rows can be millions: read them one at a time instead of
 * copying the result as read_rows does. */
apr_status_t newsapi_store_each(server_rec *s, apr_pool_t *p,
                                const newsapi_query_t *q,
                                const char *const *args, int ncols,
                                newsapi_store_row_fn *each, void *baton)
{
    call_t c = { NULL, s, p };
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char **values = apr_palloc(p, sizeof(char *) * ncols);
    apr_status_t rv = APR_SUCCESS;
    ap_dbd_t *conn;
    int got, i, err = 0;

    if ((conn = acquire(&c)) == NULL) {
        return APR_ECONNREFUSED;
    }
    if (execute(&c, conn, q, args, &res) != NULL) {
        dbd_close(s, conn);
        return APR_EGENERAL;
    }
    if ((got = apr_dbd_num_cols(conn->driver, res)) != ncols) {
        say(&c, APLOG_ERR, NEWSAPI_LOGNO(0690) "%s returns %d columns where "
            "%d are expected", q->directive, got, ncols);
        rv = APR_EGENERAL;
    }
    while (rv == APR_SUCCESS
           && (err = apr_dbd_get_row(conn->driver, p, res, &row, -1)) == 0) {
        for (i = 0; i < ncols; i++) {
            values[i] = apr_dbd_get_entry(conn->driver, row, i);
        }
        if (each(baton, values) != 0) {
            rv = APR_EINVAL;
        }
    }
    if (rv != APR_SUCCESS) {
        drain(conn, p, res);
    }
    else if (err != -1) {
        db_fault(&c, conn, q, "reading the result", err);
        rv = APR_EGENERAL;
    }
    dbd_close(s, conn);
    return rv;
}
