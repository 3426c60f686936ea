-- Direction of each school's attainment and progress relative to national over its last n published
-- years (decision 14: published years; never drawn across the COVID gap), said as better / worse /
-- similar, never up / down. One row per (urn, time_period, key_stage, component). Method section 5.
CREATE OR REPLACE TABLE trends AS
WITH base AS (
    SELECT urn, la_code, time_period, key_stage, component, measure, value, national_value,
           value - coalesce(national_value, CASE WHEN component = 'progress' THEN 0.0 END) AS relative
    FROM standardised_measures
    WHERE value IS NOT NULL
),
stepped AS (
    SELECT *, relative - lag(relative) OVER (PARTITION BY urn, key_stage, component ORDER BY time_period) AS step
    FROM base WHERE relative IS NOT NULL
),
windowed AS (
    SELECT *,
        list(time_period) OVER w AS years,
        list(round(relative, 2)) OVER w AS relatives,
        first_value(relative) OVER w AS first_relative,
        count(*) OVER w AS n_years,
        count(CASE WHEN step < 0 THEN 1 END) OVER w_steps AS n_falls
    FROM stepped
    WINDOW w AS (PARTITION BY urn, key_stage, component ORDER BY time_period
                 ROWS BETWEEN getvariable('trend_n_years') - 1 PRECEDING AND CURRENT ROW),
           w_steps AS (PARTITION BY urn, key_stage, component ORDER BY time_period
                 ROWS BETWEEN getvariable('trend_n_years') - 2 PRECEDING AND CURRENT ROW)
),
thresholds AS (
    SELECT *,
        CASE measure
            WHEN 'ks2_rwm_expected_pct' THEN getvariable('trend_threshold_ks2_rwm_expected_pct')
            WHEN 'ks4_attainment8' THEN getvariable('trend_threshold_ks4_attainment8')
            WHEN 'ks2_progress_mean' THEN getvariable('trend_threshold_ks2_progress')
            WHEN 'ks4_progress8' THEN getvariable('trend_threshold_ks4_progress8')
        END AS threshold,
        n_years = getvariable('trend_n_years') AS complete
    FROM windowed
)
SELECT
    urn, la_code, time_period, key_stage, component, measure, value, national_value, relative,
    years, relatives, n_years,
    CASE WHEN complete THEN relative - first_relative END AS change,
    CASE WHEN NOT complete THEN NULL
         WHEN relative - first_relative >= threshold THEN 'better'
         WHEN relative - first_relative <= -threshold THEN 'worse'
         ELSE 'similar' END AS direction,
    complete AND n_falls = getvariable('trend_n_years') - 1 AS falling_every_year,
    list_min(years) <= 201819 AND list_max(years) >= 202122 AS spans_covid_gap,
    CASE WHEN NOT complete
         THEN 'not enough published years (' || n_years || ' of ' || getvariable('trend_n_years') || ')'
         ELSE 'relative to national ' || array_to_string(list_transform(relatives, lambda x: printf('%+.1f', x)), ', ')
              || ' (' || array_to_string(list_transform(years, lambda y: printf('%d/%02d', y // 100, y % 100)), ', ') || ')'
              || CASE WHEN list_min(years) <= 201819 AND list_max(years) >= 202122
                      THEN '; spans the COVID gap (no results 2019/20, 2020/21)' ELSE '' END
    END AS explanation
FROM thresholds
ORDER BY urn, key_stage, component, time_period;
