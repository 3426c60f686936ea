-- Every KS2/KS4 measure by pupil group where published nationally, with the national figure for the
-- same group; for disadvantaged pupils (FSM6CLA1A) the gap to national non-disadvantaged pupils (the
-- published convention) and to national disadvantaged pupils. A group the school has no row for says
-- 'not published for this group' (decision 13). Method section 6.
-- The grid is every published group row, plus each group published nationally that the school has
-- no row for. At national size (6 million rows) the work is kept to what is needed: the groups a
-- school does not publish are read from one pass over its rows (which national groups a school-measure
-- publishes, as bits of one number: no join of every expected row against every published row), for
-- the school-measures that publish fewer of the national groups than there are, and the rows are not sorted (every reader filters by school and orders its
-- own result; a one-school query costs about the same either way, measured at national size).
-- Codes and names repeated on many rows: dictionary compression, not FSST (for free text), as in
-- core/school_measures.sql (~15% less CPU to write, the same size).
SET disabled_compression_methods = 'fsst';
CREATE OR REPLACE TABLE group_gaps AS
WITH national_groups AS (
    SELECT DISTINCT time_period, key_stage, measure, pupil_group
    FROM national_reference
    WHERE pupil_group <> 'all' AND key_stage IN ('ks2', 'ks4') AND phase_scope = 'all'
),
national_group_bits AS (  -- each national group of a measure numbered 0, 1, ... (a bit of a BIGINT)
    SELECT *,
           CAST(row_number() OVER (PARTITION BY time_period, key_stage, measure ORDER BY pupil_group) - 1 AS INTEGER) AS bit,
           count(*) OVER (PARTITION BY time_period, key_stage, measure) AS n_groups
    FROM national_groups
),
school_measure AS (  -- each school-measure with an all-pupils row, and which national groups it publishes
    SELECT m.urn, m.la_code, m.time_period, m.key_stage, m.measure,
           bool_or(m.pupil_group = 'all') AS has_all,
           coalesce(bit_or(CAST(1 AS BIGINT) << g.bit), 0) AS published_bits,
           count(g.pupil_group) AS n_published
    FROM school_measures m
    LEFT JOIN national_group_bits g USING (time_period, key_stage, measure, pupil_group)
    WHERE m.key_stage IN ('ks2', 'ks4') AND m.urn IS NOT NULL
    GROUP BY ALL
),
unpublished AS (  -- every national group a school-measure does not publish (its bit not set; a
                  -- school-measure's rows are unique per pupil group: contract)
    SELECT s.urn, s.la_code, s.time_period, s.key_stage, s.measure, g.pupil_group
    FROM school_measure s
    JOIN national_group_bits g USING (time_period, key_stage, measure)
    WHERE s.has_all AND s.n_published < g.n_groups
      AND CASE WHEN g.n_groups > 63 THEN error('group_gaps: more than 63 national groups for one measure')
               ELSE (s.published_bits >> g.bit) & 1 = 0 END
),
grid AS (
    SELECT urn, la_code, time_period, key_stage, measure, pupil_group, value, status_code, cohort, TRUE AS has_row
    FROM school_measures
    WHERE pupil_group <> 'all' AND key_stage IN ('ks2', 'ks4') AND urn IS NOT NULL
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
LEFT JOIN nat nd ON nd.time_period = g.time_period AND nd.measure = g.measure AND nd.pupil_group = 'disadvantaged';
RESET disabled_compression_methods;
