-- schools: one row per URN (decision 3). Every establishment from GIAS (newest extract first),
-- else the performance-tables spine, else the newest performance/census/absence/Ofsted file that
-- names the school (name, LA and type from that file; in_gias false). Measures are never dropped
-- because GIAS lacks a school. pupils / pct_fsm fall back to the newest census figures.
-- A school no file names (the national census names none; an Ofsted row may lack one) is called
-- "Unnamed school (URN n)" everywhere it is listed, rather than a blank cell (docs/data-contract.md).
CREATE OR REPLACE TEMP MACRO unnamed_school(urn) AS 'Unnamed school (URN ' || urn || ')';
CREATE OR REPLACE TABLE schools AS
WITH establishments AS (
    SELECT
        e.*,
        coalesce(f.kind, 'gias') AS source_kind,
        coalesce(f.manifest_order, -1) AS manifest_rank
    FROM stg_establishments AS e
    LEFT JOIN load_files AS f ON f.file_name = e.source_file
),

best_establishment AS (
    SELECT *
    FROM establishments
    QUALIFY row_number() OVER (
        PARTITION BY urn
        ORDER BY (source_kind = 'gias') DESC, extract_date DESC NULLS LAST, manifest_rank DESC, source_file DESC
    ) = 1
),

in_gias AS (
    SELECT DISTINCT urn FROM establishments WHERE source_kind = 'gias'
),

named AS (
    -- each attribute from the newest file that gives it (a census file names no phase, KS2 does)
    SELECT
        n.urn,
        arg_max(n.name, (coalesce(n.time_period, 0), coalesce(f.manifest_order, -1), n.source_file))
            FILTER (WHERE nullif(trim(n.name), '') IS NOT NULL) AS name,
        arg_max(n.la_code, (coalesce(n.time_period, 0), coalesce(f.manifest_order, -1), n.source_file))
            FILTER (WHERE n.la_code IS NOT NULL) AS la_code,
        arg_max(n.school_type, (coalesce(n.time_period, 0), coalesce(f.manifest_order, -1), n.source_file))
            FILTER (WHERE nullif(trim(n.school_type), '') IS NOT NULL) AS school_type,
        arg_max(n.phase, (coalesce(n.time_period, 0), coalesce(f.manifest_order, -1), n.source_file))
            FILTER (WHERE nullif(trim(n.phase), '') IS NOT NULL) AS phase
    FROM stg_named_schools AS n
    LEFT JOIN load_files AS f ON f.file_name = n.source_file
    WHERE n.urn NOT IN (SELECT urn FROM establishments)
    GROUP BY n.urn
),

la_names AS (
    SELECT la_code, mode(la_name) AS la_name
    FROM stg_establishments
    WHERE la_code IS NOT NULL AND la_name IS NOT NULL
    GROUP BY la_code
),

renamed AS (
    SELECT
        urn, name, la_code, la_name, district, phase, school_type, establishment_group, is_academy,
        status, open_date, close_date, postcode, latitude, longitude, pupils, pct_fsm
    FROM best_establishment
    UNION ALL BY NAME
    SELECT
        n.urn,
        n.name,
        n.la_code,
        l.la_name,
        CAST(NULL AS VARCHAR) AS district,
        n.phase,
        n.school_type,
        CAST(NULL AS VARCHAR) AS establishment_group,
        CASE
            WHEN n.school_type IS NULL THEN NULL
            WHEN upper(trim(n.school_type)) LIKE 'AC%'
                OR upper(trim(n.school_type)) IN ('F', 'FS', 'FSS', 'UTC', 'STUD')
                OR n.school_type ILIKE '%academy%' OR n.school_type ILIKE '%free school%' THEN TRUE
            ELSE FALSE
        END AS is_academy,
        CAST(NULL AS VARCHAR) AS status,
        CAST(NULL AS DATE) AS open_date,
        CAST(NULL AS DATE) AS close_date,
        CAST(NULL AS VARCHAR) AS postcode,
        CAST(NULL AS DOUBLE) AS latitude,
        CAST(NULL AS DOUBLE) AS longitude,
        CAST(NULL AS INTEGER) AS pupils,
        CAST(NULL AS DOUBLE) AS pct_fsm
    FROM named AS n
    LEFT JOIN la_names AS l USING (la_code)
),

latest_census AS (
    SELECT
        urn,
        arg_max(value, time_period) FILTER (WHERE measure = 'pupils_on_roll' AND value IS NOT NULL) AS pupils,
        arg_max(value, time_period) FILTER (WHERE measure = 'fsm_pct' AND value IS NOT NULL) AS pct_fsm
    FROM school_measures
    WHERE key_stage = 'census' AND pupil_group = 'all' AND measure IN ('pupils_on_roll', 'fsm_pct')
    GROUP BY urn
),

