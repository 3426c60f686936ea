-- How many schools of an area (a district, or the whole home LA when $district is NULL) sit in each
-- support category, per model year and district. Counts of schools only: no names, no reasons.
WITH home AS (SELECT la_code FROM home_la)
SELECT c.time_period, s.district, c.category, count(*) AS schools
FROM support_category c
JOIN schools s ON s.urn = c.urn
JOIN home h ON s.la_code = h.la_code
WHERE s.district IS NOT NULL
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
GROUP BY ALL
ORDER BY c.time_period, s.district, c.category
