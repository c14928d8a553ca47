/*
 * newsapi_index.c - the day index's shared memory: one anonymous segment
 * per family, made in the process pool so that it outlives graceful
 * restarts, and how readers and the one loader share its two copies.
 *
 *   +-------------------------------------------------------------+ 0
 *   | control block (idx_ctl_t, 4096 bytes): published copy (0,1,2)|
 *   | state, seq[2] (odd while copy i is written), figures,        |
 *   | fingerprint of the SQL the copies were built by              |
 *   +-------------------------------------------------------------+ 4096
 *   | copy 1: NewsApiIndexSize bytes, a newsapi_days buffer        |
 *   +-------------------------------------------------------------+
 *   | copy 2: NewsApiIndexSize bytes                               |
 *   +-------------------------------------------------------------+
 *
 * The loader builds into the copy that is not published, then publishes
 * it with one atomic store: a reader never meets a half-built copy, and
 * a failed build leaves the published one as it was.  A reader notes the
 * sequence number of the copy it reads and checks it again when done: a
 * reader slow enough for the loader to rewrite that copy (two refreshes
 * later) sees the number changed, throws its counts away and asks the
 * SQL.  Until then newsapi_days' bounds checks keep it inside the copy.
 * Nothing is locked, so a process killed anywhere leaves nothing held.
 */
#include <stdarg.h>
#include <stdio.h>

#include "apr_atomic.h"
#include "apr_sha1.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "http_protocol.h"
#include "mod_status.h"

#include "newsapi_days.h"
#include "newsapi_index_shm.h"

APLOG_USE_MODULE(newsapi);

#define IDX_MAGIC    0x4e414958u    /* "NAIX" */
#define IDX_VERSION  1u
#define IDX_CTL_SIZE 4096

const idx_family_t newsapi_idx_families[IDX_FAMILIES] = {
    {
        .name = "news",
        .daily = NEWSAPI_Q_NEWS_DAILY,
        .district = { .query = NEWSAPI_Q_DISTRICT, .ncols = 5,
                      .site_col = 2, .count_col = 4, .total_col = -1 },
        .commune = { .query = NEWSAPI_Q_COMMUNE, .ncols = 3,
                     .site_col = 0, .count_col = 2, .total_col = -1,
                     .want_district = 1 }
    },
    {
        .name = "visits",
        .daily = NEWSAPI_Q_VISITS_DAILY,
        .district = { .query = NEWSAPI_Q_VISITS_DISTRICT, .ncols = 6,
                      .site_col = 2, .count_col = 4, .total_col = 5 },
        .commune = { .query = NEWSAPI_Q_VISITS_COMMUNE, .ncols = 4,
                     .site_col = 0, .count_col = 2, .total_col = 3,
                     .want_district = 1 }
    }
};

idx_t newsapi_idx[IDX_FAMILIES];

static const char *const state_names[IDX_NSTATES] = {
    "off", "loading", "ready", "too-small", "mismatch", "failed"
};

/* Reads of the control words are atomic operations, full barriers: a
 * reader's counts are read between its two looks at seq, never before
 * or after them. */
static apr_uint32_t read32(volatile apr_uint32_t *v)
{
    return apr_atomic_cas32(v, 0, 0);
}

static apr_uint64_t read64(volatile apr_uint64_t *v)
{
    return apr_atomic_add64(v, 0);
}

const void *newsapi_idx_pin(idx_t *x, int *copy, apr_uint64_t *ticket)
{
    apr_uint32_t pub;

    if (x->ctl == NULL || read32(&x->ctl->state) != IDX_READY
        || (pub = read32(&x->ctl->published)) == 0 || pub > 2) {
        return NULL;
    }
    *copy = (int)pub;
    *ticket = read64(&x->ctl->seq[pub - 1]);
    if (*ticket & 1) {
        return NULL;
    }
    return x->copies + (apr_size_t)(pub - 1) * x->ctl->copy_size;
}

int newsapi_idx_unpin(idx_t *x, int copy, apr_uint64_t ticket)
{
    return read64(&x->ctl->seq[copy - 1]) == ticket;
}

void *newsapi_idx_write_begin(idx_t *x, int *copy)
{
    *copy = read32(&x->ctl->published) == 1 ? 2 : 1;
    apr_atomic_inc64(&x->ctl->seq[*copy - 1]);
    return x->copies + (apr_size_t)(*copy - 1) * x->ctl->copy_size;
}

void newsapi_idx_write_end(idx_t *x, int copy, int publish)
{
    apr_atomic_inc64(&x->ctl->seq[copy - 1]);
    if (publish) {
        apr_atomic_set32(&x->ctl->published, (apr_uint32_t)copy);
    }
}

