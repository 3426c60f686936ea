-- Governor profile: pupil groups of the school with national figures and the disadvantaged gaps
-- (decision 13), plus each measure's all-pupils row so that suppression can hide a group whose
-- size the total would otherwise reveal (secondary suppression needs the total).
SELECT g.urn, g.time_period, g.key_stage, g.measure, g.pupil_group, g.value, g.status_code,
       g.cohort, g.national_value, g.gap_vs_national_same_group, g.national_non_disadvantaged,
       g.national_disadvantaged, g.gap_vs_national_non_disadvantaged,
       g.gap_vs_national_disadvantaged, g.national_gap, g.note
FROM group_gaps g
WHERE g.urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], g.urn))
UNION ALL
SELECT m.urn, m.time_period, m.key_stage, m.measure, m.pupil_group, m.value, m.status_code,
       m.cohort, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM school_measures m
WHERE m.urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], m.urn))
  AND m.pupil_group = 'all'
  AND (m.time_period, m.measure) IN (SELECT (time_period, measure) FROM group_gaps WHERE urn = $urn::INTEGER)
ORDER BY 2, 4, 5
