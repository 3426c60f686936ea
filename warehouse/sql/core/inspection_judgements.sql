-- inspection_judgements: one row per (urn, inspection_id or inspection_end, era, area), as published,
-- with the date the grade was given (a report card's per-area "date of grade"). The same judgement in
-- two files: the file whose inspection row has the newest publication date wins (as inspections.sql),
-- then the later file in the manifest.
CREATE OR REPLACE TABLE inspection_judgements AS
WITH source AS (
    SELECT j.*, coalesce(f.manifest_order, -1) AS manifest_rank, p.publication_date
    FROM stg_inspection_judgements AS j
    LEFT JOIN load_files AS f ON f.file_name = j.source_file
    LEFT JOIN (
        SELECT urn, source_file, coalesce(inspection_id, CAST(inspection_end AS VARCHAR)) AS event_key, era,
               max(publication_date) AS publication_date
        FROM stg_inspections GROUP BY ALL
    ) AS p ON p.urn = j.urn AND p.source_file = j.source_file AND p.era = j.era
        AND p.event_key = coalesce(j.inspection_id, CAST(j.inspection_end AS VARCHAR))
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
    grade_date,
    source_file,
    source_field
FROM renamed
QUALIFY row_number() OVER (
    PARTITION BY urn, event_key, era, area
    ORDER BY publication_date DESC NULLS LAST, manifest_rank DESC, source_file DESC
) = 1
ORDER BY urn, inspection_end, era, area;
