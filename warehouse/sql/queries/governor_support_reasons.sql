-- Governor profile: the rules that fired for the school in a year, for combining with app entries
-- (decision 12). A confidential reason's text never leaves the warehouse on this path: it is NULL
-- here, and the governor sees only the generic line in its place (decision 16).
SELECT urn, time_period, rule_id, kind, level, source, confidential,
       CASE WHEN confidential THEN NULL ELSE reason END AS reason,
       CASE WHEN confidential THEN NULL ELSE headline END AS headline,
       CASE WHEN confidential THEN NULL ELSE fact_date END AS fact_date,
       evidence
FROM support_reasons
WHERE urn = $urn::INTEGER
  AND time_period = $time_period::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY rule_id, key_stage
