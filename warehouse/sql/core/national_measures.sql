-- national_measures: one preferred row per (time_period, measure, pupil_group) for the whole nation.
-- Scope: state_funded where published, else all_schools, else maintained (KS4 RECTYPE 7).
-- Census and absence publish national rows per phase only (national_scope state_funded_primary,
-- _secondary, _special): each phase is a row of its own, so the full key is
-- (time_period, measure, pupil_group, national_scope).
-- Within the chosen scope, decision 2 as in school_measures: equal figures from several files (every LA file repeats the national rows) are one row listing the files;
-- different figures keep final > revised > provisional, then the later file in the manifest, and
-- the loser goes to rejects. Rows of the scopes not chosen are not rejects: they stay in stg_aggregate_measures.
CREATE OR REPLACE TEMP TABLE _national_measures_ranked AS
WITH source AS (
    SELECT m.*
    FROM stg_measures AS m
    WHERE m.level = 'national'
),

renamed AS (
    SELECT
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
        CASE s.national_scope
            WHEN 'state_funded' THEN 3 WHEN 'all_schools' THEN 2 WHEN 'maintained' THEN 1 ELSE 0
        END AS scope_rank,
        CASE WHEN s.national_scope LIKE 'state\_funded\_%' ESCAPE '\' THEN s.national_scope ELSE 'whole' END
            AS scope_family,
        file_status_rank(coalesce(s.file_status, f.file_status)) AS status_rank,
        coalesce(f.manifest_order, -1) AS manifest_rank
    FROM source AS s
    LEFT JOIN load_files AS f ON f.file_name = s.source_file
),

preferred_scope AS (
    SELECT *
    FROM renamed
    QUALIFY scope_rank = max(scope_rank) OVER (PARTITION BY time_period, measure, pupil_group, scope_family)
)

SELECT
    *,
    row_number() OVER key_window AS pick,
    first_value(source_file) OVER key_window AS winner_file,
    first_value(value) OVER key_window IS NOT DISTINCT FROM value
        AND first_value(status_code) OVER key_window IS NOT DISTINCT FROM status_code
        AND first_value(ci_lower) OVER key_window IS NOT DISTINCT FROM ci_lower
        AND first_value(ci_upper) OVER key_window IS NOT DISTINCT FROM ci_upper AS agrees
FROM preferred_scope
WINDOW key_window AS (
    PARTITION BY time_period, measure, pupil_group, scope_family
    ORDER BY status_rank DESC, manifest_rank DESC, source_file DESC, source_line
);

INSERT INTO rejects (file_name, line, column_name, value, reason)
SELECT
    source_file,
    source_line,
    source_field,
    coalesce(CAST(value AS VARCHAR), status_code),
    'national ' || measure || ' (' || pupil_group || ', ' || time_period || ', ' || coalesce(national_scope, 'scope unstated')
        || ') differs between ' || source_file || ' and ' || winner_file || '; kept ' || winner_file
        || ' (final > revised > provisional, then later in the manifest)'
FROM _national_measures_ranked
WHERE NOT agrees;

CREATE OR REPLACE TABLE national_measures AS
WITH source AS (
    SELECT * FROM _national_measures_ranked WHERE agrees
),

lineage AS (
    SELECT
        time_period, measure, pupil_group, scope_family,
        string_agg(DISTINCT source_file, '; ' ORDER BY source_file) AS source_files
    FROM source
    GROUP BY ALL
)

SELECT
    s.time_period,
    s.key_stage,
    s.measure,
    s.pupil_group,
    s.value,
    s.status_code,
    s.ci_lower,
    s.ci_upper,
    s.cohort,
    s.national_scope,
    l.source_files AS source_file,
    s.source_field
FROM source AS s
JOIN lineage AS l USING (time_period, measure, pupil_group, scope_family)
WHERE s.pick = 1
ORDER BY s.time_period, s.measure, s.pupil_group, s.national_scope;

DROP TABLE _national_measures_ranked;
