-- Each school's band under every heading in a year, for the county overview's counts per band.
SELECT b.urn, b.heading, b.band, b.band_label
FROM school_bands AS b
JOIN schools AS s USING (urn)
WHERE s.la_code = $la_code
  AND b.time_period = $time_period
  AND b.band IS NOT NULL
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], b.urn))
