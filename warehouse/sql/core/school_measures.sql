-- school_measures: one row per (urn, time_period, measure, pupil_group), decision 2 applied.
--   * two rows for one key inside ONE file: broken input, every such row goes to rejects;
--   * the same key from several files with equal figures: one row, source_file lists every file ('; ');
--   * different figures: final > revised > provisional > unstated, then the later file in the
--     manifest (unlisted files count as earliest), then the file name; each loser goes to rejects
--     with both file names.
-- Most schools are published once a year per kind of file: only (urn, time_period, source_kind)
-- that two files publish, or that one file publishes on two lines, go through the ranking (a national-size load has millions
-- of rows, and ranking every one costs seconds).

CREATE OR REPLACE TEMP TABLE _school_measures_multi AS
WITH per_file AS (
    SELECT urn, time_period, source_kind, source_file, min(source_line) <> max(source_line) AS two_lines
    FROM stg_measures
    WHERE level = 'school' AND urn IS NOT NULL
    GROUP BY ALL
)

SELECT urn, time_period, source_kind
FROM per_file
GROUP BY ALL
HAVING count(*) > 1 OR bool_or(two_lines);

CREATE OR REPLACE TEMP TABLE _school_measures_ranked AS
WITH source AS (  -- stg_measures (staging/schema.sql) with each cell's file and field numbers
    SELECT c.file_id, c.field_id, c.urn, c.la_code, f.time_period, f.source_kind, d.measure,
           d.pupil_group, c.value, c.status_code, c.ci_lower, c.ci_upper, c.cohort, f.source_file,
           d.source_field, c.source_line, f.file_status
    FROM stg_measure_cells AS c
    JOIN stg_measure_files AS f ON f.file_id = c.file_id
    JOIN stg_measure_fields AS d ON d.field_id = c.field_id
    SEMI JOIN _school_measures_multi AS k
        ON k.urn = c.urn AND k.time_period = f.time_period AND k.source_kind = f.source_kind
    WHERE c.level = 'school'
),

renamed AS (
    SELECT
        s.file_id,
        s.field_id,
        s.urn,
        s.la_code,
        s.time_period,
        s.source_kind AS key_stage,
        s.measure,
        s.pupil_group,
        s.value,
        s.status_code,
        s.ci_lower,
        s.ci_upper,
        s.cohort,
        s.source_file,
        s.source_field,
        s.source_line,
        coalesce(s.file_status, f.file_status) AS file_status,
        count(*) OVER (PARTITION BY s.urn, s.time_period, s.measure, s.pupil_group, s.source_file) AS n_in_file,
        CASE coalesce(s.file_status, f.file_status)
            WHEN 'final' THEN 3 WHEN 'revised' THEN 2 WHEN 'provisional' THEN 1 ELSE 0
        END AS status_rank,
        coalesce(f.manifest_order, -1) AS manifest_rank
    FROM source AS s
    LEFT JOIN load_files AS f ON f.file_name = s.source_file
)

SELECT
    *,
    row_number() OVER key_window AS pick,
    first_value(source_file) OVER key_window AS winner_file,
    first_value(value) OVER key_window IS NOT DISTINCT FROM value
        AND first_value(status_code) OVER key_window IS NOT DISTINCT FROM status_code
        AND first_value(ci_lower) OVER key_window IS NOT DISTINCT FROM ci_lower
        AND first_value(ci_upper) OVER key_window IS NOT DISTINCT FROM ci_upper AS agrees
FROM renamed
WHERE n_in_file = 1
WINDOW key_window AS (
    PARTITION BY urn, time_period, measure, pupil_group
    ORDER BY status_rank DESC, manifest_rank DESC, source_file DESC
);

INSERT INTO rejects (file_name, line, column_name, value, reason)
WITH source AS (
    SELECT m.*
    FROM stg_measures AS m
    SEMI JOIN _school_measures_multi AS k
        ON k.urn = m.urn AND k.time_period = m.time_period AND k.source_kind = m.source_kind
    WHERE m.level = 'school'
)

SELECT
    source_file,
    source_line,
    source_field,
    coalesce(CAST(value AS VARCHAR), status_code),
    'two rows for school ' || urn || ' (' || measure || ', ' || pupil_group || ', ' || time_period
        || ') in one file: broken input, both rows rejected'
FROM source
QUALIFY count(*) OVER (PARTITION BY urn, time_period, measure, pupil_group, source_file) > 1;

