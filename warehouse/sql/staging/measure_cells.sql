-- The DfE files' staged figures: temporary tables of the connection that stages them (the load's,
-- and the second connection that stages files beside it, whose tables side_measure_cells.sql
-- merges into the load's: etl/load.py _stage_all).

-- Every published figure, long form: one row per school (or LA / national aggregate) x year x measure x pupil group.
-- value is NULL whenever the cell held a code; status_code keeps the code (SUPP, NE, NA, LOWCOV, c, x, ...).
-- Temporary tables: read by warehouse/sql/core (school_measures, la_measures, national_measures,
-- loaded_inputs) and never written to the build, whose public copy of every school row is
-- school_measures (a national load stages 8 million rows: writing them compressed to the build
-- a second time cost more than any other statement). core/staged_aggregates.sql keeps the LA and
-- national rows (stg_aggregate_measures), and drops these tables.
-- A cell names its file and its field by number: what is the same for every cell of a file (its
-- name, year, kind and status) or of a field (its measure, pupil group and published column) is
-- written once, in stg_measure_files and stg_measure_fields (temporary tables are not compressed:
-- those texts repeated per cell were two thirds of the staged bytes, and spilled to disk nationally).
-- The view stg_measures joins them back: the staged figures as one table, column for column.
CREATE TEMP TABLE stg_measure_files (
    file_id       INTEGER NOT NULL,
    time_period   INTEGER NOT NULL,
    source_kind   VARCHAR NOT NULL,   -- ks2, ks4, census, absence
    source_file   VARCHAR NOT NULL,
    file_status   VARCHAR
);

CREATE TEMP TABLE stg_measure_fields (
    field_id      INTEGER NOT NULL,
    measure       VARCHAR NOT NULL,   -- canonical name, see docs/architecture.md
    pupil_group   VARCHAR NOT NULL,   -- all, disadvantaged, non_disadvantaged, boys, girls, eal, prior_low, prior_middle, prior_high
    source_field  VARCHAR NOT NULL    -- the published column name
);

CREATE TEMP TABLE stg_measure_cells (
    level         VARCHAR NOT NULL,   -- school, la, national
    urn           INTEGER,            -- NULL for la / national rows
    la_code       INTEGER,            -- NULL for national rows
    file_id       INTEGER NOT NULL,   -- stg_measure_files
    field_id      INTEGER NOT NULL,   -- stg_measure_fields
    value         DOUBLE,
    status_code   VARCHAR,
    ci_lower      DOUBLE,
    ci_upper      DOUBLE,
    cohort        INTEGER,
    national_scope VARCHAR,           -- for national rows: all_schools or state_funded (KS2 RECTYPE 4/5), maintained (KS4 RECTYPE 7)
    source_line   INTEGER,
    problem       USMALLINT           -- the checks the cell failed (etl/readers/_dfe.py PROBLEM_BITS), NULL: none; for the load's rejects only
);

CREATE TEMP VIEW stg_measures AS
SELECT
    c.level,
    c.urn,
    c.la_code,
    f.time_period,
    f.source_kind,
    d.measure,
    d.pupil_group,
    c.value,
    c.status_code,
    c.ci_lower,
    c.ci_upper,
    c.cohort,
    c.national_scope,
    f.source_file,
    d.source_field,
    c.source_line,
    f.file_status
FROM stg_measure_cells AS c
JOIN stg_measure_files AS f ON f.file_id = c.file_id
JOIN stg_measure_fields AS d ON d.field_id = c.field_id;
