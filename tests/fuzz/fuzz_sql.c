/*
 * fuzz_sql.c - newsapi_sql_check and newsapi_sql_count_params on any SQL
 * text an admin could write into a NewsApi*Query directive.
 *
 * Input: one byte (mod 4) for the number of parameters the directive
 * passes, then the SQL (copied NUL-terminated, as httpd gives directive
 * arguments).  Checked against references written from apr-util 1.6's
 * apr_dbd_prepare (a '%' followed by a letter is a parameter, "%%" a
 * literal '%', quotes do not matter) and from MySQL's placeholder rule
 * (a '?' outside '...', "...", `...`, backslash escapes inside quotes).
 */
#include <ctype.h>
#include <string.h>

#include "newsapi_sql.h"

#include "fuzz_common.h"

static int ref_count(const char *q)
{
    int n = 0;

    for (; *q; q++) {
        if (q[0] == '%') {
            if (isalpha((unsigned char)q[1])) {
                n++;
            }
            else if (q[1] == '%') {
                q++;
            }
        }
    }
    return n;
}

static int ref_bare_question(const char *q)
{
    char open = 0;
    size_t i, n = strlen(q);

    for (i = 0; i < n; i++) {
        if (open == 0) {
            if (q[i] == '?') {
                return 1;
            }
            if (q[i] == '\'' || q[i] == '"' || q[i] == '`') {
                open = q[i];
            }
        }
        else if (q[i] == '\\' && i + 1 < n) {
            i++;
        }
        else if (q[i] == open) {
            open = 0;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *why;
    char *sql;
    int nparams, count;

    if (size < 1) {
        return 0;
    }
    nparams = data[0] % 4;
    sql = fuzz_cstr(data + 1, size - 1);
    p = fuzz_pool();

    count = newsapi_sql_count_params(sql);
    FUZZ_CHECK(count == ref_count(sql), "'%s': %d parameters, apr_dbd "
               "counts %d", sql, count, ref_count(sql));
    why = newsapi_sql_check(p, sql, nparams);
    if (*sql == '\0' || ref_bare_question(sql) || count != nparams) {
        FUZZ_CHECK(why != NULL && *why, "'%s' accepted for %d parameters",
                   sql, nparams);
    }
    else {
        FUZZ_CHECK(why == NULL, "'%s' refused: %s", sql, why);
    }
    apr_pool_destroy(p);
    free(sql);
    return 0;
}
