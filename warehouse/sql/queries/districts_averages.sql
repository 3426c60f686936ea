-- Each district's average per year for the headline measures (cohort-weighted mean of its schools'
-- published figures; absence pupil-weighted), for the spread between districts. Aggregates only.
-- Open schools of the county with a district (county_schools: the one definition of the schools counted).
WITH wanted AS (
    SELECT * FROM (VALUES ('ks2_rwm_expected_pct'), ('ks4_attainment8'), ('ks4_progress8'),
                          ('overall_absence_pct'), ('persistent_absence_pct')) t(measure)
),
rows_ AS (
    SELECT s.district, m.time_period, m.measure, m.value, m.cohort, coalesce(m.cohort, s.pupils) AS weight,
           m.source_field
    FROM school_measures m
    JOIN county_schools s ON s.urn = m.urn AND s.is_open
    JOIN wanted w ON w.measure = m.measure
    WHERE m.pupil_group = 'all' AND s.district IS NOT NULL
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
)
SELECT district, time_period, measure,
       sum(value * weight) FILTER (WHERE value IS NOT NULL AND weight > 0)
         / nullif(sum(weight) FILTER (WHERE value IS NOT NULL AND weight > 0), 0) AS value,
       CAST(sum(cohort) FILTER (WHERE value IS NOT NULL) AS BIGINT) AS cohort,
       count(*) FILTER (WHERE value IS NOT NULL) AS schools,
       min(source_field) AS source_field  -- persistent absence: PPERSABS10 or PPERSABS15 (its threshold)
FROM rows_
GROUP BY ALL
ORDER BY measure, time_period, district
