-- boundaries: district and county polygons as GeoJSON text (WGS84). ONS "LAD" features are districts,
-- "CTY"/"CTYUA"/"UTLA" counties. One row per (name, kind): the later file in the manifest wins.
CREATE OR REPLACE TABLE boundaries AS
WITH source AS (
    SELECT b.*, coalesce(f.manifest_order, -1) AS manifest_rank
    FROM stg_boundaries AS b
    LEFT JOIN load_files AS f ON f.file_name = b.source_file
),

renamed AS (
    SELECT
        name,
        CASE
            WHEN upper(kind) IN ('LAD', 'DISTRICT', 'LTLA') THEN 'district'
            WHEN upper(kind) IN ('CTY', 'CTYUA', 'UTLA', 'COUNTY') THEN 'county'
            ELSE lower(kind)
        END AS kind,
        la_code,
        geojson,
        manifest_rank,
        source_file
    FROM source
)

SELECT name, kind, la_code, geojson
FROM renamed
QUALIFY row_number() OVER (PARTITION BY name, kind ORDER BY manifest_rank DESC, source_file DESC) = 1
ORDER BY kind, name;
