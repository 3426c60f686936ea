-- pupil_reconciliation: each figure computed from the pupils (pupil_group_aggregates) beside the
-- published school figure it should reproduce (school_measures, same URN, year, measure and group):
-- KS2 PTRWM_EXP and READPROG / WRITPROG / MATPROG, KS4 ATT8SCR and P8MEA. A figure reconciles when it
-- equals the published one to the published rounding (tolerance = half a unit in the last published
-- decimal place, plus 0.001 for pupil results given to three decimals). reason says why a figure
-- cannot be reconciled (published figure suppressed or not published, no published row, no pupil
-- with progress) or may differ (the pupil file and the published cohort count different pupils).
CREATE OR REPLACE TABLE pupil_reconciliation AS
WITH decimals(measure, decimals) AS (
    VALUES ('ks2_rwm_expected_pct', 0), ('ks2_reading_progress', 1), ('ks2_writing_progress', 1),
           ('ks2_maths_progress', 1), ('ks4_attainment8', 1), ('ks4_progress8', 2)
),
published_groups(pupil_group) AS (
    VALUES ('all'), ('disadvantaged'), ('non_disadvantaged'), ('boys'), ('girls'), ('eal'),
           ('prior_low'), ('prior_middle'), ('prior_high')
),
joined AS (
    SELECT a.urn, a.time_period, a.key_stage, a.measure, a.pupil_group,
           a.value AS pupil_value, a.pupils, a.cohort AS pupil_cohort,
           m.value AS published_value, m.status_code AS published_status, m.cohort AS published_cohort,
           m.urn IS NOT NULL AS has_published_row,
           d.decimals,
           0.5 * pow(10, -d.decimals) + 0.001 AS tolerance
    FROM pupil_group_aggregates AS a
    JOIN decimals AS d USING (measure)
    JOIN published_groups AS g USING (pupil_group)
    LEFT JOIN school_measures AS m
           ON m.urn = a.urn AND m.time_period = a.time_period AND m.measure = a.measure
          AND m.pupil_group = a.pupil_group
)
SELECT urn, time_period, key_stage, measure, pupil_group, pupil_value, pupils, pupil_cohort,
       published_value, published_status, published_cohort, decimals,
       pupil_value - published_value AS difference,
       CASE WHEN pupil_value IS NULL OR published_value IS NULL THEN 'cannot reconcile'
            WHEN abs(pupil_value - published_value) <= tolerance THEN 'reconciles'
            ELSE 'differs' END AS status,
       CASE WHEN NOT has_published_row AND pupil_group = 'all'
                 THEN 'no published figure for this school and year'
            WHEN NOT has_published_row THEN 'not published for this group'
            WHEN published_value IS NULL
                 THEN 'published figure ' || CASE published_status
                          WHEN 'SUPP' THEN 'suppressed (SUPP: a small group)'
                          WHEN 'NP' THEN 'not published (NP)'
                          WHEN 'LOWCOV' THEN 'not published: low coverage (LOWCOV)'
                          WHEN 'NA' THEN 'not applicable (NA)'
                          ELSE 'missing (' || coalesce(published_status, 'blank') || ')' END
            WHEN pupil_value IS NULL
                 THEN 'no pupil in the file has this figure (progress needs prior attainment and an estimate)'
            WHEN abs(pupil_value - published_value) > tolerance AND published_cohort IS NOT NULL
                 AND published_cohort <> pupil_cohort
                 THEN 'the pupil file has ' || pupil_cohort || ' pupils in this group; the published figure covers '
                      || published_cohort
            WHEN abs(pupil_value - published_value) > tolerance
                 THEN 'differs beyond the published rounding'
       END AS reason
FROM joined
ORDER BY urn, time_period, measure, pupil_group;
