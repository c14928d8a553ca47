/*
 * units.c - see units.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include "units.h"

sql_rows_t *expected_units(long long district)
{
    char where[64] = "";

    if (district >= 0) {
        snprintf(where, sizeof(where), "WHERE u.h = %lld", district);
    }
    return sql_rows(
        "SELECT u.h, u.n, u.c, u.s, u.a FROM ("
        " SELECT d.id AS h, HEX(d.name) AS n, 1 AS c, 0 AS k,"
        "  (SELECT s.id FROM sites s WHERE s.district_id = d.id"
        "   AND s.commune_id IS NULL) AS s,"
        "  (SELECT HEX(s.domain) FROM sites s WHERE s.district_id = d.id"
        "   AND s.commune_id IS NULL) AS a"
        " FROM districts d"
        " UNION ALL"
        " SELECT c.district_id, HEX(c.name), 2, c.id,"
        "  (SELECT s.id FROM sites s WHERE s.commune_id = c.id),"
        "  (SELECT HEX(s.domain) FROM sites s WHERE s.commune_id = c.id)"
        " FROM communes c) u %s ORDER BY u.h, u.k", where);
}

static void expect_hex(json_t *v, const char *want, size_t i,
                       const char *key)
{
    char *h;

    cr_assert(json_is_string(v), "unit %zu: %s is not a string", i, key);
    h = hex_of(json_string_value(v), json_string_length(v));
    cr_assert_str_eq(h, want, "unit %zu: %s bytes differ", i, key);
    free(h);
}

void compare_units(json_t *a, const sql_rows_t *t)
{
    static const char *keys[] = {
        "Huyen_Id", "Ten_Don_Vi", "Cap", "Id", "Dia_Chi", "Ghi_Chu"
    };
    size_t i, k;
    json_t *o;

    cr_assert_eq(json_array_size(a), t->nrows, "answer has %zu units, "
                 "SQL %zu", json_array_size(a), t->nrows);
    json_array_foreach(a, i, o) {
        char **row = t->cell[i];
        void *it = json_object_iter(o);
        int none = strcmp(row[3], "NULL") == 0;

        for (k = 0; k < 6; k++, it = json_object_iter_next(o, it)) {
            cr_assert(it != NULL, "unit %zu has %zu keys", i, k);
            cr_assert_str_eq(json_object_iter_key(it), keys[k],
                             "unit %zu: key %zu", i, k);
        }
        cr_assert(it == NULL, "unit %zu has more than 6 keys", i);
        cr_assert_eq(json_integer_value(json_object_get(o, "Huyen_Id")),
                     strtoll(row[0], NULL, 10), "unit %zu: Huyen_Id", i);
        expect_hex(json_object_get(o, "Ten_Don_Vi"), row[1], i,
                   "Ten_Don_Vi");
        cr_assert(json_is_integer(json_object_get(o, "Cap")));
        cr_assert_eq(json_integer_value(json_object_get(o, "Cap")),
                     strtoll(row[2], NULL, 10), "unit %zu: Cap", i);
        if (none) {
            cr_assert(json_is_null(json_object_get(o, "Id")),
                      "unit %zu: Id should be null", i);
            cr_assert(json_is_null(json_object_get(o, "Dia_Chi")),
                      "unit %zu: Dia_Chi should be null", i);
            expect_hex(json_object_get(o, "Ghi_Chu"), NOTE_HEX, i,
                       "Ghi_Chu");
            continue;
        }
        cr_assert(json_is_integer(json_object_get(o, "Id")),
                  "unit %zu: Id is not an integer", i);
        cr_assert_eq(json_integer_value(json_object_get(o, "Id")),
                     strtoll(row[3], NULL, 10), "unit %zu: Id", i);
        if (strcmp(row[4], "NULL") == 0) {
            cr_assert(json_is_null(json_object_get(o, "Dia_Chi")),
                      "unit %zu: Dia_Chi should be null", i);
        }
        else {
            expect_hex(json_object_get(o, "Dia_Chi"), row[4], i, "Dia_Chi");
        }
        expect_hex(json_object_get(o, "Ghi_Chu"), "", i, "Ghi_Chu");
    }
}

http_resp_t *post_units(const char *body)
{
    return http_post_json(PORTALS_PATH, body);
}

json_t *check_units(const char *path, const char *body, sql_rows_t *want)
{
    http_resp_t *r = http_post_json(path, body);
    json_t *a = expect_array(r);

    compare_units(a, want);
    sql_rows_free(want);
    http_free(r);
    return a;
}

json_t *unit_named(json_t *a, const char *name)
{
    size_t i;
    json_t *o;

    json_array_foreach(a, i, o) {
        if (strcmp(json_string_value(json_object_get(o, "Ten_Don_Vi")),
                   name) == 0) {
            return o;
        }
    }
    return NULL;
}
