-- Staging tables: what the readers in etl/readers/ write, typed and renamed, nothing derived.
-- Every row keeps the file (and line) it came from so any figure traces back to its source.
-- time_period is the DfE six-digit academic year: 201819 = 2018/19.

-- One row per file the load looked at, including skipped ones (metadata, unrecognised).
CREATE TABLE load_files (
    file_name     VARCHAR NOT NULL,   -- path relative to the source folder
    kind          VARCHAR,            -- gias, spine, ks2, ks4, census, absence, ofsted, intelligence, boundaries, neighbours, metadata, unrecognised
    time_period   INTEGER,
    file_status   VARCHAR,            -- final, revised, provisional or NULL
    manifest_order INTEGER,           -- position in manifest.csv (later wins at equal status), NULL if not listed
    encoding      VARCHAR,
    n_rows        INTEGER,
    n_columns     INTEGER,
    action        VARCHAR NOT NULL,   -- loaded or skipped
    note          VARCHAR
);

-- A row that could not be used, with why. The rest of its file still loads.
CREATE TABLE rejects (
    file_name   VARCHAR NOT NULL,
    line        INTEGER,              -- 1-based line in the file (header = line 1); NULL for file-level problems
    column_name VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);

-- Establishments from GIAS or the performance-tables spine.
CREATE TABLE stg_establishments (
    urn                 INTEGER NOT NULL,
    name                VARCHAR,
    la_code             INTEGER,
    la_name             VARCHAR,
    district            VARCHAR,
    phase               VARCHAR,      -- Nursery, Primary, Middle deemed primary, Secondary, Middle deemed secondary, All-through, 16 plus, Special, Alternative provision, Not applicable
    school_type         VARCHAR,      -- TypeOfEstablishment (name), e.g. Academy converter, Community school
    establishment_group VARCHAR,      -- EstablishmentTypeGroup (name): Academies, Local authority maintained schools, Free Schools, Special schools, Independent schools, ...
    is_academy          BOOLEAN,
    status              VARCHAR,      -- Open, Closed, Open but proposed to close, Proposed to open
    open_date           DATE,
    close_date          DATE,
    postcode            VARCHAR,
    easting             DOUBLE,
    northing            DOUBLE,
    latitude            DOUBLE,
    longitude           DOUBLE,
    pupils              INTEGER,
    pct_fsm             DOUBLE,
    ofsted_rating       VARCHAR,      -- GIAS OfstedRating (name), context only
    ofsted_last_insp    DATE,
    extract_date        DATE,
    source_file         VARCHAR NOT NULL,
    source_line         INTEGER
);

-- Schools named by a performance, census, absence or Ofsted file (decision 3: they exist even if GIAS lacks them).
CREATE TABLE stg_named_schools (
    urn          INTEGER NOT NULL,
    name         VARCHAR,
    la_code      INTEGER,
    school_type  VARCHAR,             -- as the file gives it (NFTYPE, SCHOOLTYPE, ...)
    phase        VARCHAR,             -- Primary for KS2 files, Secondary for KS4, else NULL
    time_period  INTEGER,
    source_file  VARCHAR NOT NULL
);

-- The DfE files' figures (stg_measure_files, stg_measure_fields, stg_measure_cells and the view
-- stg_measures) are temporary tables of the connection that stages them: measure_cells.sql.

-- Ofsted inspections, one row per inspection event, any era. Never merged into one grade.
CREATE TABLE stg_inspections (
    urn                   INTEGER NOT NULL,
    inspection_id         VARCHAR,
    era                   VARCHAR NOT NULL,  -- legacy (graded 1-4, to Aug 2024), sub_judgements_2024 (Sep 2024 - Nov 2025), report_card (from Nov 2025)
    inspection_type       VARCHAR,
    inspection_start      DATE,
    inspection_end        DATE,
    publication_date      DATE,
    overall_effectiveness INTEGER,           -- 1-4, legacy only; NULL otherwise
    category_of_concern   VARCHAR,           -- SM, SWK, NTI, RSI or NULL
    safeguarding          VARCHAR,           -- Yes/No (legacy, 2024/25) or Met/Not met (report card)
    safeguarding_date     DATE,              -- report cards: "Safeguarding standards - date of grade"; else the inspection's end
    source_file           VARCHAR NOT NULL,
    source_line           INTEGER
);

