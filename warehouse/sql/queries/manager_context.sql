-- The manager's county and the model years: $county_la (the LA of a county boundary, when boundaries are
-- loaded) else the LA with the most GIAS schools; each model year with its as-at date.
WITH county AS (
    SELECT $county_la::INTEGER AS la_code WHERE $county_la::INTEGER IS NOT NULL
    UNION ALL
    SELECT la_code FROM (
        SELECT la_code, count(*) AS n FROM schools WHERE in_gias AND la_code IS NOT NULL
        GROUP BY la_code ORDER BY n DESC, la_code LIMIT 1
    )
    LIMIT 1
)
SELECT c.la_code,
       coalesce((SELECT any_value(la_name) FROM schools s WHERE s.la_code = c.la_code AND la_name IS NOT NULL),
                'LA ' || c.la_code) AS la_name,
       y.time_period, y.year_label, y.is_latest, y.as_at, y.previous_time_period
FROM county c CROSS JOIN model_years y
ORDER BY y.time_period
