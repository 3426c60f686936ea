-- The files the figures come from (decision 25): every loaded data file with its kind, year and status.
SELECT file_name, kind, time_period, file_status
FROM load_files
WHERE action = 'loaded'
ORDER BY kind, time_period NULLS LAST, file_name;
