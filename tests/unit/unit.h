/*
 * unit.h - shared fixture for the unit tests: one APR pool per test.
 */
#ifndef NEWSAPI_UNIT_H
#define NEWSAPI_UNIT_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include "apr_general.h"
#include "apr_pools.h"

static apr_pool_t *pool;

static void pool_setup(void)
{
    cr_assert_eq(apr_initialize(), APR_SUCCESS);
    cr_assert_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

static void pool_teardown(void)
{
    apr_pool_destroy(pool);
    pool = NULL;
    apr_terminate();
}

#endif /* NEWSAPI_UNIT_H */
