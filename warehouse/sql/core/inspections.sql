-- inspections: one row per inspection event, deduplicated on (urn, inspection_id or inspection_end, era).
-- The same inspection in two Ofsted files (a management-information file and the official
-- statistics, two monthly files) is one event, both files listed (decision 2): the row with the newest
-- publication date wins (a republished report), then the later file in the manifest.
CREATE OR REPLACE TABLE inspections AS
WITH source AS (
    SELECT i.*, coalesce(f.manifest_order, -1) AS manifest_rank
    FROM stg_inspections AS i
    LEFT JOIN load_files AS f ON f.file_name = i.source_file
),

renamed AS (
    SELECT
        *,
        coalesce(inspection_id, CAST(inspection_end AS VARCHAR), CAST(inspection_start AS VARCHAR)) AS event_key
    FROM source
),

lineage AS (
    SELECT urn, event_key, era, string_agg(DISTINCT source_file, '; ' ORDER BY source_file) AS source_files
    FROM renamed
    GROUP BY ALL
)

SELECT
    r.urn,
    r.inspection_id,
    r.era,
    r.inspection_type,
    r.inspection_start,
    r.inspection_end,
    r.publication_date,
    r.overall_effectiveness,
    r.category_of_concern,
    r.safeguarding,
    r.safeguarding_date,
    l.source_files AS source_file,
    r.source_line
FROM renamed AS r
JOIN lineage AS l ON l.urn = r.urn AND l.era = r.era AND l.event_key IS NOT DISTINCT FROM r.event_key
QUALIFY row_number() OVER (
    PARTITION BY r.urn, r.event_key, r.era
    ORDER BY r.publication_date DESC NULLS LAST, r.manifest_rank DESC, r.source_file DESC, r.source_line
) = 1
ORDER BY r.urn, r.inspection_end, r.era;
