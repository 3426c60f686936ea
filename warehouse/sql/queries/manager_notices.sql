-- Notices of concern and concerns raised with the DfE from the council's workbook (decision 20:
-- source 'workbook') for the LA's schools ($la_code), restricted to the caller's schools ($allowed):
-- one row each, with the school's name and district, for the notices page (app entries are added
-- from the operational store in dashboard/data_access/notices.py).
WITH s AS (
    SELECT urn, name, district FROM schools
    WHERE la_code = $la_code::INTEGER
      AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
)
SELECT s.urn, s.name, s.district, 'notice_of_concern' AS kind, n.issued_date AS date,
       n.review_date AS review_due, n.status, n.reason AS detail, n.source_file, n.source_line
FROM notices_of_concern n JOIN s USING (urn)
UNION ALL
SELECT s.urn, s.name, s.district, 'dfe_concern', d.raised_date, NULL, d.status,
       concat_ws(' - ', 'Raised with ' || d.raised_with, d.summary), d.source_file, d.source_line
FROM dfe_concerns d JOIN s USING (urn)
ORDER BY date DESC, urn
