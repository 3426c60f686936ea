-- Every KS2/KS4 measure by pupil group where published nationally, with the national figure for the
-- same group; for disadvantaged pupils (FSM6CLA1A) the gap to national non-disadvantaged pupils (the
-- published convention) and to national disadvantaged pupils. A group the school has no row for says
-- 'not published for this group' (decision 13). Method section 6.
-- The grid is every published group row, plus each group published nationally that the school has
-- no row for: no UNION over millions of rows and no join of published rows back to themselves.
CREATE OR REPLACE TABLE group_gaps AS
WITH school_all AS (
    SELECT urn, la_code, time_period, key_stage, measure
    FROM school_measures
    WHERE pupil_group = 'all' AND key_stage IN ('ks2', 'ks4') AND urn IS NOT NULL
),
national_groups AS (
    SELECT DISTINCT time_period, key_stage, measure, pupil_group
    FROM national_reference
    WHERE pupil_group <> 'all' AND key_stage IN ('ks2', 'ks4') AND phase_scope = 'all'
),
published AS (
    SELECT urn, la_code, time_period, key_stage, measure, pupil_group, value, status_code, cohort
    FROM school_measures
    WHERE pupil_group <> 'all' AND key_stage IN ('ks2', 'ks4') AND urn IS NOT NULL
),
expected AS (
    SELECT a.urn, a.la_code, a.time_period, a.key_stage, a.measure, g.pupil_group
    FROM school_all a JOIN national_groups g USING (time_period, key_stage, measure)
),
unpublished AS (
    SELECT e.*
    FROM expected e
    ANTI JOIN published p
        ON p.urn = e.urn AND p.time_period = e.time_period AND p.measure = e.measure
       AND p.pupil_group = e.pupil_group AND p.key_stage = e.key_stage
       AND p.la_code IS NOT DISTINCT FROM e.la_code
),
grid AS (
    SELECT *, TRUE AS has_row FROM published
    UNION ALL
    SELECT u.urn, u.la_code, u.time_period, u.key_stage, u.measure, u.pupil_group,
           m.value, m.status_code, m.cohort, m.urn IS NOT NULL
    FROM unpublished u
    LEFT JOIN school_measures m
           ON m.urn = u.urn AND m.time_period = u.time_period AND m.measure = u.measure AND m.pupil_group = u.pupil_group
),
nat AS (
    SELECT time_period, measure, pupil_group, value FROM national_reference
    WHERE key_stage IN ('ks2', 'ks4') AND phase_scope = 'all'
)
SELECT g.urn, g.la_code, g.time_period, g.key_stage, g.measure, g.pupil_group,
       g.value, g.status_code, g.cohort,
       ng.value AS national_value,
       -- differences of published figures, at their published precision (no 13.400000000000002)
       published_round(g.measure, g.value - ng.value) AS gap_vs_national_same_group,
       nn.value AS national_non_disadvantaged,
       nd.value AS national_disadvantaged,
       CASE WHEN g.pupil_group = 'disadvantaged' THEN published_round(g.measure, g.value - nn.value) END AS gap_vs_national_non_disadvantaged,
       CASE WHEN g.pupil_group = 'disadvantaged' THEN published_round(g.measure, g.value - nd.value) END AS gap_vs_national_disadvantaged,
       CASE WHEN g.pupil_group = 'disadvantaged' THEN published_round(g.measure, nd.value - nn.value) END AS national_gap,
       CASE WHEN NOT g.has_row THEN 'not published for this group'
            WHEN g.value IS NULL THEN 'suppressed or not published (' || coalesce(g.status_code, 'no value') || ')'
       END AS note
FROM grid g
LEFT JOIN nat ng ON ng.time_period = g.time_period AND ng.measure = g.measure AND ng.pupil_group = g.pupil_group
LEFT JOIN nat nn ON nn.time_period = g.time_period AND nn.measure = g.measure AND nn.pupil_group = 'non_disadvantaged'
LEFT JOIN nat nd ON nd.time_period = g.time_period AND nd.measure = g.measure AND nd.pupil_group = 'disadvantaged'
ORDER BY g.urn, g.time_period, g.measure, g.pupil_group;
