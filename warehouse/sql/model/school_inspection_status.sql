-- Each school's inspection position as at each model year's as-at date: the latest inspection that ended
-- on or before it, and the latest *graded* one (legacy with an overall grade, any 2024/25 inspection, any
-- report card). Eras are kept apart, never converted (engineering notes). Feeds bands and rules I1-I3, T1-T2.
CREATE OR REPLACE TABLE school_inspection_status AS
WITH insp AS (
    SELECT i.*, coalesce(i.inspection_end, i.inspection_start) AS ended
    FROM inspections i
),
graded AS (
    SELECT * FROM insp
    WHERE era <> 'legacy' OR overall_effectiveness IS NOT NULL OR category_of_concern IS NOT NULL
),
latest_any AS (
    SELECT sy.urn, sy.time_period, arg_max(i.safeguarding, i.ended) AS safeguarding,
           max(i.ended) AS latest_inspection_end
    FROM school_years sy JOIN insp i ON i.urn = sy.urn AND i.ended <= sy.as_at
    GROUP BY ALL
),
latest_graded AS (
    SELECT sy.urn, sy.time_period, sy.as_at,
           arg_max(g.inspection_id, g.ended) AS inspection_id,
           arg_max(g.era, g.ended) AS era,
           max(g.ended) AS graded_inspection_end,
           arg_max(g.overall_effectiveness, g.ended) AS overall_effectiveness,
           arg_max(g.category_of_concern, g.ended) AS category_of_concern
    FROM school_years sy JOIN graded g ON g.urn = sy.urn AND g.ended <= sy.as_at
    GROUP BY ALL
),
judgements AS (
    SELECT lg.urn, lg.time_period,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade = getvariable('rules_report_card_urgent')) AS urgent_areas,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade = getvariable('rules_report_card_needs_attention')) AS needs_attention_areas,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade_scale = 'four_point' AND trim(j.grade) = '4') AS grade4_areas,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade_scale = 'four_point' AND trim(j.grade) = '3') AS grade3_areas
    FROM latest_graded lg
    JOIN inspection_judgements j
      ON j.urn = lg.urn AND j.era = lg.era
     AND (j.inspection_id = lg.inspection_id OR (j.inspection_id IS NULL AND j.inspection_end = lg.graded_inspection_end))
    GROUP BY ALL
)
SELECT sy.urn, sy.time_period, sy.as_at,
       lg.inspection_id, lg.era, lg.graded_inspection_end, lg.overall_effectiveness, lg.category_of_concern,
       coalesce(j.urgent_areas, []) AS urgent_areas,
       coalesce(j.needs_attention_areas, []) AS needs_attention_areas,
       CASE WHEN lg.era = 'sub_judgements_2024' THEN coalesce(j.grade4_areas, []) ELSE [] END AS grade4_areas,
       CASE WHEN lg.era = 'sub_judgements_2024' THEN coalesce(j.grade3_areas, []) ELSE [] END AS grade3_areas,
       la.latest_inspection_end, la.safeguarding,
       coalesce(list_contains(getvariable('rules_safeguarding_failed'), lower(trim(la.safeguarding))), FALSE) AS safeguarding_failed,
       coalesce((lg.era = 'legacy' AND lg.overall_effectiveness = 4), FALSE)
         OR coalesce(list_contains(getvariable('rules_inadequate_categories'), upper(trim(lg.category_of_concern))), FALSE)
         OR coalesce(lg.era = 'sub_judgements_2024' AND len(coalesce(j.grade4_areas, [])) > 0, FALSE) AS inadequate,
       coalesce((lg.era = 'legacy' AND lg.overall_effectiveness = 3), FALSE)
         OR coalesce(lg.era = 'sub_judgements_2024' AND len(coalesce(j.grade3_areas, [])) > 0, FALSE) AS requires_improvement
FROM school_years sy
LEFT JOIN latest_graded lg USING (urn, time_period)
LEFT JOIN judgements j USING (urn, time_period)
LEFT JOIN latest_any la USING (urn, time_period)
ORDER BY sy.urn, sy.time_period;
