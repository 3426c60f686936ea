-- loaded_inputs: which inputs this build loaded, per kind of input, year and local authority, so the
-- model can tell "no inspection file was loaded for this school's LA" (no row: a rule that needs the
-- input cannot be applied, and the category says so) from "the loaded Ofsted file does not name this
-- school" (a row exists: the school has no inspection in it).
-- scope 'la': a loaded file names schools of la_code (schools.la_code of each URN it names; the
-- council's intelligence workbook covers the home LA); scope 'national': the file carries national
-- aggregate rows (la_code NULL). files lists the files, n_schools the schools of that LA they name.
CREATE OR REPLACE TABLE loaded_inputs AS
WITH loaded AS (
    SELECT file_name, kind, time_period FROM load_files WHERE action = 'loaded'
),

named AS (
    SELECT source_file, urn FROM stg_named_schools
    UNION ALL
    SELECT source_file, urn FROM stg_establishments
    UNION ALL
    SELECT source_file, urn FROM stg_inspections
    UNION ALL
    SELECT source_file, urn FROM stg_school_links
),

per_la AS (
    SELECT f.kind, f.time_period, 'la' AS scope, s.la_code, f.file_name, count(DISTINCT n.urn) AS n_schools
    FROM loaded AS f
    JOIN named AS n ON n.source_file = f.file_name
    JOIN schools AS s ON s.urn = n.urn
    WHERE s.la_code IS NOT NULL
    GROUP BY ALL
),

intelligence AS (
    SELECT f.kind, f.time_period, 'la' AS scope, h.la_code, f.file_name, NULL::BIGINT AS n_schools
    FROM loaded AS f, home_la AS h
    WHERE f.kind = 'intelligence'
),

national AS (
    SELECT f.kind, f.time_period, 'national' AS scope, NULL::INTEGER AS la_code, f.file_name,
           NULL::BIGINT AS n_schools
    FROM loaded AS f
    WHERE f.file_name IN (SELECT DISTINCT source_file FROM stg_measures WHERE level = 'national')
),

unioned AS (
    SELECT * FROM per_la
    UNION ALL SELECT * FROM intelligence WHERE NOT EXISTS (
        SELECT 1 FROM per_la AS p WHERE p.file_name = intelligence.file_name AND p.la_code = intelligence.la_code)
    UNION ALL SELECT * FROM national
)

SELECT
    kind,
    time_period,
    scope,
    la_code,
    string_agg(file_name, '; ' ORDER BY file_name) AS files,
    count(*) AS n_files,
    sum(n_schools) AS n_schools
FROM unioned
GROUP BY kind, time_period, scope, la_code
ORDER BY kind, time_period, scope, la_code;
