-- One row per rule of decision 11 that fires for a school and year, in plain English with the figures.
-- source: data | inspection | intelligence; intelligence reasons are confidential (decision 16: governors
-- see one generic line instead). Rules and cut-offs: docs/method.md section 4.
CREATE OR REPLACE TABLE support_reasons AS
WITH
insp AS (SELECT * FROM school_inspection_status),
r_inspection AS (
    SELECT urn, time_period, NULL AS key_stage, 'I1_inadequate' AS rule_id, 'intensive' AS level,
           'Latest graded inspection (' || CAST(graded_inspection_end AS VARCHAR) || ') judged inadequate: '
             || CASE WHEN era = 'legacy' AND overall_effectiveness = 4 THEN 'overall effectiveness 4' ELSE '' END
             || CASE WHEN category_of_concern IS NOT NULL AND list_contains(getvariable('rules_inadequate_categories'), upper(trim(category_of_concern)))
                     THEN CASE WHEN era = 'legacy' AND overall_effectiveness = 4 THEN ', ' ELSE '' END
                          || CASE upper(trim(category_of_concern)) WHEN 'SM' THEN 'Special Measures' WHEN 'SWK' THEN 'Serious Weaknesses'
                                  ELSE category_of_concern END
                     ELSE '' END
             || CASE WHEN len(grade4_areas) > 0 THEN 'graded 4 (inadequate) in ' || array_to_string(list_transform(grade4_areas, lambda a: replace(a, '_', ' ')), ', ') ELSE '' END
             AS reason, 'inspection' AS source
    FROM insp WHERE inadequate
    UNION ALL
    SELECT urn, time_period, NULL, 'I2_urgent_improvement', 'intensive',
           'Latest report card (' || CAST(graded_inspection_end AS VARCHAR) || '): "' || getvariable('rules_report_card_urgent')
             || '" in ' || array_to_string(list_transform(urgent_areas, lambda a: replace(a, '_', ' ')), ', '), 'inspection'
    FROM insp WHERE len(urgent_areas) > 0
    UNION ALL
    SELECT urn, time_period, NULL, 'I3_safeguarding', 'intensive',
           'Safeguarding not met / not effective at the latest inspection (' || CAST(latest_inspection_end AS VARCHAR)
             || ': "' || safeguarding || '")', 'inspection'
    FROM insp WHERE safeguarding_failed
    UNION ALL
    SELECT urn, time_period, NULL, 'T1_requires_improvement', 'targeted',
           'Latest graded inspection (' || CAST(graded_inspection_end AS VARCHAR) || ') judged requires improvement'
             || CASE WHEN era = 'legacy' THEN ' (grade 3)' ELSE ': graded 3 in ' || array_to_string(list_transform(grade3_areas, lambda a: replace(a, '_', ' ')), ', ') END,
           'inspection'
    FROM insp WHERE requires_improvement AND NOT inadequate
    UNION ALL
    SELECT urn, time_period, NULL, 'T2_needs_attention', 'targeted',
           'Latest report card (' || CAST(graded_inspection_end AS VARCHAR) || '): "' || getvariable('rules_report_card_needs_attention')
             || '" in ' || array_to_string(list_transform(needs_attention_areas, lambda a: replace(a, '_', ' ')), ', '), 'inspection'
    FROM insp WHERE len(needs_attention_areas) > 0
),
notices AS (
    SELECT sy.urn, sy.time_period, sy.as_at, n.issued_date, n.review_date, n.status
    FROM school_years sy
    JOIN notices_of_concern n ON n.urn = sy.urn AND n.issued_date <= sy.as_at
    WHERE NOT list_contains(getvariable('rules_closed_notice_statuses'), lower(trim(coalesce(n.status, ''))))
       OR n.review_date >= sy.as_at
),
r_notice AS (
    SELECT urn, time_period, NULL AS key_stage, 'I4_notice_of_concern' AS rule_id, 'intensive' AS level,
           'Notice of concern open at ' || CAST(any_value(as_at) AS VARCHAR) || ' (issued '
             || array_to_string(list(CAST(issued_date AS VARCHAR) || coalesce(', review ' || CAST(review_date AS VARCHAR), '')
                                     ORDER BY issued_date), '; ') || ')' AS reason,
           'intelligence' AS source
    FROM notices GROUP BY urn, time_period
),
prog_flag AS (
    SELECT urn, time_period, key_stage, flagged, explanation FROM school_bands WHERE heading = 'progress'
),
ach AS (
    SELECT a.*, coalesce(a.national_percentile, a.loaded_percentile) AS pct,
           coalesce(pf.flagged, FALSE) AS progress_concern,
           CASE WHEN a.national_percentile IS NOT NULL THEN 'nationally' ELSE 'among ' || a.n_loaded || ' loaded schools' END AS basis
    FROM achievement a
    LEFT JOIN prog_flag pf USING (urn, time_period, key_stage)
    WHERE a.achievement_score IS NOT NULL AND a.loaded_percentile IS NOT NULL
),
ach_windowed AS (
    SELECT *,
        count(*) OVER w AS n_rows,
        count(CASE WHEN pct < getvariable('rules_intensive_achievement_percentile') AND progress_concern THEN 1 END) OVER w AS n_hits,
        list(printf('%d/%02d', time_period // 100, time_period % 100) || ': achievement percentile ' || printf('%.0f', pct)
             || ' ' || basis || ', progress ' || printf('%.1f', progress_score)
             || coalesce(' (upper confidence limit ' || printf('%.1f', progress_ci_upper) || ')', '')) OVER w AS details
    FROM ach
    WINDOW w AS (PARTITION BY urn, key_stage ORDER BY time_period
                 ROWS BETWEEN getvariable('rules_intensive_consecutive_years') - 1 PRECEDING AND CURRENT ROW)
),
r_data AS (
    SELECT urn, time_period, key_stage, 'I5_low_achievement_progress' AS rule_id, 'intensive' AS level,
           upper(key_stage) || ' achievement in the bottom ' || printf('%g', getvariable('rules_intensive_achievement_percentile'))
             || '% with progress in the bottom ' || printf('%g', getvariable('bands_low_percentile'))
             || '% and significantly below national for ' || n_rows || ' published years running ('
             || array_to_string(details, '; ') || ')' AS reason,
           'data' AS source
    FROM ach_windowed
    WHERE n_rows = getvariable('rules_intensive_consecutive_years') AND n_hits = n_rows
    UNION ALL
    SELECT urn, time_period, key_stage, 'T3_low_achievement', 'targeted',
           upper(key_stage) || ' achievement score ' || printf('%.2f', achievement_score) || ' (' || method
             || coalesce('; ' || method_note, '') || ') is in the bottom '
             || printf('%g', getvariable('rules_targeted_achievement_percentile')) || '%: '
             || CASE WHEN national_percentile IS NOT NULL THEN 'percentile ' || printf('%.0f', pct) || ' nationally'
                     ELSE 'ranked ' || rank_among_loaded || ' of ' || n_loaded || ' loaded schools (percentile '
                          || printf('%.0f', pct) || ' among ' || n_loaded || ' loaded schools)' END
             || ' in ' || printf('%d/%02d', time_period // 100, time_period % 100),
           'data'
    FROM ach WHERE pct < getvariable('rules_targeted_achievement_percentile')
    UNION ALL
    SELECT urn, time_period, key_stage, 'T4_progress_concern', 'targeted',
           'Progress concern (bottom ' || printf('%g', getvariable('bands_low_percentile'))
             || '% and, where a confidence interval is published, significantly below national) in '
             || printf('%d/%02d', time_period // 100, time_period % 100) || ': ' || explanation,
           'data'
    FROM prog_flag WHERE flagged
    UNION ALL
    SELECT urn, time_period, key_stage, 'T5_falling_attainment', 'targeted',
           upper(key_stage) || ' attainment relative to national fell in each of the last ' || n_years
             || ' published years: ' || explanation,
           'data'
    FROM trends WHERE component = 'attainment' AND falling_every_year
    UNION ALL
    SELECT urn, time_period, NULL, 'T6_persistent_absence', 'targeted',
           'Persistent absence in the worst ' || printf('%g', getvariable('rules_persistent_absence_percentile')) || '% ('
             || printf('%d/%02d', time_period // 100, time_period % 100) || '): ' || explanation,
           'data'
    FROM school_bands
    WHERE heading = 'persistent_absence' AND percentile < getvariable('rules_persistent_absence_percentile')
),
heads AS (
    SELECT sy.urn, sy.time_period, sy.as_at, l.change_date, l.role, l.change_type
    FROM school_years sy
    JOIN leadership_changes l
      ON l.urn = sy.urn AND l.change_date <= sy.as_at
     AND l.change_date > sy.as_at - to_months(getvariable('as_at_intelligence_window_months'))
    WHERE len(list_filter(getvariable('rules_headteacher_role_patterns'), lambda p: coalesce(l.role, '') ILIKE p)) > 0
),
events AS (
    SELECT sy.urn, sy.time_period, sy.as_at, 'complaint' AS kind, c.received_date AS d
    FROM school_years sy JOIN complaints c
      ON c.urn = sy.urn AND c.received_date <= sy.as_at
     AND c.received_date > sy.as_at - to_months(getvariable('as_at_intelligence_window_months'))
    UNION ALL
    SELECT sy.urn, sy.time_period, sy.as_at, 'concern', c.raised_date
    FROM school_years sy JOIN concerns c
      ON c.urn = sy.urn AND c.raised_date <= sy.as_at
     AND c.raised_date > sy.as_at - to_months(getvariable('as_at_intelligence_window_months'))
),
r_intel AS (
    SELECT urn, time_period, NULL AS key_stage, 'T7_headteacher_change' AS rule_id, 'targeted' AS level,
           'Headteacher changed in the last ' || getvariable('as_at_intelligence_window_months') || ' months to '
             || CAST(any_value(as_at) AS VARCHAR) || ' ('
             || array_to_string(list(coalesce(role, 'head') || ' ' || coalesce(lower(change_type) || ' ', '')
                                     || CAST(change_date AS VARCHAR) ORDER BY change_date), '; ') || ')' AS reason,
           'intelligence' AS source
    FROM heads GROUP BY urn, time_period
    UNION ALL
    SELECT urn, time_period, NULL, 'T8_concerns_complaints', 'targeted',
           count(*) || ' concerns and complaints in the ' || getvariable('as_at_intelligence_window_months')
             || ' months to ' || CAST(any_value(as_at) AS VARCHAR) || ' (' || count(*) FILTER (WHERE kind = 'complaint')
             || ' complaints, ' || count(*) FILTER (WHERE kind = 'concern') || ' concerns)',
           'intelligence'
    FROM events GROUP BY urn, time_period
    HAVING count(*) >= getvariable('rules_concerns_complaints_min')
),
all_reasons AS (
    SELECT * FROM r_inspection
    UNION ALL SELECT * FROM r_notice
    UNION ALL SELECT * FROM r_data
    UNION ALL SELECT * FROM r_intel
)
SELECT r.urn, r.time_period, r.key_stage, r.rule_id, r.level, r.reason, r.source,
       r.source = 'intelligence' AS confidential
FROM all_reasons r
JOIN school_years sy USING (urn, time_period)  -- only schools and years the model categorises
ORDER BY r.urn, r.time_period, r.level, r.rule_id, r.key_stage;
