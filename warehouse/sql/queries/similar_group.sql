-- A school's similar-schools group with names, context and results (issue 22): MANAGERS AND OFFICERS
-- ONLY (dashboard/data_access/similar.py refuses other roles before this runs). Long form: one row per
-- (school, figure); the school itself comes first with rank 0. kind: 'context' (what it was matched on)
-- or 'result' (the model's headline figures).
WITH members AS (
    SELECT $urn::INTEGER AS urn, 0 AS rank, 0.0 AS distance
    WHERE EXISTS (SELECT 1 FROM similar_school_groups
                  WHERE urn = $urn::INTEGER AND time_period = $time_period::INTEGER AND key_stage = $key_stage)
    UNION ALL
    SELECT similar_urn, rank, distance
    FROM similar_school_groups
    WHERE urn = $urn::INTEGER AND time_period = $time_period::INTEGER AND key_stage = $key_stage
),
figures AS (
    SELECT urn, 'context' AS kind, field AS figure, value
    FROM similar_school_features
    WHERE time_period = $time_period::INTEGER AND key_stage = $key_stage
    UNION ALL
    SELECT urn, 'result', measure, round(value, 2)
    FROM standardised_measures
    WHERE time_period = $time_period::INTEGER AND key_stage = $key_stage AND scored
)
SELECT m.rank, m.urn, s.name, s.la_name, round(m.distance, 3) AS distance, f.kind, f.figure, f.value
FROM members m
LEFT JOIN schools s ON s.urn = m.urn
LEFT JOIN figures f ON f.urn = m.urn
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], $urn::INTEGER))
ORDER BY m.rank, f.kind, f.figure;
