-- LA and national figures of some measures for one pupil group, every year: the county against national.
-- National: the model's national_reference (phase_scope 'all', or $phase_scope for census/absence).
SELECT 'Local authority' AS series, time_period, key_stage, measure, pupil_group, value, status_code
FROM la_measures
WHERE la_code = $la_code::INTEGER AND pupil_group = $pupil_group::VARCHAR
  AND list_contains($measures::VARCHAR[], measure)
UNION ALL
SELECT 'National', time_period, key_stage, measure, pupil_group, value, status_code
FROM national_reference
WHERE pupil_group = $pupil_group::VARCHAR AND list_contains($measures::VARCHAR[], measure)
  AND phase_scope = CASE WHEN key_stage IN ('census', 'absence') THEN $phase_scope::VARCHAR ELSE 'all' END
ORDER BY measure, series, time_period