-- Each judgement of an inspection: legacy sub-judgements (1-4), report-card areas (five-point words).
CREATE TABLE stg_inspection_judgements (
    urn           INTEGER NOT NULL,
    inspection_id VARCHAR,
    inspection_end DATE,
    era           VARCHAR NOT NULL,
    area          VARCHAR NOT NULL,   -- quality_of_education, behaviour_and_attitudes, personal_development, leadership_and_management, early_years, sixth_form, achievement, attendance_and_behaviour, inclusion, curriculum_and_teaching, ...
    grade         VARCHAR,            -- as published: '2' or 'Needs attention'
    grade_scale   VARCHAR NOT NULL,   -- four_point, report_card_five_point
    grade_date    DATE,               -- report cards: the area's "date of grade"; else the inspection's end
    source_file   VARCHAR NOT NULL,
    source_field  VARCHAR NOT NULL
);

-- The council's intelligence workbook (confidential). One table per sheet.
CREATE TABLE stg_leadership_changes (urn INTEGER NOT NULL, change_date DATE NOT NULL, role VARCHAR, change_type VARCHAR, notes VARCHAR, source_file VARCHAR NOT NULL, source_line INTEGER);
CREATE TABLE stg_complaints (urn INTEGER NOT NULL, received_date DATE NOT NULL, made_to VARCHAR, category VARCHAR, status VARCHAR, notes VARCHAR, source_file VARCHAR NOT NULL, source_line INTEGER);
CREATE TABLE stg_concerns (urn INTEGER NOT NULL, raised_date DATE NOT NULL, concern_type VARCHAR NOT NULL, severity VARCHAR, status VARCHAR, notes VARCHAR, source_file VARCHAR NOT NULL, source_line INTEGER);
CREATE TABLE stg_visits (urn INTEGER NOT NULL, visit_date DATE NOT NULL, officer VARCHAR, purpose VARCHAR, outcome VARCHAR, rag VARCHAR, source_file VARCHAR NOT NULL, source_line INTEGER);
CREATE TABLE stg_notices_of_concern (urn INTEGER NOT NULL, issued_date DATE NOT NULL, review_date DATE, status VARCHAR, reason VARCHAR, source_file VARCHAR NOT NULL, source_line INTEGER);
CREATE TABLE stg_dfe_concerns (urn INTEGER NOT NULL, raised_date DATE NOT NULL, raised_with VARCHAR, summary VARCHAR, status VARCHAR, source_file VARCHAR NOT NULL, source_line INTEGER);

-- District and county polygons (GeoJSON text, WGS84, simplified for maps).
CREATE TABLE stg_boundaries (name VARCHAR NOT NULL, kind VARCHAR NOT NULL, la_code INTEGER, geojson VARCHAR NOT NULL, source_file VARCHAR NOT NULL);

-- Optional statistical neighbours (decision 5).
CREATE TABLE stg_statistical_neighbours (la_code INTEGER NOT NULL, neighbour_la_code INTEGER NOT NULL, rank INTEGER, source_file VARCHAR NOT NULL);

-- Facts about the load itself (run id, started, source folder, model settings used).
CREATE TABLE load_info (key VARCHAR PRIMARY KEY, value VARCHAR);

-- GIAS links between establishments (predecessor / successor: academy conversion, amalgamation,
-- re-opening), from the "with links" extract's Linked establishments cells or the separate links file.
CREATE TABLE stg_school_links (
    urn          INTEGER NOT NULL,
    linked_urn   INTEGER NOT NULL,
    link_type    VARCHAR NOT NULL,   -- as published: Predecessor, Successor, Predecessor - amalgamated, ...
    link_date    DATE,               -- LinkEstablishedDate; for the extract's cells the successor's open date
    source_file  VARCHAR NOT NULL,
    source_line  INTEGER
);
