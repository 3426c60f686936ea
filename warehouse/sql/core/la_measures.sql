-- la_measures: one row per (la_code, time_period, measure, pupil_group), decision 2 applied as in
-- school_measures (an LA row appears in the LA's own file and in the national file of the same year).
-- Census and absence publish LA rows per phase (national_scope state_funded_primary, _secondary,
-- _special): each phase is a row of its own, so the full key includes national_scope (NULL for
-- the all-school LA rows of KS2 and KS4).
CREATE OR REPLACE TEMP TABLE _la_measures_ranked AS
WITH source AS (
    SELECT m.*
    FROM stg_measures AS m
    WHERE m.level = 'la' AND m.la_code IS NOT NULL
),

renamed AS (
    SELECT
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
        s.national_scope,
        s.source_file,
        s.source_field,
        s.source_line,
        file_status_rank(coalesce(s.file_status, f.file_status)) AS status_rank,
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
WINDOW key_window AS (
    PARTITION BY la_code, time_period, measure, pupil_group, national_scope
    ORDER BY status_rank DESC, manifest_rank DESC, source_file DESC, source_line
);

INSERT INTO rejects (file_name, line, column_name, value, reason)
SELECT
    source_file,
    source_line,
    source_field,
    coalesce(CAST(value AS VARCHAR), status_code),
    'LA ' || la_code || ' ' || measure || ' (' || pupil_group || ', ' || time_period || ') differs between '
        || source_file || ' and ' || winner_file || '; kept ' || winner_file
        || ' (final > revised > provisional, then later in the manifest)'
FROM _la_measures_ranked
WHERE NOT agrees;

CREATE OR REPLACE TABLE la_measures AS
WITH source AS (
    SELECT * FROM _la_measures_ranked WHERE agrees
),

lineage AS (
    SELECT
        la_code, time_period, measure, pupil_group, national_scope,
        string_agg(DISTINCT source_file, '; ' ORDER BY source_file) AS source_files
    FROM source
    GROUP BY ALL
)

SELECT
    s.la_code,
    s.time_period,
    s.key_stage,
    s.measure,
    s.pupil_group,
    s.value,
    s.status_code,
    s.ci_lower,
    s.ci_upper,
    s.cohort,
    l.source_files AS source_file,
    s.source_field,
    s.national_scope
FROM source AS s
JOIN lineage AS l
    ON l.la_code = s.la_code AND l.time_period = s.time_period AND l.measure = s.measure
    AND l.pupil_group = s.pupil_group AND l.national_scope IS NOT DISTINCT FROM s.national_scope
WHERE s.pick = 1
ORDER BY s.la_code, s.time_period, s.measure, s.pupil_group, s.national_scope;

DROP TABLE _la_measures_ranked;
