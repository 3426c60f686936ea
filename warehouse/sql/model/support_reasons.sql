-- One row per rule of decision 11 (revised) that fires for a school and year, and one per watch signal,
-- in plain English with the figures and the date of the fact. docs/method.md section 4 lists every rule.
--   kind      intensive | targeted | watch (a watch signal never sets a category on its own; `level` = kind)
--   source    data | inspection | intelligence; intelligence is confidential (decision 16: governors see
--             one generic line instead)
--   headline  the short phrase a one-sentence summary is built from ("Requires improvement (Ofsted, March 2024)")
--   evidence  the reason's weight of evidence (kind weight x recency x (1 + significance)), summed with a
--             bonus per independent source into support_category.evidence_score
-- Special schools and alternative provision (rules.results_not_judged_phases) get no data rule or flag on
-- attainment, progress or achievement; inspection, intelligence and attendance rules apply.
CREATE OR REPLACE TABLE support_reasons AS
WITH
sy AS (
    SELECT s.*, c.results_not_judged
    FROM school_years s JOIN input_coverage c USING (urn, time_period)
),
insp AS (SELECT * FROM school_inspection_status),
-- ---------------------------------------------------------------- inspection
r_inspection AS (
    SELECT urn, time_period, NULL AS key_stage, 'I1_inadequate' AS rule_id, 'intensive' AS kind,
           'Latest graded inspection (' || CAST(graded_inspection_end AS VARCHAR) || ') judged inadequate: '
             || judgement_words || ' (' || when_words || ')' AS reason,
           judgement_words || ' (' || when_words || ')' AS headline,
           'inspection' AS source, graded_inspection_end AS fact_date, 0.0 AS significance
    FROM insp WHERE inadequate
    UNION ALL
    SELECT urn, time_period, NULL, 'I2_urgent_improvement', 'intensive',
           'Latest report card (' || CAST(graded_inspection_end AS VARCHAR) || '): "' || getvariable('rules_report_card_urgent')
             || '" in ' || array_to_string(list_transform(urgent_areas, lambda a: replace(a, '_', ' ')), ', '),
           getvariable('rules_report_card_urgent') || ' in ' || array_to_string(list_transform(urgent_areas, lambda a: replace(a, '_', ' ')), ', ')
             || ' (' || when_words || ')',
           'inspection', graded_inspection_end, 0.0
    FROM insp WHERE len(urgent_areas) > 0
    UNION ALL
    SELECT urn, time_period, NULL, 'I3_safeguarding', 'intensive',
           'Safeguarding not met / not effective at the latest inspection (' || CAST(latest_inspection_end AS VARCHAR)
             || ': "' || safeguarding || '")',
           'safeguarding not effective (Ofsted, ' || strftime(latest_inspection_end, '%B %Y') || ')',
           'inspection', latest_inspection_end, 0.0
    FROM insp WHERE safeguarding_failed
    UNION ALL
    SELECT urn, time_period, NULL, 'T1_requires_improvement', 'targeted',
           'Latest graded inspection (' || CAST(graded_inspection_end AS VARCHAR) || ') judged requires improvement'
             || CASE WHEN era = 'legacy' THEN ' (grade 3)' ELSE ': graded 3 in ' || array_to_string(list_transform(grade3_areas, lambda a: replace(a, '_', ' ')), ', ') END,
           judgement_words || ' (' || when_words || ')',
           'inspection', graded_inspection_end, 0.0
    FROM insp WHERE requires_improvement AND NOT inadequate
    UNION ALL
    SELECT urn, time_period, NULL, 'T2_needs_attention', 'targeted',
           'Latest report card (' || CAST(graded_inspection_end AS VARCHAR) || '): "' || getvariable('rules_report_card_needs_attention')
             || '" in ' || array_to_string(list_transform(needs_attention_areas, lambda a: replace(a, '_', ' ')), ', '),
           getvariable('rules_report_card_needs_attention') || ' in '
             || array_to_string(list_transform(needs_attention_areas, lambda a: replace(a, '_', ' ')), ', ') || ' (' || when_words || ')',
           'inspection', graded_inspection_end, 0.0
    FROM insp WHERE len(needs_attention_areas) > 0
    UNION ALL
    -- "Stuck" as the DfE defines it for its regional improvement teams: below Good at the latest graded
    -- inspection and at the one before (below Good per era: school_inspection_status).
    SELECT urn, time_period, NULL, 'T6_stuck', 'targeted',
           'Below Good at the latest two graded inspections ("stuck"): ' || judgement_words || ' (' || when_words
             || ') and before that ' || previous_judgement_words || ' (' || previous_when_words || ')',
           'below Good at its last two graded inspections (' || strftime(previous_graded_inspection_end, '%B %Y')
             || ' and ' || strftime(graded_inspection_end, '%B %Y') || ')',
           'inspection', graded_inspection_end, 0.0
    FROM insp WHERE stuck
    UNION ALL
    SELECT urn, time_period, NULL, 'W6_previous_inspection', 'watch',
           'Previous graded inspection below Good: ' || previous_judgement_words || ' (' || previous_when_words
             || '); the latest (' || when_words || ') is ' || judgement_words,
           'previous inspection ' || previous_judgement_words || ' (' || previous_when_words || ')',
           'inspection', previous_graded_inspection_end, 0.0
    FROM insp WHERE previous_below_good AND NOT below_good
      AND previous_graded_inspection_end > as_at - to_years(getvariable('rules_previous_inspection_max_years'))
),
-- ---------------------------------------------------------------- data (never for special schools / AP)
prog AS (  -- every published progress result, with its concern flag (decision 10)
    SELECT b.urn, b.time_period, b.key_stage, b.flagged, b.percentile, b.explanation,
           s.value, s.ci_upper
    FROM school_bands b
    JOIN standardised_measures s
      ON s.urn = b.urn AND s.time_period = b.time_period AND s.key_stage = b.key_stage AND s.component = 'progress'
    WHERE b.heading = 'progress'
),
prog_last AS (  -- the school's last published progress results up to each model year
    SELECT sy.urn, sy.time_period, p.key_stage, p.time_period AS result_year, p.flagged, p.percentile,
           p.explanation, p.value, p.ci_upper,
           row_number() OVER (PARTITION BY sy.urn, sy.time_period, p.key_stage ORDER BY p.time_period DESC) AS n
    FROM sy JOIN prog p ON p.urn = sy.urn AND p.time_period <= sy.time_period
    WHERE NOT sy.results_not_judged
),
prog_agg AS (
    SELECT urn, time_period, key_stage,
           count(*) FILTER (WHERE n <= getvariable('rules_declining_progress_years')) AS n_years,
           count(*) FILTER (WHERE n <= getvariable('rules_declining_progress_years') AND flagged) AS n_concerns,
           bool_or(n = 1 AND flagged) AS latest_flagged,
           max(result_year) AS latest_year,
           min(result_year) FILTER (WHERE n <= getvariable('rules_declining_progress_years')) AS first_year,
           any_value(explanation) FILTER (WHERE n = 1) AS latest_explanation,
           any_value(percentile) FILTER (WHERE n = 1) AS latest_percentile,
           any_value(value) FILTER (WHERE n = 1) AS latest_value,
           list(printf('%d/%02d', result_year // 100, result_year % 100) || ': ' || explanation ORDER BY result_year)
             FILTER (WHERE n <= getvariable('rules_declining_progress_years')) AS details
    FROM prog_last GROUP BY ALL
),
ach AS (
    SELECT a.*, coalesce(a.national_percentile, a.loaded_percentile) AS pct,
           coalesce(pf.flagged, FALSE) AS progress_concern,
           CASE WHEN a.national_percentile IS NOT NULL THEN 'nationally' ELSE 'among ' || a.n_loaded || ' loaded schools' END AS basis
    FROM achievement a
    LEFT JOIN (SELECT urn, time_period, key_stage, flagged FROM school_bands WHERE heading = 'progress') pf
      USING (urn, time_period, key_stage)
    WHERE a.achievement_score IS NOT NULL AND a.loaded_percentile IS NOT NULL
),
ach_windowed AS (
    SELECT *,
        count(*) OVER w AS n_rows,
        count(CASE WHEN pct < getvariable('rules_intensive_achievement_percentile') AND progress_concern THEN 1 END) OVER w AS n_hits,
        min(time_period) OVER w AS first_year,
        list(printf('%d/%02d', time_period // 100, time_period % 100) || ': achievement percentile ' || printf('%.0f', pct)
             || ' ' || basis || ', progress ' || printf('%.1f', progress_score)
             || coalesce(' (upper confidence limit ' || printf('%.1f', progress_ci_upper) || ')', '')) OVER w AS details
    FROM ach
    WINDOW w AS (PARTITION BY urn, key_stage ORDER BY time_period
                 ROWS BETWEEN getvariable('rules_intensive_consecutive_years') - 1 PRECEDING AND CURRENT ROW)
),
declining AS (  -- declining standards (decision 11): T3 and T4
    SELECT t.urn, t.time_period, t.key_stage, 'T3_falling_attainment' AS rule_id, 'targeted' AS kind,
           upper(t.key_stage) || ' attainment relative to national fell in each of the last ' || t.n_years
             || ' published years and is now below national: ' || t.explanation AS reason,
           upper(t.key_stage) || ' attainment below national and falling ' || coalesce(['one', 'two', 'three', 'four', 'five', 'six'][t.n_years], CAST(t.n_years AS VARCHAR)) || ' published years running ('
             || printf('%.1f', -t.relative) || CASE t.key_stage WHEN 'ks2' THEN ' percentage points' ELSE ' Attainment 8 points' END
             || ' below in ' || printf('%d/%02d', t.time_period // 100, t.time_period % 100) || ')' AS headline,
           'data' AS source, make_date(CAST(t.time_period // 100 + 1 AS BIGINT), 8, 31) AS fact_date,
           least(1.0, -t.relative / (3 * CASE t.key_stage WHEN 'ks2' THEN getvariable('trend_threshold_ks2_rwm_expected_pct')
                                                          ELSE getvariable('trend_threshold_ks4_attainment8') END)) AS significance
    FROM trends t JOIN sy USING (urn, time_period)
    WHERE t.component = 'attainment' AND t.falling_every_year AND t.relative < 0 AND NOT sy.results_not_judged
    UNION ALL
    SELECT urn, time_period, key_stage, 'T4_progress_concern_two_years', 'targeted',
           upper(key_stage) || ' progress concern (bottom ' || printf('%g', getvariable('bands_low_percentile'))
             || '% and significantly below national) in each of the last ' || n_years || ' published years: '
             || array_to_string(details, '; '),
           upper(key_stage) || ' progress significantly below national in '
             || printf('%d/%02d', first_year // 100, first_year % 100) || ' and '
             || printf('%d/%02d', latest_year // 100, latest_year % 100),
           'data', make_date(CAST(latest_year // 100 + 1 AS BIGINT), 8, 31),
           (getvariable('bands_low_percentile') - latest_percentile) / getvariable('bands_low_percentile')
    FROM prog_agg
    WHERE n_years = getvariable('rules_declining_progress_years') AND n_concerns = n_years
),
r_data AS (
    SELECT a.urn, a.time_period, a.key_stage, 'I5_low_achievement_progress' AS rule_id, 'intensive' AS kind,
           upper(a.key_stage) || ' achievement in the bottom ' || printf('%g', getvariable('rules_intensive_achievement_percentile'))
             || '% with progress in the bottom ' || printf('%g', getvariable('bands_low_percentile'))
             || '% and significantly below national for ' || a.n_rows || ' published years running ('
             || array_to_string(a.details, '; ') || ')' AS reason,
           upper(a.key_stage) || ' achievement in the bottom ' || printf('%g', getvariable('rules_intensive_achievement_percentile'))
             || '% with progress significantly below national in '
             || printf('%d/%02d', a.first_year // 100, a.first_year % 100) || ' and '
             || printf('%d/%02d', a.time_period // 100, a.time_period % 100) AS headline,
           'data' AS source, make_date(CAST(a.time_period // 100 + 1 AS BIGINT), 8, 31) AS fact_date,
           (getvariable('rules_intensive_achievement_percentile') - a.pct) / getvariable('rules_intensive_achievement_percentile') AS significance
    FROM ach_windowed a JOIN sy USING (urn, time_period)
    WHERE a.n_rows = getvariable('rules_intensive_consecutive_years') AND a.n_hits = a.n_rows AND NOT sy.results_not_judged
    UNION ALL
    SELECT * FROM declining
    UNION ALL
    SELECT a.urn, a.time_period, a.key_stage, 'W1_low_achievement', 'watch',
           upper(a.key_stage) || ' achievement score ' || printf('%.2f', a.achievement_score) || ' (' || a.method
             || coalesce('; ' || a.method_note, '') || ') is in the bottom '
             || printf('%g', getvariable('rules_watch_achievement_percentile')) || '%: '
             || CASE WHEN a.national_percentile IS NOT NULL THEN 'percentile ' || printf('%.0f', a.pct) || ' nationally'
                     ELSE 'ranked ' || a.rank_among_loaded || ' of ' || a.n_loaded || ' loaded schools (percentile '
                          || printf('%.0f', a.pct) || ' among ' || a.n_loaded || ' loaded schools)' END
             || ' in ' || printf('%d/%02d', a.time_period // 100, a.time_period % 100),
           upper(a.key_stage) || ' achievement in the bottom ' || printf('%g', getvariable('rules_watch_achievement_percentile'))
             || '% ' || CASE WHEN a.national_percentile IS NOT NULL THEN 'nationally' ELSE 'of the ' || a.n_loaded || ' schools loaded' END
             || ' in ' || printf('%d/%02d', a.time_period // 100, a.time_period % 100)
             || ' (percentile ' || printf('%.0f', a.pct) || ')',
           'data', make_date(CAST(a.time_period // 100 + 1 AS BIGINT), 8, 31),
           (getvariable('rules_watch_achievement_percentile') - a.pct) / getvariable('rules_watch_achievement_percentile')
    FROM ach a JOIN sy USING (urn, time_period)
    WHERE a.pct < getvariable('rules_watch_achievement_percentile') AND NOT sy.results_not_judged
    UNION ALL
    SELECT p.urn, p.time_period, p.key_stage, 'W2_progress_concern', 'watch',
           'Progress concern (bottom ' || printf('%g', getvariable('bands_low_percentile'))
             || '% and, where a confidence interval is published, significantly below national) in '
             || printf('%d/%02d', p.latest_year // 100, p.latest_year % 100) || ': ' || p.latest_explanation,
           upper(p.key_stage) || ' progress ' || printf('%.1f', p.latest_value) || ', a concern in '
             || printf('%d/%02d', p.latest_year // 100, p.latest_year % 100),
           'data', make_date(CAST(p.latest_year // 100 + 1 AS BIGINT), 8, 31),
           (getvariable('bands_low_percentile') - p.latest_percentile) / getvariable('bands_low_percentile')
    FROM prog_agg p
    WHERE p.latest_flagged
      AND NOT (p.n_years = getvariable('rules_declining_progress_years') AND p.n_concerns = p.n_years)
    UNION ALL
    -- Attendance applies to every school (special schools and AP included).
    SELECT b.urn, b.time_period, NULL, 'W3_persistent_absence', 'watch',
           'Persistent absence in the worst ' || printf('%g', getvariable('rules_persistent_absence_percentile')) || '% ('
             || printf('%d/%02d', b.time_period // 100, b.time_period % 100) || '): ' || b.explanation,
           'persistent absence ' || printf('%.1f', m.value) || '% in the worst '
             || printf('%g', getvariable('rules_persistent_absence_percentile')) || '% '
             || CASE WHEN b.band_basis LIKE 'national%' THEN 'nationally' ELSE 'of schools loaded' END
             || ' (' || printf('%d/%02d', b.time_period // 100, b.time_period % 100) || ')',
           'data', make_date(CAST(b.time_period // 100 + 1 AS BIGINT), 8, 31),
           (getvariable('rules_persistent_absence_percentile') - b.percentile) / getvariable('rules_persistent_absence_percentile')
    FROM school_bands b
    JOIN school_measures m
      ON m.urn = b.urn AND m.time_period = b.time_period AND m.measure = 'persistent_absence_pct' AND m.pupil_group = 'all'
    WHERE b.heading = 'persistent_absence' AND b.percentile < getvariable('rules_persistent_absence_percentile')
),
-- Watch signal W7: results well below similar schools two years running (issue 22,
-- similar_school_comparison.below_similar_years; docs/method.md section 8). One row per school, year and
-- key stage, naming the measure furthest below its group (and any other that also qualifies).
similar_runs AS (
    SELECT c.*,
           CASE c.measure
               WHEN 'ks2_rwm_expected_pct' THEN 'reading, writing and maths expected standard'
               WHEN 'ks2_progress_mean' THEN 'progress (mean of reading, writing and maths)'
               WHEN 'ks4_attainment8' THEN 'Attainment 8'
               WHEN 'ks4_progress8' THEN 'Progress 8' END AS measure_words,
           CASE c.measure
               WHEN 'ks2_rwm_expected_pct' THEN printf('%.0f%%', c.school_value) || ' against an average of ' || printf('%.0f%%', c.group_mean)
               WHEN 'ks4_attainment8' THEN printf('%.1f', c.school_value) || ' against an average of ' || printf('%.1f', c.group_mean)
               WHEN 'ks2_progress_mean' THEN printf('%+.1f', c.school_value) || ' against an average of ' || printf('%+.1f', c.group_mean)
               ELSE printf('%+.2f', c.school_value) || ' against an average of ' || printf('%+.2f', c.group_mean) END AS figures,
           arg_min(c.measure, c.position) OVER (PARTITION BY c.urn, c.time_period, c.key_stage) AS worst_measure
    FROM similar_school_comparison c
    WHERE c.below_similar_years
),
r_similar AS (
    SELECT r.urn, r.time_period, r.key_stage, 'W7_similar_schools' AS rule_id, 'watch' AS kind,
           upper(r.key_stage) || ' ' || arg_min(r.measure_words, r.position) || ' well below similar schools in '
             || arg_min(r.below_similar_in, r.position) || ': ' || arg_min(r.figures, r.position) || ' for the '
             || arg_min(r.group_n, r.position) || ' schools with the most similar intake in '
             || printf('%d/%02d', r.time_period // 100, r.time_period % 100)
             || ' (higher than ' || arg_min(r.n_lower, r.position) || ' of them; '
             || CASE WHEN arg_min(r.pool, r.position) = 'national' THEN 'schools from all of England'
                     ELSE 'loaded schools only, no national file' END || ')'
             || CASE WHEN count(*) > 1 THEN '; also ' || string_agg(r.measure_words, ', ' ORDER BY r.measure)
                                                  FILTER (WHERE r.measure <> r.worst_measure) ELSE '' END
             AS reason,
           upper(r.key_stage) || ' ' || arg_min(r.measure_words, r.position) || ' well below similar schools ('
             || arg_min(r.below_similar_in, r.position) || ')' AS headline,
           'data' AS source, make_date(CAST(r.time_period // 100 + 1 AS BIGINT), 8, 31) AS fact_date,
           (getvariable('similar_schools_well_below_percentile') - min(r.position))
             / getvariable('similar_schools_well_below_percentile') AS significance
    FROM similar_runs r
    JOIN sy USING (urn, time_period)
    WHERE NOT sy.results_not_judged
    GROUP BY r.urn, r.time_period, r.key_stage
),
-- ---------------------------------------------------------------- intelligence (confidential)
notices AS (
    SELECT sy.urn, sy.time_period, sy.as_at, n.issued_date, n.review_date, n.status
    FROM sy
    JOIN notices_of_concern n ON n.urn = sy.urn AND n.issued_date <= sy.as_at
    WHERE NOT list_contains(getvariable('rules_closed_notice_statuses'), lower(trim(coalesce(n.status, ''))))
       OR n.review_date >= sy.as_at
),
heads AS (
    SELECT sy.urn, sy.time_period, sy.as_at, l.change_date, l.role, l.change_type
    FROM sy
    JOIN leadership_changes l
      ON l.urn = sy.urn AND l.change_date <= sy.as_at
     AND l.change_date > sy.as_at - to_months(getvariable('as_at_intelligence_window_months'))
    WHERE len(list_filter(getvariable('rules_headteacher_role_patterns'), lambda p: coalesce(l.role, '') ILIKE p)) > 0
),
events AS (
    SELECT sy.urn, sy.time_period, sy.as_at, 'complaint' AS kind, c.received_date AS d
    FROM sy JOIN complaints c
      ON c.urn = sy.urn AND c.received_date <= sy.as_at
     AND c.received_date > sy.as_at - to_months(getvariable('as_at_intelligence_window_months'))
    UNION ALL
    SELECT sy.urn, sy.time_period, sy.as_at, 'concern', c.raised_date
    FROM sy JOIN concerns c
      ON c.urn = sy.urn AND c.raised_date <= sy.as_at
     AND c.raised_date > sy.as_at - to_months(getvariable('as_at_intelligence_window_months'))
),
r_intel AS (
    SELECT urn, time_period, NULL AS key_stage, 'I4_notice_of_concern' AS rule_id, 'intensive' AS kind,
           'Notice of concern open at ' || CAST(any_value(as_at) AS VARCHAR) || ' (issued '
             || array_to_string(list(CAST(issued_date AS VARCHAR) || coalesce(', review ' || CAST(review_date AS VARCHAR), '')
                                     ORDER BY issued_date), '; ') || ')' AS reason,
           'notice of concern open since ' || strftime(min(issued_date), '%B %Y') AS headline,
           'intelligence' AS source, max(issued_date) AS fact_date, 0.0 AS significance
    FROM notices GROUP BY urn, time_period
    UNION ALL
    SELECT urn, time_period, NULL, 'W4_headteacher_change', 'watch',
           'Headteacher changed in the last ' || getvariable('as_at_intelligence_window_months') || ' months to '
             || CAST(any_value(as_at) AS VARCHAR) || ' ('
             || array_to_string(list(coalesce(role, 'head') || ' '
                                     || coalesce(CASE lower(change_type)
                                          WHEN 'new_permanent' THEN 'new permanent appointment '
                                          WHEN 'interim' THEN 'interim appointment '
                                          WHEN 'acting' THEN 'acting appointment '
                                          WHEN 'departure' THEN 'left the post '
                                          ELSE replace(lower(change_type), '_', ' ') || ' ' END, '')
                                     || CAST(change_date AS VARCHAR) ORDER BY change_date), '; ') || ')',
           'headteacher changed ' || strftime(max(change_date), '%B %Y'),
           'intelligence', max(change_date), 0.0
    FROM heads GROUP BY urn, time_period
    UNION ALL
    SELECT urn, time_period, NULL, 'W5_concerns_complaints', 'watch',
           count(*) || CASE WHEN count(*) = 1 THEN ' concern or complaint' ELSE ' concerns and complaints' END
             || ' in the ' || getvariable('as_at_intelligence_window_months')
             || ' months to ' || CAST(any_value(as_at) AS VARCHAR) || ' (' || count(*) FILTER (WHERE kind = 'complaint')
             || CASE WHEN count(*) FILTER (WHERE kind = 'complaint') = 1 THEN ' complaint, ' ELSE ' complaints, ' END
             || count(*) FILTER (WHERE kind = 'concern')
             || CASE WHEN count(*) FILTER (WHERE kind = 'concern') = 1 THEN ' concern' ELSE ' concerns' END || '; latest '
             || CAST(max(d) AS VARCHAR) || ')',
           count(*) || CASE WHEN count(*) = 1 THEN ' concern or complaint' ELSE ' concerns and complaints' END
             || ' in the ' || getvariable('as_at_intelligence_window_months') || ' months to '
             || strftime(any_value(as_at), '%B %Y'),
           'intelligence', max(d), least(1.0, (count(*) - 1) / 4.0)
    FROM events GROUP BY urn, time_period
    HAVING count(*) >= getvariable('rules_concerns_complaints_min')
),
base AS (
    SELECT * FROM r_inspection
    UNION ALL SELECT * FROM r_data
    UNION ALL SELECT * FROM r_similar
    UNION ALL SELECT * FROM r_intel
),
-- ---------------------------------------------------------------- combinations
combos AS (
    -- I6: requires improvement / needs attention together with declining standards.
    SELECT i.urn, i.time_period, NULL AS key_stage, 'I6_requires_improvement_declining' AS rule_id, 'intensive' AS kind,
           'Requires improvement together with declining standards: ' || i.reason || '; ' || d.reason AS reason,
           i.headline || ' and ' || d.headline AS headline,
           'inspection' AS source, greatest(i.fact_date, d.fact_date) AS fact_date, d.significance
    FROM (SELECT * FROM base WHERE rule_id IN ('T1_requires_improvement', 'T2_needs_attention')
          QUALIFY row_number() OVER (PARTITION BY urn, time_period ORDER BY rule_id) = 1) i
    JOIN (SELECT * FROM base WHERE rule_id IN ('T3_falling_attainment', 'T4_progress_concern_two_years')
          QUALIFY row_number() OVER (PARTITION BY urn, time_period ORDER BY significance DESC, rule_id, key_stage) = 1) d
      USING (urn, time_period)
    UNION ALL
    -- T5: independent watch signals from different sources at once (the strongest signal of each source).
    SELECT urn, time_period, NULL, 'T5_independent_signals', 'targeted',
           count(*) || ' independent watch signals from different sources at once: '
             || array_to_string(list(reason || ' [' || source || ']' ORDER BY significance DESC, source), '; '),
           array_to_string(list(headline ORDER BY significance DESC, source), ' and '),
           -- the source of the signal listed first (equal significance: by source name, as listed;
           -- arg_max picked either at random, so two loads of the same files could differ)
           CASE WHEN bool_or(source = 'intelligence') THEN 'intelligence'
                ELSE (list(source ORDER BY significance DESC, source))[1] END,
           max(fact_date), 0.0
    FROM (SELECT * FROM base WHERE kind = 'watch'
          QUALIFY row_number() OVER (PARTITION BY urn, time_period, source ORDER BY significance DESC, fact_date DESC, rule_id) = 1)
    GROUP BY urn, time_period
    HAVING count(*) >= getvariable('rules_min_independent_sources')
),
all_reasons AS (
    SELECT * FROM base UNION ALL SELECT * FROM combos
)
SELECT r.urn, r.time_period, r.key_stage, r.rule_id, r.kind, r.kind AS level, r.reason, r.headline, r.source,
       r.fact_date, round(greatest(r.significance, 0.0), 3) AS significance,
       round(
         CASE r.kind WHEN 'intensive' THEN getvariable('rules_evidence_weight_intensive')
                     WHEN 'targeted' THEN getvariable('rules_evidence_weight_targeted')
                     ELSE getvariable('rules_evidence_weight_watch') END
         * pow(0.5, greatest(date_diff('day', r.fact_date, sy.as_at), 0) / 30.4375 / getvariable('rules_evidence_half_life_months'))
         * (1 + least(greatest(r.significance, 0.0), 1.0)), 3) AS evidence,
       r.source = 'intelligence' AS confidential
FROM all_reasons r
JOIN sy USING (urn, time_period)  -- only schools and years the model categorises
ORDER BY r.urn, r.time_period, CASE r.kind WHEN 'intensive' THEN 0 WHEN 'targeted' THEN 1 ELSE 2 END, r.rule_id, r.key_stage;
