/*
 * newsapi_sql.c - configuration-time checks of the admin's SQL.
 *
 * The placeholder rule mirrors apr_dbd_prepare() of apr-util 1.6: a '%'
 * followed by a letter starts a parameter, "%%" is one literal '%', any
 * other '%' is left alone.  It pays no attention to quotes, and neither
 * do we: a '%s' inside a string literal is a parameter to apr_dbd too.
 */
#include "apr_lib.h"
#include "apr_strings.h"

#include "newsapi_sql.h"

int newsapi_sql_count_params(const char *sql)
{
    const char *c;
    int n = 0;

    for (c = sql; *c; c++) {
        if (c[0] != '%') {
            continue;
        }
        if (apr_isalpha(c[1])) {
            n++;
            c++;
        }
        else if (c[1] == '%') {
            c++;
        }
    }
    return n;
}

/* MySQL's own '?' outside quotes would be a parameter apr_dbd never binds:
 * the statement would fail at every request with "no data supplied". */
static int has_bare_question_mark(const char *sql)
{
    char quote = 0;
    const char *c;

    for (c = sql; *c; c++) {
        if (quote) {
            if (*c == '\\' && c[1]) {
                c++;
            }
            else if (*c == quote) {
                quote = 0;
            }
        }
        else if (*c == '\'' || *c == '"' || *c == '`') {
            quote = *c;
        }
        else if (*c == '?') {
            return 1;
        }
    }
    return 0;
}

const char *newsapi_sql_check(apr_pool_t *p, const char *sql, int nparams)
{
    int found;

    if (sql == NULL || *sql == '\0') {
        return "the SQL statement is empty";
    }
    if (has_bare_question_mark(sql)) {
        return "the SQL holds a '?': write parameters as %s "
               "(apr_dbd's placeholder), and a literal '%' as '%%'";
    }
    found = newsapi_sql_count_params(sql);
    if (found != nparams) {
        return apr_psprintf(p, "the SQL has %d parameter%s (%%s) but this "
                            "directive passes exactly %d; a literal '%%' "
                            "(LIKE, DATE_FORMAT) must be written '%%%%'",
                            found, found == 1 ? "" : "s", nparams);
    }
    return NULL;
}
