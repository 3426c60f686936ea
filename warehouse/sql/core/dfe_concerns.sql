-- dfe_concerns: the council's intelligence workbook rows as loaded (confidential), marked source = 'workbook'.
-- Entries made in the app live in the operational store and are shown beside these (decision 20).
CREATE OR REPLACE TABLE dfe_concerns AS
WITH source AS (
    SELECT * FROM stg_dfe_concerns
),

renamed AS (
    SELECT
        urn,
        raised_date, raised_with, summary, status,
        source_file,
        source_line,
        'workbook' AS source
    FROM source
)

SELECT *
FROM renamed
ORDER BY urn, raised_date, source_file, source_line;
