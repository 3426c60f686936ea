-- When the data was loaded (load_info) and the latest model year: the date and source line of the profile.
SELECT
    (SELECT value FROM load_info WHERE key = 'load_date') AS load_date,
    (SELECT value FROM load_info WHERE key = 'finished_at') AS finished_at,
    (SELECT max(time_period) FROM model_years) AS latest_time_period,
    (SELECT as_at FROM model_years WHERE is_latest) AS as_at
