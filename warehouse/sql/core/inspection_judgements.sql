-- inspection_judgements: one row per (urn, inspection_id or inspection_end, era, area), as published.
CREATE OR REPLACE TABLE inspection_judgements AS
WITH source AS (
    SELECT j.*, coalesce(f.manifest_order, -1) AS manifest_rank
    FROM stg_inspection_judgements AS j
    LEFT JOIN load_files AS f ON f.file_name = j.source_file
),

renamed AS (
    SELECT *, coalesce(inspection_id, CAST(inspection_end AS VARCHAR)) AS event_key
    FROM source
)

SELECT
    urn,
    inspection_id,
    inspection_end,
    era,
    area,
    grade,
    grade_scale,
    source_file,
    source_field
FROM renamed
QUALIFY row_number() OVER (
    PARTITION BY urn, event_key, era, area
    ORDER BY manifest_rank DESC, source_file DESC
) = 1
ORDER BY urn, inspection_end, era, area;
