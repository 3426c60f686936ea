-- One national figure per (time_period, key_stage, measure, pupil_group, phase_scope), so every model
-- comparison joins exactly one row. national_measures may hold several scopes: for performance measures
-- the preferred one is state_funded, then all_schools, then maintained (decision 8); census and absence
-- publish per phase (state_funded_primary / _secondary / _special), kept as phase_scope primary /
-- secondary / special beside an 'all' row.
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
