-- The LA risk triggers of the Ofsted LAASSI framework (docs/domain.md) for each LA, phase and year:
-- value, national value, red/amber/green, direction of travel (better/worse), and against statistical
-- neighbours when loaded (decision 5). Rules: docs/method.md section 7.
CREATE OR REPLACE TABLE la_risk_triggers AS
WITH
phased AS (
    SELECT sis.urn, sis.time_period, sis.as_at, s.la_code, s.pupils,
           CASE WHEN list_contains(getvariable('la_triggers_primary_phases'), s.phase) THEN 'primary'
                WHEN list_contains(getvariable('la_triggers_secondary_phases'), s.phase) THEN 'secondary' END AS phase,
           sis.era, sis.overall_effectiveness, sis.inadequate, sis.graded_inspection_end
    FROM school_inspection_status sis JOIN schools s USING (urn)
),
inspected AS (
    SELECT * FROM phased WHERE phase IS NOT NULL AND graded_inspection_end IS NOT NULL
),
legacy_graded AS (
    SELECT *, overall_effectiveness IN (1, 2) AND NOT inadequate AS good_or_better
    FROM inspected WHERE era = 'legacy' AND overall_effectiveness IS NOT NULL
),
insp_la AS (
    SELECT la_code, phase, time_period, 'T1_pupils_in_good_schools' AS trigger_id,
           100.0 * sum(pupils) FILTER (WHERE good_or_better) / nullif(sum(pupils), 0) AS value
    FROM legacy_graded GROUP BY ALL
    UNION ALL
    SELECT la_code, phase, time_period, 'T3_good_schools', 100.0 * count(*) FILTER (WHERE good_or_better) / count(*)
    FROM legacy_graded GROUP BY ALL
    UNION ALL
    SELECT la_code, phase, time_period, 'T2_schools_in_category', 100.0 * count(*) FILTER (WHERE inadequate) / count(*)
    FROM inspected GROUP BY ALL
),
insp_national_ok AS (
    -- national: inspections from enough LAs, or covering most schools the build holds that year
    SELECT time_period,
           count(DISTINCT la_code) FILTER (WHERE graded_inspection_end IS NOT NULL)
               >= getvariable('distribution_national_min_las')
           OR count(DISTINCT urn) FILTER (WHERE graded_inspection_end IS NOT NULL)
               >= getvariable('la_triggers_national_inspection_min_share') * count(DISTINCT urn) AS ok
    FROM phased WHERE phase IS NOT NULL GROUP BY ALL
),
insp_nat AS (
    SELECT g.phase, g.time_period, 'T1_pupils_in_good_schools' AS trigger_id,
           100.0 * sum(pupils) FILTER (WHERE good_or_better) / nullif(sum(pupils), 0) AS national_value
    FROM legacy_graded g JOIN insp_national_ok o USING (time_period) WHERE o.ok GROUP BY ALL
    UNION ALL
    SELECT g.phase, g.time_period, 'T3_good_schools', 100.0 * count(*) FILTER (WHERE good_or_better) / count(*)
    FROM legacy_graded g JOIN insp_national_ok o USING (time_period) WHERE o.ok GROUP BY ALL
    UNION ALL
    SELECT g.phase, g.time_period, 'T2_schools_in_category', 100.0 * count(*) FILTER (WHERE inadequate) / count(*)
    FROM inspected g JOIN insp_national_ok o USING (time_period) WHERE o.ok GROUP BY ALL
),
perf_measures AS (
    SELECT * FROM (VALUES
        ('primary', 'T4_attainment', 'ks2_rwm_expected_pct'),
        ('secondary', 'T4_attainment', 'ks4_attainment8'),
        ('secondary', 'T5_progress', 'ks4_progress8')) t(phase, trigger_id, measure)
),
perf_la AS (
    SELECT l.la_code, pm.phase, l.time_period, pm.trigger_id, l.value
    FROM la_measures l JOIN perf_measures pm USING (measure) WHERE l.pupil_group = 'all'
    UNION ALL
    SELECT la_code, 'primary', time_period, 'T5_progress', CASE WHEN count(value) = 3 THEN avg(value) END
    FROM la_measures
    WHERE pupil_group = 'all' AND measure IN ('ks2_reading_progress', 'ks2_writing_progress', 'ks2_maths_progress')
    GROUP BY ALL
    UNION ALL
    SELECT d.la_code, CASE d.measure WHEN 'ks2_rwm_expected_pct' THEN 'primary' ELSE 'secondary' END,
           d.time_period, 'T6_disadvantaged_gap', d.value - nn.value
    FROM la_measures d
    JOIN national_reference nn ON nn.time_period = d.time_period AND nn.measure = d.measure AND nn.pupil_group = 'non_disadvantaged' AND nn.phase_scope = 'all'
    WHERE d.pupil_group = 'disadvantaged' AND d.measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8')
),
perf_nat AS (
    SELECT pm.phase, n.time_period, pm.trigger_id, n.value AS national_value
    FROM national_reference n JOIN perf_measures pm USING (measure) WHERE n.pupil_group = 'all' AND n.phase_scope = 'all'
    UNION ALL
    -- KS2 progress scores are relative to national by construction: national is 0 in every year they
    -- were published (the national rows usually leave them blank, decision 8)
    SELECT 'primary', time_period, 'T5_progress', 0.0
    FROM model_years
    WHERE NOT list_contains(getvariable('achievement_progress_not_published_ks2'), time_period)
    UNION ALL
    SELECT CASE d.measure WHEN 'ks2_rwm_expected_pct' THEN 'primary' ELSE 'secondary' END, d.time_period,
           'T6_disadvantaged_gap', d.value - nn.value
    FROM national_reference d
    JOIN national_reference nn ON nn.time_period = d.time_period AND nn.measure = d.measure AND nn.pupil_group = 'non_disadvantaged' AND nn.phase_scope = 'all'
    WHERE d.pupil_group = 'disadvantaged' AND d.phase_scope = 'all' AND d.measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8')
),
complaints_la AS (
    SELECT p.la_code, p.phase, p.time_period, 'T7_ofsted_complaints' AS trigger_id,
           count(c.urn)::DOUBLE AS value
    FROM (SELECT DISTINCT urn, la_code, phase, time_period, as_at FROM phased WHERE phase IS NOT NULL) p
    LEFT JOIN complaints c
      ON c.urn = p.urn AND coalesce(c.made_to, '') ILIKE getvariable('la_triggers_ofsted_complaint_pattern')
     AND c.received_date <= p.as_at
     AND c.received_date > p.as_at - to_months(getvariable('as_at_intelligence_window_months'))
    GROUP BY ALL
),
grid AS (
    SELECT DISTINCT la_code, phase, time_period
    FROM (SELECT la_code, phase, time_period FROM perf_la
          UNION ALL SELECT la_code, phase, time_period FROM insp_la
          UNION ALL SELECT la_code, phase, time_period FROM complaints_la)
    WHERE la_code IS NOT NULL AND time_period IN (SELECT time_period FROM model_years)
),
triggers AS (
    SELECT * FROM (VALUES
        ('T1_pupils_in_good_schools', 1, 'Pupils attending good or outstanding schools (%)', TRUE),
        ('T2_schools_in_category', 2, 'Schools in an Ofsted category of concern (%)', FALSE),
        ('T3_good_schools', 3, 'Schools judged good or outstanding (%)', TRUE),
        ('T4_attainment', 4, 'Attainment', TRUE),
        ('T5_progress', 5, 'Progress from starting points', TRUE),
        ('T6_disadvantaged_gap', 6, 'Disadvantaged pupils against national non-disadvantaged (gap)', TRUE),
        ('T7_ofsted_complaints', 7, 'Qualifying complaints to Ofsted in the last 12 months', FALSE),
        ('T8_secretary_of_state', 8, 'Request from the Secretary of State', FALSE)
    ) t(trigger_id, trigger_no, trigger_name, higher_is_better)
),
vals AS (
    SELECT g.la_code, g.phase, g.time_period, t.trigger_id, t.trigger_no, t.trigger_name, t.higher_is_better,
           coalesce(pl.value, il.value, cl.value) AS value,
           coalesce(pn.national_value, inn.national_value) AS national_value,
           CASE t.trigger_id
             WHEN 'T1_pupils_in_good_schools' THEN getvariable('la_triggers_red_margin_pct_points')
             WHEN 'T3_good_schools' THEN getvariable('la_triggers_red_margin_pct_points')
             WHEN 'T2_schools_in_category' THEN getvariable('la_triggers_red_margin_concern_pct')
             WHEN 'T4_attainment' THEN CASE g.phase WHEN 'primary' THEN getvariable('la_triggers_red_margin_pct_points')
                                                    ELSE getvariable('la_triggers_red_margin_attainment8') END
             WHEN 'T6_disadvantaged_gap' THEN CASE g.phase WHEN 'primary' THEN getvariable('la_triggers_red_margin_pct_points')
                                                           ELSE getvariable('la_triggers_red_margin_attainment8') END
             WHEN 'T5_progress' THEN CASE g.phase WHEN 'primary' THEN getvariable('la_triggers_red_margin_progress_ks2')
                                                  ELSE getvariable('la_triggers_red_margin_progress8') END
           END AS red_margin
    FROM grid g CROSS JOIN triggers t
    LEFT JOIN perf_la pl ON pl.la_code = g.la_code AND pl.phase = g.phase AND pl.time_period = g.time_period AND pl.trigger_id = t.trigger_id
    LEFT JOIN insp_la il ON il.la_code = g.la_code AND il.phase = g.phase AND il.time_period = g.time_period AND il.trigger_id = t.trigger_id
    LEFT JOIN complaints_la cl ON cl.la_code = g.la_code AND cl.phase = g.phase AND cl.time_period = g.time_period AND cl.trigger_id = t.trigger_id
    LEFT JOIN perf_nat pn ON pn.phase = g.phase AND pn.time_period = g.time_period AND pn.trigger_id = t.trigger_id
    LEFT JOIN insp_nat inn ON inn.phase = g.phase AND inn.time_period = g.time_period AND inn.trigger_id = t.trigger_id
),
neigh AS (
    SELECT v.la_code, v.phase, v.time_period, v.trigger_id, avg(nv.value) AS neighbours_value,
           count(nv.value) AS n_neighbours
    FROM vals v
    JOIN statistical_neighbours sn ON sn.la_code = v.la_code
    JOIN vals nv ON nv.la_code = sn.neighbour_la_code AND nv.phase = v.phase
                AND nv.time_period = v.time_period AND nv.trigger_id = v.trigger_id
    GROUP BY ALL
),
scored AS (
    SELECT v.*, n.neighbours_value, n.n_neighbours,
           (v.value - v.national_value) * CASE WHEN v.higher_is_better THEN 1 ELSE -1 END AS better_by,
           (v.value - n.neighbours_value) * CASE WHEN v.higher_is_better THEN 1 ELSE -1 END AS better_than_neighbours_by
    FROM vals v LEFT JOIN neigh n USING (la_code, phase, time_period, trigger_id)
),
lagged AS (
    SELECT *, lag(better_by) OVER (PARTITION BY la_code, phase, trigger_id ORDER BY time_period) AS previous_better_by,
              lag(time_period) OVER (PARTITION BY la_code, phase, trigger_id ORDER BY time_period) AS previous_time_period
    FROM scored
)
SELECT la_code, phase, time_period, trigger_no, trigger_id, trigger_name, value, national_value,
       CASE
         WHEN trigger_id = 'T8_secretary_of_state' THEN 'not assessed'
         WHEN trigger_id = 'T7_ofsted_complaints' THEN
           CASE WHEN value >= getvariable('la_triggers_complaints_red') THEN 'red'
                WHEN value >= getvariable('la_triggers_complaints_amber') THEN 'amber' ELSE 'green' END
         WHEN value IS NULL AND trigger_id = 'T5_progress'
              AND list_contains(CASE phase WHEN 'primary' THEN getvariable('achievement_progress_not_published_ks2')
                                           ELSE getvariable('achievement_progress_not_published_ks4') END,
                                time_period) THEN 'not published'
         WHEN value IS NULL THEN 'no data'
         WHEN national_value IS NULL THEN 'no national comparison'
         WHEN better_by >= 0 THEN 'green'
         WHEN better_by > -red_margin THEN 'amber'
         ELSE 'red' END AS rag,
       CASE
         WHEN trigger_id = 'T8_secretary_of_state' THEN 'Not held in the data: record a request by hand.'
         WHEN trigger_id = 'T7_ofsted_complaints' THEN 'Red from ' || getvariable('la_triggers_complaints_red')
              || ', amber from ' || getvariable('la_triggers_complaints_amber') || ' complaints made to Ofsted in the '
              || getvariable('as_at_intelligence_window_months') || ' months to the as-at date (council workbook; no national figure).'
         ELSE 'Green at or better than national; amber worse by less than ' || printf('%g', red_margin)
              || '; red worse by ' || printf('%g', red_margin) || ' or more.' END AS rule,
       CASE WHEN better_by IS NULL OR previous_better_by IS NULL THEN NULL
            WHEN better_by - previous_better_by >= getvariable('la_triggers_direction_threshold') THEN 'better'
            WHEN better_by - previous_better_by <= -getvariable('la_triggers_direction_threshold') THEN 'worse'
            ELSE 'similar' END AS direction,
       previous_time_period,
       neighbours_value, n_neighbours,
       CASE WHEN neighbours_value IS NULL OR value IS NULL THEN NULL
            WHEN better_than_neighbours_by >= 0 THEN 'green'
            WHEN better_than_neighbours_by > -red_margin THEN 'amber' ELSE 'red' END AS rag_vs_neighbours,
       CASE WHEN (SELECT count(*) FROM statistical_neighbours) = 0 THEN 'statistical neighbours not loaded' END AS neighbours_note
FROM lagged
ORDER BY la_code, phase, time_period, trigger_no;
