-- A school's measures in the latest year of each key stage, only if the caller may see the school.
WITH visible AS (
    SELECT *
    FROM school_measures
    WHERE urn = $urn::INTEGER
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
),
latest AS (
    SELECT key_stage, max(time_period) AS time_period FROM visible GROUP BY key_stage
)
SELECT v.urn, v.time_period, v.key_stage, v.measure, v.pupil_group, v.value, v.status_code,
       v.ci_lower, v.ci_upper, v.cohort, v.source_field
FROM visible v JOIN latest USING (key_stage, time_period)
ORDER BY v.key_stage, v.measure, v.pupil_group
