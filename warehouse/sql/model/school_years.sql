-- Which schools the model categorises in which year: a school with any results that year, or a GIAS
-- school open at the year's as-at date (so special and nursery schools, and schools without published
-- results, are still categorised on inspection, intelligence and attendance).
CREATE OR REPLACE TABLE school_years AS
WITH with_data AS (
    SELECT urn, time_period FROM school_measures WHERE urn IS NOT NULL GROUP BY ALL
),
measure_la AS (
    SELECT urn, max(la_code) AS la_code FROM school_measures WHERE urn IS NOT NULL GROUP BY urn
),
open_then AS (
    SELECT s.urn, y.time_period
    FROM schools s CROSS JOIN model_years y
    WHERE s.in_gias
      AND (s.open_date IS NULL OR s.open_date <= y.as_at)
      AND (s.close_date IS NULL OR s.close_date > y.as_at)
      AND NOT (coalesce(s.status, '') ILIKE 'closed%' AND s.close_date IS NULL)
),
both_ AS (
    SELECT * FROM with_data UNION SELECT * FROM open_then
)
SELECT b.urn, b.time_period, y.as_at, y.year_label, y.is_latest,
       coalesce(s.la_code, ml.la_code) AS la_code, s.phase,
       coalesce(s.is_academy, FALSE) AS is_academy
FROM both_ b
JOIN model_years y USING (time_period)
LEFT JOIN schools s USING (urn)
LEFT JOIN measure_la ml USING (urn)
ORDER BY b.urn, b.time_period;
