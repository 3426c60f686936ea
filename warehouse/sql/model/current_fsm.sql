-- "Free school meals now (current FSM)" (warehouse/figures.toml fsm_pct; decision 13): each school's
-- newest published census figure, with its year. Every page, slide and export that shows a school's or
-- an area's current FSM reads this view, so a school never shows 20.5 in one place and 21.5% in
-- another (schools.pct_fsm is GIAS's own figure of another date, kept for the contract only).
CREATE OR REPLACE VIEW current_fsm AS
SELECT urn,
       max(time_period) AS time_period,
       arg_max(value, time_period) AS fsm_pct
FROM school_measures
WHERE measure = 'fsm_pct' AND pupil_group = 'all' AND value IS NOT NULL AND urn IS NOT NULL
GROUP BY urn;
