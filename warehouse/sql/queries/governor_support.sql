-- Governor profile: the school's support category in each model year with the reasons a governor
-- may see (governor_reasons: confidential reasons already replaced by one generic line, decision 16).
-- The full reasons and rule ids are deliberately not selected.
SELECT urn, time_period, category, governor_reasons, is_academy, recommended_action, as_at,
       governor_summary, governor_watch_flags, rules_not_applied, not_categorised_reason
FROM support_category
WHERE urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY time_period
