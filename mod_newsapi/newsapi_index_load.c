/*
 * newsapi_index_load.c - filling the day index, off the request path, in
 * one process: a mod_watchdog singleton that every second decides, per
 * family, whether a full load (at start, and every NewsApiCachePastTTL:
 * back-dated and deleted articles) or a refresh of the recent days
 * (yesterday, today and every later day, every NewsApiCacheTTL) is due.
 *
 * A full load is checked against the endpoint queries themselves before
 * it is published (a recent month, a random past range, one district's
 * communes): an index that counts differently from the SQL it stands in
 * for must never answer.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "apr_atomic.h"
#include "apr_strings.h"
#include "mod_watchdog.h"

#include "newsapi_date.h"
#include "newsapi_days.h"
#include "newsapi_index_shm.h"
#include "newsapi_render.h"
#include "newsapi_store.h"

APLOG_USE_MODULE(newsapi);

#define FIRST_MIDNIGHT "1000-01-01 00:00:00"
#define LAST_MIDNIGHT  "9999-12-31 00:00:00"
#define RETRY          apr_time_from_sec(5)

/* The daily query's rows, parsed as they come. */
typedef struct {
    apr_array_header_t *rows;
    const char *bad;            /* the first value that is not right */
    int stopped;                /* the child began to exit */
} collect_t;

/* A child may begin to exit while its loader reads the database.  mod_dbd
 * destroys its connection pool with the child's pool, and a connection
 * still held then fails apr_reslist's assertion: SIGABRT at exit.  So,
 * before anything of the child's pool is cleaned up, the child says it
 * is stopping and waits (a few seconds at most) until no tick is under
 * way; a load stops at the next row it reads.  Both flags are set and
 * read with full barriers: either the tick sees stopping, or the exiting
 * thread sees the tick busy. */
#define QUIESCE_WAIT apr_time_from_sec(5)

static volatile apr_uint32_t ticks_busy;
static volatile apr_uint32_t child_stopping;

static int stopping(void)
{
    return apr_atomic_read32(&child_stopping) != 0;
}

static apr_status_t loader_quiesce(void *data)
{
    server_rec *s = data;
    apr_time_t deadline = apr_time_now() + QUIESCE_WAIT;

    apr_atomic_set32(&child_stopping, 1);
    while (apr_atomic_read32(&ticks_busy) != 0
           && apr_time_now() < deadline) {
        apr_sleep(10000);
    }
    if (apr_atomic_read32(&ticks_busy) != 0) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0606)
                     "the day index loader still holds a database "
                     "connection %" APR_TIME_T_FMT " s after the process "
                     "began to exit", apr_time_sec(QUIESCE_WAIT));
    }
    return APR_SUCCESS;
}

void newsapi_idx_loader_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_atomic_set32(&child_stopping, 0);
    apr_atomic_set32(&ticks_busy, 0);
    apr_pool_pre_cleanup_register(pchild, s, loader_quiesce);
}

static int parse_day(const char *v, long *day)
{
    newsapi_date_t d;
    size_t n = v ? strlen(v) : 0;

    /* A DATETIME column ("yyyy-mm-dd 00:00:00") names its day too. */
    if (n < 10 || (n > 10 && v[10] != ' ')
        || newsapi_date_parse(v, 10, &d) != NEWSAPI_DATE_OK) {
        return -1;
    }
    *day = newsapi_date_to_days(&d);
    return 0;
}

static int collect(void *baton, const char *const *v)
{
    collect_t *c = baton;
    newsapi_days_row_t *row;
    long long count;

    if (stopping()) {
        c->stopped = 1;
        return 1;
    }
    row = apr_array_push(c->rows);

    if (newsapi_render_parse_int(v[0], &row->site) != 0) {
        c->bad = apr_psprintf(c->rows->pool, "site id '%s'", v[0]);
    }
    else if (parse_day(v[1], &row->day) != 0) {
        c->bad = apr_psprintf(c->rows->pool, "day '%s'", v[1]);
    }
    else if (newsapi_render_parse_int(v[2], &count) != 0 || count < 0) {
        c->bad = apr_psprintf(c->rows->pool, "count '%s'", v[2]);
    }
    row->count = (unsigned long long)count;
    return c->bad != NULL;
}

