-- Number of schools by district and phase, for views that must not name schools.
SELECT coalesce(district, 'Unknown') AS district, coalesce(phase, 'Unknown') AS phase,
       count(*) AS schools, sum(pupils) AS pupils
FROM schools
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
GROUP BY ALL
ORDER BY district, phase
