-- One school's reconciliation of pupil figures with its published figures (managers).
SELECT time_period, measure, pupil_group, pupils, pupil_value, published_value, published_status, status, reason
FROM pupil_reconciliation
WHERE urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
  AND pupil_group = 'all'
ORDER BY time_period, measure;
