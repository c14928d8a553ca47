/*
 * fuzz_config.c - the directive handlers of newsapi_config.c on any
 * argument (the admin's httpd.conf is outside input too: a typo must give
 * a configtest message, never a crash or a silently wrong value).
 *
 * Input: one byte choosing the directive (mod 12), one choosing its
 * variant (which number, which query slot), the argument after it
 * (NUL-terminated; for NewsApiSiteHost the host name ends at the first
 * NUL byte and the site id follows).  Numbers are checked against the
 * documented ranges with strtoll; the time zone against its grammar.
 * httpd itself is stubbed (httpd_stubs.c).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "apr_lib.h"
#include "apr_strings.h"
#include "httpd.h"
#include "http_config.h"
#include "util_cfgtree.h"

#include "newsapi_config.h"
#include "newsapi_shm.h"
#include "newsapi_sql.h"

#include "fuzz_common.h"

/* strtoll's verdict on a whole number within [lo, hi]. */
static int ref_number(const char *s, long long lo, long long hi,
                      long long *v)
{
    char *end;

    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno == 0 && end != s && *end == '\0' && *v >= lo && *v <= hi;
}

static void check_number(const char *err, const char *arg, long long lo,
                         long long hi, long long stored)
{
    long long want;
    int ok = ref_number(arg, lo, hi, &want);

    FUZZ_CHECK((err == NULL) == ok, "'%s' in [%lld, %lld]: %s", arg, lo, hi,
               err ? err : "accepted");
    FUZZ_CHECK(!ok || stored == want, "'%s' stored as %lld", arg, stored);
    FUZZ_CHECK(err == NULL || strstr(err, "NewsApiFuzz") != NULL,
               "message does not name the directive: %s", err);
}