INSERT INTO rejects (file_name, line, column_name, value, reason)
SELECT
    source_file,
    source_line,
    source_field,
    coalesce(CAST(value AS VARCHAR), status_code),
    'school ' || urn || ' ' || measure || ' (' || pupil_group || ', ' || time_period || ') differs between '
        || source_file || ' and ' || winner_file || '; kept ' || winner_file
        || ' (final > revised > provisional, then later in the manifest)'
FROM _school_measures_ranked
WHERE NOT agrees;

-- The rows are sorted by school and year (readers filter by school) carrying their file's and field's
-- numbers, not their texts, which are looked up after the sort, by position in lists held in
-- variables (file and field numbers run 1, 2, ...: staging/schema.sql): sorting 8 million rows with
-- six text columns cost more than writing them, and a join after the sort would not keep its order.
-- A row kept from several agreeing files names them all (source_files).
SET VARIABLE school_measures_files = (
    SELECT CASE WHEN count(*) = coalesce(max(f.file_id), 0) AND count(DISTINCT f.file_id) = count(*)
        THEN {
            'key_stage': list(f.source_kind ORDER BY f.file_id),
            'source_file': list(f.source_file ORDER BY f.file_id),
            'file_status': list(coalesce(f.file_status, lf.file_status) ORDER BY f.file_id)
        }
        ELSE error('stg_measure_files: file numbers are not 1, 2, ...') END
    FROM stg_measure_files AS f
    LEFT JOIN (SELECT DISTINCT file_name, file_status FROM load_files) AS lf ON lf.file_name = f.source_file
);

SET VARIABLE school_measures_fields = (
    SELECT CASE WHEN count(*) = coalesce(max(field_id), 0) AND count(DISTINCT field_id) = count(*)
        THEN {
            'measure': list(measure ORDER BY field_id),
            'pupil_group': list(pupil_group ORDER BY field_id),
            'source_field': list(source_field ORDER BY field_id)
        }
        ELSE error('stg_measure_fields: field numbers are not 1, 2, ...') END
    FROM stg_measure_fields
);

CREATE OR REPLACE TABLE school_measures AS
WITH single AS (
    SELECT
        c.urn,
        c.la_code,
        f.time_period,
        c.file_id,
        c.field_id,
        c.value,
        c.status_code,
        c.ci_lower,
        c.ci_upper,
        c.cohort,
        NULL::VARCHAR AS source_files
    FROM stg_measure_cells AS c
    JOIN stg_measure_files AS f ON f.file_id = c.file_id
    ANTI JOIN _school_measures_multi AS k
        ON k.urn = c.urn AND k.time_period = f.time_period AND k.source_kind = f.source_kind
    WHERE c.level = 'school' AND c.urn IS NOT NULL
),

agreeing AS (
    SELECT * FROM _school_measures_ranked WHERE agrees
),

lineage AS (  -- as string_agg(DISTINCT source_file, '; ' ORDER BY source_file), at less cost
    SELECT
        urn, time_period, measure, pupil_group,
        array_to_string(list_sort(list_distinct(list(source_file))), '; ') AS source_files
    FROM agreeing
    GROUP BY ALL
),

merged AS (
    SELECT
        a.urn,
        a.la_code,
        a.time_period,
        a.file_id,
        a.field_id,
        a.value,
        a.status_code,
        a.ci_lower,
        a.ci_upper,
        a.cohort,
        l.source_files
    FROM agreeing AS a
    JOIN lineage AS l USING (urn, time_period, measure, pupil_group)
    WHERE a.pick = 1
),

sorted AS (
    SELECT * FROM single
    UNION ALL
    SELECT * FROM merged
    ORDER BY urn, time_period
)

SELECT
    urn,
    la_code,
    time_period,
    getvariable('school_measures_files').key_stage[file_id] AS key_stage,
    getvariable('school_measures_fields').measure[field_id] AS measure,
    getvariable('school_measures_fields').pupil_group[field_id] AS pupil_group,
    value,
    status_code,
    ci_lower,
    ci_upper,
    cohort,
    coalesce(source_files, getvariable('school_measures_files').source_file[file_id]) AS source_file,
    getvariable('school_measures_fields').source_field[field_id] AS source_field,
    getvariable('school_measures_files').file_status[file_id] AS file_status
FROM sorted;

RESET VARIABLE school_measures_files;
RESET VARIABLE school_measures_fields;

DROP TABLE _school_measures_ranked;
DROP TABLE _school_measures_multi;
