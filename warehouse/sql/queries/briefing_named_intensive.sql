-- Schools of an area in intensive support in the latest model year FOR PUBLISHED DATA OR INSPECTION
-- REASONS ONLY (never intelligence: a school whose intensive reasons are all confidential is not named).
-- Only for roles that may name schools (the data-access layer checks).
WITH home AS (SELECT la_code FROM home_la)
SELECT DISTINCT s.urn, s.name, s.district, s.phase
FROM support_reasons r
JOIN schools s ON s.urn = r.urn
JOIN home h ON s.la_code = h.la_code
WHERE r.time_period = (SELECT max(time_period) FROM model_years)
  AND r.level = 'intensive' AND NOT r.confidential
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
ORDER BY s.name, s.urn
