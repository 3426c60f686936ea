-- Schools the caller may see. $allowed: the caller's URNs (INTEGER[]), NULL meaning every school.
-- Every other parameter is an optional filter (NULL: no filter). fsm_pct / fsm_year: free school
-- meals now (current FSM), the newest census figure, as the model's current_fsm view defines it and
-- every profile shows it (not schools.pct_fsm, GIAS's figure of another date).
WITH fsm AS (  -- the newest census row, with its code where the figure is not published (as the profile)
    SELECT urn, max(time_period) AS fsm_year, arg_max(value, time_period) AS fsm_pct,
           arg_max(status_code, time_period) AS fsm_status
    FROM school_measures
    WHERE measure = 'fsm_pct' AND pupil_group = 'all' AND urn IS NOT NULL
    GROUP BY urn
)
SELECT s.urn, s.name, s.la_code, s.la_name, s.district, s.phase, s.school_type, s.establishment_group,
       s.is_academy, s.status, s.postcode, s.pupils, f.fsm_pct, f.fsm_status, f.fsm_year
FROM schools s
LEFT JOIN fsm f USING (urn)
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
  AND ($la_code::INTEGER IS NULL OR s.la_code = $la_code::INTEGER)
  AND ($district::VARCHAR IS NULL OR s.district = $district::VARCHAR)
  AND ($phase::VARCHAR IS NULL OR s.phase = $phase::VARCHAR)
  AND ($school_type::VARCHAR IS NULL OR s.school_type = $school_type::VARCHAR)
ORDER BY s.name, s.urn
