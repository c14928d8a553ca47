-- tests/e2e/visits-data.sql - the rows of the visitor-counter tests
-- (tests/e2e/stage-visits.sh loads it; test_visits_api.c and
-- test_visits_count.c use it).
--
-- District 99301 ("Huyện Thử Truy Cập") has a district portal 993001 and
-- commune portals 993002 .. 993042; district 99302 one commune portal,
-- 993004.  Each test writes only its own site:
--
--   993001  district portal: day-boundary rows in 2033 (API test)
--   993002  commune portal:  day-boundary rows in 2033 (API test)
--   993003  commune portal:  never any visit (listed with 0)
--   993004  the one commune portal of district 99302: rows added after an
--           answer was cached (API test; alone in its district so that
--           the tests of district 99301 running at the same time do not
--           see them)
--   993011  Host a.test            (counter mix, both Apaches)
--   993012  Host b.test            (counter mix, both Apaches)
--   993013  <Location /siteid/>    (counter mix, both Apaches)
--   993014  <VirtualHost> vhost.test, NewsApiSiteId (counter mix)
--   993015  <Location /online/>    (DangTruyCap)
--   993021  <Location /graceful/>  (graceful restart, both Apaches)
--   993022  <Location /outage/>    (database outage during flushes)
--   993023  <Location /atexit/>    (the Apache that flushes only at exit)
--   993024  <Location /stop/>      (full stop of both Apaches)
--   993025  <Location /restarts/>  (many graceful restarts in a row)
--   993031 .. 993042  Host d1.test .. d12.test (Apache D, next to a site
--           the database refuses: tests/e2e/visits-refused.conf)
--   993051 .. 993055  district 99303: host names the portal list gives
--           (Apache E, NewsApiSiteHostsFromList: tests/e2e/visits-hosts.conf);
--           993055 is added by the test itself
--
-- Re-runnable: everything of districts 99301, 99302 and 99303 is
-- replaced.
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

DELETE FROM visits_daily WHERE site_id BETWEEN 993001 AND 993099;
DELETE FROM sites WHERE district_id IN (99301, 99302, 99303);
DELETE FROM communes WHERE district_id IN (99301, 99302, 99303);
DELETE FROM districts WHERE id IN (99301, 99302, 99303);

INSERT INTO districts (id, name) VALUES (99301, 'Huyện Thử Truy Cập'),
    (99302, 'Huyện Thử Bộ Nhớ Đệm'), (99303, 'Huyện Thử Tên Miền');
INSERT INTO communes (id, district_id, name) VALUES
    (99301002, 99301, 'Xã Biên Ngày'),
    (99301003, 99301, 'Xã Vắng Khách'),
    (99302004, 99302, 'Xã Bộ Nhớ Đệm'),
    (99301011, 99301, 'Xã Máy Chủ A'),
    (99301012, 99301, 'Xã Máy Chủ B'),
    (99301013, 99301, 'Xã Vị Trí'),
    (99301014, 99301, 'Xã Máy Ảo'),
    (99301015, 99301, 'Xã Đang Xem'),
    (99301021, 99301, 'Xã Khởi Động Lại'),
    (99301022, 99301, 'Xã Mất Điện'),
    (99301023, 99301, 'Xã Lúc Thoát'),
    (99301024, 99301, 'Xã Dừng Hẳn'),
    (99301025, 99301, 'Xã Khởi Động Nhiều Lần'),
    (99301031, 99301, 'Xã Bên Cạnh 1'),
    (99301032, 99301, 'Xã Bên Cạnh 2'),
    (99301033, 99301, 'Xã Bên Cạnh 3'),
    (99301034, 99301, 'Xã Bên Cạnh 4'),
    (99301035, 99301, 'Xã Bên Cạnh 5'),
    (99301036, 99301, 'Xã Bên Cạnh 6'),
    (99301037, 99301, 'Xã Bên Cạnh 7'),
    (99301038, 99301, 'Xã Bên Cạnh 8'),
    (99301039, 99301, 'Xã Bên Cạnh 9'),
    (99301040, 99301, 'Xã Bên Cạnh 10'),
    (99301041, 99301, 'Xã Bên Cạnh 11'),
    (99301042, 99301, 'Xã Bên Cạnh 12');
