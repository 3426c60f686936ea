-- The model settings the app's category needs (actions, window, minimum events, the governor line,
-- independent sources and the weight of evidence).
SELECT name, value_json FROM model_settings
WHERE section = 'actions' OR name IN ('as_at_intelligence_window_months', 'rules_concerns_complaints_min',
                                      'rules_min_independent_sources')
   OR name LIKE 'rules_evidence_%'
