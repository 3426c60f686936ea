-- The schools "the county" counts (decision 23; warehouse/figures.toml [counts]): every school of the
-- home LA with whether it is open and whether it has a district, so every count of schools a person
-- sees (briefing slides, overview, priority list) is made from one definition and says which it is.
-- Open = not closed in GIAS (a school known only from published files, with no status, counts as open).
CREATE OR REPLACE VIEW county_schools AS
SELECT s.urn, s.la_code, s.la_name, s.district, s.phase, s.pupils,
       coalesce(s.status, 'Open') NOT ILIKE 'closed%' AS is_open,
       s.district IS NOT NULL AS in_district
FROM schools s
JOIN home_la h ON s.la_code = h.la_code;
