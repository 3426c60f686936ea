-- One school's model rows over every year: category, achievement (with method) and bands.
SELECT y.time_period, y.year_label, sc.category, sc.recommended_action, sc.as_at,
       a.key_stage, a.attainment_score, a.progress_score, a.achievement_score, a.method, a.method_note,
       a.national_percentile, a.rank_among_loaded, a.n_loaded, a.band_basis, a.achievement_band
FROM model_years y
LEFT JOIN support_category sc ON sc.time_period = y.time_period AND sc.urn = $urn::INTEGER
LEFT JOIN achievement a ON a.time_period = y.time_period AND a.urn = $urn::INTEGER
WHERE ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], $urn::INTEGER))
  AND (sc.urn IS NOT NULL OR a.urn IS NOT NULL)
ORDER BY y.time_period, a.key_stage
