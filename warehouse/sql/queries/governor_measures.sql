-- Governor profile: every published measure of one school (every year and pupil group) beside the
-- LA's and the national figure for the same year, measure and group. National census and absence
-- figures are per phase (state-funded primary / secondary / special), matched to the school's
-- phase with the model's own phase lists (model_settings), as the absence bands are; the LA's
-- census figures are per phase in the same way.
WITH school AS (
    SELECT urn, la_code, phase FROM schools
    WHERE urn = $urn::INTEGER
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
),
phases AS (
    SELECT
        (SELECT from_json(value_json, '["VARCHAR"]') FROM model_settings WHERE name = 'la_triggers_primary_phases') AS primary_phases,
        (SELECT from_json(value_json, '["VARCHAR"]') FROM model_settings WHERE name = 'la_triggers_secondary_phases') AS secondary_phases
),
scoped AS (
    SELECT s.urn, s.la_code,
           CASE WHEN list_contains(p.primary_phases, s.phase) THEN 'primary'
                WHEN list_contains(p.secondary_phases, s.phase) THEN 'secondary'
                WHEN s.phase = 'Special' THEN 'special' END AS phase_scope
    FROM school s, phases p
)
SELECT m.urn, m.time_period, m.key_stage, m.measure, m.pupil_group, m.value, m.status_code,
       m.ci_lower, m.ci_upper, m.cohort,
       l.value AS la_value, l.status_code AS la_status_code,
       coalesce(np.value, na.value) AS national_value,
       CASE WHEN np.value IS NOT NULL THEN np.status_code ELSE na.status_code END AS national_status_code,
       coalesce(np.national_scope, na.national_scope) AS national_scope,
       m.source_file, m.source_field
FROM school_measures m
JOIN scoped sc ON sc.urn = m.urn
LEFT JOIN la_measures l
       ON l.la_code = m.la_code AND l.time_period = m.time_period AND l.measure = m.measure
      AND l.pupil_group = m.pupil_group
      AND (l.national_scope IS NULL OR l.national_scope = 'state_funded_' || sc.phase_scope)
LEFT JOIN national_reference np
       ON np.time_period = m.time_period AND np.measure = m.measure AND np.pupil_group = m.pupil_group
      AND np.phase_scope = sc.phase_scope
LEFT JOIN national_reference na
       ON na.time_period = m.time_period AND na.measure = m.measure AND na.pupil_group = m.pupil_group
      AND na.phase_scope = 'all'
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], m.urn))
ORDER BY m.key_stage, m.measure, m.pupil_group, m.time_period