static int ref_offset(const char *a, int *minutes)
{
    int hh, mm, sign;

    if (strcasecmp(a, "UTC") == 0 || strcmp(a, "Z") == 0) {
        *minutes = 0;
        return 1;
    }
    if ((a[0] != '+' && a[0] != '-') || !apr_isdigit(a[1])
        || !apr_isdigit(a[2])) {
        return 0;
    }
    sign = a[0] == '-' ? -1 : 1;
    hh = (a[1] - '0') * 10 + (a[2] - '0');
    a += 3;
    if (*a == ':') {
        a++;
    }
    if (!apr_isdigit(a[0]) || !apr_isdigit(a[1]) || a[2] != '\0') {
        return 0;
    }
    mm = (a[0] - '0') * 10 + (a[1] - '0');
    if (hh > 14 || mm > 59) {
        return 0;
    }
    *minutes = sign * (hh * 60 + mm);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        int info;
        long long lo, hi;
    } srv_numbers[] = {
        { NEWSAPI_SRV_MAX_OBJECT, 256, 64 * 1024 * 1024 },
        { NEWSAPI_SRV_MAX_QUERIES, 1, NEWSAPI_MAX_QUERY_SLOTS },
        { NEWSAPI_SRV_QUERY_WAIT, 0, 3600 },
        { NEWSAPI_SRV_FLUSH_INTERVAL, 1, 86400 },
        { NEWSAPI_SRV_ONLINE_WINDOW, 1, 1440 },
        { NEWSAPI_SRV_QUERY_TIMEOUT, 0, 86400 }
    };
    /* The ranges the README gives for NewsApiMaxRangeDays,
     * NewsApiMaxBodySize, NewsApiCacheTTL, NewsApiCachePastTTL,
     * NewsApiCacheStaleTime and NewsApiCacheLockWait. */
    static const struct {
        long long lo, hi;
    } dir_numbers[NEWSAPI_N_COUNT] = {
        { 0, 3660000 }, { 64, 1048576 }, { 0, 31536000 }, { 0, 31536000 },
        { 0, 31536000 }, { 0, 3600 }
    };
    apr_pool_t *p;
    ap_directive_t directive;
    server_rec server;
    cmd_parms cmd;
    void *module_config[1];
    newsapi_dir_conf_t *d;
    newsapi_srv_conf_t *c;
    const char *err = NULL;
    char *arg;
    int which, sub;

    if (size < 2) {
        return 0;
    }
    which = data[0] % 12;
    sub = data[1];
    arg = fuzz_cstr(data + 2, size - 2);
    p = fuzz_pool();

    memset(&directive, 0, sizeof(directive));
    memset(&server, 0, sizeof(server));
    memset(&cmd, 0, sizeof(cmd));
    directive.directive = "NewsApiFuzz";
    directive.args = arg;
    server.module_config = (struct ap_conf_vector_t *)module_config;
    cmd.pool = p;
    cmd.temp_pool = p;
    cmd.server = &server;
    cmd.directive = &directive;
    d = newsapi_create_dir_conf(p, NULL);
    c = newsapi_create_srv_conf(p, &server);
    module_config[0] = c;

    switch (which) {
    case 0: {                                  /* NewsApi*Query */
        int slot = sub % NEWSAPI_Q_COUNT;
        static const int nparams[NEWSAPI_Q_COUNT] = {
            [NEWSAPI_Q_DISTRICT] = 2,
            [NEWSAPI_Q_COMMUNE] = 3,
            [NEWSAPI_Q_DISTRICT_EXISTS] = 1,
            [NEWSAPI_Q_VISITS_DISTRICT] = 2,
            [NEWSAPI_Q_VISITS_COMMUNE] = 3,
            [NEWSAPI_Q_VISIT_FLUSH] = 3,
            [NEWSAPI_Q_PORTALS] = 0,
            [NEWSAPI_Q_NEWS_DAILY] = 2,
            [NEWSAPI_Q_VISITS_DAILY] = 2
        };
        const newsapi_query_t *q;

        cmd.info = (void *)(apr_uintptr_t)slot;
        err = newsapi_set_query(&cmd, d, arg);
        FUZZ_CHECK((err == NULL)
                   == (newsapi_sql_check(p, arg, nparams[slot]) == NULL),
                   "'%s' for slot %d: %s", arg, slot, err ? err : "ok");
        q = d->query[slot];
        if (err == NULL) {
            FUZZ_CHECK(q != NULL && q->sql == arg
                       && q->nparams == nparams[slot]
                       && strlen(q->label) == 8 + 40
                       && strncmp(q->label, "newsapi_", 8) == 0,
                       "query record of slot %d", slot);
        }
        else {
            FUZZ_CHECK(q == NULL, "refused query stored");
        }
        break;
    }
    case 1:
    case 2:
    case 4: {                       /* the per-directory numbers */
        int n = sub % NEWSAPI_N_COUNT;

        cmd.info = (void *)(apr_uintptr_t)n;
        err = newsapi_set_dir_number(&cmd, d, arg);
        check_number(err, arg, dir_numbers[n].lo, dir_numbers[n].hi,
                     err ? -1 : d->number[n]);
        FUZZ_CHECK(err == NULL || d->number[n] == -1, "refused value kept");
        break;
    }
    case 3:
        err = newsapi_set_attempts(&cmd, d, arg);
        check_number(err, arg, 1, 10000, err ? -1 : c->acquire_attempts);
        break;
    case 5: {
        int k = sub % 6;
        long long stored = -1;

        cmd.info = (void *)(apr_uintptr_t)srv_numbers[k].info;
        err = newsapi_set_server_number(&cmd, d, arg);
        if (err == NULL) {
            switch (srv_numbers[k].info) {
            case NEWSAPI_SRV_MAX_OBJECT:
                stored = (long long)c->cache_max_object; break;
            case NEWSAPI_SRV_MAX_QUERIES:
                stored = c->max_queries; break;
            case NEWSAPI_SRV_FLUSH_INTERVAL:
                stored = c->flush_interval; break;
            case NEWSAPI_SRV_QUERY_TIMEOUT:
                stored = c->query_timeout; break;
            case NEWSAPI_SRV_ONLINE_WINDOW:
                stored = c->online_window; break;
            default:
                stored = c->query_wait; break;
            }
        }
        check_number(err, arg, srv_numbers[k].lo, srv_numbers[k].hi, stored);
        break;
    }
    case 6:
        err = newsapi_set_site_id(&cmd, d, arg);
        check_number(err, arg, 0, 2147483647LL, err ? -1 : d->site_id);
        break;
    case 7: {
        const char *id = arg + strlen(arg) < arg + (size - 2)
                         ? arg + strlen(arg) + 1 : "";
        long long want;

        err = newsapi_set_site_host(&cmd, d, arg, id);
        FUZZ_CHECK((err == NULL) == ref_number(id, 0, 2147483647LL, &want),
                   "site id '%s': %s", id, err ? err : "accepted");
        if (err == NULL) {
            char *lower = apr_pstrdup(p, arg);
            long long *site;

            ap_str_tolower(lower);
            site = apr_hash_get(c->site_hosts, lower, APR_HASH_KEY_STRING);
            FUZZ_CHECK(site != NULL && *site == want, "host '%s'", lower);
        }
        break;
    }
    case 8:
        err = newsapi_set_robots(&cmd, d, arg);
        FUZZ_CHECK(d->robots_set, "robots not marked set");
        FUZZ_CHECK(strcasecmp(arg, "none") != 0 || d->robots == NULL,
                   "none kept a pattern");
        break;
    case 9: {
        int want = 0, ok = ref_offset(arg, &want);

        err = newsapi_set_utc_offset(&cmd, d, arg);
        FUZZ_CHECK((err == NULL) == ok, "offset '%s': %s", arg,
                   err ? err : "accepted");
        FUZZ_CHECK(!ok || (c->utc_offset_set
                           && c->utc_offset_minutes == want),
                   "offset '%s' stored as %d", arg, c->utc_offset_minutes);
        break;
    }
    case 10:
        err = newsapi_set_cache(&cmd, d, arg);
        FUZZ_CHECK(err != NULL || c->cache_set, "cache not marked set");
        break;
    default:
        err = newsapi_set_count_visits(&cmd, d, sub & 1);
        FUZZ_CHECK(err == NULL && d->count_visits == (sub & 1),
                   "count visits");
        break;
    }
    if (err != NULL) {
        FUZZ_CHECK(*err != '\0', "empty message");
    }
    apr_pool_destroy(p);
    free(arg);
    return 0;
}
