/*
 * newsapi_hosts.h - the host names of the portal list, for the visit
 * counter: one virtual host serving many portals counts each page view
 * under the site the database gives its host name, with no
 * NewsApiSiteHost line per portal (NewsApiSiteHostsFromList On).
 *
 * The list is read off the request path, by the visit flusher's
 * watchdog in one child, into shared memory that every process reads.
 */
#ifndef NEWSAPI_HOSTS_H
#define NEWSAPI_HOSTS_H

#include "newsapi.h"

/* post_config, when counting is on: the shared table, if
 * NewsApiSiteHostsFromList is On (else nothing, and every look-up
 * answers -1). */
apr_status_t newsapi_hosts_post_config(server_rec *s);
int newsapi_hosts_enabled(void);

/* Reads the list again when it is due: every NewsApiVisitFlushInterval,
 * sooner after a failure (the last list read stays in force). */
void newsapi_hosts_refresh(server_rec *s, apr_pool_t *p);

/* The site the list gives host (lower case, as httpd gives it), or -1. */
long long newsapi_hosts_site(const char *host);

#endif /* NEWSAPI_HOSTS_H */
