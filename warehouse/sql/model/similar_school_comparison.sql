-- Each school's results beside its similar schools (issue 22; docs/method.md section 8): for every
-- school, year and headline measure of the model (KS2 RWM expected % and mean progress; KS4 Attainment 8
-- and Progress 8), the group's mean, how many of the group have the figure, and the school's position
-- among them. One row per (urn, time_period, key_stage, measure). Higher is better for all four.
CREATE OR REPLACE TABLE similar_school_comparison AS
WITH results AS (
    -- the model's own figures (one definition: standardised_measures), at two decimals so equal
    -- published figures compare equal (decision 9)
    SELECT urn, time_period, key_stage, measure, round(value, 2) AS value
    FROM standardised_measures
    WHERE scored AND value IS NOT NULL
),
pairs AS (
    SELECT g.urn, g.time_period, g.key_stage, r.measure, r.value AS school_value, o.value AS other_value
    FROM similar_school_groups g
    JOIN results r ON r.urn = g.urn AND r.time_period = g.time_period AND r.key_stage = g.key_stage
    LEFT JOIN results o ON o.urn = g.similar_urn AND o.time_period = g.time_period
                       AND o.key_stage = g.key_stage AND o.measure = r.measure
),
summary AS (
    SELECT urn, time_period, key_stage, measure, any_value(school_value) AS school_value,
           avg(other_value) AS group_mean, count(other_value) AS group_n,
           count(*) FILTER (WHERE other_value < school_value) AS n_lower,
           count(*) FILTER (WHERE other_value = school_value) AS n_equal,
           count(*) AS group_size
    FROM pairs
    GROUP BY ALL
),
positioned AS (
    SELECT s.*,
           CASE WHEN group_n > 0 THEN 100.0 * (n_lower + 0.5 * n_equal) / group_n END AS position,
           p.basis, p.fields_used, p.fields_missing, p.distribution, p.pool_n
    FROM summary s
    JOIN similar_school_pools p USING (key_stage, time_period)
),
flagged AS (
    SELECT *,
           coalesce(position <= getvariable('similar_schools_well_below_percentile'), FALSE) AS below_similar,
           coalesce(position >= getvariable('similar_schools_well_above_percentile'), FALSE) AS above_similar
    FROM positioned
),
runs AS (
    -- the school's own consecutive published years of this measure, newest last
    SELECT *,
           count(*) FILTER (WHERE below_similar) OVER w AS below_in_window,
           count(*) OVER w AS years_in_window,
           string_agg(printf('%d/%02d', time_period // 100, time_period % 100), ', ') OVER w AS window_years
    FROM flagged
    WINDOW w AS (PARTITION BY urn, key_stage, measure ORDER BY time_period
                 ROWS BETWEEN getvariable('similar_schools_watch_years') - 1 PRECEDING AND CURRENT ROW)
)
SELECT
    urn, time_period, key_stage, measure, school_value,
    round(group_mean, 2) AS group_mean, group_n, group_size, n_lower, n_equal,
    round(position, 1) AS position,
    below_similar, above_similar,
    years_in_window = getvariable('similar_schools_watch_years')
        AND below_in_window = getvariable('similar_schools_watch_years') AS below_similar_years,
    CASE WHEN years_in_window = getvariable('similar_schools_watch_years')
              AND below_in_window = getvariable('similar_schools_watch_years') THEN window_years END AS below_similar_in,
    CASE WHEN position IS NULL THEN NULL
         WHEN position >= getvariable('similar_schools_well_above_percentile') THEN 'well above most schools with a similar intake'
         WHEN position > 50 THEN 'above most schools with a similar intake'
         WHEN position = 50 THEN 'in the middle of schools with a similar intake'
         WHEN position > getvariable('similar_schools_well_below_percentile') THEN 'below most schools with a similar intake'
         ELSE 'well below most schools with a similar intake' END AS position_words,
    distribution AS pool, pool_n,
    'the ' || group_size || ' schools with the most similar intake ' || basis
        || '; matched on ' || fields_used
        || CASE WHEN fields_missing <> '' THEN '; not used (not published in the loaded files): ' || fields_missing ELSE '' END
        AS basis
FROM runs
ORDER BY key_stage, time_period, urn, measure;
DROP TABLE IF EXISTS similar_school_pool;
DROP TABLE IF EXISTS similar_school_context_values;