void newsapi_idx_set_state(idx_t *x, idx_state_e st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    apr_vsnprintf(x->ctl->why, sizeof(x->ctl->why), fmt, ap);
    va_end(ap);
    apr_atomic_set32(&x->ctl->state, st);
}

/* What a copy's content depends on: a graceful restart with the same
 * SQL keeps the copies, a changed one loads them again. */
static const char *fingerprint(apr_pool_t *p, const idx_t *x)
{
    unsigned char digest[APR_SHA1_DIGESTSIZE];
    char *hex = apr_palloc(p, 2 * sizeof(digest) + 1);
    const newsapi_query_t *q[3] = { x->daily, x->district, x->commune };
    apr_sha1_ctx_t ctx;
    int i;

    apr_sha1_init(&ctx);
    for (i = 0; i < 3; i++) {
        apr_sha1_update_binary(&ctx, (const unsigned char *)q[i]->sql,
                               (unsigned int)strlen(q[i]->sql) + 1);
    }
    apr_sha1_final(digest, &ctx);
    ap_bin2hex(digest, sizeof(digest), hex);
    return hex;
}

/* The segment of a family, or the one an earlier generation made with
 * the same size.  Not zeroed by hand: fresh anonymous memory is zero and
 * only the pages a copy uses become resident. */
static char *segment(server_rec *s, const char *key, apr_size_t size)
{
    apr_pool_t *pp = s->process->pool;
    apr_shm_t *seg = NULL;
    apr_status_t rv;
    void *data = NULL;

    apr_pool_userdata_get(&data, key, pp);
    if (data != NULL && apr_shm_size_get(data) == size) {
        return apr_shm_baseaddr_get(data);
    }
    rv = apr_shm_create(&seg, size, NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, NEWSAPI_LOGNO(0601)
                     "cannot create %" APR_SIZE_T_FMT " bytes of shared "
                     "memory for the day index (NewsApiIndexSize)", size);
        return NULL;
    }
    apr_pool_userdata_set(seg, key, apr_pool_cleanup_null, pp);
    return apr_shm_baseaddr_get(seg);
}

/* On unless NewsApiIndex Off, or unless the admin replaced an endpoint
 * query of the family but gave it no daily query: the reference daily
 * query would count the reference tables, not theirs. */
static void decide(apr_pool_t *p, idx_t *x, const newsapi_dir_conf_t *d,
                   const newsapi_srv_conf_t *g)
{
    const idx_family_t *f = x->fam;

    x->daily = newsapi_conf_query(d, f->daily);
    x->district = newsapi_conf_query(d, f->district.query);
    x->commune = newsapi_conf_query(d, f->commune.query);
    x->ttl = apr_time_from_sec(newsapi_conf_number(d, NEWSAPI_N_TTL));
    x->past_ttl = apr_time_from_sec(newsapi_conf_number(d,
                                                        NEWSAPI_N_PAST_TTL));
    x->stale = apr_time_from_sec(newsapi_conf_number(d, NEWSAPI_N_STALE));
    x->on = 1;
    x->off_why = NULL;
    if (g->index_on == 0) {
        x->on = 0;
        x->off_why = "NewsApiIndex Off";
    }
    else if (!newsapi_conf_query_set(d, f->daily)
             && (newsapi_conf_query_set(d, f->district.query)
                 || newsapi_conf_query_set(d, f->commune.query))) {
        x->on = 0;
        x->off_why = apr_psprintf(p, "the %s queries are the admin's and "
                                  "%s is not set", f->name,
                                  newsapi_conf_query(d, f->daily)->directive);
    }
}

