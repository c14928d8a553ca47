/*
 * newsapi_days.c - the day counts of every site in one flat buffer.
 *
 *   +------------------------------------------------------------+ 0
 *   | header: magic u32, family u32, nsites u32, nentries u32,    |
 *   |         built_at i64, bytes u64                   (32 bytes) |
 *   +------------------------------------------------------------+ 32
 *   | sites[nsites]:   id i64, first u32, n u32        (16 each) |
 *   |                  ascending id; entries first .. first+n-1  |
 *   +------------------------------------------------------------+
 *   | entries[nentries]: day i32, pad u32, cum u64     (16 each) |
 *   |                  per site ascending day; cum is the site's  |
 *   |                  running total up to and including day     |
 *   +------------------------------------------------------------+ bytes
 *
 * count(site, from, to) = cum(last entry <= to) - cum(last entry < from):
 * a binary search for the site, two over its days.  Days without an
 * entry count 0, so a range may start or end anywhere.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "newsapi_days.h"

#define DAYS_MAGIC 0x4e414431u      /* "NAD1" */

typedef struct {
    uint32_t magic;
    uint32_t family;
    uint32_t nsites;
    uint32_t nentries;
    int64_t built_at;
    uint64_t bytes;
} days_header_t;

typedef struct {
    int64_t id;
    uint32_t first;
    uint32_t n;
} days_site_t;

typedef struct {
    int32_t day;
    uint32_t pad;
    uint64_t cum;
} days_entry_t;

size_t newsapi_days_bytes(size_t nsites, size_t nentries)
{
    return sizeof(days_header_t) + nsites * sizeof(days_site_t)
           + nentries * sizeof(days_entry_t);
}

static int by_site_day(const void *a, const void *b)
{
    const newsapi_days_row_t *x = a, *y = b;

    if (x->site != y->site) {
        return x->site < y->site ? -1 : 1;
    }
    return x->day < y->day ? -1 : x->day > y->day;
}

void newsapi_days_sort(newsapi_days_row_t *rows, size_t nrows)
{
    size_t i;

    /* A recent refresh hands over rows already in order: a pass, not a
     * sort of a million rows. */
    for (i = 1; i < nrows; i++) {
        if (by_site_day(&rows[i - 1], &rows[i]) > 0) {
            qsort(rows, nrows, sizeof(*rows), by_site_day);
            return;
        }
    }
}

size_t newsapi_days_merge(const newsapi_days_row_t *a, size_t na,
                          const newsapi_days_row_t *b, size_t nb,
                          newsapi_days_row_t *out)
{
    size_t i = 0, j = 0, n = 0;

    while (i < na || j < nb) {
        if (j == nb || (i < na && by_site_day(&a[i], &b[j]) <= 0)) {
            out[n++] = a[i++];
        }
        else {
            out[n++] = b[j++];
        }
    }
    return n;
}

/* Counts the sites and entries of sorted rows (those with a count);
 * -1 on a day out of range. */
static int measure(const newsapi_days_row_t *rows, size_t nrows,
                   size_t *nsites, size_t *nentries)
{
    const newsapi_days_row_t *last = NULL;
    size_t i;

    *nsites = *nentries = 0;
    for (i = 0; i < nrows; i++) {
        if (rows[i].day < NEWSAPI_DAYS_MIN || rows[i].day > NEWSAPI_DAYS_MAX) {
            return -1;
        }
        if (rows[i].count == 0) {
            continue;
        }
        if (last == NULL || rows[i].site != last->site) {
            (*nsites)++;
            (*nentries)++;
        }
        else if (rows[i].day != last->day) {
            (*nentries)++;
        }
        last = &rows[i];
    }
    return *nsites > UINT32_MAX || *nentries > UINT32_MAX ? -1 : 0;
}

newsapi_days_status_e newsapi_days_build(newsapi_days_row_t *rows,
                                         size_t nrows, unsigned family,
                                         long long built_at, void *buf,
                                         size_t cap, size_t *needed)
{
    days_header_t h;
    days_site_t *sites;
    days_entry_t *entries;
    size_t nsites, nentries, i, s = 0, e = 0;
    uint64_t cum = 0;

    newsapi_days_sort(rows, nrows);
    if (measure(rows, nrows, &nsites, &nentries) != 0) {
        return NEWSAPI_DAYS_BAD;
    }
    *needed = newsapi_days_bytes(nsites, nentries);
    if (*needed > cap) {
        return NEWSAPI_DAYS_TOO_SMALL;
    }
    sites = (days_site_t *)((char *)buf + sizeof(h));
    entries = (days_entry_t *)(sites + nsites);
    for (i = 0; i < nrows; i++) {
        const newsapi_days_row_t *r = &rows[i];

        if (r->count == 0) {
            continue;
        }
        if (s == 0 || sites[s - 1].id != r->site) {
            sites[s].id = r->site;
            sites[s].first = (uint32_t)e;
            sites[s].n = 0;
            s++;
            cum = 0;
        }
        if (cum + r->count < cum) {
            return NEWSAPI_DAYS_BAD;
        }
        cum += r->count;
        if (sites[s - 1].n > 0 && entries[e - 1].day == r->day) {
            entries[e - 1].cum = cum;       /* a duplicate adds up */
            continue;
        }
        entries[e].day = (int32_t)r->day;
        entries[e].pad = 0;
        entries[e].cum = cum;
        sites[s - 1].n++;
        e++;
    }
    h.magic = DAYS_MAGIC;
    h.family = family;
    h.nsites = (uint32_t)nsites;
    h.nentries = (uint32_t)nentries;
    h.built_at = built_at;
    h.bytes = *needed;
    memcpy(buf, &h, sizeof(h));
    return NEWSAPI_DAYS_OK;
}

