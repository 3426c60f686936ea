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
WITH per_file_id AS (  -- numbers only: no text is grouped, and no field is joined, for the 8 million cells
    SELECT urn, file_id, min(source_line) AS first_line, max(source_line) AS last_line
    FROM stg_measure_cells
    WHERE level = 'school' AND urn IS NOT NULL
    GROUP BY ALL
),

per_file AS (  -- by file name (a name staged under two numbers is one file, as before)
    SELECT p.urn, f.time_period, f.source_kind, f.source_file, min(p.first_line) <> max(p.last_line) AS two_lines
    FROM per_file_id AS p
    JOIN stg_measure_files AS f ON f.file_id = p.file_id
    GROUP BY ALL
)

SELECT urn, time_period, source_kind
FROM per_file
GROUP BY ALL
HAVING count(*) > 1 OR bool_or(two_lines);

-- The texts of a staged cell's file and field, by number (file and field numbers run 1, 2, ...:
-- staging/schema.sql), held in variables: the ranking, the rejects and the final table below sort and
-- group numbers, not texts (sorting millions of rows with six text columns cost more than writing
-- them), and look a text up by position where they write it. A file name's rank among the names
-- (file_names) and a (measure, pupil group)'s rank among those pairs (key_id) stand for them where
-- they are compared: equal texts, equal numbers; the names' order, the numbers' order.
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

SET VARIABLE school_measures_file_names = (
    SELECT coalesce(list(DISTINCT source_file ORDER BY source_file), []) FROM stg_measure_files
);

-- Every cell of the (urn, time_period, source_kind) that go through the ranking, by number, once
-- (as staged): its file's name rank (file_rank) and its (measure, pupil group) (key_id), as decision
-- 2 compares them. The ranking and the rejects below read these few rows instead of each scanning the
-- 8 million staged cells again.
CREATE OR REPLACE TEMP TABLE _school_measures_cells AS
WITH fields AS (
    SELECT field_id, dense_rank() OVER (ORDER BY measure, pupil_group) AS key_id
    FROM stg_measure_fields
),

files AS (
    SELECT file_id, time_period, source_kind,
           list_position(getvariable('school_measures_file_names'), source_file) AS file_rank
    FROM stg_measure_files
)

SELECT c.file_id, c.field_id, c.urn, c.la_code, f.time_period, d.key_id, f.file_rank,
       c.value, c.status_code, c.ci_lower, c.ci_upper, c.cohort, c.source_line
FROM stg_measure_cells AS c
JOIN files AS f ON f.file_id = c.file_id
JOIN fields AS d ON d.field_id = c.field_id
SEMI JOIN _school_measures_multi AS k
    ON k.urn = c.urn AND k.time_period = f.time_period AND k.source_kind = f.source_kind
WHERE c.level = 'school';

