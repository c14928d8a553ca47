/*
 * pool_wrap.c - exact-size pool allocations for AddressSanitizer, and the
 * helpers of fuzz_common.h.  See fuzz_common.h for why.
 */
#include <string.h>

#include "apr_strings.h"

#include "fuzz_common.h"

void *__wrap_apr_palloc(apr_pool_t *p, apr_size_t size);
void *__wrap_apr_pmemdup(apr_pool_t *p, const void *m, apr_size_t n);
char *__wrap_apr_pstrdup(apr_pool_t *p, const char *s);
char *__wrap_apr_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n);
char *__wrap_apr_pstrndup(apr_pool_t *p, const char *s, apr_size_t n);

static apr_status_t free_block(void *block)
{
    free(block);
    return APR_SUCCESS;
}

void *__wrap_apr_palloc(apr_pool_t *p, apr_size_t size)
{
    /* malloc(0) may return NULL; a pool never does */
    void *block = malloc(size ? size : 1);

    if (block == NULL) {
        abort();
    }
    apr_pool_cleanup_register(p, block, free_block, apr_pool_cleanup_null);
    return block;
}

void *__wrap_apr_pmemdup(apr_pool_t *p, const void *m, apr_size_t n)
{
    void *copy;

    if (m == NULL) {
        return NULL;
    }
    copy = __wrap_apr_palloc(p, n);
    memcpy(copy, m, n);
    return copy;
}

char *__wrap_apr_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *copy;

    if (s == NULL) {
        return NULL;
    }
    copy = __wrap_apr_palloc(p, n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *__wrap_apr_pstrdup(apr_pool_t *p, const char *s)
{
    return s ? __wrap_apr_pstrmemdup(p, s, strlen(s)) : NULL;
}

char *__wrap_apr_pstrndup(apr_pool_t *p, const char *s, apr_size_t n)
{
    return s ? __wrap_apr_pstrmemdup(p, s, strnlen(s, n)) : NULL;
}

apr_pool_t *fuzz_root_pool(void)
{
    static apr_pool_t *root;

    if (root == NULL) {
        if (apr_initialize() != APR_SUCCESS
            || apr_pool_create(&root, NULL) != APR_SUCCESS) {
            abort();
        }
    }
    return root;
}

apr_pool_t *fuzz_pool(void)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, fuzz_root_pool()) != APR_SUCCESS) {
        abort();
    }
    return p;
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL) {
        abort();
    }
    if (size > 0) {
        memcpy(s, data, size);
    }
    s[size] = '\0';
    return s;
}

int fuzz_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned long cp;
        size_t n, k;

        if (s[i] == 0) {
            return 0;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if ((s[i] & 0xE0) == 0xC0) {
            n = 2;
            cp = s[i] & 0x1F;
        }
        else if ((s[i] & 0xF0) == 0xE0) {
            n = 3;
            cp = s[i] & 0x0F;
        }
        else if ((s[i] & 0xF8) == 0xF0) {
            n = 4;
            cp = s[i] & 0x07;
        }
        else {
            return 0;
        }
        if (i + n > len) {
            return 0;
        }
        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* shortest form only */
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800)
            || (n == 4 && cp < 0x10000)) {
            return 0;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += n;
    }
    return 1;
}