/* Runs the daily query over [from, LAST_MIDNIGHT) into c->rows. */
static apr_status_t daily(idx_t *x, server_rec *s, apr_pool_t *p,
                          const char *from, collect_t *c)
{
    const char *args[2] = { from, LAST_MIDNIGHT };
    apr_status_t rv;

    rv = newsapi_store_each(s, p, x->daily, args, 3, collect, c);
    if (c->stopped) {
        return APR_EINTR;       /* the process exits: nothing to tell */
    }
    if (rv == APR_EINVAL) {
        newsapi_idx_set_state(x, IDX_FAILED, "%s returned a %s",
                              x->daily->directive, c->bad);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, NEWSAPI_LOGNO(0610)
                     "%s day index: %s returned a %s (columns: site id, "
                     "day yyyy-mm-dd, count); answering from SQL",
                     x->fam->name, x->daily->directive, c->bad);
    }
    else if (rv != APR_SUCCESS) {
        x->ctl->failures++;
        if (apr_atomic_read32(&x->ctl->state) != IDX_READY) {
            newsapi_idx_set_state(x, IDX_LOADING, "%s failed; the error "
                                  "log says why", x->daily->directive);
        }
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0611)
                     "%s day index not refreshed: %s failed (the index "
                     "keeps its last good copy)", x->fam->name,
                     x->daily->directive);
    }
    return rv;
}

/* The first row where the index counts differently from the SQL. */
typedef struct {
    const void *buf;
    apr_size_t cap;
    const idx_shape_t *sh;
    long from, to;
    int differs;
    long long site;
    unsigned long long sql, idx;
    const char *district;       /* a district id seen, for the communes */
    int nrows;
    apr_pool_t *p;
} compare_t;

static int compare_row(void *baton, const char *const *v)
{
    compare_t *c = baton;
    long long site, want, total = -1;
    unsigned long long got = 0, got_total = 0;

    /* The communes are checked in one district: the fourth one (or the
     * only one) of the district answer. */
    if (!c->sh->want_district && (c->nrows == 0 || c->nrows == 3)) {
        c->district = apr_pstrdup(c->p, v[0]);
    }
    c->nrows++;
    if (newsapi_render_parse_int(v[c->sh->site_col], &site) != 0
        || newsapi_render_parse_int(v[c->sh->count_col], &want) != 0
        || (c->sh->total_col >= 0
            && newsapi_render_parse_int(v[c->sh->total_col], &total) != 0)) {
        c->differs = 1;
        c->site = -1;
        return 1;
    }
    newsapi_days_count(c->buf, c->cap, site, c->from, c->to, &got);
    if (c->sh->total_col >= 0) {
        newsapi_days_count(c->buf, c->cap, site, NEWSAPI_DAYS_MIN, c->to,
                           &got_total);
    }
    if (got != (unsigned long long)want
        || (total >= 0 && got_total != (unsigned long long)total)) {
        c->differs = 1;
        c->site = site;
        c->sql = got != (unsigned long long)want ? (unsigned long long)want
                                                  : (unsigned long long)total;
        c->idx = got != (unsigned long long)want ? got : got_total;
        return 1;
    }
    return 0;
}

