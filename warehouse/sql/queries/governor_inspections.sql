-- Governor profile: every inspection of the school, each in its own era's terms (never converted),
-- with its judgements as published.
SELECT i.urn, i.inspection_id, i.era, i.inspection_type, i.inspection_start, i.inspection_end,
       i.publication_date, i.overall_effectiveness, i.category_of_concern, i.safeguarding,
       j.area, j.grade, j.grade_scale
FROM inspections i
LEFT JOIN inspection_judgements j
       ON j.urn = i.urn AND j.era = i.era
      AND j.inspection_id IS NOT DISTINCT FROM i.inspection_id
      AND j.inspection_end IS NOT DISTINCT FROM i.inspection_end
WHERE i.urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], i.urn))
ORDER BY i.inspection_end DESC NULLS LAST, j.area
