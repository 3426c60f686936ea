-- LA and national figures of some measures for one pupil group, every year: the county against national.
-- National: the model's national_reference (phase_scope 'all', or $phase_scope for census/absence).
-- Local authority: the DfE's published LA row where the files hold one; where they do not (census and
-- absence downloads carry school and national rows only), the pupil-weighted mean of the LA's schools
-- of that phase, labelled as such (series 'Local authority (average of its schools)'), so a chart
-- titled "county and national" always holds the county, and never calls it the DfE's figure.
-- source_field says which persistent-absence threshold a year uses (PPERSABS10 / PPERSABS15).
WITH published AS (
    SELECT 'Local authority' AS series, time_period, key_stage, measure, pupil_group, value, status_code,
           source_field
    FROM la_measures
    WHERE la_code = $la_code::INTEGER AND pupil_group = $pupil_group::VARCHAR
      AND list_contains($measures::VARCHAR[], measure)
      AND (key_stage NOT IN ('census', 'absence') OR national_scope IS NULL
           OR national_scope IN ('all', 'state_funded', 'state_funded_' || $phase_scope::VARCHAR))
),
phased AS (
    SELECT s.urn, s.pupils,
           CASE WHEN s.phase IN ('Primary', 'Middle deemed primary') THEN 'primary'
                WHEN s.phase IN ('Secondary', 'Middle deemed secondary', 'All-through') THEN 'secondary'
                WHEN s.phase = 'Special' THEN 'special' ELSE 'other' END AS phase_scope
    FROM schools s
    WHERE s.la_code = $la_code::INTEGER
),
from_schools AS (
    SELECT 'Local authority (average of its schools)' AS series, m.time_period, m.key_stage, m.measure,
           m.pupil_group,
           sum(m.value * coalesce(m.cohort, p.pupils)) / nullif(sum(coalesce(m.cohort, p.pupils)), 0) AS value,
           CAST(NULL AS VARCHAR) AS status_code, min(m.source_field) AS source_field
    FROM school_measures m JOIN phased p USING (urn)
    WHERE m.key_stage IN ('census', 'absence') AND m.pupil_group = $pupil_group::VARCHAR
      AND list_contains($measures::VARCHAR[], m.measure)
      AND p.phase_scope = $phase_scope::VARCHAR
      AND m.value IS NOT NULL AND coalesce(m.cohort, p.pupils) > 0
      AND NOT EXISTS (SELECT 1 FROM published x WHERE x.time_period = m.time_period AND x.measure = m.measure)
    GROUP BY ALL
)
SELECT series, time_period, key_stage, measure, pupil_group, value, status_code, source_field FROM published
UNION ALL
SELECT series, time_period, key_stage, measure, pupil_group, value, status_code, source_field FROM from_schools
UNION ALL
SELECT 'National', n.time_period, n.key_stage, n.measure, n.pupil_group, n.value, n.status_code,
       (SELECT min(nm.source_field) FROM national_measures nm
        WHERE nm.time_period = n.time_period AND nm.measure = n.measure AND nm.pupil_group = n.pupil_group
          AND nm.national_scope = n.national_scope) AS source_field
FROM national_reference n
WHERE pupil_group = $pupil_group::VARCHAR AND list_contains($measures::VARCHAR[], measure)
  AND phase_scope = CASE WHEN key_stage IN ('census', 'absence') THEN $phase_scope::VARCHAR ELSE 'all' END
ORDER BY measure, series, time_period
