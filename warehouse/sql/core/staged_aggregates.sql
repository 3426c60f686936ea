-- stg_aggregate_measures: the LA and national rows of stg_measures, every published scope, kept in
-- the build beside la_measures and national_measures (which keep one scope each) so the rows of a
-- scope not chosen stay traceable. stg_measures itself is a temporary view (staging/schema.sql):
-- its school rows are in school_measures (one per key) and in rejects (the losers, decision 2).
CREATE OR REPLACE TABLE stg_aggregate_measures AS
SELECT * FROM stg_measures WHERE level <> 'school';

DROP VIEW temp.stg_measures;
DROP TABLE temp.stg_measure_cells;
DROP TABLE temp.stg_measure_fields;
DROP TABLE temp.stg_measure_files;
