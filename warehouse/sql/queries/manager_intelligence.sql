-- The council workbook's records (decision 20: source 'workbook') for the LA's schools, or one school
-- ($urn), as one timeline: kind, date, status and a one-line detail. Managers and officers only.
WITH s AS (
    SELECT urn FROM schools
    WHERE ($urn::INTEGER IS NULL AND la_code = $la_code::INTEGER OR urn = $urn::INTEGER)
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
)
SELECT urn, 'complaint' AS kind, received_date AS date, status,
       concat_ws(' - ', 'Complaint to ' || made_to, category, notes) AS detail, NULL AS rag, source
FROM complaints WHERE urn IN (SELECT urn FROM s)
UNION ALL
SELECT urn, 'concern', raised_date, status, concat_ws(' - ', concern_type, severity, notes), NULL, source
FROM concerns WHERE urn IN (SELECT urn FROM s)
UNION ALL
SELECT urn, 'visit', visit_date, NULL, concat_ws(' - ', purpose, outcome, 'by ' || officer), rag, source
FROM visits WHERE urn IN (SELECT urn FROM s)
UNION ALL
SELECT urn, 'notice_of_concern', issued_date, status,
       concat_ws(' - ', reason, 'review ' || CAST(review_date AS VARCHAR)), NULL, source
FROM notices_of_concern WHERE urn IN (SELECT urn FROM s)
UNION ALL
SELECT urn, 'dfe_concern', raised_date, status, concat_ws(' - ', 'Raised with ' || raised_with, summary), NULL, source
FROM dfe_concerns WHERE urn IN (SELECT urn FROM s)
UNION ALL
SELECT urn, 'leadership_change', change_date, NULL, concat_ws(' - ', role, replace(change_type, '_', ' '), notes), NULL, source
FROM leadership_changes WHERE urn IN (SELECT urn FROM s)
ORDER BY date DESC, urn