apr_status_t newsapi_index_post_config(apr_pool_t *pconf, server_rec *s)
{
    const newsapi_srv_conf_t *g = newsapi_conf_global();
    const newsapi_dir_conf_t *d = ap_get_module_config(s->lookup_defaults,
                                                       &newsapi_module);
    int i, any = 0;

    for (i = 0; i < IDX_FAMILIES; i++) {
        idx_t *x = &newsapi_idx[i];
        apr_size_t size = IDX_CTL_SIZE + 2 * g->index_size;
        char *base;

        memset(x, 0, sizeof(*x));
        x->fam = &newsapi_idx_families[i];
        decide(pconf, x, d, g);
        if (!x->on) {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, NEWSAPI_LOGNO(0602)
                         "%s day index off: %s", x->fam->name, x->off_why);
            continue;
        }
        base = segment(s, apr_pstrcat(pconf, "mod_newsapi_index_",
                                      x->fam->name, NULL), size);
        if (base == NULL) {
            return APR_ENOMEM;
        }
        x->ctl = (idx_ctl_t *)base;
        x->copies = base + IDX_CTL_SIZE;
        x->fingerprint = fingerprint(pconf, x);
        if (x->ctl->magic != IDX_MAGIC || x->ctl->version != IDX_VERSION
            || strcmp(x->ctl->fingerprint, x->fingerprint) != 0) {
            /* New, or built by other SQL: nothing in it may answer.  A
             * loader of the generation before may still be at work: it
             * keeps its hold, and publishes nothing (its fingerprint is
             * not this one). */
            apr_uint32_t loader = x->ctl->loader;

            memset(x->ctl, 0, sizeof(*x->ctl));
            x->ctl->loader = loader;
            x->ctl->magic = IDX_MAGIC;
            x->ctl->version = IDX_VERSION;
            x->ctl->copy_size = g->index_size;
            apr_cpystrn(x->ctl->fingerprint, x->fingerprint,
                        sizeof(x->ctl->fingerprint));
            newsapi_idx_set_state(x, IDX_LOADING, "the first full load "
                                  "has not finished");
        }
        else {
            ap_log_error(APLOG_MARK, APLOG_INFO, 0, s, NEWSAPI_LOGNO(0603)
                         "%s day index kept across the restart (%s)",
                         x->fam->name, state_names[x->ctl->state
                                                   % IDX_NSTATES]);
        }
        any = 1;
    }
    return any ? newsapi_idx_loader_start(pconf, s) : APR_SUCCESS;
}

static long age_sec(apr_time_t at, apr_time_t now)
{
    return at ? (long)apr_time_sec(now - at) : -1;
}

/* One family's figures as the Prometheus form shows them. */
typedef struct {
    const char *name;
    double v[9];
} prom_family_t;

static const struct {
    const char *metric;
    const char *type;
    const char *help;
} prom_metrics[] = {
    { .metric = "newsapi_index_ready", .type = "gauge",
      .help = "1 when the family's day index answers, else 0" },
    { .metric = "newsapi_index_sites", .type = "gauge",
      .help = "Portal sites the day index holds" },
    { .metric = "newsapi_index_entries", .type = "gauge",
      .help = "Site-days with a count the day index holds" },
    { .metric = "newsapi_index_bytes", .type = "gauge",
      .help = "Bytes of a copy in use" },
    { .metric = "newsapi_index_size_bytes", .type = "gauge",
      .help = "Bytes a copy may take (NewsApiIndexSize)" },
    { .metric = "newsapi_index_full_load_age_seconds", .type = "gauge",
      .help = "Seconds since the last good full load began (-1: none)" },
    { .metric = "newsapi_index_full_load_seconds", .type = "gauge",
      .help = "Duration of the last good full load" },
    { .metric = "newsapi_index_refresh_age_seconds", .type = "gauge",
      .help = "Seconds since the last good recent-days refresh began "
              "(-1: none)" },
    { .metric = "newsapi_index_answers_total", .type = "counter",
      .help = "Answers computed from the day index" }
};

/* Every metric once, with a sample per family under it, as the text
 * format wants a metric's samples together. */
static void status_prometheus(request_rec *r, const prom_family_t *f,
                              int nfam)
{
    apr_size_t m;
    int i;

    for (m = 0; m < sizeof(prom_metrics) / sizeof(prom_metrics[0]); m++) {
        ap_rprintf(r, "# HELP %s %s.\n# TYPE %s %s\n",
                   prom_metrics[m].metric, prom_metrics[m].help,
                   prom_metrics[m].metric, prom_metrics[m].type);
        for (i = 0; i < nfam; i++) {
            char num[32];

            /* libc's %g: APR's formatter drops the 0 of "0.25" */
            snprintf(num, sizeof(num), "%.15g", f[i].v[m]);
            ap_rprintf(r, "%s{family=\"%s\"} %s\n",
                       prom_metrics[m].metric, f[i].name, num);
        }
    }
}

