/*
 * newsapi.h - what every httpd-facing file of mod_newsapi shares.
 */
#ifndef NEWSAPI_H
#define NEWSAPI_H

#include "apr_hash.h"
#include "httpd.h"
#include "http_config.h"
#include "http_log.h"

/* httpd's APLOGNO numbers belong to httpd; ours carry their own prefix so
 * that "grep NEWSAPI" finds every line this module ever wrote. */
#define NEWSAPI_LOGNO(n) "NEWSAPI" #n ": "

extern module AP_MODULE_DECLARE_DATA newsapi_module;

#endif /* NEWSAPI_H */
