-- Which inputs the rules of each school and model year could use (issue 15 item 4, decision 11
-- "Coverage"): results (KS2/KS4), absence, inspections and council intelligence, for this school and
-- for the build as a whole. Inspections are judged per LA: an Ofsted file counts for a school only
-- when it names schools of that school's LA (core loaded_inputs), so another county's Ofsted file
-- never makes a school look covered. support_reasons / support_category turn it into `rules_not_applied` sentences and the
-- "not categorised" reason. One row per school_years row.
CREATE OR REPLACE TABLE input_coverage AS
WITH build AS (
    SELECT
        (SELECT count(*) FROM load_files WHERE kind = 'intelligence' AND action = 'loaded') > 0
          OR (SELECT count(*) FROM leadership_changes) + (SELECT count(*) FROM complaints)
             + (SELECT count(*) FROM concerns) + (SELECT count(*) FROM notices_of_concern)
             + (SELECT count(*) FROM visits) > 0 AS intelligence_loaded
),
ofsted_las AS (  -- LAs whose schools a loaded Ofsted file names
    SELECT DISTINCT la_code FROM loaded_inputs WHERE kind = 'ofsted' AND scope = 'la'
),
year_inputs AS (  -- inputs loaded for any school in each year
    SELECT time_period,
           bool_or(key_stage = 'absence') AS absence_year_loaded,
           bool_or(key_stage IN ('ks2', 'ks4')) AS results_year_loaded
    FROM school_measures WHERE urn IS NOT NULL GROUP BY time_period
),
school_inputs AS (
    SELECT urn, time_period,
           bool_or(key_stage IN ('ks2', 'ks4')) AS has_results,
           bool_or(key_stage = 'absence') AS has_absence,
           list(DISTINCT key_stage ORDER BY key_stage) FILTER (WHERE key_stage IN ('ks2', 'ks4')) AS key_stages
    FROM school_measures WHERE urn IS NOT NULL GROUP BY urn, time_period
),
ever AS (  -- performance data (results or absence) in this or an earlier model year
    SELECT sy.urn, sy.time_period, count(si.urn) > 0 AS has_performance_data
    FROM school_years sy
    LEFT JOIN school_inputs si ON si.urn = sy.urn AND si.time_period <= sy.time_period
                              AND (si.has_results OR si.has_absence)
    GROUP BY ALL
),
inspected AS (
    SELECT sy.urn, sy.time_period, count(i.urn) > 0 AS has_inspection
    FROM school_years sy
    LEFT JOIN inspections i ON i.urn = sy.urn AND coalesce(i.inspection_end, i.inspection_start) <= sy.as_at
    GROUP BY ALL
),
intel AS (
    SELECT urn, d FROM (
        SELECT urn, change_date AS d FROM leadership_changes
        UNION ALL SELECT urn, received_date FROM complaints
        UNION ALL SELECT urn, raised_date FROM concerns
        UNION ALL SELECT urn, issued_date FROM notices_of_concern
        UNION ALL SELECT urn, visit_date FROM visits
    ) WHERE urn IS NOT NULL
),
has_intel AS (
    SELECT sy.urn, sy.time_period, count(x.urn) > 0 AS has_intelligence
    FROM school_years sy LEFT JOIN intel x ON x.urn = sy.urn AND (x.d IS NULL OR x.d <= sy.as_at)
    GROUP BY ALL
),
scored AS (  -- results present but no achievement score: why (small cohort, no spread...)
    SELECT urn, time_period,
           bool_or(achievement_score IS NOT NULL AND loaded_percentile IS NOT NULL) AS any_scored,
           string_agg(DISTINCT method_note, '; ') FILTER (WHERE achievement_score IS NULL) AS not_scored_note
    FROM achievement GROUP BY urn, time_period
)
SELECT sy.urn, sy.time_period, sy.as_at, sy.year_label, sy.phase,
       coalesce(list_contains(getvariable('rules_results_not_judged_phases'), sy.phase), FALSE) AS results_not_judged,
       coalesce(si.has_results, FALSE) AS has_results,
       coalesce(si.key_stages, []) AS key_stages,
       coalesce(yi.results_year_loaded, FALSE) AS results_year_loaded,
       coalesce(si.has_absence, FALSE) AS has_absence,
       coalesce(yi.absence_year_loaded, FALSE) AS absence_year_loaded,
       (ol.la_code IS NOT NULL) AS inspection_file_loaded, ins.has_inspection,
       b.intelligence_loaded, hi.has_intelligence,
       e.has_performance_data,
       coalesce(sc.any_scored, FALSE) AS has_achievement_score,
       sc.not_scored_note,
       -- Plain sentences, in the order pages show them.
       list_filter([
           CASE WHEN ol.la_code IS NULL
                THEN 'inspection rules not applied: no Ofsted inspection data loaded for this school''s local authority'
                WHEN NOT ins.has_inspection
                THEN 'inspection rules not applied: no inspection data loaded for this school (none ended by '
                     || strftime(sy.as_at, '%-d %B %Y') || ')' END,
           CASE WHEN coalesce(list_contains(getvariable('rules_results_not_judged_phases'), sy.phase), FALSE)
                THEN 'attainment, progress and achievement rules not applied: ' || lower(sy.phase)
                     || ' schools are judged on inspection, intelligence and attendance only (published results do not measure them)'
                WHEN NOT coalesce(si.has_results, FALSE)
                THEN 'attainment, progress and achievement rules not applied: no KS2 or KS4 results loaded for this school for '
                     || sy.year_label
                WHEN NOT coalesce(sc.any_scored, FALSE)
                THEN 'achievement rules not applied: ' || coalesce(sc.not_scored_note, 'no achievement score for ' || sy.year_label) END,
           CASE WHEN NOT coalesce(yi.absence_year_loaded, FALSE)
                THEN 'attendance rule not applied: no absence data loaded for ' || sy.year_label
                WHEN NOT coalesce(si.has_absence, FALSE)
                THEN 'attendance rule not applied: no absence figures for this school in ' || sy.year_label END,
           CASE WHEN NOT b.intelligence_loaded
                THEN 'intelligence rules not applied: no council intelligence workbook loaded' END
       ], lambda x: x IS NOT NULL) AS rules_not_applied,
       NOT (e.has_performance_data OR ins.has_inspection OR hi.has_intelligence) AS not_categorised
FROM school_years sy
CROSS JOIN build b
LEFT JOIN ofsted_las ol ON ol.la_code = sy.la_code
LEFT JOIN school_inputs si USING (urn, time_period)
LEFT JOIN year_inputs yi USING (time_period)
LEFT JOIN ever e USING (urn, time_period)
LEFT JOIN inspected ins USING (urn, time_period)
LEFT JOIN has_intel hi USING (urn, time_period)
LEFT JOIN scored sc USING (urn, time_period)
ORDER BY sy.urn, sy.time_period;
