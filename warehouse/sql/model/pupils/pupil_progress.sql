-- pupil_progress: each pupil's result in each progress subject against the national estimate for
-- their prior-attainment group (decision 15): progress = result - estimate (KS4: divided by 10, the
-- Progress 8 scale), exceeds_estimate = result > estimate ("value added"). The estimate is the group
-- of the estimates file whose range [prior_from, prior_to) holds the pupil's prior attainment for
-- the same year, key stage and subject. progress_note says why a pupil has no progress.
CREATE OR REPLACE TABLE pupil_progress AS
WITH subjects(key_stage, subject, measure, scale) AS (
    VALUES ('ks2', 'reading', 'ks2_reading_progress', 1.0),
           ('ks2', 'writing', 'ks2_writing_progress', 1.0),
           ('ks2', 'maths', 'ks2_maths_progress', 1.0),
           ('ks4', 'attainment8', 'ks4_progress8', 0.1)
),
long AS (
    SELECT r.*, s.subject, s.measure, s.scale,
           CASE s.subject WHEN 'reading' THEN r.reading WHEN 'writing' THEN r.writing
                          WHEN 'maths' THEN r.maths WHEN 'attainment8' THEN r.attainment8 END AS result
    FROM pupil_results AS r
    JOIN subjects AS s USING (key_stage)
),
estimated_years AS (
    SELECT DISTINCT time_period, key_stage, subject FROM stg_pupil_estimates
),
estimated AS (  -- each pupil-subject's estimate: overlapping ranges in an estimates file, the lowest
                -- group wins, so each pupil counts once
    SELECT l.pupil_key, l.time_period, l.key_stage, l.subject, e.prior_group, e.estimate
    FROM long AS l
    JOIN stg_pupil_estimates AS e
      ON e.time_period = l.time_period AND e.key_stage = l.key_stage AND e.subject = l.subject
     AND l.prior_attainment >= e.prior_from AND l.prior_attainment < e.prior_to
    QUALIFY row_number() OVER (PARTITION BY l.pupil_key, l.time_period, l.key_stage, l.subject
                               ORDER BY e.prior_group NULLS LAST) = 1
),
matched AS (  -- one row per pupil, year, key stage and subject (pupil_results is unique per pupil,
              -- year and key stage: contract_model.yml)
    SELECT l.*, e.prior_group, e.estimate, y.time_period IS NOT NULL AS year_has_estimates
    FROM long AS l
    LEFT JOIN estimated AS e
           ON e.pupil_key = l.pupil_key AND e.time_period = l.time_period AND e.key_stage = l.key_stage
          AND e.subject = l.subject
    LEFT JOIN estimated_years AS y
           ON y.time_period = l.time_period AND y.key_stage = l.key_stage AND y.subject = l.subject
)
SELECT pupil_key, urn, la_code, time_period, key_stage, subject, measure,
       prior_attainment, prior_band, prior_group, result, estimate,
       CASE WHEN result IS NOT NULL AND estimate IS NOT NULL THEN (result - estimate) * scale END AS progress,
       CASE WHEN result IS NOT NULL AND estimate IS NOT NULL THEN result > estimate END AS exceeds_estimate,
       disadvantaged, fsm, sen, eal, sex, birth_month,
       CASE WHEN result IS NULL THEN 'no result in this subject'
            WHEN prior_attainment IS NULL THEN 'no prior attainment: excluded from progress'
            WHEN NOT year_has_estimates THEN 'no estimates loaded for this year'
            WHEN estimate IS NULL THEN 'prior attainment outside every range of the estimates'
       END AS progress_note
FROM matched
ORDER BY urn, time_period, key_stage, subject, pupil_key;
