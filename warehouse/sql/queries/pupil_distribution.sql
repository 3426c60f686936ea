-- One school's pupils in one progress measure and year: each pupil's progress, whether they beat the
-- estimate, and the characteristics the page filters by. NO pupil key, no name: rows are anonymous.
-- A filter left NULL keeps every pupil. Pupils without progress are counted, not listed. $urn NULL:
-- every allowed school's pupils, by school.
SELECT progress, exceeds_estimate, prior_band, disadvantaged, sen, eal, sex, urn
FROM pupil_progress
WHERE ($urn::INTEGER IS NULL OR urn = $urn::INTEGER)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
  AND time_period = $time_period::INTEGER
  AND measure = $measure::VARCHAR
  AND ($disadvantaged::BOOLEAN IS NULL OR disadvantaged = $disadvantaged::BOOLEAN)
  AND ($sen::VARCHAR IS NULL OR sen = $sen::VARCHAR)
  AND ($eal::BOOLEAN IS NULL OR eal = $eal::BOOLEAN)
  AND ($sex::VARCHAR IS NULL OR sex = $sex::VARCHAR)
ORDER BY urn, progress NULLS LAST;
