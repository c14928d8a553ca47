/*
 * newsapi_days.h - the counts of every site on every day, as a flat
 * buffer that answers the count of any range with two binary searches.
 *
 * Pure code (no httpd, no APR): the layout holds offsets, never
 * pointers, so a copy means the same wherever it is mapped, and every
 * lookup checks what it reads against the buffer's size, so a buffer
 * that is garbage (a fuzzer, a copy being rewritten) gives a wrong
 * number or an error, never a crash.  The layout is drawn in the .c.
 */
#ifndef NEWSAPI_DAYS_H
#define NEWSAPI_DAYS_H

#include <stddef.h>

/* One count: site, day (days since 1970-01-01, newsapi_date_to_days),
 * how many.  A builder's input, in any order, duplicates added up. */
typedef struct {
    long long site;
    long day;
    unsigned long long count;
} newsapi_days_row_t;

typedef struct {
    unsigned family;            /* the caller's tag */
    long long built_at;         /* the caller's time stamp */
    size_t nsites;
    size_t nentries;            /* (site, day) pairs with a count */
    size_t bytes;               /* of the buffer in use */
    long first_day, last_day;   /* of all entries; 0 when none */
} newsapi_days_info_t;

typedef enum {
    NEWSAPI_DAYS_OK = 0,
    NEWSAPI_DAYS_TOO_SMALL,     /* *needed says how many bytes it takes */
    NEWSAPI_DAYS_BAD            /* a day out of range or a count overflow */
} newsapi_days_status_e;

/* The days the API can name: 1000-01-01 .. 9999-12-31 (the exclusive end
 * of a range ending 9999-12-30). */
#define NEWSAPI_DAYS_MIN (-354285L)
#define NEWSAPI_DAYS_MAX 2932896L

/* Bytes a buffer of nsites sites and nentries entries takes. */
size_t newsapi_days_bytes(size_t nsites, size_t nentries);

/* Sorts rows by site, then day (a pass when they already are). */
void newsapi_days_sort(newsapi_days_row_t *rows, size_t nrows);

/* Merges two sorted row lists into out (na + nb rows); returns na + nb. */
size_t newsapi_days_merge(const newsapi_days_row_t *a, size_t na,
                          const newsapi_days_row_t *b, size_t nb,
                          newsapi_days_row_t *out);

/* Sorts rows (in place) and writes the buffer into buf (cap bytes).
 * Rows with a count of 0 take no room.  *needed gets the bytes it takes
 * (also when they do not fit). */
newsapi_days_status_e newsapi_days_build(newsapi_days_row_t *rows,
                                         size_t nrows, unsigned family,
                                         long long built_at, void *buf,
                                         size_t cap, size_t *needed);

/* 0 and *out filled when buf holds a well-formed header, else -1. */
int newsapi_days_info(const void *buf, size_t cap, newsapi_days_info_t *out);

/* Walks the whole buffer: 0 when every part is in order (sites and days
 * ascending, running totals growing, all within cap), else -1. */
int newsapi_days_check(const void *buf, size_t cap);

/* The sum of site's counts over the days from..to, both included (0 for
 * a site or days with nothing, and when from > to).  0, or -1 when the
 * buffer is not well formed. */
int newsapi_days_count(const void *buf, size_t cap, long long site,
                       long from, long to, unsigned long long *out);

/* Copies the counts of the days before before_day into out (up to max
 * rows; out NULL: only counts them).  Returns how many there are. */
size_t newsapi_days_rows(const void *buf, size_t cap, long before_day,
                         newsapi_days_row_t *out, size_t max);

#endif /* NEWSAPI_DAYS_H */