/* The header, if its counts fit in cap; NULL otherwise. */
static const days_header_t *header(const void *buf, size_t cap)
{
    const days_header_t *h = buf;

    if (buf == NULL || cap < sizeof(*h) || h->magic != DAYS_MAGIC
        || h->bytes > cap
        || h->bytes != newsapi_days_bytes(h->nsites, h->nentries)) {
        return NULL;
    }
    return h;
}

static const days_site_t *site_table(const days_header_t *h)
{
    return (const days_site_t *)((const char *)h + sizeof(*h));
}

static const days_entry_t *entry_table(const days_header_t *h)
{
    return (const days_entry_t *)(site_table(h) + h->nsites);
}

int newsapi_days_info(const void *buf, size_t cap, newsapi_days_info_t *out)
{
    const days_header_t *h = header(buf, cap);
    const days_entry_t *en;
    size_t i;

    if (h == NULL) {
        return -1;
    }
    out->family = h->family;
    out->built_at = h->built_at;
    out->nsites = h->nsites;
    out->nentries = h->nentries;
    out->bytes = (size_t)h->bytes;
    out->first_day = out->last_day = 0;
    en = entry_table(h);
    for (i = 0; i < h->nentries; i++) {
        if (i == 0 || en[i].day < out->first_day) {
            out->first_day = en[i].day;
        }
        if (i == 0 || en[i].day > out->last_day) {
            out->last_day = en[i].day;
        }
    }
    return 0;
}

int newsapi_days_check(const void *buf, size_t cap)
{
    const days_header_t *h = header(buf, cap);
    const days_site_t *st;
    const days_entry_t *en;
    uint64_t next = 0;
    size_t i, j;

    if (h == NULL) {
        return -1;
    }
    st = site_table(h);
    en = entry_table(h);
    for (i = 0; i < h->nsites; i++) {
        if ((i > 0 && st[i].id <= st[i - 1].id) || st[i].first != next
            || st[i].n == 0 || st[i].n > h->nentries - st[i].first) {
            return -1;
        }
        for (j = st[i].first; j < st[i].first + st[i].n; j++) {
            if (en[j].day < NEWSAPI_DAYS_MIN || en[j].day > NEWSAPI_DAYS_MAX
                || (j > st[i].first && (en[j].day <= en[j - 1].day
                                        || en[j].cum <= en[j - 1].cum))
                || en[j].cum == 0) {
                return -1;
            }
        }
        next = st[i].first + st[i].n;
    }
    return next == h->nentries ? 0 : -1;
}

/* The running total of the last of n entries whose day is <= day. */
static uint64_t cum_upto(const days_entry_t *en, uint32_t n, long day)
{
    uint32_t lo = 0, hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (en[mid].day <= day) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return lo == 0 ? 0 : en[lo - 1].cum;
}

int newsapi_days_count(const void *buf, size_t cap, long long site,
                       long from, long to, unsigned long long *out)
{
    const days_header_t *h = header(buf, cap);
    const days_site_t *st;
    uint32_t lo = 0, hi;

    *out = 0;
    if (h == NULL) {
        return -1;
    }
    st = site_table(h);
    hi = h->nsites;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (st[mid].id < site) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    if (lo == h->nsites || st[lo].id != site || from > to) {
        return 0;
    }
    /* A garbage table must not send the searches outside the buffer. */
    if (st[lo].first > h->nentries || st[lo].n > h->nentries - st[lo].first) {
        return -1;
    }
    *out = cum_upto(entry_table(h) + st[lo].first, st[lo].n, to)
           - cum_upto(entry_table(h) + st[lo].first, st[lo].n, from - 1);
    return 0;
}

size_t newsapi_days_rows(const void *buf, size_t cap, long before_day,
                         newsapi_days_row_t *out, size_t max)
{
    const days_header_t *h = header(buf, cap);
    const days_site_t *st;
    const days_entry_t *en;
    size_t i, j, n = 0;

    if (h == NULL) {
        return 0;
    }
    st = site_table(h);
    en = entry_table(h);
    for (i = 0; i < h->nsites; i++) {
        if (st[i].first > h->nentries
            || st[i].n > h->nentries - st[i].first) {
            return n;
        }
        for (j = st[i].first; j < st[i].first + st[i].n; j++) {
            if (en[j].day >= before_day) {
                break;
            }
            if (out != NULL && n < max) {
                out[n].site = st[i].id;
                out[n].day = en[j].day;
                out[n].count = en[j].cum
                               - (j > st[i].first ? en[j - 1].cum : 0);
            }
            n++;
        }
    }
    return n;
}
