-- One school's figures computed from its pupils, per year, key stage, measure and pupil group, with the
-- national figures for the group and for disadvantaged / non-disadvantaged pupils. Aggregates only;
-- callers suppress small groups with dashboard.access.suppress. $urn NULL: every allowed school's
-- (by school), optionally of one year and measure ($time_period, $measure; NULL: all).
SELECT time_period, key_stage, measure, pupil_group, cohort, pupils, value, pupils_exceeding,
       value_added_pct, national_value, national_disadvantaged, national_non_disadvantaged,
       gap_vs_national_disadvantaged, gap_vs_national_non_disadvantaged, urn
FROM pupil_group_aggregates
WHERE ($urn::INTEGER IS NULL OR urn = $urn::INTEGER)
  AND ($time_period::INTEGER IS NULL OR time_period = $time_period::INTEGER)
  AND ($measure::VARCHAR IS NULL OR measure = $measure::VARCHAR)
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY urn, time_period, key_stage, measure, pupil_group;
