/*
 * fuzz_content_type.c - newsapi_request_is_json_type on any header value.
 *
 * httpd hands the module a NUL-terminated header value, so the input is
 * copied into an exactly sized, NUL-terminated buffer.  The answer is
 * compared with a reference reading of the rule: optional blanks,
 * "application/json" in any case, optional blanks, then the end or ';'.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "newsapi_request.h"

#include "fuzz_common.h"

static int reference(const char *s)
{
    static const char want[] = "application/json";
    size_t i = 0, k;

    while (s[i] == ' ' || s[i] == '\t') {
        i++;
    }
    for (k = 0; want[k]; k++, i++) {
        if (tolower((unsigned char)s[i]) != want[k]) {
            return 0;
        }
    }
    while (s[i] == ' ' || s[i] == '\t') {
        i++;
    }
    return s[i] == '\0' || s[i] == ';';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    int got = newsapi_request_is_json_type(s);

    FUZZ_CHECK(got == reference(s), "'%s': module says %d", s, got);
    FUZZ_CHECK(newsapi_request_is_json_type(NULL) == 0, "NULL accepted");
    free(s);
    return 0;
}
