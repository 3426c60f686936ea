-- The years the model categorises and the as-at date of each (see docs/method.md, "The as-at date").
-- Every year with school results loaded. Earlier years: the 31 August that ends the academic year
-- (201819 -> 2019-08-31). The latest year: as_at_latest_date (reference_date setting, else load date).
CREATE OR REPLACE TABLE model_years AS
WITH years AS (
    SELECT DISTINCT time_period FROM school_measures WHERE time_period IS NOT NULL
)
SELECT
    time_period,
    printf('%d/%02d', time_period // 100, time_period % 100) AS year_label,
    time_period = max(time_period) OVER () AS is_latest,
    CASE WHEN time_period = max(time_period) OVER () THEN getvariable('as_at_latest_date')
         ELSE make_date(CAST(time_period // 100 + 1 AS BIGINT), 8, 31) END AS as_at,
    lag(time_period) OVER (ORDER BY time_period) AS previous_time_period
FROM years
ORDER BY time_period;
