-- How many of an area's open schools (county_schools.is_open; a district, or the whole home LA when
-- $district is NULL) sit in each support category, per model year and district; an open school with
-- no district is counted under 'No district recorded', so the county's total is its open schools
-- with a category. Counts of schools only: no names, no reasons.
SELECT c.time_period, coalesce(s.district, 'No district recorded') AS district, c.category,
       count(*) AS schools
FROM support_category c
JOIN county_schools s ON s.urn = c.urn
WHERE s.is_open
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
GROUP BY ALL
ORDER BY c.time_period, district, c.category
