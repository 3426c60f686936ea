-- The home LA's risk triggers (la_risk_triggers) for every phase and model year: value, national,
-- red/amber/green, direction of travel and statistical neighbours.
WITH home AS (SELECT la_code FROM home_la)
SELECT t.la_code, t.phase, t.time_period, t.trigger_no, t.trigger_id, t.trigger_name, t.value,
       t.national_value, t.rag, t.rule, t.direction, t.previous_time_period, t.neighbours_value,
       t.n_neighbours, t.rag_vs_neighbours, t.neighbours_note
FROM la_risk_triggers t JOIN home h ON t.la_code = h.la_code
ORDER BY t.time_period, t.phase, t.trigger_no
