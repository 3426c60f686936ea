-- An area at a glance (a district, or the whole home LA when $district is NULL): open schools
-- (county_schools.is_open: the one definition of "open schools"), pupils and the pupil-weighted share
-- eligible for free school meals now (current_fsm: the newest census figure, as on every page), by
-- phase. Aggregates only.
SELECT coalesce(s.phase, 'Unknown') AS phase, count(*) AS schools, sum(s.pupils) AS pupils,
       sum(s.pupils * f.fsm_pct) FILTER (WHERE f.fsm_pct IS NOT NULL)
         / nullif(sum(s.pupils) FILTER (WHERE f.fsm_pct IS NOT NULL), 0) AS pct_fsm
FROM county_schools s
LEFT JOIN current_fsm f USING (urn)
WHERE s.is_open
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
GROUP BY ALL
ORDER BY schools DESC, phase
