-- The ETL's support reasons (confidential ones included: managers only) for the LA's schools in a year.
SELECT r.urn, r.time_period, r.key_stage, r.rule_id, r.kind, r.level, r.reason, r.headline, r.source,
       r.fact_date, r.evidence, r.confidential
FROM support_reasons r JOIN schools s USING (urn)
WHERE s.la_code = $la_code::INTEGER AND r.time_period = $time_period::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], r.urn))
ORDER BY r.urn, CASE r.kind WHEN 'intensive' THEN 0 WHEN 'targeted' THEN 1 ELSE 2 END, r.evidence DESC, r.rule_id
