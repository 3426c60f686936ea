-- Decision 2: when two files give the same fact with different values, final wins over revised over
-- provisional (a file without a status ranks last). school_measures, la_measures and
-- national_measures rank their candidate files with this one macro.
CREATE OR REPLACE TEMP MACRO file_status_rank(status) AS
    CASE status WHEN 'final' THEN 3 WHEN 'revised' THEN 2 WHEN 'provisional' THEN 1 ELSE 0 END;
