-- Achievement = weighted attainment and progress z-scores (decision 9), or attainment only where progress
-- is not published or suppressed, labelled in `method` and explained in `method_note`. One row per
-- (urn, time_period, key_stage). See docs/method.md section 2.
CREATE OR REPLACE TABLE achievement AS
WITH a AS (SELECT * FROM standardised_measures WHERE component = 'attainment'),
     p AS (SELECT * FROM standardised_measures WHERE component = 'progress'),
joined AS (
    SELECT a.urn, a.la_code, a.time_period, a.key_stage, a.phase,
           a.measure AS attainment_measure, a.value AS attainment_score, a.z AS attainment_z,
           p.measure AS progress_measure, p.value AS progress_score,
           CASE WHEN p.scored THEN p.z END AS progress_z,
           p.ci_lower AS progress_ci_lower, p.ci_upper AS progress_ci_upper,
           a.cohort, a.distribution,
           CASE
             WHEN NOT a.scored OR a.z IS NULL THEN 'not scored'
             WHEN p.scored AND p.z IS NOT NULL THEN 'attainment and progress'
             ELSE 'attainment only'
           END AS method,
           CASE
             WHEN NOT a.scored THEN 'not scored: attainment ' || a.not_scored_reason
             WHEN a.z IS NULL THEN 'not scored: no spread among the schools to compare with'
             WHEN p.scored AND p.z IS NOT NULL THEN NULL
             WHEN p.urn IS NULL THEN
               CASE WHEN (a.key_stage = 'ks2' AND list_contains(getvariable('achievement_progress_not_published_ks2'), a.time_period))
                      OR (a.key_stage = 'ks4' AND list_contains(getvariable('achievement_progress_not_published_ks4'), a.time_period))
                    THEN 'progress not published for ' || printf('%d/%02d', a.time_period // 100, a.time_period % 100)
                    ELSE 'progress not published for this school' END
             ELSE 'progress ' || coalesce(p.not_scored_reason, 'has no spread to compare with')
           END AS method_note
    FROM a LEFT JOIN p USING (urn, time_period, key_stage)
),
scored AS (
    SELECT *,
           CASE method
             WHEN 'attainment and progress' THEN getvariable('achievement_weight_attainment') * attainment_z
                                              + getvariable('achievement_weight_progress') * progress_z
             WHEN 'attainment only' THEN attainment_z
           END AS achievement_score
    FROM joined
),
ranked AS (
    SELECT s.*,
           count(achievement_score) OVER w_all AS n_scored,
           CASE WHEN achievement_score IS NOT NULL THEN rank() OVER w_up END AS rank_up,
           CASE WHEN achievement_score IS NOT NULL THEN rank() OVER w_down END AS rank_down
    FROM scored s
    WINDOW w_all AS (PARTITION BY key_stage, time_period),
           w_up AS (PARTITION BY key_stage, time_period, achievement_score IS NULL ORDER BY achievement_score),
           w_down AS (PARTITION BY key_stage, time_period, achievement_score IS NULL ORDER BY achievement_score DESC)
),
pct AS (
    SELECT *,
           CASE WHEN achievement_score IS NOT NULL AND n_scored > 1
                THEN 100.0 * (rank_up - 1) / (n_scored - 1) END AS loaded_percentile
    FROM ranked
)
SELECT
    urn, la_code, time_period, key_stage, phase,
    attainment_measure, attainment_score, attainment_z,
    progress_measure, progress_score, progress_z, progress_ci_lower, progress_ci_upper,
    achievement_score, method, method_note, cohort,
    CASE WHEN distribution = 'national' THEN loaded_percentile END AS national_percentile,
    loaded_percentile,
    rank_down AS rank_among_loaded,
    CASE WHEN achievement_score IS NOT NULL THEN n_scored END AS n_loaded,
    CASE WHEN loaded_percentile IS NOT NULL THEN
      least(getvariable('bands_n_bands'), 1 + CAST(floor(loaded_percentile * getvariable('bands_n_bands') / 100.0) AS INTEGER))
    END AS achievement_band,
    CASE WHEN achievement_score IS NULL THEN NULL
         WHEN distribution = 'national' THEN 'national'
         ELSE 'among ' || n_scored || ' loaded schools' END AS band_basis
FROM pct
ORDER BY key_stage, time_period, urn;
