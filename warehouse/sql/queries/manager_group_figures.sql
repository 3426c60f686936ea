-- Each school's headline figure (KS2: % meeting the expected standard in reading, writing and maths;
-- KS4: Attainment 8) for one pupil group ($pupil_group, 'all' included; NULL: every group, one row per
-- group, the priority list slices it per group) in a year, against the national figure for the same
-- group, with the group's size (cohort) and the school's percentile among every school with a
-- published figure for that group (all loaded schools: the national file when loaded; n_ranked says
-- how many). Restricted to the LA ($la_code) and the caller's schools.
WITH figures AS (
    SELECT m.urn, s.la_code, m.pupil_group, m.key_stage, m.measure, m.value, m.status_code, m.cohort,
           100 * percent_rank() OVER (PARTITION BY m.pupil_group, m.measure ORDER BY m.value) AS group_percentile,
           count(m.value) OVER (PARTITION BY m.pupil_group, m.measure) AS n_ranked
    FROM school_measures m JOIN schools s USING (urn)
    WHERE m.time_period = $time_period::INTEGER
      AND ($pupil_group::VARCHAR IS NULL OR m.pupil_group = $pupil_group::VARCHAR)
      AND m.measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8')
      AND m.value IS NOT NULL
    UNION ALL  -- schools whose figure is withheld or not published keep their code and cohort
    SELECT m.urn, s.la_code, m.pupil_group, m.key_stage, m.measure, NULL, m.status_code, m.cohort, NULL, NULL
    FROM school_measures m JOIN schools s USING (urn)
    WHERE m.time_period = $time_period::INTEGER
      AND ($pupil_group::VARCHAR IS NULL OR m.pupil_group = $pupil_group::VARCHAR)
      AND m.measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8')
      AND m.value IS NULL
)
SELECT f.pupil_group, f.urn, f.key_stage, f.measure, f.value AS group_value, f.status_code AS group_status,
       f.cohort AS group_cohort, n.value AS group_national, f.group_percentile, f.n_ranked
FROM figures f
LEFT JOIN national_measures n
       ON n.time_period = $time_period::INTEGER AND n.measure = f.measure
      AND n.pupil_group = f.pupil_group
WHERE f.la_code = $la_code::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], f.urn))
ORDER BY f.pupil_group, f.urn, f.key_stage
