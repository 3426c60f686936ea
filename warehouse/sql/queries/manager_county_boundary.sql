-- The LA of the county boundary, where one is loaded (the manager's county).
SELECT la_code FROM boundaries WHERE kind = 'county' AND la_code IS NOT NULL ORDER BY la_code LIMIT 1
