/*
 * pool_shim.c - exact-size pool allocations for mod_newsapi inside a real
 * apache2 under AddressSanitizer (tests/sanitize.sh preloads it after the
 * sanitizer runtimes).
 *
 * An APR pool hands out slices of large blocks, so ASan cannot see a write
 * past the end of one allocation into the next: the module's request body
 * buffer, its UTF-8 copies and its rows all live in pools.  This shim
 * interposes the pool functions the module calls directly; when the
 * caller is mod_newsapi.so (dladdr of the return address), the memory is
 * an ordinary malloc block of exactly the size asked, freed by a cleanup
 * of the pool, so ASan sees its bounds and its lifetime (a use after the
 * pool is cleared is a use after free).  Every other caller -- httpd,
 * APR itself, other modules -- gets the real pool allocation.
 * The same idea as pool_wrap.c of the fuzz targets, done at run time.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "apr_pools.h"
#include "apr_strings.h"

typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);

static palloc_fn real_palloc(void)
{
    static palloc_fn fn;

    if (fn == NULL) {
        fn = (palloc_fn)dlsym(RTLD_NEXT, "apr_palloc");
        if (fn == NULL) {
            abort();
        }
    }
    return fn;
}

/* True when addr lies in mod_newsapi.so (whatever its path). */
static int from_module(const void *addr)
{
    Dl_info info;

    return dladdr(addr, &info) != 0 && info.dli_fname != NULL
           && strstr(info.dli_fname, "mod_newsapi") != NULL;
}

static apr_status_t free_block(void *block)
{
    free(block);
    return APR_SUCCESS;
}

static void *exact(apr_pool_t *p, apr_size_t size)
{
    void *block = malloc(size ? size : 1);

    if (block == NULL) {
        abort();
    }
    apr_pool_cleanup_register(p, block, free_block, apr_pool_cleanup_null);
    return block;
}

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    if (from_module(__builtin_return_address(0))) {
        return exact(p, size);
    }
    return real_palloc()(p, size);
}

/* The string and memory copies are rewritten on top of apr_palloc so that
 * the caller test sees the module, not libapr. */
static char *copy(apr_pool_t *p, const char *s, apr_size_t n, int from_mod)
{
    char *c = from_mod ? exact(p, n + 1) : real_palloc()(p, n + 1);

    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

char *apr_pstrdup(apr_pool_t *p, const char *s)
{
    return s ? copy(p, s, strlen(s),
                    from_module(__builtin_return_address(0))) : NULL;
}

char *apr_pstrmemdup(apr_pool_t *p, const char *s, apr_size_t n)
{
    return s ? copy(p, s, n, from_module(__builtin_return_address(0)))
             : NULL;
}

char *apr_pstrndup(apr_pool_t *p, const char *s, apr_size_t n)
{
    return s ? copy(p, s, strnlen(s, n),
                    from_module(__builtin_return_address(0))) : NULL;
}

void *apr_pmemdup(apr_pool_t *p, const void *m, apr_size_t n)
{
    void *c;

    if (m == NULL) {
        return NULL;
    }
    c = from_module(__builtin_return_address(0)) ? exact(p, n)
                                                 : real_palloc()(p, n);
    memcpy(c, m, n);
    return c;
}
