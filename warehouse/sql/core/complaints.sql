-- complaints: the council's intelligence workbook rows as loaded (confidential), marked source = 'workbook'.
-- Entries made in the app live in the operational store and are shown beside these (decision 20).
CREATE OR REPLACE TABLE complaints AS
WITH source AS (
    SELECT * FROM stg_complaints
),

renamed AS (
    SELECT
        urn,
        received_date, made_to, category, status, notes,
        source_file,
        source_line,
        'workbook' AS source
    FROM source
)

SELECT *
FROM renamed
ORDER BY urn, received_date, source_file, source_line;