CREATE OR REPLACE TEMP TABLE _school_measures_ranked AS
WITH files AS (  -- a file name listed twice in load_files (a workbook's sheets) counts its cells twice, as before
    SELECT
        f.file_id,
        file_status_rank(coalesce(f.file_status, l.file_status)) AS status_rank,
        coalesce(l.manifest_order, -1) AS manifest_rank
    FROM stg_measure_files AS f
    LEFT JOIN load_files AS l ON l.file_name = f.source_file
),

source AS (
    SELECT c.*, f.status_rank, f.manifest_rank
    FROM _school_measures_cells AS c
    JOIN files AS f ON f.file_id = c.file_id
),

twice AS (  -- a key one file gives on two lines (broken input, rejected below) is never ranked
    SELECT urn, time_period, key_id, file_rank
    FROM source
    GROUP BY ALL
    HAVING count(*) > 1
),

candidates AS (
    SELECT *
    FROM source AS s
    ANTI JOIN twice AS t
        ON t.urn = s.urn AND t.time_period = s.time_period AND t.key_id = s.key_id
       AND t.file_rank = s.file_rank
),

winners AS (  -- each key's first file: final > revised > provisional > unstated, then later in the
              -- manifest, then the later name (a key's candidates all have different names: no ties)
    SELECT
        urn,
        time_period,
        key_id,
        arg_max(
            {'file_id': file_id, 'value': value, 'status_code': status_code, 'ci_lower': ci_lower,
             'ci_upper': ci_upper},
            {'status_rank': status_rank, 'manifest_rank': manifest_rank, 'file_rank': file_rank}
        ) AS w
    FROM candidates
    GROUP BY ALL
)

SELECT
    c.*,
    c.file_id = w.w.file_id AS is_winner,
    w.w.file_id AS winner_file_id,
    w.w.value IS NOT DISTINCT FROM c.value
        AND w.w.status_code IS NOT DISTINCT FROM c.status_code
        AND w.w.ci_lower IS NOT DISTINCT FROM c.ci_lower
        AND w.w.ci_upper IS NOT DISTINCT FROM c.ci_upper AS agrees
FROM candidates AS c
JOIN winners AS w
    ON w.urn = c.urn AND w.time_period = c.time_period AND w.key_id = c.key_id;

INSERT INTO rejects (file_name, line, column_name, value, reason)
WITH source AS (  -- as staged: every cell once, whatever load_files holds
    SELECT file_id, field_id, urn, time_period, key_id, file_rank, value, status_code, source_line
    FROM _school_measures_cells
),

twice AS (
    SELECT urn, time_period, key_id, file_rank
    FROM source
    GROUP BY ALL
    HAVING count(*) > 1
)

SELECT
    getvariable('school_measures_files').source_file[file_id],
    source_line,
    getvariable('school_measures_fields').source_field[field_id],
    coalesce(CAST(value AS VARCHAR), status_code),
    'two rows for school ' || urn || ' (' || getvariable('school_measures_fields').measure[field_id] || ', '
        || getvariable('school_measures_fields').pupil_group[field_id] || ', ' || time_period
        || ') in one file: broken input, both rows rejected'
FROM source AS s
SEMI JOIN twice AS t
    ON t.urn = s.urn AND t.time_period = s.time_period AND t.key_id = s.key_id
   AND t.file_rank = s.file_rank;

INSERT INTO rejects (file_name, line, column_name, value, reason)
WITH differing AS (
    SELECT
        getvariable('school_measures_files').source_file[file_id] AS source_file,
        getvariable('school_measures_files').source_file[winner_file_id] AS winner_file,
        getvariable('school_measures_fields').measure[field_id] AS measure,
        getvariable('school_measures_fields').pupil_group[field_id] AS pupil_group,
        getvariable('school_measures_fields').source_field[field_id] AS source_field,
        *
    FROM _school_measures_ranked
    WHERE NOT agrees
)

SELECT
    source_file,
    source_line,
    source_field,
    coalesce(CAST(value AS VARCHAR), status_code),
    'school ' || urn || ' ' || measure || ' (' || pupil_group || ', ' || time_period || ') differs between '
        || source_file || ' and ' || winner_file || '; kept ' || winner_file
        || ' (final > revised > provisional, then later in the manifest)'
FROM differing;

-- The rows are sorted by school and year (readers filter by school) carrying their file's and field's
-- numbers; their texts are looked up after the sort (a join after the sort would not keep its order).
-- A row kept from several agreeing files names them all (source_files), in the names' order.
-- Its text columns are codes and names repeated on many rows, which dictionary compression stores
-- best: FSST (for free text) is not tried on them, which saves ~15% of the write's CPU and gives a
-- file of the same size (county: 52 blocks either way; FSST was chosen for 2 segments of ~100).
SET disabled_compression_methods = 'fsst';

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

lineage AS (  -- each key's agreeing files, by their names' ranks in the names' order
    SELECT urn, time_period, key_id, list_sort(list_distinct(list(file_rank))) AS file_ranks
    FROM agreeing
    GROUP BY ALL
),

file_sets AS (  -- as string_agg(DISTINCT source_file, '; ' ORDER BY source_file), once per set of files
    SELECT
        file_ranks,
        array_to_string(
            list_transform(file_ranks, lambda r: getvariable('school_measures_file_names')[r]), '; '
        ) AS source_files
    FROM (SELECT DISTINCT file_ranks FROM lineage)
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
        s.source_files
    FROM agreeing AS a
    JOIN lineage AS l USING (urn, time_period, key_id)
    JOIN file_sets AS s USING (file_ranks)
    WHERE a.is_winner
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

RESET disabled_compression_methods;
RESET VARIABLE school_measures_files;
RESET VARIABLE school_measures_fields;
RESET VARIABLE school_measures_file_names;

DROP TABLE _school_measures_ranked;
DROP TABLE _school_measures_cells;
DROP TABLE _school_measures_multi;
