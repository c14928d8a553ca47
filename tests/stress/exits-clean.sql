-- tests/stress/exits-clean.sql - removes what tests/stress/exits-data.sql
-- added, so that the later stages see the database as they expect it.
DELETE FROM visits_daily WHERE site_id = 994001;
DELETE FROM sites WHERE district_id = 99401;
DELETE FROM districts WHERE id = 99401;
