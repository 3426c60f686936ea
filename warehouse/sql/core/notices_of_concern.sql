-- notices_of_concern: the council's intelligence workbook rows as loaded (confidential), marked source = 'workbook'.
-- Entries made in the app live in the operational store and are shown beside these (decision 20).
CREATE OR REPLACE TABLE notices_of_concern AS
WITH source AS (
    SELECT * FROM stg_notices_of_concern
),

renamed AS (
    SELECT
        urn,
        issued_date, review_date, status, reason,
        source_file,
        source_line,
        'workbook' AS source
    FROM source
)

SELECT *
FROM renamed
ORDER BY urn, issued_date, source_file, source_line;