/* Compares one range of one endpoint query; 0 when all rows agree. */
static int compare_range(idx_t *x, server_rec *s, apr_pool_t *p,
                         const void *buf, const idx_shape_t *sh,
                         const char *district, long from, long to,
                         compare_t *c)
{
    const newsapi_query_t *q = sh->want_district ? x->commune : x->district;
    char a[NEWSAPI_DATETIME_BUFSZ], b[NEWSAPI_DATETIME_BUFSZ];
    const char *args[3];
    newsapi_date_t df, dt;
    apr_status_t rv;

    memset(c, 0, sizeof(*c));
    c->buf = buf;
    c->cap = x->ctl->copy_size;
    c->sh = sh;
    c->from = from;
    c->to = to;
    c->p = p;
    newsapi_date_from_days(from, &df);
    newsapi_date_from_days(to, &dt);
    newsapi_date_format_midnight(&df, 0, a);
    newsapi_date_format_midnight(&dt, 1, b);
    args[0] = district;
    args[1] = a;
    args[2] = b;
    rv = newsapi_store_each(s, p, q, sh->want_district ? args : args + 1,
                            sh->ncols, compare_row, c);
    if (rv != APR_SUCCESS && rv != APR_EINVAL) {
        return -1;
    }
    if (c->differs) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, NEWSAPI_LOGNO(0612)
                     "%s day index disagrees with %s on %.10s..%.10s%s%s: "
                     "site %" APR_INT64_T_FMT " counts %" APR_UINT64_T_FMT
                     " there and %" APR_UINT64_T_FMT " in the index "
                     "(does %s count what it counts?); answering from SQL "
                     "until a full load agrees", x->fam->name, q->directive,
                     a, b, district ? " district " : "",
                     district ? district : "", (apr_int64_t)c->site,
                     (apr_uint64_t)c->sql, (apr_uint64_t)c->idx,
                     x->daily->directive);
        newsapi_idx_set_state(x, IDX_MISMATCH, "differs from %s on "
                              "%.10s..%.10s, site %" APR_INT64_T_FMT ": %"
                              APR_UINT64_T_FMT " there, %" APR_UINT64_T_FMT
                              " here", q->directive, a, b,
                              (apr_int64_t)c->site, (apr_uint64_t)c->sql,
                              (apr_uint64_t)c->idx);
    }
    return c->differs;
}

static long today_days(void)
{
    newsapi_date_t t;

    newsapi_date_today(apr_time_sec(apr_time_now()),
                       newsapi_conf_global()->utc_offset_minutes, &t);
    return newsapi_date_to_days(&t);
}

/* 0 when the copy in buf answers as the endpoint queries do on a recent
 * month, a random past range and one district's communes. */
static int verify(idx_t *x, server_rec *s, apr_pool_t *p, const void *buf,
                  const newsapi_days_info_t *info)
{
    long today = today_days(), span, from, len;
    compare_t c;
    int rv;

    if ((rv = compare_range(x, s, p, buf, &x->fam->district, NULL,
                            today - 30, today, &c)) != 0) {
        return rv;
    }
    span = today - 31 - info->first_day;
    from = info->first_day + (span > 0 ? (long)(apr_time_now() % span) : 0);
    len = 1 + (long)((apr_time_now() / 7) % 1000);
    if ((rv = compare_range(x, s, p, buf, &x->fam->district, NULL, from,
                            from + len, &c)) != 0 || c.district == NULL) {
        return rv;
    }
    return compare_range(x, s, p, buf, &x->fam->commune, c.district,
                         today - 30, today, &c);
}

/* An endpoint query's rows, copied as they come. */
typedef struct {
    apr_array_header_t *rows;
    int ncols;
} rows_t;

static int keep_row(void *baton, const char *const *v)
{
    rows_t *c = baton;
    newsapi_row_t *row = apr_array_push(c->rows);
    int i;

    row->values = apr_palloc(c->rows->pool, sizeof(char *) * c->ncols);
    for (i = 0; i < c->ncols; i++) {
        row->values[i] = v[i] ? apr_pstrdup(c->rows->pool, v[i]) : NULL;
    }
    return 0;
}

static apr_array_header_t *rows_of(server_rec *s, apr_pool_t *p,
                                   const newsapi_query_t *q,
                                   const idx_shape_t *sh,
                                   const char *district)
{
    static const char empty[] = "1000-01-01 00:00:00";
    const char *args[3] = { district, empty, empty };
    rows_t c;

    c.rows = apr_array_make(p, 64, sizeof(newsapi_row_t));
    c.ncols = sh->ncols;
    if (newsapi_store_each(s, p, q, sh->want_district ? args : args + 1,
                           sh->ncols, keep_row, &c) != APR_SUCCESS) {
        return NULL;
    }
    return c.rows;
}

