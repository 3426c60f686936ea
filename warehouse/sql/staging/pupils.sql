-- Pupil-level results the council holds for its maintained schools (issue 9, docs/pupil-data.md) and
-- the national estimates a pupil's result is compared with (decision 15). Pseudonymised: pupil_key is
-- never a name or a UPN (a UPN is replaced by its keyed hash at load, etl/readers/pupils.py).

-- One row per pupil x year x key stage (two rows for one key in one file are rejected).
CREATE TABLE stg_pupils (
    pupil_key        VARCHAR NOT NULL,  -- the council's pseudonymous key, or HMAC-SHA256 of the UPN
    key_from_upn     BOOLEAN NOT NULL,  -- TRUE when pupil_key was made from a UPN at load
    urn              INTEGER NOT NULL,
    time_period      INTEGER NOT NULL,  -- DfE six-digit academic year of the results
    key_stage        VARCHAR NOT NULL,  -- ks2, ks4
    prior_attainment DOUBLE,            -- KS1 average point score (KS2 pupils), KS2 average point score (KS4); NULL: none
    prior_band       VARCHAR,           -- low, middle, high (the performance tables' prior-attainment groups); NULL: none
    disadvantaged    BOOLEAN,           -- FSM6CLA1A: FSM in the last six years, or looked after (decision 13)
    fsm              BOOLEAN,           -- eligible for free school meals now (census context)
    sen              VARCHAR,           -- none, support (SEN support), ehcp (education, health and care plan)
    eal              BOOLEAN,           -- English as an additional language
    sex              VARCHAR,           -- F, M
    birth_month      INTEGER,           -- 1-12
    reading          DOUBLE,            -- KS2 reading result (scaled score points) used for progress
    writing          DOUBLE,            -- KS2 writing result (points) used for progress
    maths            DOUBLE,            -- KS2 maths result (scaled score points) used for progress
    rwm_expected     BOOLEAN,           -- KS2: met the expected standard in reading, writing and maths
    attainment8      DOUBLE,            -- KS4 Attainment 8 score
    source_file      VARCHAR NOT NULL,
    source_line      INTEGER
);

-- The national estimate (average result) of each prior-attainment group, per year, key stage and subject.
CREATE TABLE stg_pupil_estimates (
    time_period  INTEGER NOT NULL,
    key_stage    VARCHAR NOT NULL,      -- ks2, ks4
    subject      VARCHAR NOT NULL,      -- reading, writing, maths (KS2); attainment8 (KS4)
    prior_group  INTEGER NOT NULL,      -- 1 = lowest prior attainment
    prior_from   DOUBLE NOT NULL,       -- prior attainment from (inclusive) ...
    prior_to     DOUBLE NOT NULL,       -- ... to (exclusive)
    estimate     DOUBLE NOT NULL,       -- the national average result of pupils in this group
    pupils       INTEGER,               -- national pupils in the group, where the file gives it
    source_file  VARCHAR NOT NULL,
    source_line  INTEGER
);
