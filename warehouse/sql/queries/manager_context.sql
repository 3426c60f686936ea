-- The manager's county (home_la: see warehouse/contract.yml) and the model years with their as-at dates.
SELECT h.la_code, h.la_name, y.time_period, y.year_label, y.is_latest, y.as_at, y.previous_time_period
FROM home_la h CROSS JOIN model_years y
ORDER BY y.time_period
