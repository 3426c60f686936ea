-- Governor profile: one school, only if the caller may see it ($allowed NULL: every school).
SELECT urn, name, la_code, la_name, district, phase, school_type, establishment_group,
       is_academy, status, open_date, postcode, pupils, pct_fsm
FROM schools
WHERE urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
