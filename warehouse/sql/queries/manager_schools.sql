-- One row per open school of the LA ($la_code) for a model year ($time_period): attributes, the ETL's support
-- category, the weakest key stage's achievement, trend directions, latest inspection, persistent absence and
-- the chosen pupil group's headline figures. Rows restricted to the caller's schools ($allowed).
WITH s AS (
    SELECT urn, name, district, phase, school_type, establishment_group, is_academy, status,
           latitude, longitude, pupils, pct_fsm
    FROM schools
    WHERE la_code = $la_code::INTEGER
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
      -- the schools "the county" counts: its open schools (county_schools, figures.toml [counts])
      AND urn IN (SELECT urn FROM county_schools WHERE is_open)
),
ach AS (
    SELECT urn, arg_min(key_stage, coalesce(achievement_score, 1e9)) AS key_stage
    FROM achievement WHERE time_period = $time_period::INTEGER AND urn IN (SELECT urn FROM s)
    GROUP BY urn
),
a AS (
    SELECT a.* FROM achievement a JOIN ach USING (urn, key_stage)
    WHERE a.time_period = $time_period::INTEGER
),
t AS (
    SELECT urn, key_stage,
           any_value(direction) FILTER (WHERE component = 'attainment') AS attainment_trend,
           any_value(direction) FILTER (WHERE component = 'progress') AS progress_trend,
           any_value(explanation) FILTER (WHERE component = 'attainment') AS attainment_trend_note
    FROM trends WHERE time_period = $time_period::INTEGER
    GROUP BY urn, key_stage
),
pa AS (
    SELECT urn,
           any_value(value) FILTER (WHERE measure = 'persistent_absence_pct') AS persistent_absence_pct,
           any_value(status_code) FILTER (WHERE measure = 'persistent_absence_pct') AS persistent_absence_status,
           any_value(value) FILTER (WHERE measure = 'overall_absence_pct') AS overall_absence_pct
    FROM school_measures
    WHERE time_period = $time_period::INTEGER AND pupil_group = 'all'
      AND measure IN ('persistent_absence_pct', 'overall_absence_pct')
    GROUP BY urn
),
pab AS (
    SELECT urn, bool_or(flagged) AS persistent_absence_flagged
    FROM school_bands WHERE time_period = $time_period::INTEGER AND heading = 'persistent_absence'
    GROUP BY urn
),
g AS (  -- the chosen group's headline figures ('send': census context, see the page)
    SELECT urn,
           any_value(value) FILTER (WHERE measure = 'ks2_rwm_expected_pct') AS group_ks2_rwm,
           any_value(status_code) FILTER (WHERE measure = 'ks2_rwm_expected_pct') AS group_ks2_rwm_status,
           any_value(value) FILTER (WHERE measure = 'ks4_attainment8') AS group_ks4_att8,
           any_value(status_code) FILTER (WHERE measure = 'ks4_attainment8') AS group_ks4_att8_status,
           any_value(value) FILTER (WHERE measure = 'sen_support_pct') AS sen_support_pct,
           any_value(value) FILTER (WHERE measure = 'ehcp_pct') AS ehcp_pct,
           count(*) FILTER (WHERE measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8')) AS group_rows
    FROM school_measures
    WHERE time_period = $time_period::INTEGER
      AND ((measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8') AND pupil_group = $pupil_group::VARCHAR)
           OR (measure IN ('sen_support_pct', 'ehcp_pct') AND pupil_group = 'all'))
    GROUP BY urn
)
SELECT s.*, coalesce(sc.category, 'not categorised') AS category, sc.recommended_action, sc.as_at,
       sc.summary, sc.governor_summary, sc.governor_reasons, sc.watch_flags, sc.governor_watch_flags, sc.evidence_score,
       sc.rank_in_category, sc.rules_not_applied, sc.not_categorised_reason,
       coalesce(sc.is_academy, s.is_academy, FALSE) AS academy,
       a.key_stage, a.attainment_score, a.progress_score, a.achievement_score, a.method, a.method_note,
       a.national_percentile, a.rank_among_loaded, a.n_loaded, a.achievement_band, a.band_basis, a.cohort,
       t.attainment_trend, t.progress_trend, t.attainment_trend_note,
       i.era AS inspection_era, i.graded_inspection_end, i.overall_effectiveness, i.category_of_concern,
       i.urgent_areas, i.needs_attention_areas, i.grade4_areas, i.grade3_areas, i.latest_inspection_end,
       i.safeguarding,
       pa.persistent_absence_pct, pa.persistent_absence_status, pa.overall_absence_pct,
       coalesce(pab.persistent_absence_flagged, FALSE) AS persistent_absence_flagged,
       g.group_ks2_rwm, g.group_ks2_rwm_status, g.group_ks4_att8, g.group_ks4_att8_status,
       g.sen_support_pct, g.ehcp_pct
FROM s
LEFT JOIN support_category sc ON sc.urn = s.urn AND sc.time_period = $time_period::INTEGER
LEFT JOIN a ON a.urn = s.urn
LEFT JOIN t ON t.urn = s.urn AND t.key_stage = a.key_stage
LEFT JOIN school_inspection_status i ON i.urn = s.urn AND i.time_period = $time_period::INTEGER
LEFT JOIN pa ON pa.urn = s.urn
LEFT JOIN pab ON pab.urn = s.urn
LEFT JOIN g ON g.urn = s.urn
ORDER BY s.name, s.urn
