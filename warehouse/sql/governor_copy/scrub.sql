-- Turns a copy of a build into one fit for a governor deployment: no soft intelligence at all.
-- Run on the copy only (never on a build the manager's dashboard serves).

-- The council's intelligence workbook: tables kept (the contract still holds) but emptied.
DELETE FROM leadership_changes;
DELETE FROM complaints;
DELETE FROM concerns;
DELETE FROM visits;
DELETE FROM notices_of_concern;
DELETE FROM dfe_concerns;
DELETE FROM stg_leadership_changes;
DELETE FROM stg_complaints;
DELETE FROM stg_concerns;
DELETE FROM stg_visits;
DELETE FROM stg_notices_of_concern;
DELETE FROM stg_dfe_concerns;

-- Rejected workbook rows carry the rejected cell's value, which may be a note.
DELETE FROM rejects
WHERE file_name IN (SELECT file_name FROM load_files WHERE kind = 'intelligence')
   OR file_name LIKE '%.xlsx[%';

-- Reasons: governors get the council's words for published data and inspections, and one generic
-- line for everything confidential (decision 16), which support_category.governor_reasons holds.
CREATE TEMP TABLE confidential_years AS
SELECT DISTINCT urn, time_period FROM support_reasons WHERE confidential;
DELETE FROM support_reasons WHERE confidential;
UPDATE support_category AS sc
SET reasons = governor_reasons,
    summary = governor_summary,
    watch_flags = governor_watch_flags,
    watch_rule_ids = coalesce(
        (SELECT list(r.rule_id ORDER BY r.rule_id) FROM support_reasons AS r
         WHERE r.urn = sc.urn AND r.time_period = sc.time_period AND r.kind = 'watch'), []::VARCHAR[]),
    rule_ids = coalesce(
        (SELECT list(r.rule_id ORDER BY r.rule_id) FROM support_reasons AS r
         WHERE r.urn = sc.urn AND r.time_period = sc.time_period AND r.kind <> 'watch'), []::VARCHAR[])
        || CASE WHEN EXISTS (SELECT 1 FROM confidential_years AS c
                             WHERE c.urn = sc.urn AND c.time_period = sc.time_period)
                THEN ['confidential'] ELSE []::VARCHAR[] END;

INSERT OR REPLACE INTO load_info VALUES ('deployment', 'governor: soft intelligence removed');

-- Pupil-level results (issue 9): no pupil row goes to a governor deployment. The tables stay (the
-- contract holds) but are emptied; school and group aggregates stay, and the app suppresses small
-- groups in them for governors (decision 17). Pupil-file rejects name lines of pupil rows: removed.
DELETE FROM pupil_results;
DELETE FROM pupil_progress;
DELETE FROM stg_pupils;
DELETE FROM rejects
WHERE file_name IN (SELECT file_name FROM load_files WHERE kind = 'pupils');
