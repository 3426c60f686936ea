-- Schools with pupil-level results loaded, and the years and key stages each has (Pupil progress page).
SELECT p.urn, coalesce(s.name, 'URN ' || p.urn) AS name, p.time_period, p.key_stage, count(*) AS pupils
FROM pupil_results AS p
LEFT JOIN schools AS s USING (urn)
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], p.urn))
GROUP BY ALL
ORDER BY name, p.urn, p.time_period, p.key_stage;
