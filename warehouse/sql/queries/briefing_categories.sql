-- How many schools of an area (a district, or the whole home LA when $district is NULL) sit in each
-- support category, per model year and district. Counts of schools only: no names, no reasons.
WITH home AS (
    SELECT coalesce(
        (SELECT min(la_code) FROM boundaries WHERE kind = 'county'),
        (SELECT la_code FROM schools WHERE district IS NOT NULL GROUP BY la_code ORDER BY count(*) DESC LIMIT 1)
    ) AS la_code
)
SELECT c.time_period, s.district, c.category, count(*) AS schools
FROM support_category c
JOIN schools s ON s.urn = c.urn
JOIN home h ON s.la_code = h.la_code
WHERE s.district IS NOT NULL
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
GROUP BY ALL
ORDER BY c.time_period, s.district, c.category
