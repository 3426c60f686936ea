-- The latest inspection of each kind for one school: the framework (graded before September 2024,
-- 2024/25 sub-judgements, report card) and, within it, the published inspection type; with its
-- dates. Report-card areas carry their own date of grade (inspection_judgements.grade_date).
SELECT i.era, i.inspection_type, i.inspection_start, i.inspection_end, i.publication_date,
       i.overall_effectiveness, i.category_of_concern, i.safeguarding, i.safeguarding_date,
       i.inspection_id
FROM inspections AS i
WHERE i.urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], i.urn))
QUALIFY row_number() OVER (
    PARTITION BY i.era, coalesce(i.inspection_type, '')
    ORDER BY i.inspection_end DESC NULLS LAST, i.publication_date DESC NULLS LAST) = 1
ORDER BY i.inspection_end DESC NULLS LAST, i.era;
