-- One school's direct predecessors (core school_lineage, generation 1): what changed, when, and the
-- URN the earlier figures belong to; every school's when $urn is NULL (the drill-down reads them
-- once and slices a school's rows). Restricted to the caller's schools.
SELECT l.urn, l.predecessor_urn, l.predecessor_name, l.change, l.link_type, l.link_date
FROM school_lineage AS l
WHERE ($urn::INTEGER IS NULL OR l.urn = $urn::INTEGER) AND l.generation = 1
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], l.urn))
ORDER BY l.urn, l.link_date DESC NULLS LAST, l.predecessor_urn;
