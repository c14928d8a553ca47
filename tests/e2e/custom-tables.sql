-- tests/e2e/custom-tables.sql - a portal database of another shape, for the
-- second Apache of the suite (tests/e2e/custom-query.conf, test_custom.c).
-- tests/run.sh loads it before that Apache starts: mod_dbd prepares the
-- statements when it opens a connection, and the tables must exist then.
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;

DROP TABLE IF EXISTS portal_news_custom;
DROP TABLE IF EXISTS portal_sites_custom;
DROP TABLE IF EXISTS portal_units_custom;
DROP TABLE IF EXISTS portal_hosts_custom;

CREATE TABLE portal_sites_custom (
    ma_cong     INT UNSIGNED NOT NULL,        -- the portal (API: Id)
    ma_huyen    INT UNSIGNED NOT NULL,        -- Huyen_Id
    ten_huyen   VARCHAR(255) NOT NULL,        -- Ten_Huyen
    ma_xa       INT UNSIGNED NULL,            -- NULL: the district's portal
    ten_cong    VARCHAR(255) NOT NULL,        -- Name
    PRIMARY KEY (ma_cong)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE portal_news_custom (
    so_tin      BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    ma_cong     INT UNSIGNED NOT NULL,
    trang_thai  VARCHAR(16) NOT NULL,         -- 'published', 'draft', ...
    ngay_dang   DATETIME NOT NULL,
    PRIMARY KEY (so_tin),
    KEY (ma_cong, ngay_dang)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO portal_sites_custom VALUES
    (7001, 380, 'Huyện Nga Sơn', NULL, 'Cổng TTĐT huyện Nga Sơn'),
    (7002, 381, 'Huyện Hậu Lộc', NULL, 'Cổng TTĐT huyện Hậu Lộc'),
    (7003, 382, 'Thành phố Sầm Sơn', NULL, 'Cổng TTĐT thành phố Sầm Sơn'),
    (7101, 380, 'Huyện Nga Sơn', 15001, 'Xã Nga Điền'),
    (7102, 380, 'Huyện Nga Sơn', 15002, 'Xã Nga Thái'),
    (7103, 381, 'Huyện Hậu Lộc', 15101, 'Xã Hòa Lộc');

INSERT INTO portal_news_custom (ma_cong, trang_thai, ngay_dang) VALUES
    (7001, 'published', '2024-05-01 00:00:00'),
    (7001, 'published', '2024-05-31 23:59:59'),
    (7001, 'published', '2024-06-01 00:00:00'),
    (7001, 'published', '2024-04-30 23:59:59'),
    (7001, 'draft',     '2024-05-10 10:00:00'),
    (7002, 'published', '2024-05-15 08:30:00'),
    (7002, 'publishedX','2024-05-15 09:30:00'),
    (7101, 'published', '2024-05-02 07:00:00'),
    (7101, 'published', '2024-05-03 07:00:00'),
    (7102, 'draft',     '2024-05-03 07:00:00'),
    (7103, 'published', '2024-05-20 07:00:00');

-- The portal list of this schema: units (with a portal or none) and the
-- host names of the portals that have one.
CREATE TABLE portal_units_custom (
    ma_dv       INT UNSIGNED NOT NULL,        -- the unit's code
    ma_huyen    INT UNSIGNED NOT NULL,        -- Huyen_Id
    ten_dv      VARCHAR(255) NOT NULL,        -- Ten_Don_Vi
    loai        VARCHAR(8) NOT NULL,          -- 'huyen' or 'xa' (Cap)
    ma_cong     INT UNSIGNED NULL,            -- its portal; NULL: none
    PRIMARY KEY (ma_dv)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE portal_hosts_custom (
    ma_cong     INT UNSIGNED NOT NULL,
    ten_mien    VARCHAR(255) NOT NULL,        -- Dia_Chi
    PRIMARY KEY (ma_cong)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO portal_units_custom VALUES
    (380, 380, 'UBND huyện Nga Sơn', 'huyen', 7001),
    (15001, 380, 'Xã Nga Điền', 'xa', 7101),
    (15002, 380, 'Xã Nga Thái', 'xa', 7102),
    (15000, 380, 'Thị trấn Nga Sơn', 'xa', NULL),
    (381, 381, 'UBND huyện Hậu Lộc', 'huyen', 7002),
    (15101, 381, 'Xã Hòa Lộc', 'xa', 7103),
    (382, 382, 'UBND thành phố Sầm Sơn', 'huyen', NULL);

-- 7102 has a portal whose address is not known: Id set, Dia_Chi null.
INSERT INTO portal_hosts_custom VALUES
    (7001, 'ngason.thanhhoa.gov.vn'),
    (7101, 'ngadien.ngason.thanhhoa.gov.vn'),
    (7002, 'hauloc.thanhhoa.gov.vn'),
    (7103, 'hoaloc.hauloc.thanhhoa.gov.vn');
