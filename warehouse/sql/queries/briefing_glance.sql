-- Every area at a glance, in one pass (the briefing slices the area shown): each district of the
-- home LA (whole_la false) and the whole home LA (whole_la true, district NULL): open schools
-- (county_schools.is_open: the one definition of "open schools"), pupils and the pupil-weighted share
-- eligible for free school meals now (current_fsm: the newest census figure, as on every page), by
-- phase. Aggregates only.
WITH open_schools AS (
    SELECT s.district, coalesce(s.phase, 'Unknown') AS phase, s.pupils, f.fsm_pct
    FROM county_schools s
    LEFT JOIN current_fsm f USING (urn)
    WHERE s.is_open
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
)
SELECT district, grouping(district) = 1 AS whole_la, phase, count(*) AS schools,
       sum(pupils) AS pupils,
       sum(pupils * fsm_pct) FILTER (WHERE fsm_pct IS NOT NULL)
         / nullif(sum(pupils) FILTER (WHERE fsm_pct IS NOT NULL), 0) AS pct_fsm
FROM open_schools
GROUP BY GROUPING SETS ((district, phase), (phase))
ORDER BY schools DESC, phase
