-- Bands under each heading (decision 9; flags per decision 10). One row per
-- (urn, time_period, heading, key_stage). band 1 is always the group needing most attention.
-- Cut-offs are settings; see docs/method.md section 3.
CREATE OR REPLACE TABLE school_bands AS
WITH
ach AS (
    SELECT urn, time_period, key_stage, 'achievement' AS heading,
           achievement_band AS band,
           coalesce(national_percentile, loaded_percentile) AS pct,
           band_basis,
           upper(key_stage) || ' achievement ' || printf('%.2f', achievement_score) || ' (' || method
             || coalesce('; ' || method_note, '') || '): '
             || CASE WHEN national_percentile IS NOT NULL THEN 'percentile ' || printf('%.0f', national_percentile) || ' nationally'
                     ELSE 'ranked ' || rank_among_loaded || ' among the ' || n_loaded || ' schools loaded (percentile '
                          || printf('%.0f', loaded_percentile) || ')' END
             AS explanation,
           coalesce(national_percentile, loaded_percentile) < getvariable('bands_low_percentile') AS flagged
    FROM achievement WHERE achievement_score IS NOT NULL AND loaded_percentile IS NOT NULL
),
comp AS (
    SELECT urn, time_period, key_stage, component AS heading,
           least(getvariable('bands_n_bands'), 1 + CAST(floor(loaded_percentile * getvariable('bands_n_bands') / 100.0) AS INTEGER)) AS band,
           loaded_percentile AS pct,
           CASE WHEN distribution = 'national' THEN 'national' ELSE 'among ' || n_loaded || ' loaded schools' END AS band_basis,
           -- figures written at their published precision (warehouse/figures.toml): KS2 % whole,
           -- Attainment 8 one decimal, progress (the KS2 mean, Progress 8) two
           upper(key_stage) || ' ' || component || ' ' || published_text(measure, value)
             || CASE WHEN ci_lower IS NOT NULL AND ci_upper IS NOT NULL
                     THEN ' (95% CI ' || published_text(measure, ci_lower) || ' to ' || published_text(measure, ci_upper) || ')' ELSE '' END
             || CASE WHEN national_value IS NOT NULL THEN ', national ' || published_text(measure, national_value) ELSE '' END
             || ': percentile ' || printf('%.0f', loaded_percentile)
             || CASE WHEN distribution = 'national' THEN ' nationally' ELSE ' among the ' || n_loaded || ' schools loaded' END
             || CASE WHEN component = 'progress' AND ci_upper < 0 THEN '; significantly below national' ELSE '' END
             AS explanation,
           loaded_percentile < getvariable('bands_low_percentile')
             AND (component = 'attainment' OR NOT getvariable('bands_require_significance')
                  OR ci_upper IS NULL OR ci_upper < 0) AS flagged
    FROM standardised_measures WHERE scored AND loaded_percentile IS NOT NULL
),
absence_rows AS (
    -- Absence is compared within the school's phase group (primary, secondary, special, other), as DfE
    -- publishes the national figures by phase: a secondary school is not "worst" for being secondary.
    SELECT m.urn, m.la_code, m.time_period, m.measure, m.value, m.source_field,
           CASE WHEN list_contains(getvariable('la_triggers_primary_phases'), s.phase) THEN 'primary'
                WHEN list_contains(getvariable('la_triggers_secondary_phases'), s.phase) THEN 'secondary'
                WHEN s.phase = 'Special' THEN 'special'
                ELSE 'other' END AS phase_group
    FROM school_measures m LEFT JOIN schools s USING (urn)
    WHERE m.pupil_group = 'all' AND m.measure IN ('overall_absence_pct', 'persistent_absence_pct') AND m.value IS NOT NULL
),
absence_cov AS (
    SELECT time_period, measure, phase_group,
           count(DISTINCT la_code) >= getvariable('distribution_national_min_las') AS is_national
    FROM absence_rows GROUP BY ALL
),
absence AS (
    SELECT m.urn, m.time_period, m.measure, m.value, m.source_field, m.phase_group, c.is_national,
           coalesce(np.value, na.value) AS national_value,
           count(*) OVER w_all AS n,
           rank() OVER w_worst AS rank_worst,
           CASE WHEN count(*) OVER w_all > 1
                THEN 100.0 * (rank() OVER w_worst - 1) / (count(*) OVER w_all - 1) END AS pct_worse
    FROM absence_rows m
    JOIN absence_cov c USING (time_period, measure, phase_group)
    LEFT JOIN national_reference np
           ON np.time_period = m.time_period AND np.measure = m.measure AND np.pupil_group = 'all' AND np.phase_scope = m.phase_group
    LEFT JOIN national_reference na
           ON na.time_period = m.time_period AND na.measure = m.measure AND na.pupil_group = 'all' AND na.phase_scope = 'all'
    WINDOW w_all AS (PARTITION BY m.time_period, m.measure, m.phase_group),
           w_worst AS (PARTITION BY m.time_period, m.measure, m.phase_group ORDER BY m.value DESC)
),
absence_bands AS (
    SELECT urn, time_period, 'absence' AS key_stage,
           CASE measure WHEN 'overall_absence_pct' THEN 'attendance' ELSE 'persistent_absence' END AS heading,
           least(getvariable('bands_n_bands'), 1 + CAST(floor(pct_worse * getvariable('bands_n_bands') / 100.0) AS INTEGER)) AS band,
           pct_worse AS pct,
           CASE WHEN is_national THEN 'national (' || phase_group || ')' ELSE 'among ' || n || ' loaded ' || phase_group || ' schools' END AS band_basis,
           CASE WHEN measure = 'overall_absence_pct' THEN 'Overall absence '
                WHEN source_field ILIKE '%PPERSABS15%' THEN 'Persistent absence (15% threshold) '
                WHEN source_field ILIKE '%PPERSABS10%' THEN 'Persistent absence (10% threshold) '
                ELSE 'Persistent absence ' END
             || printf('%.1f', value) || '%'
             || CASE WHEN national_value IS NOT NULL THEN ' (national ' || printf('%.1f', national_value) || '%)' ELSE '' END
             || ': ranked ' || rank_worst || ' of ' || n || ' ' || phase_group || ' schools by highest absence'
             || CASE WHEN is_national THEN ' nationally' ELSE ' among loaded schools' END
             || ' (percentile ' || printf('%.0f', pct_worse) || ', 0 = highest absence)'
             AS explanation,
           pct_worse < getvariable('bands_absence_low_percentile') AS flagged
    FROM absence WHERE pct_worse IS NOT NULL
),
insp AS (
    SELECT urn, time_period, 'ofsted' AS key_stage, 'inspection' AS heading,
           CASE WHEN inadequate OR len(urgent_areas) > 0 OR safeguarding_failed THEN 1
                WHEN requires_improvement OR len(needs_attention_areas) > 0 THEN 2
                ELSE 3 END AS band,
           NULL::DOUBLE AS pct, 'inspection' AS band_basis,
           CASE WHEN graded_inspection_end IS NULL THEN 'No graded inspection by ' || CAST(as_at AS VARCHAR)
                ELSE 'Latest graded inspection ' || CAST(graded_inspection_end AS VARCHAR) || ' (' || era || ')'
                     || coalesce(': overall effectiveness ' || overall_effectiveness, '')
                     || coalesce(', category of concern ' || category_of_concern, '')
                     || CASE WHEN len(urgent_areas) > 0 THEN ', ' || getvariable('rules_report_card_urgent') || ': ' || array_to_string(urgent_areas, ', ') ELSE '' END
                     || CASE WHEN len(needs_attention_areas) > 0 THEN ', ' || getvariable('rules_report_card_needs_attention') || ': ' || array_to_string(needs_attention_areas, ', ') ELSE '' END
                END
             || CASE WHEN safeguarding_failed THEN '; safeguarding: ' || safeguarding ELSE '' END AS explanation,
           (inadequate OR len(urgent_areas) > 0 OR safeguarding_failed OR requires_improvement
             OR len(needs_attention_areas) > 0) AS flagged
    FROM school_inspection_status
    WHERE graded_inspection_end IS NOT NULL OR latest_inspection_end IS NOT NULL
),
gap AS (
    SELECT urn, time_period, key_stage, 'disadvantaged_gap' AS heading,
           national_gap - gap_vs_national_non_disadvantaged AS wider_by,
           CASE key_stage WHEN 'ks2' THEN getvariable('bands_gap_margin_ks2') ELSE getvariable('bands_gap_margin_ks4') END AS margin,
           value, national_non_disadvantaged, national_disadvantaged, gap_vs_national_non_disadvantaged, national_gap, measure
    FROM group_gaps
    WHERE pupil_group = 'disadvantaged' AND measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8')
      AND value IS NOT NULL AND national_gap IS NOT NULL
      AND (cohort IS NULL OR cohort >= getvariable('distribution_min_cohort'))
),
gap_bands AS (
    SELECT urn, time_period, key_stage, heading,
           CASE WHEN wider_by >= margin THEN 1 WHEN wider_by > 0 THEN 2 ELSE 3 END AS band,
           NULL::DOUBLE AS pct, 'national' AS band_basis,
           upper(key_stage) || ' disadvantaged pupils ' || published_text(measure, value)
             || ' against non-disadvantaged pupils nationally ' || published_text(measure, national_non_disadvantaged)
             || ' (gap ' || published_text(measure, gap_vs_national_non_disadvantaged, TRUE)
             || '; national gap ' || published_text(measure, national_gap, TRUE)
             || '; against disadvantaged pupils nationally ' || published_text(measure, value - national_disadvantaged, TRUE) || ')' AS explanation,
           wider_by >= margin AS flagged
    FROM gap
),
trend_bands AS (
    SELECT urn, time_period, key_stage, 'trend' AS heading,
           CASE direction WHEN 'worse' THEN 1 WHEN 'similar' THEN 2 WHEN 'better' THEN 3 END AS band,
           NULL::DOUBLE AS pct, 'national' AS band_basis,
           upper(key_stage) || ' attainment ' || direction || ' relative to national: ' || explanation AS explanation,
           direction = 'worse' AS flagged
    FROM trends WHERE component = 'attainment' AND direction IS NOT NULL
),
all_bands AS (
    SELECT urn, time_period, heading, key_stage, band, pct, band_basis, explanation, flagged FROM ach
    UNION ALL SELECT urn, time_period, heading, key_stage, band, pct, band_basis, explanation, flagged FROM comp
    UNION ALL SELECT urn, time_period, heading, key_stage, band, pct, band_basis, explanation, flagged FROM absence_bands
    UNION ALL SELECT urn, time_period, heading, key_stage, band, pct, band_basis, explanation, flagged FROM insp
    UNION ALL SELECT urn, time_period, heading, key_stage, band, pct, band_basis, explanation, flagged FROM gap_bands
    UNION ALL SELECT urn, time_period, heading, key_stage, band, pct, band_basis, explanation, flagged FROM trend_bands
)
SELECT urn, time_period, heading, key_stage, band,
       CASE heading
         WHEN 'inspection' THEN CASE band WHEN 1 THEN 'inadequate / urgent improvement / safeguarding not met'
                                          WHEN 2 THEN 'requires improvement / needs attention' ELSE 'no concern' END
         WHEN 'disadvantaged_gap' THEN CASE band WHEN 1 THEN 'much wider than national' WHEN 2 THEN 'wider than national'
                                                 ELSE 'same as or narrower than national' END
         WHEN 'trend' THEN CASE band WHEN 1 THEN 'worse' WHEN 2 THEN 'similar' ELSE 'better' END
         ELSE 'band ' || band || ' of ' || getvariable('bands_n_bands')
              || CASE WHEN band = 1 AND heading IN ('attendance', 'persistent_absence')
                      THEN ' (highest absence ' || CAST(100 // getvariable('bands_n_bands') AS INTEGER) || '%)'
                      WHEN band = 1 THEN ' (lowest ' || CAST(100 // getvariable('bands_n_bands') AS INTEGER) || '%)' ELSE '' END
       END AS band_label,
       pct AS percentile, band_basis, coalesce(flagged, FALSE) AS flagged, explanation
FROM all_bands
ORDER BY urn, time_period, heading, key_stage;
