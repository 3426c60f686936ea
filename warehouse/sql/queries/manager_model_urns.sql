-- The allowed schools with any model row (a support category or an achievement row in a model
-- year): those whose manager_school_model.sql is not empty, read once for all of them.
SELECT DISTINCT s.urn
FROM (
    SELECT sc.urn FROM support_category sc JOIN model_years y USING (time_period)
    UNION ALL
    SELECT a.urn FROM achievement a JOIN model_years y USING (time_period)
) AS s
WHERE $allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], s.urn)
