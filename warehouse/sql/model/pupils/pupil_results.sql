-- pupil_results: one row per pupil x year x key stage from the council's pupil files (issue 9,
-- docs/pupil-data.md), with the school's LA. Pseudonymous: pupil_key is the council's key or the
-- HMAC of a UPN (never the UPN). Pupil-level: never shown to governors or briefing, and emptied in a
-- governor copy (warehouse/sql/governor_copy/scrub.sql).
-- One pupil, year and key stage in two files: the later file in the manifest wins (unlisted files
-- count as earliest), then the later file name; the other row goes to rejects naming the kept file.
CREATE OR REPLACE TEMP TABLE _pupil_ranked AS
WITH files AS (
    SELECT file_name, max(manifest_order) AS manifest_order FROM load_files GROUP BY file_name
)
SELECT p.*,
       row_number() OVER w AS nth,
       first_value(p.source_file) OVER w AS kept_file
FROM stg_pupils AS p
LEFT JOIN files AS f ON f.file_name = p.source_file
WINDOW w AS (PARTITION BY p.pupil_key, p.time_period, p.key_stage
             ORDER BY coalesce(f.manifest_order, -1) DESC, p.source_file DESC);

INSERT INTO rejects (file_name, line, column_name, value, reason)
SELECT source_file, source_line, 'pupil_key', NULL,
       'the same pupil, year and key stage is also in ' || kept_file || ', which is kept'
FROM _pupil_ranked
WHERE nth > 1
ORDER BY source_file, source_line;

CREATE OR REPLACE TABLE pupil_results AS
SELECT p.pupil_key, p.urn, coalesce(s.la_code, h.la_code) AS la_code, p.time_period, p.key_stage,
       p.prior_attainment, p.prior_band, p.disadvantaged, p.fsm, p.sen, p.eal, p.sex, p.birth_month,
       p.reading, p.writing, p.maths, p.rwm_expected, p.attainment8, p.key_from_upn,
       p.source_file, p.source_line
FROM _pupil_ranked AS p
LEFT JOIN schools AS s ON s.urn = p.urn
LEFT JOIN (SELECT any_value(la_code) AS la_code FROM home_la) AS h ON TRUE
WHERE p.nth = 1
ORDER BY p.urn, p.time_period, p.key_stage, p.pupil_key;

DROP TABLE _pupil_ranked;