/* Puts the rows of the answers after the day counts in buf (copy copy):
 * fetched afresh at a full load, carried over from the published copy
 * at a refresh.  Without them (no room, a query failed) the answers
 * fetch their rows themselves. */
static void put_rows(idx_t *x, server_rec *s, apr_pool_t *p, char *buf,
                     int copy, apr_size_t days_bytes, int full)
{
    idx_ctl_t *ctl = x->ctl;
    apr_size_t off = (days_bytes + 7) & ~(apr_size_t)7, used = 0;
    apr_size_t cap = (apr_size_t)ctl->copy_size - off;
    apr_array_header_t *list, *communes;
    apr_hash_t *seen = apr_hash_make(p);
    int i, pub = (int)apr_atomic_read32(&ctl->published);

    ctl->rows_off[copy - 1] = off;
    ctl->rows_len[copy - 1] = 0;
    if (off > ctl->copy_size) {
        return;
    }
    if (!full) {
        if (pub > 0 && ctl->rows_len[pub - 1] <= cap) {
            memcpy(buf + off, x->copies + (apr_size_t)(pub - 1)
                   * ctl->copy_size + ctl->rows_off[pub - 1],
                   (apr_size_t)ctl->rows_len[pub - 1]);
            ctl->rows_len[copy - 1] = ctl->rows_len[pub - 1];
        }
        return;
    }
    list = rows_of(s, p, x->district, &x->fam->district, NULL);
    if (list == NULL || newsapi_idx_rows_put(buf + off, cap, &used,
                                             IDX_ROWS_DISTRICTS, 0, list,
                                             x->fam->district.ncols) != 0) {
        return;
    }
    for (i = 0; i < list->nelts; i++) {
        const char *id = APR_ARRAY_IDX(list, i, newsapi_row_t).values[0];
        long long district;

        if (id == NULL || apr_hash_get(seen, id, APR_HASH_KEY_STRING)
            || newsapi_render_parse_int(id, &district) != 0) {
            continue;
        }
        apr_hash_set(seen, id, APR_HASH_KEY_STRING, id);
        communes = rows_of(s, p, x->commune, &x->fam->commune, id);
        if (communes == NULL) {
            return;             /* what is kept so far still answers */
        }
        if (communes->nelts > 0
            && newsapi_idx_rows_put(buf + off, cap, &used,
                                    IDX_ROWS_COMMUNES, district, communes,
                                    x->fam->commune.ncols) != 0) {
            break;
        }
        ctl->rows_len[copy - 1] = used;
    }
    ctl->rows_len[copy - 1] = used;
}

/* Builds rows into the spare copy and, when verify is set and agrees
 * (or is not asked for), publishes it. */
