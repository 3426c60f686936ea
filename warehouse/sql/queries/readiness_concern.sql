-- The home LA's schools causing concern (intensive and targeted) in a model year ($time_period; NULL:
-- the latest; $every_year: every model year, so one query serves every year's choice), with the category, the reasons, the reasons fit for roles without intelligence
-- (governor_reasons) and the recommended action. The data-access layer picks which reasons to show.
WITH home AS (SELECT la_code FROM home_la)
SELECT c.urn, s.name, s.district, s.phase, c.time_period, c.category, c.is_academy,
       c.recommended_action, c.reasons, c.governor_reasons
FROM support_category c
JOIN schools s ON s.urn = c.urn
JOIN home h ON s.la_code = h.la_code
WHERE ($every_year::BOOLEAN
       OR c.time_period = coalesce($time_period::INTEGER, (SELECT max(time_period) FROM model_years)))
  AND c.category IN ('intensive', 'targeted')
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], c.urn))
ORDER BY c.time_period, CASE c.category WHEN 'intensive' THEN 0 ELSE 1 END, s.name, c.urn
