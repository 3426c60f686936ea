-- leadership_changes: the council's intelligence workbook rows as loaded (confidential), marked source = 'workbook'.
-- Entries made in the app live in the operational store and are shown beside these (decision 20).
CREATE OR REPLACE TABLE leadership_changes AS
WITH source AS (
    SELECT * FROM stg_leadership_changes
),

renamed AS (
    SELECT
        urn,
        change_date, role, change_type, notes,
        source_file,
        source_line,
        'workbook' AS source
    FROM source
)

SELECT *
FROM renamed
ORDER BY urn, change_date, source_file, source_line;
