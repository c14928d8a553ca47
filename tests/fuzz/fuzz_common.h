/*
 * fuzz_common.h - shared by the libFuzzer targets of tests/fuzz.
 *
 * The pure files of mod_newsapi allocate from APR pools.  A pool hands
 * out slices of large blocks, so AddressSanitizer cannot see a write past
 * the end of one allocation into the next.  The Makefile links every
 * target with ld's --wrap for the pool functions the module calls
 * directly (apr_palloc, apr_pmemdup, apr_pstrdup, apr_pstrmemdup,
 * apr_pstrndup): pool_wrap.c gives each such allocation its own malloc
 * block of exactly the size asked, freed by a cleanup of the pool.  Calls
 * made inside libapr (apr_psprintf, apr_array_push) keep the real pool.
 * pool_shim.c does the same inside a real apache2 for tests/sanitize.sh.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apr_general.h"
#include "apr_pools.h"

/* The process-wide root pool (apr_initialize on first use). */
apr_pool_t *fuzz_root_pool(void);

/* A fresh pool for one input; destroy it at the end of the input. */
apr_pool_t *fuzz_pool(void);

/* A malloc'd copy of data with a NUL after size bytes. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Strict UTF-8 check by code point (an oracle written independently of
 * newsapi_render.c's byte-range tables): 1 when s[0..len) is well-formed
 * UTF-8 without NUL, surrogates, overlongs or code points past U+10FFFF. */
int fuzz_utf8_valid(const unsigned char *s, size_t len);

/* Stops the run with a message when an invariant does not hold; libFuzzer
 * then saves the input as a crash- file. */
#define FUZZ_CHECK(cond, ...)                                           \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "invariant failed at %s:%d: %s\n  ",        \
                    __FILE__, __LINE__, #cond);                         \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
            abort();                                                    \
        }                                                               \
    } while (0)

#endif /* FUZZ_COMMON_H */
