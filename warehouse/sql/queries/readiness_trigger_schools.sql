-- The home LA's schools behind one risk trigger ($trigger_id) in one phase ($phase: primary | secondary)
-- and model year ($time_period; NULL: every model year, so one query serves every year's choice): the
-- schools that pull the LA's figure below national. value / national: the school's figure and the
-- national one where the trigger is a measure; detail says it in words.
-- Trigger 7 (complaints to Ofsted) reads the council's intelligence: the data-access layer lets only
-- intelligence roles ask for it. Rules as la_risk_triggers (docs/method.md section 7).
WITH home AS (SELECT la_code FROM home_la),
phase_lists AS (
    SELECT
        (SELECT from_json(value_json, '["VARCHAR"]') FROM model_settings WHERE name = 'la_triggers_primary_phases') AS primary_phases,
        (SELECT from_json(value_json, '["VARCHAR"]') FROM model_settings WHERE name = 'la_triggers_secondary_phases') AS secondary_phases
),
area AS (
    SELECT s.urn, s.name, s.district, s.phase
    FROM schools s JOIN home h ON s.la_code = h.la_code CROSS JOIN phase_lists p
    WHERE CASE $phase::VARCHAR WHEN 'primary' THEN list_contains(p.primary_phases, s.phase)
                               WHEN 'secondary' THEN list_contains(p.secondary_phases, s.phase) ELSE FALSE END
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
),
years AS (
    SELECT time_period FROM model_years
    WHERE $time_period::INTEGER IS NULL OR time_period = $time_period::INTEGER
),
insp AS (
    SELECT a.*, sis.time_period, sis.era, sis.overall_effectiveness, sis.inadequate, sis.category_of_concern,
           sis.graded_inspection_end, sis.as_at
    FROM area a JOIN school_inspection_status sis ON sis.urn = a.urn JOIN years USING (time_period)
    WHERE sis.graded_inspection_end IS NOT NULL
),
measure_of AS (
    SELECT CASE $phase::VARCHAR WHEN 'primary' THEN 'ks2_rwm_expected_pct' ELSE 'ks4_attainment8' END AS measure
),
found AS (
    SELECT time_period, urn, name, district, phase, overall_effectiveness::DOUBLE AS value, NULL::DOUBLE AS national_value,
           'Latest graded inspection (' || strftime(graded_inspection_end, '%d %b %Y') || '): grade '
             || overall_effectiveness || CASE WHEN inadequate THEN ', inadequate' ELSE ', requires improvement' END AS detail
    FROM insp
    WHERE $trigger_id::VARCHAR IN ('T1_pupils_in_good_schools', 'T3_good_schools')
      AND era = 'legacy' AND overall_effectiveness IS NOT NULL
      AND NOT (overall_effectiveness IN (1, 2) AND NOT inadequate)
    UNION ALL
    SELECT time_period, urn, name, district, phase, NULL, NULL,
           'In an Ofsted category of concern' || coalesce(' (' || category_of_concern || ')', '')
             || ' since ' || strftime(graded_inspection_end, '%d %b %Y')
    FROM insp
    WHERE $trigger_id::VARCHAR = 'T2_schools_in_category' AND inadequate
    UNION ALL
    SELECT m.time_period, a.urn, a.name, a.district, a.phase, m.value, n.value,
           'Below national on ' || m.measure
    FROM area a
    JOIN school_measures m ON m.urn = a.urn AND m.pupil_group = 'all'
    JOIN years ON years.time_period = m.time_period
    JOIN measure_of mo ON mo.measure = m.measure
    JOIN national_reference n ON n.time_period = m.time_period AND n.measure = m.measure
     AND n.pupil_group = 'all' AND n.phase_scope = 'all'
    WHERE $trigger_id::VARCHAR = 'T4_attainment' AND m.value < n.value
    UNION ALL
    SELECT p.time_period, a.urn, a.name, a.district, a.phase, p.value, 0.0, 'Progress below national (0)'
    FROM area a
    JOIN (
        SELECT urn, time_period, CASE WHEN count(value) = 3 THEN avg(value) END AS value
        FROM school_measures JOIN years USING (time_period)
        WHERE pupil_group = 'all' AND $phase::VARCHAR = 'primary'
          AND measure IN ('ks2_reading_progress', 'ks2_writing_progress', 'ks2_maths_progress')
        GROUP BY urn, time_period
        UNION ALL
        SELECT urn, time_period, value FROM school_measures JOIN years USING (time_period)
        WHERE pupil_group = 'all' AND $phase::VARCHAR = 'secondary'
          AND measure = 'ks4_progress8'
    ) p ON p.urn = a.urn
    WHERE $trigger_id::VARCHAR = 'T5_progress' AND p.value < 0
    UNION ALL
    SELECT g.time_period, a.urn, a.name, a.district, a.phase, g.gap_vs_national_non_disadvantaged, g.national_gap,
           'Disadvantaged gap to national non-disadvantaged wider than the national gap'
    FROM area a
    JOIN group_gaps g ON g.urn = a.urn AND g.pupil_group = 'disadvantaged'
    JOIN years ON years.time_period = g.time_period
    JOIN measure_of mo ON mo.measure = g.measure
    WHERE $trigger_id::VARCHAR = 'T6_disadvantaged_gap'
      AND g.gap_vs_national_non_disadvantaged < g.national_gap
    UNION ALL
    SELECT y.time_period, a.urn, a.name, a.district, a.phase, count(*)::DOUBLE, NULL,
           'Complaints made to Ofsted in the 12 months to ' || strftime(any_value(y.as_at), '%d %b %Y')
    FROM area a
    JOIN model_years y ON y.time_period IN (SELECT time_period FROM years)
    JOIN complaints c ON c.urn = a.urn
     AND coalesce(c.made_to, '') ILIKE (SELECT json_extract_string(value_json, '$') FROM model_settings
                                         WHERE name = 'la_triggers_ofsted_complaint_pattern')
     AND c.received_date <= y.as_at
     AND c.received_date > y.as_at - to_months((SELECT CAST(value_json AS INTEGER) FROM model_settings
                                                 WHERE name = 'as_at_intelligence_window_months'))
    WHERE $trigger_id::VARCHAR = 'T7_ofsted_complaints'
    GROUP BY y.time_period, a.urn, a.name, a.district, a.phase
)
-- (value rounded for the order only: an average of three scores may differ in its last bits
-- with the order it was summed in, and two schools with the same figure are then ordered by name)
SELECT * FROM found ORDER BY time_period, round(value, 9) NULLS LAST, name, urn
