/*
 * httpd_stubs.c - just enough of httpd for newsapi_config.c's directive
 * handlers to run outside Apache (fuzz_config).  Only what the handlers
 * reach is real; the rest keeps the linker content and aborts if called,
 * so a stub can never hide a path the fuzzer took.
 */
#include <string.h>
#include <strings.h>

#include "apr_lib.h"
#include "apr_strings.h"
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "ap_regex.h"
#include "util_cfgtree.h"

#include "newsapi_cache.h"

#include "fuzz_common.h"

/* Zero-initialised: module_index 0, the slot the fuzzer fills. */
module AP_MODULE_DECLARE_DATA newsapi_module;

ap_directive_t *ap_conftree;

const char *ap_check_cmd_context(cmd_parms *cmd, unsigned forbidden)
{
    (void)cmd;
    (void)forbidden;
    return NULL;
}

void ap_log_error_(const char *file, int line, int module_index, int level,
                   apr_status_t status, const server_rec *s,
                   const char *fmt, ...)
{
    (void)file; (void)line; (void)module_index; (void)level;
    (void)status; (void)s; (void)fmt;
}

char *ap_runtime_dir_relative(apr_pool_t *p, const char *fname)
{
    (void)p;
    (void)fname;
    abort();
}

void ap_str_tolower(char *s)
{
    for (; *s; s++) {
        *s = (char)apr_tolower(*s);
    }
}

void ap_bin2hex(const void *src, apr_size_t srclen, char *dest)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *in = src;
    apr_size_t i;

    for (i = 0; i < srclen; i++) {
        *dest++ = hex[in[i] >> 4];
        *dest++ = hex[in[i] & 0xf];
    }
    *dest = '\0';
}

/* PCRE stays out of the fuzzer (its own project fuzzes it): the module
 * only keeps what ap_pregcomp returns, so any pointer will do. */
ap_regex_t *ap_pregcomp(apr_pool_t *p, const char *pattern, int cflags)
{
    static ap_regex_t compiled;

    (void)p;
    (void)pattern;
    (void)cflags;
    return &compiled;
}

void newsapi_visits_wanted(void)
{
}

/* The provider part of NewsApiCache: the module asks mod_socache for the
 * provider and lets it judge its arguments.  Here shmcb, memcache and
 * redis are known and take anything. */
const char *newsapi_cache_parse_spec(apr_pool_t *p, const char *arg,
                                     newsapi_cache_spec_t *out)
{
    const char *colon;

    out->spec = arg;
    out->provider = NULL;
    out->args = NULL;
    if (strcasecmp(arg, "none") == 0) {
        return NULL;
    }
    colon = strchr(arg, ':');
    out->provider = colon ? apr_pstrmemdup(p, arg, colon - arg) : arg;
    out->args = colon ? colon + 1 : "";
    if (strcmp(out->provider, "shmcb") != 0
        && strcmp(out->provider, "memcache") != 0
        && strcmp(out->provider, "redis") != 0) {
        return apr_psprintf(p, "unknown socache provider '%s'",
                            out->provider);
    }
    return NULL;
}
