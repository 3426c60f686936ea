-- One school's pupil-group figures against national (group_gaps) for a year.
SELECT time_period, key_stage, measure, pupil_group, value, status_code, cohort, national_value,
       gap_vs_national_same_group, gap_vs_national_non_disadvantaged, gap_vs_national_disadvantaged, note
FROM group_gaps
WHERE urn = $urn::INTEGER AND time_period = $time_period::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY key_stage, measure, pupil_group
