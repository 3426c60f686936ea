-- Direction of each school's attainment and progress relative to national over its last n published
-- years (decision 14: published years; never drawn across the COVID gap), said as better / worse /
-- similar, never up / down. One row per (urn, time_period, key_stage, component). Method section 5.
-- Across a URN change (academy conversion or re-opening: core school_lineage) the trend follows the
-- school: the predecessor's published years before the change are points of the successor's trend
-- window, each marked in from_urns (aligned with years: NULL = the school's own figure, else the
-- predecessor URN), listed in predecessor_urns and named in the explanation; never joined silently. Amalgamations and splits are not followed (two schools'
-- figures are not one school's history).
CREATE OR REPLACE TABLE trends AS
WITH own AS (
    SELECT urn, la_code, time_period, key_stage, component, measure, value, national_value,
           NULL::INTEGER AS from_urn
    FROM standardised_measures
    WHERE value IS NOT NULL
),
inherited AS (
    SELECT l.urn, p.la_code, p.time_period, p.key_stage, p.component, p.measure, p.value,
           p.national_value, l.predecessor_urn AS from_urn
    FROM school_lineage AS l
    JOIN standardised_measures AS p ON p.urn = l.predecessor_urn AND p.value IS NOT NULL
    WHERE l.change IN ('academy conversion', 're-opening')
      AND (l.link_date IS NULL OR p.time_period < (
            (year(l.link_date) - CASE WHEN month(l.link_date) >= 9 THEN 0 ELSE 1 END) * 100
            + (year(l.link_date) + CASE WHEN month(l.link_date) >= 9 THEN 1 ELSE 0 END) % 100))
      AND NOT EXISTS (
          SELECT 1 FROM own AS o
          WHERE o.urn = l.urn AND o.time_period = p.time_period
            AND o.key_stage = p.key_stage AND o.component = p.component)
    QUALIFY row_number() OVER (
        PARTITION BY l.urn, p.time_period, p.key_stage, p.component
        ORDER BY l.generation, l.predecessor_urn) = 1
),
base AS (
    SELECT *, value - coalesce(national_value, CASE WHEN component = 'progress' THEN 0.0 END) AS relative
    FROM (SELECT * FROM own UNION ALL SELECT * FROM inherited)
),
stepped AS (
    SELECT *, relative - lag(relative) OVER (PARTITION BY urn, key_stage, component ORDER BY time_period) AS step
    FROM base WHERE relative IS NOT NULL
),
windowed AS (
    SELECT *,
        list(time_period) OVER w AS years,
        list(round(relative, 2)) OVER w AS relatives,
        list(from_urn) OVER w AS from_urns,
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
    years, relatives, n_years, from_urns,
    list_sort(list_distinct(list_filter(from_urns, lambda x: x IS NOT NULL))) AS predecessor_urns,
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
    END
    || CASE WHEN len(list_filter(from_urns, lambda x: x IS NOT NULL)) > 0
            THEN '; ' || array_to_string(list_transform(
                     list_filter(list_zip(years, from_urns), lambda p: p[2] IS NOT NULL),
                     lambda p: printf('%d/%02d', p[1] // 100, p[1] % 100)), ', ')
                 || CASE WHEN len(list_filter(from_urns, lambda x: x IS NOT NULL)) = 1
                         THEN ' is' ELSE ' are' END
                 || ' for predecessor URN '
                 || array_to_string(list_sort(list_distinct(list_filter(from_urns, lambda x: x IS NOT NULL))), ', ')
            ELSE '' END AS explanation
FROM thresholds
WHERE from_urn IS NULL  -- a row per year of the school's own; predecessor years live in its windows
ORDER BY urn, key_stage, component, time_period;