static int build(idx_t *x, server_rec *s, apr_pool_t *p,
                 apr_array_header_t *rows, apr_time_t t0, int check)
{
    idx_ctl_t *ctl = x->ctl;
    newsapi_days_info_t info;
    newsapi_days_status_e st;
    apr_size_t needed = 0;
    int copy, ok;
    void *buf = newsapi_idx_write_begin(x, &copy);

    st = newsapi_days_build((newsapi_days_row_t *)rows->elts,
                            (size_t)rows->nelts, (unsigned)(x->fam - 
                            newsapi_idx_families), t0, buf,
                            (size_t)ctl->copy_size, &needed);
    ctl->needed = needed;
    if (st == NEWSAPI_DAYS_TOO_SMALL) {
        newsapi_idx_write_end(x, copy, 0);
        newsapi_idx_set_state(x, IDX_TOO_SMALL, "needs %" APR_SIZE_T_FMT
                              " bytes; NewsApiIndexSize is %" APR_UINT64_T_FMT,
                              needed, ctl->copy_size);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, NEWSAPI_LOGNO(0613)
                     "%s day index needs %" APR_SIZE_T_FMT " bytes, more "
                     "than NewsApiIndexSize %" APR_UINT64_T_FMT ": answering "
                     "from SQL (raise NewsApiIndexSize)", x->fam->name,
                     needed, ctl->copy_size);
        return -1;
    }
    if (st != NEWSAPI_DAYS_OK) {
        newsapi_idx_write_end(x, copy, 0);
        newsapi_idx_set_state(x, IDX_FAILED, "%s returned a day out of "
                              "range or counts that overflow",
                              x->daily->directive);
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, NEWSAPI_LOGNO(0614)
                     "%s day index: %s returned a day out of 1000-01-01.."
                     "9999-12-31 or counts too large; answering from SQL",
                     x->fam->name, x->daily->directive);
        return -1;
    }
    newsapi_days_info(buf, (size_t)ctl->copy_size, &info);
    ok = !check || verify(x, s, p, buf, &info) == 0;
    if (strcmp(ctl->fingerprint, x->fingerprint) != 0) {
        /* A graceful restart changed the SQL while this generation's
         * loader worked: what it built is not the new SQL's. */
        newsapi_idx_write_end(x, copy, 0);
        return -1;
    }
    if (!ok) {
        newsapi_idx_write_end(x, copy, 0);
        if (apr_atomic_read32(&ctl->state) != IDX_MISMATCH) {
            ctl->failures++;    /* the check's queries failed: retry */
        }
        return -1;
    }
    put_rows(x, s, p, buf, copy, info.bytes, check);
    newsapi_idx_write_end(x, copy, 1);
    ctl->sites = info.nsites;
    ctl->entries = info.nentries;
    ctl->bytes = info.bytes;
    ctl->first_day = info.first_day;
    ctl->last_day = info.last_day;
    newsapi_idx_set_state(x, IDX_READY, "answering");
    return 0;
}

static void load(idx_t *x, server_rec *s, apr_pool_t *p, int full)
{
    idx_ctl_t *ctl = x->ctl;
    apr_time_t t0 = apr_time_now(), db;
    char from[NEWSAPI_DATETIME_BUFSZ];
    newsapi_date_t yd;
    collect_t c;
    long yesterday = today_days() - 1;

    c.rows = apr_array_make(p, 65536, sizeof(newsapi_days_row_t));
    c.bad = NULL;
    c.stopped = 0;
    newsapi_date_from_days(yesterday, &yd);
    newsapi_date_format_midnight(&yd, 0, from);
    if (full) {
        ctl->full_tried_at = t0;
    }
    ctl->recent_tried_at = t0;
    if (daily(x, s, p, full ? FIRST_MIDNIGHT : from, &c) != APR_SUCCESS
        || stopping()) {
        return;
    }
    db = apr_time_now() - t0;
    if (!full) {
        /* The older days of the published copy, then the new ones. */
        const void *old = x->copies + (apr_size_t)
                          (apr_atomic_read32(&ctl->published) - 1)
                          * ctl->copy_size;
        size_t n = newsapi_days_rows(old, (size_t)ctl->copy_size, yesterday,
                                     NULL, 0);
        newsapi_days_row_t *kept = apr_palloc(p, (n + 1) * sizeof(*kept));
        apr_array_header_t *all = apr_array_make(p, (int)n + c.rows->nelts
                                                 + 1, sizeof(*kept));

        newsapi_days_rows(old, (size_t)ctl->copy_size, yesterday, kept, n);
        newsapi_days_sort((newsapi_days_row_t *)c.rows->elts,
                          (size_t)c.rows->nelts);
        all->nelts = (int)newsapi_days_merge(
                         kept, n, (newsapi_days_row_t *)c.rows->elts,
                         (size_t)c.rows->nelts,
                         (newsapi_days_row_t *)all->elts);
        c.rows = all;
    }
    if (build(x, s, p, c.rows, t0, full) != 0) {
        return;
    }
    ctl->recent_ok_at = t0;
    ctl->recent_took = apr_time_now() - t0;
    ctl->recent_db_took = db;
    if (full) {
        ctl->full_ok_at = t0;
        ctl->full_took = ctl->recent_took;
        ctl->full_db_took = db;
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, NEWSAPI_LOGNO(0615)
                     "%s day index loaded: %" APR_UINT64_T_FMT " sites, %"
                     APR_UINT64_T_FMT " site-days, %" APR_UINT64_T_FMT
                     " of %" APR_UINT64_T_FMT " bytes in %" APR_TIME_T_FMT
                     " ms (database %" APR_TIME_T_FMT " ms); checked "
                     "against the endpoint queries", x->fam->name,
                     ctl->sites, ctl->entries, ctl->bytes, ctl->copy_size,
                     ctl->full_took / 1000, db / 1000);
    }
    else {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, NEWSAPI_LOGNO(0616)
                     "%s day index: recent days refreshed in %"
                     APR_TIME_T_FMT " ms (database %" APR_TIME_T_FMT " ms)",
                     x->fam->name, ctl->recent_took / 1000, db / 1000);
    }
}

