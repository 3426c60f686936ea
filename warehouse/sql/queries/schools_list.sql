-- Schools the caller may see. $allowed: the caller's URNs (INTEGER[]), NULL meaning every school.
-- Every other parameter is an optional filter (NULL: no filter).
SELECT urn, name, la_code, la_name, district, phase, school_type, establishment_group,
       is_academy, status, postcode, pupils, pct_fsm
FROM schools
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
  AND ($la_code::INTEGER IS NULL OR la_code = $la_code::INTEGER)
  AND ($district::VARCHAR IS NULL OR district = $district::VARCHAR)
  AND ($phase::VARCHAR IS NULL OR phase = $phase::VARCHAR)
  AND ($school_type::VARCHAR IS NULL OR school_type = $school_type::VARCHAR)
ORDER BY name, urn
