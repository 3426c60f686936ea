-- How the home LA's schools moved between support categories from each model year to the next
-- (category_transitions): counts only.
WITH home AS (SELECT la_code FROM home_la)
SELECT t.time_period, t.previous_time_period, t.from_category, t.to_category, t.n_schools, t.changed
FROM category_transitions t JOIN home h ON t.la_code = h.la_code
ORDER BY t.time_period, t.from_category, t.to_category
