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
WITH source AS (
    SELECT m.*
    FROM stg_measures AS m
    SEMI JOIN _school_measures_multi AS k
        ON k.urn = m.urn AND k.time_period = m.time_period AND k.source_kind = m.source_kind
    WHERE m.level = 'school'
),

renamed AS (
    SELECT
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

CREATE OR REPLACE TABLE school_measures AS
WITH single AS (
    SELECT
        m.urn,
        m.la_code,
        m.time_period,
        m.source_kind AS key_stage,
        m.measure,
        m.pupil_group,
        m.value,
        m.status_code,
        m.ci_lower,
        m.ci_upper,
        m.cohort,
        m.source_file,
        m.source_field,
        coalesce(m.file_status, f.file_status) AS file_status
    FROM stg_measures AS m
    ANTI JOIN _school_measures_multi AS k
        ON k.urn = m.urn AND k.time_period = m.time_period AND k.source_kind = m.source_kind
    LEFT JOIN load_files AS f ON f.file_name = m.source_file
    WHERE m.level = 'school' AND m.urn IS NOT NULL
),

agreeing AS (
    SELECT * FROM _school_measures_ranked WHERE agrees
),

lineage AS (
    SELECT
        urn, time_period, measure, pupil_group,
        string_agg(DISTINCT source_file, '; ' ORDER BY source_file) AS source_files
    FROM agreeing
    GROUP BY ALL
),

merged AS (
    SELECT
        a.urn,
        a.la_code,
        a.time_period,
        a.key_stage,
        a.measure,
        a.pupil_group,
        a.value,
        a.status_code,
        a.ci_lower,
        a.ci_upper,
        a.cohort,
        l.source_files AS source_file,
        a.source_field,
        a.file_status
    FROM agreeing AS a
    JOIN lineage AS l USING (urn, time_period, measure, pupil_group)
    WHERE a.pick = 1
)

SELECT * FROM single
UNION ALL
SELECT * FROM merged
ORDER BY urn, time_period;

DROP TABLE _school_measures_ranked;
DROP TABLE _school_measures_multi;