INSERT INTO sites (id, district_id, commune_id, name, domain) VALUES
    (993001, 99301, NULL, 'Cổng TTĐT huyện Thử Truy Cập', 'thutruycap.test'),
    (993002, 99301, 99301002, 'Trang TTĐT xã Biên Ngày', 'bienngay.test'),
    (993003, 99301, 99301003, 'Trang TTĐT xã Vắng Khách', 'vangkhach.test'),
    (993004, 99302, 99302004, 'Trang TTĐT xã Bộ Nhớ Đệm', 'bonhodem.test'),
    (993011, 99301, 99301011, 'Trang TTĐT xã Máy Chủ A', 'a.test'),
    (993012, 99301, 99301012, 'Trang TTĐT xã Máy Chủ B', 'b.test'),
    (993013, 99301, 99301013, 'Trang TTĐT xã Vị Trí', 'vitri.test'),
    (993014, 99301, 99301014, 'Trang TTĐT xã Máy Ảo', 'vhost.test'),
    (993015, 99301, 99301015, 'Trang TTĐT xã Đang Xem', 'dangxem.test'),
    (993021, 99301, 99301021, 'Trang TTĐT xã Khởi Động Lại', 'khoidong.test'),
    (993022, 99301, 99301022, 'Trang TTĐT xã Mất Điện', 'matdien.test'),
    (993023, 99301, 99301023, 'Trang TTĐT xã Lúc Thoát', 'lucthoat.test'),
    (993024, 99301, 99301024, 'Trang TTĐT xã Dừng Hẳn', 'dunghan.test'),
    (993025, 99301, 99301025, 'Trang TTĐT xã Khởi Động Nhiều Lần', 'nhieulan.test'),
    (993031, 99301, 99301031, 'Trang TTĐT xã Bên Cạnh 1', 'd1.test'),
    (993032, 99301, 99301032, 'Trang TTĐT xã Bên Cạnh 2', 'd2.test'),
    (993033, 99301, 99301033, 'Trang TTĐT xã Bên Cạnh 3', 'd3.test'),
    (993034, 99301, 99301034, 'Trang TTĐT xã Bên Cạnh 4', 'd4.test'),
    (993035, 99301, 99301035, 'Trang TTĐT xã Bên Cạnh 5', 'd5.test'),
    (993036, 99301, 99301036, 'Trang TTĐT xã Bên Cạnh 6', 'd6.test'),
    (993037, 99301, 99301037, 'Trang TTĐT xã Bên Cạnh 7', 'd7.test'),
    (993038, 99301, 99301038, 'Trang TTĐT xã Bên Cạnh 8', 'd8.test'),
    (993039, 99301, 99301039, 'Trang TTĐT xã Bên Cạnh 9', 'd9.test'),
    (993040, 99301, 99301040, 'Trang TTĐT xã Bên Cạnh 10', 'd10.test'),
    (993041, 99301, 99301041, 'Trang TTĐT xã Bên Cạnh 11', 'd11.test'),
    (993042, 99301, 99301042, 'Trang TTĐT xã Bên Cạnh 12', 'd12.test');

-- Host names from the database (the portal list): h1 counts for its
-- own site, h2 for the site NewsApiSiteHost gives it instead (993053),
-- h4 is written as an address ("https://H4.Test/") rather than a host.
INSERT INTO communes (id, district_id, name) VALUES
    (99303051, 99303, 'Xã Tên Miền 1'),
    (99303052, 99303, 'Xã Tên Miền 2'),
    (99303053, 99303, 'Xã Tên Miền 3'),
    (99303054, 99303, 'Xã Tên Miền 4'),
    (99303055, 99303, 'Xã Tên Miền 5');
INSERT INTO sites (id, district_id, commune_id, name, domain) VALUES
    (993051, 99303, 99303051, 'Trang TTĐT xã Tên Miền 1', 'h1.test'),
    (993052, 99303, 99303052, 'Trang TTĐT xã Tên Miền 2', 'h2.test'),
    (993053, 99303, 99303053, 'Trang TTĐT xã Tên Miền 3', 'h3.test'),
    (993054, 99303, 99303054, 'Trang TTĐT xã Tên Miền 4', 'https://H4.Test/');

-- Day boundaries of the range 2033-03-10 .. 2033-03-20 (a year no other
-- test uses): the day before and the day after must stay out of
-- SoLuotTruyCap; the day before (and older) is in TongLuotTruyCap, the
-- day after is not.
INSERT INTO visits_daily (site_id, day, hits) VALUES
    (993001, '2033-01-05', 1000),
    (993001, '2033-03-09', 200),
    (993001, '2033-03-10', 30),
    (993001, '2033-03-15', 4),
    (993001, '2033-03-20', 5000),
    (993001, '2033-03-21', 60000),
    (993002, '2033-03-09', 7),
    (993002, '2033-03-10', 11),
    (993002, '2033-03-20', 13),
    (993002, '2033-03-21', 17),
    (993002, '2034-01-01', 19);