void newsapi_index_status(request_rec *r, int flags)
{
    prom_family_t prom[IDX_FAMILIES];
    apr_time_t now = apr_time_now();
    int i;

    if (!(flags & (AP_STATUS_SHORT | NEWSAPI_INDEX_JSON
                   | NEWSAPI_INDEX_PROMETHEUS))) {
        ap_rputs("<h3>Day index</h3>\n<table>\n<tr><th>family</th>"
                 "<th>state</th><th>sites</th><th>days held</th>"
                 "<th>bytes used of size</th><th>full load: age, took</th>"
                 "<th>refresh: age, took</th><th>answers</th></tr>\n", r);
    }
    for (i = 0; i < IDX_FAMILIES; i++) {
        idx_t *x = &newsapi_idx[i];
        idx_ctl_t c;
        const char *st, *why, *n = x->fam ? x->fam->name
                                          : newsapi_idx_families[i].name;

        memset(&c, 0, sizeof(c));
        if (x->ctl != NULL) {
            c = *x->ctl;
        }
        st = x->ctl ? state_names[c.state % IDX_NSTATES] : "off";
        why = x->ctl ? c.why : (x->off_why ? x->off_why : "not set up");
        if (flags & NEWSAPI_INDEX_PROMETHEUS) {
            prom_family_t *f = &prom[i];

            f->name = n;
            f->v[0] = x->ctl != NULL && c.state == IDX_READY;
            f->v[1] = (double)c.sites;
            f->v[2] = (double)c.entries;
            f->v[3] = (double)c.bytes;
            f->v[4] = (double)c.copy_size;
            f->v[5] = (double)age_sec(c.full_ok_at, now);
            f->v[6] = (double)c.full_took / APR_USEC_PER_SEC;
            f->v[7] = (double)age_sec(c.recent_ok_at, now);
            f->v[8] = (double)c.answers;
        }
        else if (flags & NEWSAPI_INDEX_JSON) {
            ap_rprintf(r, "\"Index_%s_State\":\"%s\",\"Index_%s_Sites\":%"
                       APR_UINT64_T_FMT ",\"Index_%s_Days\":%"
                       APR_UINT64_T_FMT ",\"Index_%s_Bytes\":%"
                       APR_UINT64_T_FMT ",\"Index_%s_Size\":%"
                       APR_UINT64_T_FMT ",\"Index_%s_FullAge\":%ld,"
                       "\"Index_%s_FullMs\":%ld,\"Index_%s_RecentAge\":%ld,"
                       "\"Index_%s_RecentMs\":%ld,\"Index_%s_Answers\":%"
                       APR_UINT64_T_FMT ",", n, st, n, c.sites, n, c.entries,
                       n, c.bytes, n, c.copy_size, n, age_sec(c.full_ok_at,
                       now), n, (long)(c.full_took / 1000), n,
                       age_sec(c.recent_ok_at, now), n,
                       (long)(c.recent_took / 1000), n, c.answers);
        }
        else if (flags & AP_STATUS_SHORT) {
            ap_rprintf(r, "NewsApiIndex_%s_State: %s\nNewsApiIndex_%s_Why: "
                       "%s\nNewsApiIndex_%s_Sites: %" APR_UINT64_T_FMT
                       "\nNewsApiIndex_%s_Days: %" APR_UINT64_T_FMT
                       "\nNewsApiIndex_%s_Bytes: %" APR_UINT64_T_FMT
                       "\nNewsApiIndex_%s_Size: %" APR_UINT64_T_FMT
                       "\nNewsApiIndex_%s_FullAge: %ld\n"
                       "NewsApiIndex_%s_FullMs: %ld\n"
                       "NewsApiIndex_%s_RecentAge: %ld\n"
                       "NewsApiIndex_%s_RecentMs: %ld\n"
                       "NewsApiIndex_%s_FullDbMs: %ld\n"
                       "NewsApiIndex_%s_RecentDbMs: %ld\n"
                       "NewsApiIndex_%s_Answers: %" APR_UINT64_T_FMT "\n",
                       n, st, n, why, n, c.sites, n, c.entries, n, c.bytes,
                       n, c.copy_size, n, age_sec(c.full_ok_at, now), n,
                       (long)(c.full_took / 1000), n,
                       age_sec(c.recent_ok_at, now), n,
                       (long)(c.recent_took / 1000), n,
                       (long)(c.full_db_took / 1000), n,
                       (long)(c.recent_db_took / 1000), n, c.answers);
        }
        else {
            ap_rprintf(r, "<tr><td>%s</td><td>%s (%s)</td><td>%"
                       APR_UINT64_T_FMT "</td><td>%" APR_UINT64_T_FMT
                       "</td><td>%" APR_UINT64_T_FMT " of %" APR_UINT64_T_FMT
                       "</td><td>%lds, %ldms</td><td>%lds, %ldms</td><td>%"
                       APR_UINT64_T_FMT "</td></tr>\n", n, st,
                       ap_escape_html(r->pool, why), c.sites, c.entries,
                       c.bytes, c.copy_size, age_sec(c.full_ok_at, now),
                       (long)(c.full_took / 1000),
                       age_sec(c.recent_ok_at, now),
                       (long)(c.recent_took / 1000), c.answers);
        }
    }
    if (flags & NEWSAPI_INDEX_PROMETHEUS) {
        status_prometheus(r, prom, IDX_FAMILIES);
    }
    else if (!(flags & (AP_STATUS_SHORT | NEWSAPI_INDEX_JSON))) {
        ap_rputs("</table>\n", r);
    }
}
