/*
 * newsapi_status.h - what the module is doing, for people (HTML) and for
 * monitoring (?auto: "Key: value" lines, ?json).
 */
#ifndef NEWSAPI_STATUS_H
#define NEWSAPI_STATUS_H

#include "newsapi.h"

/* SetHandler newsapi-status */
int newsapi_status_handler(request_rec *r);

/* mod_status's status_hook: a section in /server-status. */
int newsapi_status_hook(request_rec *r, int flags);

#endif /* NEWSAPI_STATUS_H */
