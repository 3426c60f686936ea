-- Each school's inspection position as at each model year's as-at date: the latest inspection that ended
-- on or before it, the latest *graded* one (legacy with an overall grade, any 2024/25 inspection, any
-- report card) and the graded one before it. Eras are kept apart, never converted (engineering notes).
-- "Below Good" per era (docs/method.md section 4, "stuck" schools): legacy overall effectiveness 3 or 4 or
-- a category of concern; 2024/25 any sub-judgement 3 or 4; report card any area "Needs attention" or
-- "Urgent improvement". Feeds bands and rules I1-I3, I6, T1, T2, T6 and watch signal W6.
CREATE OR REPLACE TABLE school_inspection_status AS
WITH insp AS (
    SELECT i.*, coalesce(i.inspection_end, i.inspection_start) AS ended
    FROM inspections i
),
graded AS (
    SELECT * FROM insp
    WHERE era <> 'legacy' OR overall_effectiveness IS NOT NULL OR category_of_concern IS NOT NULL
),
graded_judgements AS (  -- each graded inspection's areas by grade
    SELECT g.urn, g.inspection_id, g.era, g.ended,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade = getvariable('rules_report_card_urgent')) AS urgent_areas,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade = getvariable('rules_report_card_needs_attention')) AS needs_attention_areas,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade_scale = 'four_point' AND trim(j.grade) = '4') AS grade4_areas,
        list(DISTINCT j.area ORDER BY j.area) FILTER (WHERE j.grade_scale = 'four_point' AND trim(j.grade) = '3') AS grade3_areas
    FROM graded g
    JOIN inspection_judgements j
      ON j.urn = g.urn AND j.era = g.era
     AND (j.inspection_id = g.inspection_id OR (j.inspection_id IS NULL AND j.inspection_end = g.ended))
    GROUP BY ALL
),
graded_rated AS (
    SELECT g.*,
           coalesce(j.urgent_areas, []) AS urgent_areas,
           coalesce(j.needs_attention_areas, []) AS needs_attention_areas,
           CASE WHEN g.era = 'sub_judgements_2024' THEN coalesce(j.grade4_areas, []) ELSE [] END AS grade4_areas,
           CASE WHEN g.era = 'sub_judgements_2024' THEN coalesce(j.grade3_areas, []) ELSE [] END AS grade3_areas
    FROM graded g
    LEFT JOIN graded_judgements j
      ON j.urn = g.urn AND j.era = g.era AND j.ended = g.ended
     AND j.inspection_id IS NOT DISTINCT FROM g.inspection_id
),
graded_below AS (
    SELECT *,
           coalesce(era = 'legacy' AND overall_effectiveness = 4, FALSE)
             OR coalesce(list_contains(getvariable('rules_inadequate_categories'), upper(trim(category_of_concern))), FALSE)
             OR (era = 'sub_judgements_2024' AND len(grade4_areas) > 0) AS inadequate,
           coalesce(era = 'legacy' AND overall_effectiveness = 3, FALSE)
             OR (era = 'sub_judgements_2024' AND len(grade3_areas) > 0) AS requires_improvement,
           coalesce(era = 'legacy' AND overall_effectiveness IN (3, 4), FALSE)
             OR coalesce(list_contains(getvariable('rules_inadequate_categories'), upper(trim(category_of_concern))), FALSE)
             OR len(grade3_areas) + len(grade4_areas) + len(urgent_areas) + len(needs_attention_areas) > 0 AS below_good,
           -- the judgement in people's words, for reasons and summaries
           CASE WHEN era = 'legacy' THEN
                     CASE overall_effectiveness WHEN 1 THEN 'Outstanding' WHEN 2 THEN 'Good'
                          WHEN 3 THEN 'Requires improvement' WHEN 4 THEN 'Inadequate' END
                     || CASE upper(trim(coalesce(category_of_concern, '')))
                             WHEN 'SM' THEN CASE WHEN overall_effectiveness IS NULL THEN 'Special Measures' ELSE ': Special Measures' END
                             WHEN 'SWK' THEN CASE WHEN overall_effectiveness IS NULL THEN 'Serious Weaknesses' ELSE ': Serious Weaknesses' END
                             ELSE '' END
                WHEN len(grade4_areas) > 0 THEN 'Inadequate in ' || array_to_string(list_transform(grade4_areas, lambda a: replace(a, '_', ' ')), ', ')
                WHEN len(urgent_areas) > 0 THEN 'Urgent improvement in ' || array_to_string(list_transform(urgent_areas, lambda a: replace(a, '_', ' ')), ', ')
                WHEN len(grade3_areas) > 0 THEN 'Requires improvement in ' || array_to_string(list_transform(grade3_areas, lambda a: replace(a, '_', ' ')), ', ')
                WHEN len(needs_attention_areas) > 0 THEN 'Needs attention in ' || array_to_string(list_transform(needs_attention_areas, lambda a: replace(a, '_', ' ')), ', ')
                WHEN era = 'report_card' THEN 'no area below expected standard'
                ELSE 'no sub-judgement below Good' END AS judgement_words,
           CASE era WHEN 'report_card' THEN 'Ofsted report card' ELSE 'Ofsted' END || ', ' || strftime(ended, '%B %Y') AS when_words
    FROM graded_rated
),
latest_any AS (
    SELECT sy.urn, sy.time_period, arg_max(i.safeguarding, i.ended) AS safeguarding,
           max(i.ended) AS latest_inspection_end
    FROM school_years sy JOIN insp i ON i.urn = sy.urn AND i.ended <= sy.as_at
    GROUP BY ALL
),
ranked AS (
    SELECT sy.urn, sy.time_period, g.*  EXCLUDE (urn),
           row_number() OVER (PARTITION BY sy.urn, sy.time_period ORDER BY g.ended DESC, g.inspection_id DESC) AS n
    FROM school_years sy JOIN graded_below g ON g.urn = sy.urn AND g.ended <= sy.as_at
),
lg AS (SELECT * FROM ranked WHERE n = 1),
pg AS (SELECT * FROM ranked WHERE n = 2)
SELECT sy.urn, sy.time_period, sy.as_at,
       lg.inspection_id, lg.era, lg.ended AS graded_inspection_end, lg.overall_effectiveness, lg.category_of_concern,
       coalesce(lg.urgent_areas, []) AS urgent_areas,
       coalesce(lg.needs_attention_areas, []) AS needs_attention_areas,
       coalesce(lg.grade4_areas, []) AS grade4_areas,
       coalesce(lg.grade3_areas, []) AS grade3_areas,
       la.latest_inspection_end, la.safeguarding,
       coalesce(list_contains(getvariable('rules_safeguarding_failed'), lower(trim(la.safeguarding))), FALSE) AS safeguarding_failed,
       coalesce(lg.inadequate, FALSE) AS inadequate,
       coalesce(lg.requires_improvement, FALSE) AS requires_improvement,
       coalesce(lg.below_good, FALSE) AS below_good,
       lg.judgement_words, lg.when_words,
       pg.era AS previous_era, pg.ended AS previous_graded_inspection_end,
       coalesce(pg.below_good, FALSE) AS previous_below_good,
       pg.judgement_words AS previous_judgement_words, pg.when_words AS previous_when_words,
       coalesce(lg.below_good AND pg.below_good, FALSE) AS stuck
FROM school_years sy
LEFT JOIN lg USING (urn, time_period)
LEFT JOIN pg USING (urn, time_period)
LEFT JOIN latest_any la USING (urn, time_period)
ORDER BY sy.urn, sy.time_period;
