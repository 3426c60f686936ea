-- One national figure per (time_period, key_stage, measure, pupil_group, phase_scope), so every model
-- comparison joins exactly one row. national_measures may hold several scopes: for performance measures
-- the preferred one is state_funded, then all_schools, then maintained (decision 8); census and absence
-- publish per phase (state_funded_primary / _secondary / _special), kept as phase_scope primary /
-- secondary / special beside an 'all' row.
-- Used by the model files after this one. The published precision of a measure (warehouse/figures.toml):
-- KS2/KS4 percentages whole; census and absence percentages, Attainment 8 and scaled scores one
-- decimal; progress scores two (Progress 8 as published, the KS2 mean one more than published).
-- (LIKE, not a regular expression: it runs on every row of group_gaps and school_bands. 'ks2\_%\_pct'
-- is what '^ks[24]_.*_pct$' says: the two underscores are distinct characters.)
CREATE OR REPLACE MACRO published_decimals(measure) AS
    CASE WHEN measure LIKE 'ks2\_%\_pct' ESCAPE '\' OR measure LIKE 'ks4\_%\_pct' ESCAPE '\' THEN 0
         WHEN measure LIKE '%_pct' OR measure IN ('ks4_attainment8') OR measure LIKE '%_scaled_score' THEN 1
         ELSE 2 END;
-- A figure rounded to its published precision (+ 0.0: never -0.0), and as text ('54%', '+0.46').
CREATE OR REPLACE MACRO published_round(measure, x) AS
    CASE published_decimals(measure) WHEN 0 THEN round(x, 0) WHEN 1 THEN round(x, 1) ELSE round(x, 2) END + 0.0;
CREATE OR REPLACE MACRO published_text(measure, x, signed := FALSE) AS
    CASE WHEN signed AND published_round(measure, x) > 0 THEN '+' ELSE '' END
    || CASE published_decimals(measure) WHEN 0 THEN printf('%.0f', published_round(measure, x))
                                        WHEN 1 THEN printf('%.1f', published_round(measure, x))
                                        ELSE printf('%.2f', published_round(measure, x)) END
    || CASE WHEN measure LIKE '%_pct' THEN '%' ELSE '' END;

CREATE OR REPLACE TABLE national_reference AS
WITH scoped AS (
    SELECT *,
           CASE WHEN national_scope LIKE 'state_funded_%' THEN substr(national_scope, length('state_funded_') + 1)
                ELSE 'all' END AS phase_scope,
           CASE national_scope WHEN 'state_funded' THEN 1 WHEN 'all_schools' THEN 2 WHEN 'maintained' THEN 3 ELSE 4 END AS preference
    FROM national_measures
)
SELECT time_period, key_stage, measure, pupil_group, phase_scope, value, status_code, ci_lower, ci_upper, cohort,
       national_scope
FROM scoped
QUALIFY row_number() OVER (PARTITION BY time_period, key_stage, measure, pupil_group, phase_scope
                           ORDER BY preference, national_scope) = 1;
