-- pupil_group_aggregates: school x year x key stage x pupil group x measure, computed from the pupils
-- (issue 9). Attainment (% meeting the expected standard in RWM, Attainment 8) counts every pupil with
-- a result; progress counts pupils with progress (prior attainment and an estimate) and its
-- value_added_pct is the share of them whose result beats their estimate (decision 15). Beside each
-- figure the published national figure for the same group and, for comparing disadvantaged pupils
-- (FSM6CLA1A, decision 13), the national disadvantaged and non-disadvantaged figures.
-- Groups: the published ones, plus SEN (no_sen, sen_support, ehcp), a pupil-level filter only
-- (SEND is context: the performance tables publish no SEN breakdown).
CREATE OR REPLACE TEMP TABLE _pupil_groups AS
SELECT pupil_key, time_period, key_stage, unnest(list_filter([
           'all',
           CASE WHEN disadvantaged THEN 'disadvantaged' WHEN NOT disadvantaged THEN 'non_disadvantaged' END,
           CASE sex WHEN 'M' THEN 'boys' WHEN 'F' THEN 'girls' END,
           CASE WHEN eal THEN 'eal' END,
           'prior_' || prior_band,
           CASE sen WHEN 'none' THEN 'no_sen' WHEN 'support' THEN 'sen_support' WHEN 'ehcp' THEN 'ehcp' END
       ], lambda g: g IS NOT NULL)) AS pupil_group
FROM pupil_results;

CREATE OR REPLACE TABLE pupil_group_aggregates AS
WITH cohorts AS (
    SELECT r.urn, r.la_code, r.time_period, r.key_stage, g.pupil_group, count(*) AS cohort
    FROM pupil_results AS r
    JOIN _pupil_groups AS g USING (pupil_key, time_period, key_stage)
    GROUP BY r.urn, r.la_code, r.time_period, r.key_stage, g.pupil_group
),
attainment AS (
    SELECT r.urn, r.time_period, r.key_stage, g.pupil_group,
           CASE r.key_stage WHEN 'ks2' THEN 'ks2_rwm_expected_pct' ELSE 'ks4_attainment8' END AS measure,
           count(CASE r.key_stage WHEN 'ks2' THEN r.rwm_expected::INTEGER ELSE r.attainment8 END) AS pupils,
           CASE r.key_stage WHEN 'ks2' THEN 100.0 * avg(r.rwm_expected::INTEGER) ELSE avg(r.attainment8) END AS value,
           NULL::BIGINT AS pupils_exceeding
    FROM pupil_results AS r
    JOIN _pupil_groups AS g USING (pupil_key, time_period, key_stage)
    GROUP BY r.urn, r.time_period, r.key_stage, g.pupil_group
),
progress AS (
    SELECT p.urn, p.time_period, p.key_stage, g.pupil_group, p.measure,
           count(p.progress) AS pupils,
           avg(p.progress) AS value,
           count_if(p.exceeds_estimate)::BIGINT AS pupils_exceeding
    FROM pupil_progress AS p
    JOIN _pupil_groups AS g USING (pupil_key, time_period, key_stage)
    GROUP BY p.urn, p.time_period, p.key_stage, g.pupil_group, p.measure
),
figures AS (
    SELECT * FROM attainment UNION ALL SELECT * FROM progress
),
nat AS (
    SELECT time_period, measure, pupil_group, value
    FROM national_reference
    WHERE key_stage IN ('ks2', 'ks4') AND phase_scope = 'all'
)
SELECT c.urn, c.la_code, c.time_period, c.key_stage, c.pupil_group, f.measure,
       c.cohort,
       f.pupils,
       f.value,
       f.pupils_exceeding,
       CASE WHEN f.pupils > 0 AND f.pupils_exceeding IS NOT NULL
            THEN 100.0 * f.pupils_exceeding / f.pupils END AS value_added_pct,
       ng.value AS national_value,
       nd.value AS national_disadvantaged,
       nn.value AS national_non_disadvantaged,
       CASE WHEN c.pupil_group = 'disadvantaged' THEN f.value - nd.value END AS gap_vs_national_disadvantaged,
       CASE WHEN c.pupil_group = 'disadvantaged' THEN f.value - nn.value END AS gap_vs_national_non_disadvantaged,
       CASE WHEN f.pupils = 0 AND f.measure LIKE '%progress%'
                 THEN 'no pupil in this group has progress (prior attainment and an estimate)'
            WHEN f.pupils = 0 THEN 'no pupil in this group has a result'
            WHEN f.pupils < c.cohort AND f.measure LIKE '%progress%'
                 THEN (c.cohort - f.pupils) || ' of ' || c.cohort || ' pupils without progress (no prior attainment, no result or no estimate) excluded'
       END AS note
FROM cohorts AS c
JOIN figures AS f USING (urn, time_period, key_stage, pupil_group)
LEFT JOIN nat AS ng ON ng.time_period = c.time_period AND ng.measure = f.measure AND ng.pupil_group = c.pupil_group
LEFT JOIN nat AS nd ON nd.time_period = c.time_period AND nd.measure = f.measure AND nd.pupil_group = 'disadvantaged'
LEFT JOIN nat AS nn ON nn.time_period = c.time_period AND nn.measure = f.measure AND nn.pupil_group = 'non_disadvantaged'
ORDER BY c.urn, c.time_period, c.key_stage, f.measure, c.pupil_group;

DROP TABLE _pupil_groups;
