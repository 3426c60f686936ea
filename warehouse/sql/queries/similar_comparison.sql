-- One school's headline results beside its similar schools (issue 22), national and its LA, every year.
-- Counts and averages only: the names of the group are never here (similar_group.sql, managers only).
WITH la_rows AS (
    SELECT la_code, time_period, value,
           CASE WHEN measure LIKE 'ks2_%_progress' THEN 'ks2_progress_mean' ELSE measure END AS measure
    FROM la_measures
    WHERE pupil_group = 'all'
      AND measure IN ('ks2_rwm_expected_pct', 'ks2_reading_progress', 'ks2_writing_progress',
                      'ks2_maths_progress', 'ks4_attainment8', 'ks4_progress8')
),
la_values AS (
    -- the LA's KS2 progress is the mean of its three published scores, as the school's (section 1)
    SELECT la_code, time_period, measure,
           CASE WHEN measure = 'ks2_progress_mean' AND count(value) < 3 THEN NULL ELSE avg(value) END AS value
    FROM la_rows
    GROUP BY la_code, time_period, measure
)
SELECT c.time_period, c.key_stage, c.measure, c.school_value, c.group_mean, c.group_n, c.group_size,
       c.n_lower, c.n_equal,
       c.position, c.position_words, c.below_similar, c.above_similar, c.below_similar_years,
       c.below_similar_in, c.pool, c.pool_n, c.basis,
       round(sm.national_value, 2) AS national_value,
       round(l.value, 2) AS la_value, s.la_name
FROM similar_school_comparison c
LEFT JOIN standardised_measures sm
  ON sm.urn = c.urn AND sm.time_period = c.time_period AND sm.key_stage = c.key_stage AND sm.measure = c.measure
LEFT JOIN schools s ON s.urn = c.urn
LEFT JOIN la_values l ON l.la_code = coalesce(s.la_code, sm.la_code) AND l.time_period = c.time_period
                      AND l.measure = c.measure
WHERE c.urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], c.urn))
ORDER BY c.key_stage, c.time_period, c.measure;
