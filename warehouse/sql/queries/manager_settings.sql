-- The model settings the app needs to combine the category with store entries (decision 12).
SELECT key, value_json FROM model_settings
WHERE section IN ('actions', 'rules', 'as_at')
