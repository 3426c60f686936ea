-- Governor profile: only the kind and date of the school's workbook complaints and concerns, which
-- the app's category counts with app-entered concerns (decision 12). No text, type or status.
SELECT urn, 'complaint' AS kind, received_date AS date FROM complaints
WHERE urn = $urn::INTEGER AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
UNION ALL
SELECT urn, 'concern' AS kind, raised_date AS date FROM concerns
WHERE urn = $urn::INTEGER AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
