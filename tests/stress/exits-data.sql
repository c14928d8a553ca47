-- tests/stress/exits-data.sql - the portal whose page views the exit
-- checks count (tests/stress/exit-cycles.sh, tests/stress/exit-multi.sh):
-- district 99401 with its own portal, site 994001, and no visits yet.
-- Re-runnable; tests/stress/exits-clean.sql removes it all again.
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

DELETE FROM visits_daily WHERE site_id = 994001;
DELETE FROM sites WHERE district_id = 99401;
DELETE FROM districts WHERE id = 99401;

INSERT INTO districts (id, name) VALUES (99401, 'Huyện Thử Lúc Dừng');
INSERT INTO sites (id, district_id, commune_id, name, domain) VALUES
    (994001, 99401, NULL, 'Cổng thông tin huyện Thử Lúc Dừng', 'exits.test');
