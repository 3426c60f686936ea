-- The inputs of the similar-schools groups (issue 22; docs/method.md section 8): the pool of each key
-- stage and year and every school's published context, from each source a field may use.
-- warehouse/similar_schools.py (the next step in order.txt) picks the source of each field per pool,
-- standardises, and finds each school's nearest group_size schools.

-- Which published measures can stand for each context field, in order of preference: the cohort's own
-- figure in the performance file first (it describes the pupils whose results are compared), then the
-- school census of the same year (the whole school).
CREATE OR REPLACE TABLE similar_field_sources AS
SELECT * FROM (VALUES
    ('ks2', 'prior_low_pct', 1, 'ks2_prior_low_pct'),
    ('ks2', 'prior_high_pct', 1, 'ks2_prior_high_pct'),
    ('ks2', 'disadvantaged_pct', 1, 'ks2_disadvantaged_pct'),
    ('ks2', 'disadvantaged_pct', 2, 'fsm6_pct'),
    ('ks2', 'eal_pct', 1, 'ks2_eal_pct'),
    ('ks2', 'eal_pct', 2, 'eal_pct'),
    ('ks2', 'sen_support_pct', 1, 'ks2_sen_support_pct'),
    ('ks2', 'sen_support_pct', 2, 'sen_support_pct'),
    ('ks2', 'ehcp_pct', 1, 'ks2_ehcp_pct'),
    ('ks2', 'ehcp_pct', 2, 'ehcp_pct'),
    ('ks2', 'pupils', 1, 'ks2_cohort'),
    ('ks4', 'prior_ks2_aps', 1, 'ks4_prior_ks2_aps'),
    ('ks4', 'prior_low_pct', 1, 'ks4_prior_low_pct'),
    ('ks4', 'prior_high_pct', 1, 'ks4_prior_high_pct'),
    ('ks4', 'disadvantaged_pct', 1, 'ks4_disadvantaged_pct'),
    ('ks4', 'disadvantaged_pct', 2, 'fsm6_pct'),
    ('ks4', 'eal_pct', 1, 'ks4_eal_pct'),
    ('ks4', 'eal_pct', 2, 'eal_pct'),
    ('ks4', 'sen_support_pct', 1, 'ks4_sen_support_pct'),
    ('ks4', 'sen_support_pct', 2, 'sen_support_pct'),
    ('ks4', 'ehcp_pct', 1, 'ks4_ehcp_pct'),
    ('ks4', 'ehcp_pct', 2, 'ehcp_pct'),
    ('ks4', 'pupils', 1, 'ks4_cohort')
) AS t(key_stage, field, source_rank, source_measure);

-- The pool of a key stage and year: every school with a scored attainment result (the schools the
-- model compares: same rules of phase and cohort as standardised_measures). National when a national
-- school-level file is loaded for that key stage and year (decision 8), else the loaded schools only.
CREATE OR REPLACE TABLE similar_school_pool AS
SELECT sm.urn, sm.time_period, sm.key_stage, sm.la_code, sm.distribution
FROM standardised_measures sm
WHERE sm.component = 'attainment' AND sm.scored
ORDER BY sm.key_stage, sm.time_period, sm.urn;

-- Every published value a pool school has for a source measure of the same year.
CREATE OR REPLACE TABLE similar_school_context_values AS
SELECT p.urn, p.time_period, p.key_stage, f.field, f.source_rank, f.source_measure, m.value
FROM similar_school_pool p
JOIN similar_field_sources f ON f.key_stage = p.key_stage
JOIN school_measures m
  ON m.urn = p.urn AND m.time_period = p.time_period AND m.measure = f.source_measure
 AND m.pupil_group = 'all' AND m.value IS NOT NULL
ORDER BY p.key_stage, p.time_period, p.urn, f.field, f.source_rank;
