/*
 * newsapi_date.c - calendar days: parsing, checking and day arithmetic.
 *
 * Day numbers use the civil-from-days algorithm on 400-year eras, so
 * that month ends, leap years and the century rule need no tables or
 * loops, and no libc time function (whose range and locale we would
 * rather not depend on) is involved.
 */
#include <string.h>

#include "newsapi_date.h"

static int two_digits(const char *s, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') {
        return -1;
    }
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

int newsapi_date_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int newsapi_date_days_in_month(int year, int month)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31 };

    if (month < 1 || month > 12) {
        return 0;
    }
    if (month == 2 && newsapi_date_is_leap(year)) {
        return 29;
    }
    return days[month - 1];
}

newsapi_date_status_e newsapi_date_parse(const char *s, unsigned long len,
                                         newsapi_date_t *out)
{
    int hi, lo, month, day;

    if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-') {
        return NEWSAPI_DATE_BAD_FORMAT;
    }
    if (two_digits(s, &hi) || two_digits(s + 2, &lo)
        || two_digits(s + 5, &month) || two_digits(s + 8, &day)) {
        return NEWSAPI_DATE_BAD_FORMAT;
    }
    out->year = hi * 100 + lo;
    out->month = month;
    out->day = day;
    if (month < 1 || month > 12 || day < 1
        || day > newsapi_date_days_in_month(out->year, month)) {
        return NEWSAPI_DATE_IMPOSSIBLE;
    }
    /* The day after the last accepted day must still be a DATETIME. */
    if (out->year < NEWSAPI_DATE_MIN_YEAR
        || (out->year == NEWSAPI_DATE_MAX_YEAR && month == 12 && day == 31)) {
        return NEWSAPI_DATE_OUT_OF_RANGE;
    }
    return NEWSAPI_DATE_OK;
}

long newsapi_date_to_days(const newsapi_date_t *d)
{
    /* Shift the year to start in March so the leap day is the last day
     * of the shifted year. */
    long y = d->year - (d->month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (d->month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d->day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

void newsapi_date_from_days(long days, newsapi_date_t *out)
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long month = mp < 10 ? mp + 3 : mp - 9;

    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->month = (int)month;
    out->year = (int)(yoe + era * 400 + (month <= 2));
}

long newsapi_date_span(const newsapi_date_t *from, const newsapi_date_t *to)
{
    return newsapi_date_to_days(to) - newsapi_date_to_days(from) + 1;
}

static void put_digits(char *buf, int value, int width)
{
    while (width-- > 0) {
        buf[width] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Callers only format validated dates, so every field fits its width. */
void newsapi_date_format(const newsapi_date_t *d, char *buf)
{
    put_digits(buf, d->year, 4);
    buf[4] = '-';
    put_digits(buf + 5, d->month, 2);
    buf[7] = '-';
    put_digits(buf + 8, d->day, 2);
    buf[10] = '\0';
}

void newsapi_date_format_midnight(const newsapi_date_t *d, long add_days,
                                  char *buf)
{
    newsapi_date_t shifted;

    newsapi_date_from_days(newsapi_date_to_days(d) + add_days, &shifted);
    newsapi_date_format(&shifted, buf);
    memcpy(buf + 10, " 00:00:00", sizeof(" 00:00:00"));
}

void newsapi_date_today(long long now_sec, int utc_offset_minutes,
                        newsapi_date_t *out)
{
    long long local = now_sec + (long long)utc_offset_minutes * 60;
    long long days = local / 86400;

    if (local < 0 && local % 86400 != 0) {
        days--;
    }
    newsapi_date_from_days((long)days, out);
}
