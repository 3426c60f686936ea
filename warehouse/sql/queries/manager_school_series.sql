-- One school's published measures for a pupil group over every year (with cohort and code).
SELECT 'This school' AS series, time_period, key_stage, measure, pupil_group, value, status_code,
       ci_lower, ci_upper, cohort
FROM school_measures
WHERE urn = $urn::INTEGER AND pupil_group = $pupil_group::VARCHAR
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY measure, time_period
