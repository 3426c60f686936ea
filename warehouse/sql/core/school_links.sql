-- school_links: GIAS links between establishments as published (the links file and the "with links"
-- extract's Linked establishments cells), one row per (urn, linked_urn, direction). direction says
-- which way the link points: linked_urn is the urn's predecessor, its successor, or other (e.g.
-- "Merged - change in age range" without a direction). link_date is the published
-- LinkEstablishedDate, else the successor's open date, else the day after the predecessor closed.
CREATE OR REPLACE TABLE school_links AS
WITH source AS (
    SELECT * FROM stg_school_links WHERE urn <> linked_urn
),

renamed AS (
    SELECT
        urn,
        linked_urn,
        link_type,
        CASE
            WHEN lower(link_type) LIKE 'predecessor%' THEN 'predecessor'
            WHEN lower(link_type) LIKE 'successor%' THEN 'successor'
            ELSE 'other'
        END AS direction,
        link_date,
        source_file
    FROM source
),

grouped AS (
    SELECT
        urn,
        linked_urn,
        direction,
        -- the most specific wording wins ("Predecessor - amalgamated" over "Predecessor")
        arg_max(link_type, length(link_type)) AS link_type,
        max(link_date) AS published_date,
        string_agg(DISTINCT source_file, '; ' ORDER BY source_file) AS source_file
    FROM renamed
    GROUP BY ALL
)

SELECT
    g.urn,
    g.linked_urn,
    g.link_type,
    g.direction,
    coalesce(
        g.published_date,
        CASE g.direction WHEN 'predecessor' THEN me.open_date WHEN 'successor' THEN other.open_date END,
        CASE g.direction WHEN 'predecessor' THEN other.close_date WHEN 'successor' THEN me.close_date END
            + INTERVAL 1 DAY
    )::DATE AS link_date,
    g.published_date IS NOT NULL AS date_published,
    g.source_file
FROM grouped AS g
LEFT JOIN schools AS me ON me.urn = g.urn
LEFT JOIN schools AS other ON other.urn = g.linked_urn
ORDER BY g.urn, g.linked_urn, g.direction;