static apr_interval_time_t at_least_1s(apr_interval_time_t t)
{
    return t < apr_time_from_sec(1) ? apr_time_from_sec(1) : t;
}

/* A pid counts as alive unless the kernel says there is no such one. */
static int pid_alive(apr_uint32_t pid)
{
    return pid != 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH);
}

static void tick_family(idx_t *x, server_rec *s, apr_pool_t *ptick)
{
    idx_ctl_t *ctl = x->ctl;
    apr_time_t now = apr_time_now();
    apr_interval_time_t recent = at_least_1s(x->ttl);
    apr_interval_time_t past = at_least_1s(x->past_ttl);
    apr_uint32_t me = (apr_uint32_t)getpid(), holder;
    int ready = apr_atomic_read32(&ctl->state) == IDX_READY;
    int full = -1;
    apr_pool_t *p;

    if (!ready || ctl->full_ok_at == 0) {
        if (now - ctl->full_tried_at >= (recent < RETRY ? recent : RETRY)) {
            full = 1;
        }
    }
    else if (now - ctl->full_tried_at >= past) {
        full = 1;
    }
    else if (now - ctl->recent_tried_at >= recent) {
        full = 0;
    }
    if (full < 0 || strcmp(ctl->fingerprint, x->fingerprint) != 0) {
        return;
    }
    holder = apr_atomic_cas32(&ctl->loader, me, 0);
    if (holder != 0 && holder != me) {
        if (pid_alive(holder)
            || apr_atomic_cas32(&ctl->loader, me, holder) != holder) {
            return;
        }
    }
    if (apr_pool_create(&p, ptick) == APR_SUCCESS) {
        load(x, s, p, full);
        apr_pool_destroy(p);
    }
    /* When the answers computed now become old: the end of the next
     * refresh, if it takes as long as this one. */
    ctl->next_recent_at = ctl->recent_tried_at + recent + ctl->recent_took;
    ctl->next_full_at = ctl->full_tried_at + past + ctl->full_took;
    apr_atomic_set32(&ctl->loader, 0);
}

static apr_status_t tick(int state, void *data, apr_pool_t *p)
{
    int i;

    if (state != AP_WATCHDOG_STATE_RUNNING) {
        return APR_SUCCESS;
    }
    apr_atomic_inc32(&ticks_busy);
    for (i = 0; i < IDX_FAMILIES && !stopping(); i++) {
        if (newsapi_idx[i].on && newsapi_idx[i].ctl != NULL) {
            tick_family(&newsapi_idx[i], data, p);
        }
    }
    apr_atomic_dec32(&ticks_busy);
    return APR_SUCCESS;
}

apr_status_t newsapi_idx_loader_start(apr_pool_t *pconf, server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *reg;
    ap_watchdog_t *wd = NULL;
    apr_status_t rv;

    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    reg = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (get_instance == NULL || reg == NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, NEWSAPI_LOGNO(0604)
                     "the day index needs mod_watchdog to be loaded: "
                     "answering from SQL (or say NewsApiIndex Off)");
        return APR_SUCCESS;
    }
    /* Its own singleton: a full load must not hold back the visit
     * flusher, which has a watchdog of its own. */
    rv = get_instance(&wd, "newsapi-index", 0, 1, pconf);
    if (rv == APR_SUCCESS) {
        rv = reg(wd, apr_time_from_sec(1), s, tick);
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0605)
                     "cannot start the day index loader");
    }
    return rv;
}
