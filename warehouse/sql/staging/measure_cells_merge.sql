-- The second connection's staged DfE figures (measure_cells_export.sql) added to the load's own,
-- their files and fields numbered after the load's (core ranks files by name and fields by measure
-- and pupil group, never by number, so the numbers change nothing built from them).
SET VARIABLE side_file_base = (SELECT coalesce(max(file_id), 0) FROM stg_measure_files);
SET VARIABLE side_field_base = (SELECT coalesce(max(field_id), 0) FROM stg_measure_fields);

INSERT INTO stg_measure_files
SELECT * REPLACE (file_id + getvariable('side_file_base') AS file_id)
FROM memory.main.side_measure_files;

INSERT INTO stg_measure_fields
SELECT * REPLACE (field_id + getvariable('side_field_base') AS field_id)
FROM memory.main.side_measure_fields;

INSERT INTO stg_measure_cells
SELECT * REPLACE (file_id + getvariable('side_file_base') AS file_id,
                  field_id + getvariable('side_field_base') AS field_id)
FROM memory.main.side_measure_cells;

DROP TABLE memory.main.side_measure_files;
DROP TABLE memory.main.side_measure_fields;
DROP TABLE memory.main.side_measure_cells;
RESET VARIABLE side_file_base;
RESET VARIABLE side_field_base;
