-- tests/e2e/index-edge.sql - articles and visits at the edges of the
-- calendar for the day index stage (tests/e2e/stage-index.sh loads it
-- before its Apaches start and removes it afterwards: ids from 990000001,
-- visit days before 1971 or after 2099).  S1 is the first district
-- portal, S2 the first commune portal of the first district.
SET @s1 = (SELECT MIN(id) FROM sites WHERE commune_id IS NULL);
SET @s2 = (SELECT MIN(id) FROM sites WHERE commune_id IS NOT NULL
           AND district_id = (SELECT MIN(id) FROM districts));
INSERT INTO articles (id, site_id, title, status, is_deleted, published_at)
VALUES
    (990000001, @s1, 'e2e edge', 1, 0, '1000-01-01 00:00:00'),
    (990000002, @s1, 'e2e edge', 1, 0, '1969-12-31 23:59:59'),
    (990000003, @s1, 'e2e edge', 1, 0, '1970-01-01 00:00:00'),
    (990000004, @s2, 'e2e edge', 1, 0, '2024-02-29 00:00:00'),
    (990000005, @s2, 'e2e edge', 1, 0, '2024-02-29 23:59:59'),
    (990000006, @s2, 'e2e edge', 1, 0, '2024-03-01 00:00:00'),
    (990000007, @s1, 'e2e edge', 1, 0, '9999-12-30 23:59:59'),
    (990000008, @s2, 'e2e edge', 1, 0, '2100-06-15 12:00:00'),
    (990000009, @s1, 'e2e edge', 0, 0, '1969-12-31 12:00:00'),
    (990000010, @s2, 'e2e edge', 1, 1, '2024-02-29 12:00:00');
INSERT INTO visits_daily (site_id, day, hits) VALUES
    (@s1, '1000-01-01', 7), (@s1, '1969-12-31', 5), (@s1, '1970-01-01', 2),
    (@s2, '9999-12-30', 3), (@s2, '2100-06-15', 4);
