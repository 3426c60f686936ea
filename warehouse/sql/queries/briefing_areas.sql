-- The home local authority (the county boundary's LA, else the LA whose schools carry districts) and
-- its districts, with the number of schools in each: the areas a briefing can be about. No school names.
WITH home AS (SELECT la_code FROM home_la)
SELECT s.la_code, any_value(s.la_name) AS la_name, s.district, count(*) AS schools
FROM schools s JOIN home h ON s.la_code = h.la_code
WHERE s.district IS NOT NULL
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
GROUP BY s.la_code, s.district
ORDER BY s.district