phased AS (
    -- Special and alternative provision are phases of their own for the dashboard (GIAS calls
    -- them "Not applicable"); NFTYPE codes ending in S (CYS, ACS, ...) are special schools.
    SELECT
        r.*,
        CASE
            WHEN r.establishment_group ILIKE '%special%' OR r.school_type ILIKE '%special%'
                OR upper(trim(r.school_type)) IN ('CYS', 'ACS', 'ACCS', 'FDS', 'VCS', 'NMSS', 'FSS') THEN 'Special'
            WHEN r.school_type ILIKE '%pupil referral%' OR r.school_type ILIKE '%alternative provision%'
                OR upper(trim(r.school_type)) IN ('PRU', 'AP') THEN 'Alternative provision'
            WHEN lower(trim(r.phase)) IN ('nursery') THEN 'Nursery'
            WHEN lower(trim(r.phase)) IN ('primary', 'infant', 'junior', 'first') THEN 'Primary'
            WHEN lower(trim(r.phase)) = 'middle deemed primary' THEN 'Middle deemed primary'
            WHEN lower(trim(r.phase)) = 'middle deemed secondary' THEN 'Middle deemed secondary'
            WHEN lower(trim(r.phase)) IN ('secondary', 'high') THEN 'Secondary'
            WHEN lower(replace(trim(r.phase), ' ', '-')) IN ('all-through', 'allthrough') THEN 'All-through'
            WHEN lower(trim(r.phase)) IN ('16 plus', '16+', 'sixteen plus', 'post-16') THEN '16 plus'
            WHEN lower(trim(r.phase)) = 'special' THEN 'Special'
            WHEN lower(trim(r.phase)) = 'alternative provision' THEN 'Alternative provision'
            WHEN lower(trim(r.phase)) = 'not applicable' THEN 'Not applicable'
            -- no phase stated: the census SCHOOLTYPE says it ("State-funded primary", ...)
            WHEN r.school_type ILIKE '%nursery%' THEN 'Nursery'
            WHEN r.school_type ILIKE '%primary%' THEN 'Primary'
            WHEN r.school_type ILIKE '%secondary%' THEN 'Secondary'
            ELSE 'Unknown'
        END AS phase_normalised
    FROM renamed AS r
)

SELECT
    p.urn,
    coalesce(nullif(trim(p.name), ''), unnamed_school(p.urn)) AS name,
    p.la_code,
    p.la_name,
    p.district,
    p.phase_normalised AS phase,
    p.school_type,
    p.establishment_group,
    p.is_academy,
    p.status,
    p.open_date,
    p.close_date,
    p.postcode,
    p.latitude,
    p.longitude,
    coalesce(p.pupils, CAST(round(c.pupils) AS INTEGER)) AS pupils,
    coalesce(p.pct_fsm, c.pct_fsm) AS pct_fsm,
    p.urn IN (SELECT urn FROM in_gias) AS in_gias
FROM phased AS p
LEFT JOIN latest_census AS c USING (urn)
UNION ALL BY NAME
-- Schools that only a measure or an inspection names (a reader did not name the school): kept.
SELECT
    m.urn,
    unnamed_school(m.urn) AS name,
    any_value(m.la_code) AS la_code,
    CAST(NULL AS VARCHAR) AS la_name,
    CAST(NULL AS VARCHAR) AS district,
    'Unknown' AS phase,
    CAST(NULL AS VARCHAR) AS school_type,
    CAST(NULL AS VARCHAR) AS establishment_group,
    CAST(NULL AS BOOLEAN) AS is_academy,
    CAST(NULL AS VARCHAR) AS status,
    CAST(NULL AS DATE) AS open_date,
    CAST(NULL AS DATE) AS close_date,
    CAST(NULL AS VARCHAR) AS postcode,
    CAST(NULL AS DOUBLE) AS latitude,
    CAST(NULL AS DOUBLE) AS longitude,
    CAST(NULL AS INTEGER) AS pupils,
    CAST(NULL AS DOUBLE) AS pct_fsm,
    FALSE AS in_gias
FROM (
    SELECT urn, la_code FROM school_measures
    UNION ALL
    SELECT urn, NULL FROM stg_inspections
) AS m
WHERE m.urn NOT IN (SELECT urn FROM stg_establishments)
    AND m.urn NOT IN (SELECT urn FROM stg_named_schools)
GROUP BY m.urn
ORDER BY urn;
