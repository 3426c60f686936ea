-- Support category per school and year (decision 11): intensive if any intensive reason, else targeted if
-- any targeted reason, else universal. Academies: raise concerns with the DfE, never intervene (domain).
-- governor_reasons replaces every confidential reason by one generic line (decision 16).
CREATE OR REPLACE TABLE support_category AS
WITH agg AS (
    SELECT urn, time_period,
           bool_or(level = 'intensive') AS any_intensive,
           list(reason ORDER BY CASE level WHEN 'intensive' THEN 0 ELSE 1 END, rule_id, key_stage) AS reasons,
           list(reason ORDER BY CASE level WHEN 'intensive' THEN 0 ELSE 1 END, rule_id, key_stage)
             FILTER (WHERE NOT confidential) AS open_reasons,
           bool_or(confidential) AS any_confidential,
           list(DISTINCT rule_id ORDER BY rule_id) AS rule_ids
    FROM support_reasons GROUP BY urn, time_period
),
cat AS (
    SELECT sy.urn, sy.time_period, sy.as_at, sy.la_code, sy.phase, sy.is_academy,
           CASE WHEN a.any_intensive THEN 'intensive' WHEN a.urn IS NOT NULL THEN 'targeted' ELSE 'universal' END AS category,
           coalesce(a.reasons, []) AS reasons,
           coalesce(a.rule_ids, []) AS rule_ids,
           coalesce(a.open_reasons, [])
             || CASE WHEN a.any_confidential THEN [getvariable('actions_confidential_line')] ELSE [] END AS governor_reasons
    FROM school_years sy LEFT JOIN agg a USING (urn, time_period)
)
SELECT urn, time_period, la_code, phase, category, reasons, governor_reasons, rule_ids, is_academy,
       CASE WHEN category = 'universal' THEN getvariable('actions_universal')
            WHEN is_academy THEN getvariable('actions_academy_concern')
            WHEN category = 'intensive' THEN getvariable('actions_intensive_maintained')
            ELSE getvariable('actions_targeted_maintained') END AS recommended_action,
       as_at
FROM cat
ORDER BY urn, time_period;
