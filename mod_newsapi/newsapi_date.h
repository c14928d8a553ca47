/*
 * newsapi_date.h - calendar days as the API speaks them (yyyy-mm-dd).
 *
 * Pure code: no httpd, no APR pools.  Days are proleptic Gregorian and
 * carry no time zone: the API's dates are calendar days in the portal's
 * local time and are compared with the portal's local DATETIME columns,
 * so no conversion ever happens here.
 */
#ifndef NEWSAPI_DATE_H
#define NEWSAPI_DATE_H

typedef struct {
    int year;
    int month;
    int day;
} newsapi_date_t;

/* The range a date may take: MySQL's DATETIME starts at year 1000, and the
 * exclusive end of a range (the day after DenNgay) must still be a valid
 * DATETIME, so the last accepted day is 9999-12-30. */
#define NEWSAPI_DATE_MIN_YEAR 1000
#define NEWSAPI_DATE_MAX_YEAR 9999

typedef enum {
    NEWSAPI_DATE_OK = 0,
    NEWSAPI_DATE_BAD_FORMAT,      /* not exactly yyyy-mm-dd */
    NEWSAPI_DATE_IMPOSSIBLE,      /* 2023-02-29, 2022-13-01, ... */
    NEWSAPI_DATE_OUT_OF_RANGE     /* before 1000-01-01 or after 9999-12-30 */
} newsapi_date_status_e;

/* Parses exactly len bytes of s (no NUL needed, embedded NULs rejected). */
newsapi_date_status_e newsapi_date_parse(const char *s, unsigned long len,
                                         newsapi_date_t *out);

int newsapi_date_is_leap(int year);
int newsapi_date_days_in_month(int year, int month);

/* Days since 1970-01-01 (negative before it), and back. */
long newsapi_date_to_days(const newsapi_date_t *d);
void newsapi_date_from_days(long days, newsapi_date_t *out);

/* Number of calendar days from..to, both ends included (1 for one day,
 * 0 or less when from is after to). */
long newsapi_date_span(const newsapi_date_t *from, const newsapi_date_t *to);

/* "yyyy-mm-dd" into buf (at least NEWSAPI_DATE_BUFSZ bytes). */
#define NEWSAPI_DATE_BUFSZ 11
void newsapi_date_format(const newsapi_date_t *d, char *buf);

/* "yyyy-mm-dd 00:00:00" of d plus add_days, the form the SQL parameters
 * take; buf must hold NEWSAPI_DATETIME_BUFSZ bytes. */
#define NEWSAPI_DATETIME_BUFSZ 20
void newsapi_date_format_midnight(const newsapi_date_t *d, long add_days,
                                  char *buf);

/* Today's calendar day at a fixed offset from UTC (Vietnam: +420 minutes).
 * now_sec is seconds since the epoch. */
void newsapi_date_today(long long now_sec, int utc_offset_minutes,
                        newsapi_date_t *out);

#endif /* NEWSAPI_DATE_H */
