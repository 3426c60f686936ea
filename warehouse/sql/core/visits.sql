-- visits: the council's intelligence workbook rows as loaded (confidential), marked source = 'workbook'.
-- Entries made in the app live in the operational store and are shown beside these (decision 20).
CREATE OR REPLACE TABLE visits AS
WITH source AS (
    SELECT * FROM stg_visits
),

renamed AS (
    SELECT
        urn,
        visit_date, officer, purpose, outcome, rag,
        source_file,
        source_line,
        'workbook' AS source
    FROM source
)

SELECT *
FROM renamed
ORDER BY urn, visit_date, source_file, source_line;
