-- statistical_neighbours: optional (decision 5). One row per (la_code, neighbour_la_code); the
-- later file in the manifest wins when two files rank the same pair differently.
CREATE OR REPLACE TABLE statistical_neighbours AS
WITH source AS (
    SELECT n.*, coalesce(f.manifest_order, -1) AS manifest_rank
    FROM stg_statistical_neighbours AS n
    LEFT JOIN load_files AS f ON f.file_name = n.source_file
)

SELECT la_code, neighbour_la_code, rank
FROM source
WHERE la_code <> neighbour_la_code
QUALIFY row_number() OVER (
    PARTITION BY la_code, neighbour_la_code ORDER BY manifest_rank DESC, source_file DESC
) = 1
ORDER BY la_code, rank, neighbour_la_code;
