-- Attainment and progress of each school and year as z-scores against the national distribution of
-- schools of the same key stage and year (decision 7), with percentiles (decision 8). One row per
-- (urn, time_period, key_stage, component). See docs/method.md section 1.
-- The mean of published one-decimal scores, to two decimals, in DECIMAL arithmetic (decision 9).
CREATE OR REPLACE MACRO ks2_mean_of_three(x) AS
    CAST(round(CAST(sum(CAST(round(x, 1) AS DECIMAL(9, 1))) AS DECIMAL(18, 1)) / CAST(count(x) AS DECIMAL(18, 0)), 2) AS DECIMAL(18, 2))::DOUBLE;

CREATE OR REPLACE TABLE standardised_measures AS
WITH
ks2_progress AS (
    -- KS2 progress = mean of reading, writing, maths progress; missing if any of the three is missing.
    -- Published to one decimal, so the mean (and its interval) is kept to two (decision 9): computed
    -- in DECIMAL, so equal published scores give an identical mean whatever the order of summing,
    -- and an upper limit that is 0 is 0, never -0.0000000001 ("significantly below").
    SELECT urn, max(la_code) AS la_code, time_period,
           CASE WHEN count(value) = 3 THEN ks2_mean_of_three(value) END AS value,
           CASE WHEN count(value) < 3
                THEN coalesce(string_agg(DISTINCT status_code, ', ' ORDER BY status_code), 'not published') END AS status_code,
           CASE WHEN count(value) = 3 AND count(ci_lower) = 3 THEN ks2_mean_of_three(ci_lower) END AS ci_lower,
           CASE WHEN count(value) = 3 AND count(ci_upper) = 3 THEN ks2_mean_of_three(ci_upper) END AS ci_upper,
           max(cohort) AS cohort
    FROM school_measures
    WHERE pupil_group = 'all'
      AND measure IN ('ks2_reading_progress', 'ks2_writing_progress', 'ks2_maths_progress')
    GROUP BY urn, time_period
),
raw AS (
    SELECT urn, la_code, time_period, key_stage,
           CASE WHEN measure = 'ks4_progress8' THEN 'progress' ELSE 'attainment' END AS component,
           measure, value, status_code, ci_lower, ci_upper, cohort
    FROM school_measures
    WHERE pupil_group = 'all' AND measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8', 'ks4_progress8')
    UNION ALL
    SELECT urn, la_code, time_period, 'ks2', 'progress', 'ks2_progress_mean',
           value, status_code, ci_lower, ci_upper, cohort
    FROM ks2_progress
),
cohorts AS (
    SELECT urn, time_period, key_stage, max(value) AS cohort_value
    FROM school_measures
    WHERE pupil_group = 'all' AND measure IN ('ks2_cohort', 'ks4_cohort')
    GROUP BY ALL
),
national_ks2_progress AS (
    SELECT time_period, CASE WHEN count(value) = 3 THEN ks2_mean_of_three(value) END AS value
    FROM national_reference
    WHERE pupil_group = 'all' AND phase_scope = 'all'
      AND measure IN ('ks2_reading_progress', 'ks2_writing_progress', 'ks2_maths_progress')
    GROUP BY time_period
),
national_values AS (
    SELECT time_period, key_stage, measure, value, cohort
    FROM national_reference
    WHERE pupil_group = 'all' AND phase_scope = 'all'
      AND measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8', 'ks4_progress8')
    UNION ALL
    SELECT time_period, 'ks2', 'ks2_progress_mean', value, NULL FROM national_ks2_progress
),
prepared AS (
    SELECT r.*, coalesce(r.cohort, CAST(c.cohort_value AS INTEGER)) AS n_pupils, s.phase,
           CASE
             WHEN list_contains(getvariable('distribution_excluded_phases'), s.phase)
               THEN 'phase ' || s.phase || ' is not scored'
             WHEN r.component = 'progress' AND (
                    (r.key_stage = 'ks2' AND list_contains(getvariable('achievement_progress_not_published_ks2'), r.time_period))
                 OR (r.key_stage = 'ks4' AND list_contains(getvariable('achievement_progress_not_published_ks4'), r.time_period)))
               THEN 'not published for ' || printf('%d/%02d', r.time_period // 100, r.time_period % 100)
             WHEN r.value IS NULL
               THEN CASE WHEN r.status_code IS NULL OR r.status_code = 'not published'
                         THEN 'not published for this school'
                         ELSE 'suppressed or not published (' || r.status_code || ')' END
             WHEN coalesce(r.cohort, CAST(c.cohort_value AS INTEGER)) < getvariable('distribution_min_cohort')
               THEN 'cohort of ' || coalesce(r.cohort, CAST(c.cohort_value AS INTEGER)) || ' pupils is below '
                    || getvariable('distribution_min_cohort')
           END AS not_scored_reason
    FROM raw r
    LEFT JOIN cohorts c USING (urn, time_period, key_stage)
    LEFT JOIN schools s USING (urn)
),
coverage AS (
    -- Is there a national school-level file for this key stage and year? (decision 8)
    SELECT p.key_stage, p.time_period,
           sum(p.n_pupils) AS school_pupils, count(DISTINCT p.la_code) AS n_las,
           any_value(n.cohort) AS national_cohort
    FROM prepared p
    LEFT JOIN national_values n ON n.time_period = p.time_period AND n.measure = p.measure
    WHERE p.component = 'attainment'
    GROUP BY ALL
),
is_nat AS (
    SELECT key_stage, time_period,
           coalesce(coalesce(school_pupils, 0) / nullif(national_cohort, 0) >= getvariable('distribution_national_min_coverage'), FALSE)
             OR n_las >= getvariable('distribution_national_min_las') AS is_national
    FROM coverage
),
scored AS (
    SELECT p.*, p.not_scored_reason IS NULL AS scored,
           coalesce(i.is_national, FALSE) AS is_national, n.value AS national_value
    FROM prepared p
    LEFT JOIN is_nat i USING (key_stage, time_period)
    LEFT JOIN national_values n ON n.time_period = p.time_period AND n.measure = p.measure
),
stats AS (
    SELECT key_stage, time_period, component, avg(value) AS mean, stddev_pop(value) AS sd, count(*) AS n
    FROM scored WHERE scored GROUP BY ALL
),
ranked AS (
    SELECT s.*, st.mean, st.sd, st.n,
           CASE WHEN s.scored THEN
             CASE WHEN s.is_national THEN st.mean
                  ELSE coalesce(s.national_value, CASE WHEN s.component = 'progress' THEN 0.0 END, st.mean) END
           END AS centre,
           CASE WHEN s.scored AND st.n > 1 THEN
             100.0 * (rank() OVER (PARTITION BY s.key_stage, s.time_period, s.component, s.scored ORDER BY s.value) - 1)
                   / (st.n - 1)
           END AS pct,
           CASE WHEN s.scored THEN
             rank() OVER (PARTITION BY s.key_stage, s.time_period, s.component, s.scored ORDER BY s.value DESC)
           END AS rank_desc
    FROM scored s
    LEFT JOIN stats st USING (key_stage, time_period, component)
)
SELECT
    urn, la_code, time_period, key_stage, component, measure, value, status_code, ci_lower, ci_upper,
    n_pupils AS cohort, phase, scored, not_scored_reason,
    CASE WHEN scored THEN CASE WHEN is_national THEN 'national' ELSE 'loaded' END END AS distribution,
    CASE WHEN scored THEN n END AS n_distribution,
    centre,
    CASE WHEN scored THEN sd END AS spread,
    CASE WHEN scored AND sd > 0 THEN (value - centre) / sd END AS z,
    national_value,
    CASE WHEN is_national THEN pct END AS national_percentile,
    pct AS loaded_percentile,
    rank_desc AS rank_among_loaded,
    CASE WHEN scored THEN n END AS n_loaded,
    ci_upper < 0 AS significantly_below
FROM ranked
ORDER BY key_stage, time_period, component, urn;
