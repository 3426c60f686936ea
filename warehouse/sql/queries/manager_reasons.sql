-- The ETL's support reasons (confidential ones included: managers only) for the LA's schools in a year.
SELECT r.urn, r.time_period, r.key_stage, r.rule_id, r.level, r.reason, r.source, r.confidential
FROM support_reasons r JOIN schools s USING (urn)
WHERE s.la_code = $la_code::INTEGER AND r.time_period = $time_period::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], r.urn))
ORDER BY r.urn, CASE r.level WHEN 'intensive' THEN 0 ELSE 1 END, r.rule_id
