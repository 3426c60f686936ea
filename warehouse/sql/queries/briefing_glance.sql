-- An area at a glance (a district, or the whole home LA when $district is NULL): open schools, pupils
-- and the pupil-weighted share eligible for free school meals, by phase. Aggregates only.
WITH home AS (SELECT la_code FROM home_la)
SELECT coalesce(s.phase, 'Unknown') AS phase, count(*) AS schools, sum(s.pupils) AS pupils,
       sum(s.pupils * s.pct_fsm) FILTER (WHERE s.pct_fsm IS NOT NULL)
         / nullif(sum(s.pupils) FILTER (WHERE s.pct_fsm IS NOT NULL), 0) AS pct_fsm
FROM schools s JOIN home h ON s.la_code = h.la_code
WHERE coalesce(s.status, 'Open') NOT ILIKE 'closed%'
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
GROUP BY ALL
ORDER BY schools DESC, phase
