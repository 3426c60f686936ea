-- The allowed schools of the LA ($la_code: the drill-down's schools) with any model row (a support
-- category or an achievement row in a model year): those whose manager_school_model.sql is not
-- empty, read once for all of them. A school of another LA is not in it (its pieces say).
SELECT DISTINCT s.urn
FROM (
    SELECT sc.urn FROM support_category sc JOIN model_years y USING (time_period)
    UNION ALL
    SELECT a.urn FROM achievement a JOIN model_years y USING (time_period)
) AS s
WHERE s.urn IN (SELECT urn FROM schools WHERE la_code = $la_code::INTEGER)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn))
