-- Distinct filter values among the schools the caller may see ($allowed NULL: every school).
SELECT DISTINCT district, phase, school_type
FROM schools
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY ALL
