-- Headline measures of every area in one pass (the briefing slices the area shown, as it does the
-- glance): each district of the home LA (whole_la false) and the whole home LA (whole_la true,
-- district NULL), per year: the cohort-weighted mean of its schools' published figures
-- (pupil-weighted for absence), with the county's published figure and the national one. scope: 'all' for KS2/KS4; 'primary' / 'secondary'
-- for absence (national absence is published per phase). cohort: pupils behind the figure (NULL when
-- not published), for suppression. Aggregates only: no URN leaves this query.
WITH home AS (SELECT la_code FROM home_la),
phase_lists AS (
    SELECT
        (SELECT from_json(value_json, '["VARCHAR"]') FROM model_settings WHERE name = 'la_triggers_primary_phases') AS primary_phases,
        (SELECT from_json(value_json, '["VARCHAR"]') FROM model_settings WHERE name = 'la_triggers_secondary_phases') AS secondary_phases
),
area AS (
    SELECT s.urn, s.district, s.pupils,
           CASE WHEN list_contains(p.primary_phases, s.phase) THEN 'primary'
                WHEN list_contains(p.secondary_phases, s.phase) THEN 'secondary' END AS phase_group
    FROM schools s JOIN home h ON s.la_code = h.la_code CROSS JOIN phase_lists p
    WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
),
wanted AS (
    SELECT * FROM (VALUES
        ('ks2_rwm_expected_pct', 'all'), ('ks2_rwm_expected_pct', 'disadvantaged'),
        ('ks2_rwm_expected_pct', 'non_disadvantaged'),
        ('ks4_attainment8', 'all'), ('ks4_attainment8', 'disadvantaged'), ('ks4_attainment8', 'non_disadvantaged'),
        ('ks4_progress8', 'all'),
        ('overall_absence_pct', 'all'), ('persistent_absence_pct', 'all')
    ) t(measure, pupil_group)
),
school_rows AS (
    SELECT a.district, m.time_period, m.measure, m.pupil_group,
           CASE WHEN m.key_stage = 'absence' THEN a.phase_group ELSE 'all' END AS scope,
           m.value, m.cohort, coalesce(m.cohort, a.pupils) AS weight
    FROM school_measures m
    JOIN area a ON a.urn = m.urn
    JOIN wanted w ON w.measure = m.measure AND w.pupil_group = m.pupil_group
    WHERE m.key_stage <> 'absence' OR a.phase_group IS NOT NULL
),
agg AS (
    SELECT district, grouping(district) = 1 AS whole_la, time_period, measure, pupil_group, scope,
           sum(value * weight) FILTER (WHERE value IS NOT NULL AND weight > 0)
             / nullif(sum(weight) FILTER (WHERE value IS NOT NULL AND weight > 0), 0) AS value,
           sum(cohort) FILTER (WHERE value IS NOT NULL) AS cohort,
           count(*) FILTER (WHERE value IS NOT NULL) AS schools
    FROM school_rows
    GROUP BY GROUPING SETS ((district, time_period, measure, pupil_group, scope),
                            (time_period, measure, pupil_group, scope))
)
SELECT g.district, g.whole_la, g.time_period, g.measure, g.pupil_group, g.scope, g.value,
       CAST(g.cohort AS BIGINT) AS cohort, g.schools,
       l.value AS county_value, n.value AS national_value
FROM agg g
LEFT JOIN la_measures l
  ON l.la_code = (SELECT la_code FROM home) AND l.time_period = g.time_period AND l.measure = g.measure
 AND l.pupil_group = g.pupil_group AND g.scope = 'all'
LEFT JOIN national_reference n
  ON n.time_period = g.time_period AND n.measure = g.measure AND n.pupil_group = g.pupil_group
 AND n.phase_scope = g.scope
ORDER BY g.whole_la DESC, g.district, g.measure, g.pupil_group, g.scope, g.time_period
