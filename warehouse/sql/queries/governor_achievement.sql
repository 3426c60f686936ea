-- Governor profile: the school's achievement score in every year, with how it was made (method,
-- method_note) and the basis of its percentile or rank (band_basis: national or among N loaded).
SELECT urn, time_period, key_stage, attainment_measure, attainment_score, progress_measure,
       progress_score, progress_ci_lower, progress_ci_upper, achievement_score, method, method_note,
       cohort, national_percentile, loaded_percentile, rank_among_loaded, n_loaded,
       achievement_band, band_basis
FROM achievement
WHERE urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY key_stage, time_period
