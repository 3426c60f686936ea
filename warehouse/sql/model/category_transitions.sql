-- Movement between support categories from one model year to the next, per LA: how many schools left
-- intensive support, how many entered it. 'not categorised' = the school had no row that year (opened,
-- closed, or a converter's new URN). One row per (la_code, time_period, from_category, to_category).
CREATE OR REPLACE TABLE category_transitions AS
WITH keys AS (
    SELECT DISTINCT y.time_period, y.previous_time_period, s.urn
    FROM model_years y
    JOIN support_category s ON s.time_period IN (y.time_period, y.previous_time_period)
    WHERE y.previous_time_period IS NOT NULL
),
pairs AS (
    SELECT k.time_period, k.previous_time_period, k.urn,
           coalesce(c.la_code, p.la_code) AS la_code,
           coalesce(p.category, 'not categorised') AS from_category,
           coalesce(c.category, 'not categorised') AS to_category
    FROM keys k
    LEFT JOIN support_category c ON c.urn = k.urn AND c.time_period = k.time_period
    LEFT JOIN support_category p ON p.urn = k.urn AND p.time_period = k.previous_time_period
)
SELECT la_code, time_period, previous_time_period, from_category, to_category,
       count(*) AS n_schools, list(urn ORDER BY urn) AS urns,
       from_category <> to_category AS changed
FROM pairs
GROUP BY ALL
ORDER BY la_code, time_period, from_category, to_category;
