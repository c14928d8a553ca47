-- mod_newsapi reference schema (MariaDB 10.x / MySQL 8, InnoDB, utf8mb4).
--
-- This is the shape the module's *default* queries expect. A real portal
-- database will differ: the admin then writes NewsApiDistrictQuery /
-- NewsApiCommuneQuery / NewsApiDistrictExistsQuery for their own tables
-- (see sql/README.md for how to check the plan of such a query).
--
-- The script drops and re-creates everything, so it can be reloaded at will:
--   tests/lib/mariadb.sh sql DIR < sql/schema.sql

SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
SET foreign_key_checks = 0;

DROP TABLE IF EXISTS visits_daily;
DROP TABLE IF EXISTS articles;
DROP TABLE IF EXISTS sites;
DROP TABLE IF EXISTS communes;
DROP TABLE IF EXISTS districts;

SET foreign_key_checks = 1;

-- District-level units (huyện, thị xã, thành phố thuộc tỉnh).
CREATE TABLE districts (
    -- GSO administrative code of the district; this is the API's Huyen_Id.
    id   INT UNSIGNED NOT NULL,
    -- Official name with its prefix, e.g. 'Huyện Nga Sơn' (API: Ten_Huyen).
    name VARCHAR(255) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Commune-level units (xã, phường, thị trấn).
CREATE TABLE communes (
    -- GSO administrative code of the commune.
    id          INT UNSIGNED NOT NULL,
    -- The district the commune belongs to (districts.id).
    district_id INT UNSIGNED NOT NULL,
    -- Official name with its prefix, e.g. 'Xã Nga Điền'.
    name        VARCHAR(255) NOT NULL,
    PRIMARY KEY (id),
    KEY idx_communes_district (district_id),
    CONSTRAINT fk_communes_district FOREIGN KEY (district_id)
        REFERENCES districts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- E-portals / websites. One row per portal; a commune that has no portal
-- yet has no row here (it then does not appear in the commune API).
CREATE TABLE sites (
    -- Portal id (API: Id).
    id          INT UNSIGNED NOT NULL AUTO_INCREMENT,
    -- District the portal belongs to (the district's own portal, or the
    -- district of the commune).
    district_id INT UNSIGNED NOT NULL,
    -- NULL: the district's own portal; otherwise the commune's portal.
    commune_id  INT UNSIGNED NULL,
    -- Display name of the portal (API: Name),
    -- e.g. 'Cổng thông tin điện tử huyện Nga Sơn'.
    name        VARCHAR(255) NOT NULL,
    -- Host name of the portal, e.g. 'ngason.thanhhoa.gov.vn'.
    domain      VARCHAR(255) NOT NULL,
    PRIMARY KEY (id),
    -- Serves both default queries: district portals (commune_id IS NULL)
    -- and the commune portals of one district.
    KEY idx_sites_district_commune (district_id, commune_id),
    KEY idx_sites_commune (commune_id),
    CONSTRAINT fk_sites_district FOREIGN KEY (district_id)
        REFERENCES districts (id),
    CONSTRAINT fk_sites_commune FOREIGN KEY (commune_id)
        REFERENCES communes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- News articles (Tin tức) of every portal.
CREATE TABLE articles (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    -- The portal that published it (sites.id).
    site_id      INT UNSIGNED NOT NULL,
    -- Headline.
    title        VARCHAR(500) NOT NULL,
    -- 1: published, 0: draft. Only published articles are counted.
    status       TINYINT NOT NULL,
    -- 1: deleted (kept for the record), 0: live. Deleted ones are not counted.
    is_deleted   TINYINT NOT NULL DEFAULT 0,
    -- Publication time, portal local time (Asia/Ho_Chi_Minh); the API's
    -- TuNgay/DenNgay range applies to it as [TuNgay 00:00, DenNgay+1 00:00).
    published_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    -- The counting index: equality on the first three columns, a range on
    -- published_at; the COUNT(*) is answered from the index alone.
    KEY idx_articles_count (site_id, status, is_deleted, published_at),
    -- The day index's refresh of the recent days (NewsApiNewsDailyQuery
    -- from yesterday on): a range on published_at over every site, read
    -- from the index alone (sql/README.md shows the plan).
    KEY idx_articles_published (published_at, status, is_deleted, site_id),
    CONSTRAINT fk_articles_site FOREIGN KEY (site_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Visitor counter (Bộ đếm truy cập), one row per portal and day.
CREATE TABLE visits_daily (
    -- The portal (sites.id).
    site_id INT UNSIGNED NOT NULL,
    -- The local calendar day.
    day     DATE NOT NULL,
    -- Page views counted that day.
    hits    BIGINT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, day),
    -- The day index's refresh of the recent days (NewsApiVisitsDailyQuery
    -- from yesterday on), read from the index alone.
    KEY idx_visits_day (day, site_id, hits),
    CONSTRAINT fk_visits_site FOREIGN KEY (site_id) REFERENCES sites (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
