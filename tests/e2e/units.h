/*
 * units.h - the portal list's answers (newsapi-portals) in the end-to-end
 * tests: requests, and answers compared with SQL rows.
 */
#ifndef E2E_UNITS_H
#define E2E_UNITS_H

#include "common.h"

#define PORTALS_PATH "/api/donvi"
/* "Chưa có cổng/trang thông tin điện tử" in UTF-8, written as bytes so
 * that the tests do not depend on how their own source is encoded. */
#define NOTE_HEX "4368C6B0612063C3B32063E1BB956E672F7472616E67207468C3B4" \
                 "6E672074696E20C49169E1BB876E2074E1BBAD"

/* The reference schema's units as the contract means them, written apart
 * from the module's query: each district (its People's Committee), then
 * its communes by code; columns Huyen_Id, HEX(name), Cap, site id or
 * NULL, HEX(address) or NULL.  district < 0: every district. */
sql_rows_t *expected_units(long long district);

/* Asserts that answer a equals rows t (the columns of expected_units), in
 * their order, each object with the six keys in the contract's order,
 * Id and Dia_Chi null and the letter's note where there is no portal (a
 * portal may lack an address: Dia_Chi null, no note). */
void compare_units(json_t *a, const sql_rows_t *t);

/* POSTs body to PORTALS_PATH. */
http_resp_t *post_units(const char *body);

/* POSTs body to path and checks the answer against want (freed here);
 * returns the answer. */
json_t *check_units(const char *path, const char *body, sql_rows_t *want);

/* The unit named name (UTF-8) in a, or NULL. */
json_t *unit_named(json_t *a, const char *name);

#endif /* E2E_UNITS_H */
