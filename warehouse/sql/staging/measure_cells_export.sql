-- Run on the second connection that stages files beside the load's (etl/load.py _stage_all), when
-- it has staged DfE figures: its temporary stg_measure_* tables copied to the in-memory catalog
-- both connections share, for measure_cells_merge.sql on the load's connection.
CREATE TABLE memory.main.side_measure_files AS SELECT * FROM temp.stg_measure_files;
CREATE TABLE memory.main.side_measure_fields AS SELECT * FROM temp.stg_measure_fields;
CREATE TABLE memory.main.side_measure_cells AS SELECT * FROM temp.stg_measure_cells;
