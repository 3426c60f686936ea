-- Support category per school and year (decision 11 revised): intensive if any intensive reason, else
-- targeted if any targeted reason (watch signals never count alone; two independent ones make reason T5),
-- else universal; 'not categorised' only where the school has no results, absence, inspection or council
-- intelligence at all (input_coverage), with the reason. Academies: raise concerns with the DfE, never
-- intervene (domain). Governor columns replace every confidential item by one generic line (decision 16).
-- Within a category, rank_in_category 1 is the first visit: evidence_score = the reasons' and watch
-- signals' evidence (support_reasons.evidence) + a bonus per independent source beyond the first.
-- 'Requires improvement (...)' -> 'requires improvement (...)' after 'and'; 'KS2 ...' stays as it is.
CREATE OR REPLACE TEMP MACRO lower_first(h) AS
    CASE WHEN substr(h, 2, 1) = lower(substr(h, 2, 1)) THEN lower(left(h, 1)) || substr(h, 2) ELSE h END;
CREATE OR REPLACE TABLE support_category AS
WITH r AS (
    SELECT *, CASE kind WHEN 'intensive' THEN 0 WHEN 'targeted' THEN 1 ELSE 2 END AS kind_order,
           upper(left(headline, 1)) || substr(headline, 2) AS cap_headline
    FROM support_reasons
),
reason_lists AS (  -- each school-year's reasons and watch signals sorted once, as the lists below list them
    SELECT urn, time_period,
           bool_or(kind = 'intensive') AS any_intensive,
           bool_or(kind = 'targeted') AS any_targeted,
           -- a struct list sorts by its fields in turn: (kind, evidence descending, rule, key stage), which
           -- no two reasons of a school-year share (contract: unique per rule and key stage). Sorting
           -- each list once here replaces eleven aggregates' ORDER BY, which sorted every group on its
           -- own (~2 CPU s at national size)
           list_sort(list({'kind_order': kind_order, 'evidence_desc': -evidence, 'rule_id': rule_id,
                           'key_stage': key_stage, 'watch': kind = 'watch', 'confidential': confidential,
                           'reason': reason, 'source': source, 'headline': headline})) AS sorted,
           bool_or(confidential AND kind <> 'watch') AS confidential_reason,
           bool_or(confidential AND kind = 'watch') AS confidential_watch,
           -- the strongest reason, and the strongest one from another source (for the one-sentence summary)
           arg_min(cap_headline, (kind_order, -evidence, rule_id)) FILTER (WHERE kind <> 'watch') AS top_headline,
           arg_min(rule_id, (kind_order, -evidence, rule_id)) FILTER (WHERE kind <> 'watch') AS top_rule,
           arg_min(source, (kind_order, -evidence, rule_id)) FILTER (WHERE kind <> 'watch') AS top_source,
           arg_min(cap_headline, (kind_order, -evidence, rule_id)) FILTER (WHERE kind <> 'watch' AND NOT confidential) AS top_open_headline,
           arg_min(rule_id, (kind_order, -evidence, rule_id)) FILTER (WHERE kind <> 'watch' AND NOT confidential) AS top_open_rule,
           arg_min(source, (kind_order, -evidence, rule_id)) FILTER (WHERE kind <> 'watch' AND NOT confidential) AS top_open_source,
           arg_max(headline, evidence) FILTER (WHERE kind = 'watch') AS top_watch,
           arg_max(headline, evidence) FILTER (WHERE kind = 'watch' AND NOT confidential) AS top_open_watch,
           sum(evidence) AS evidence_sum,
           count(DISTINCT source) AS n_sources
    FROM r GROUP BY urn, time_period
),
reason_parts AS (
    SELECT * EXCLUDE (sorted),
           list_filter(sorted, lambda x: NOT x.watch) AS not_watch,
           list_filter(sorted, lambda x: NOT x.watch AND NOT x.confidential) AS open_not_watch,
           list_filter(sorted, lambda x: x.watch) AS watch,
           list_filter(sorted, lambda x: x.watch AND NOT x.confidential) AS open_watch_
    FROM reason_lists
),
agg AS (  -- a list with nothing in it is NULL, as list() over no rows
    SELECT urn, time_period, any_intensive, any_targeted,
           CASE WHEN len(not_watch) > 0 THEN list_transform(not_watch, lambda x: x.reason) END AS reasons,
           CASE WHEN len(open_not_watch) > 0 THEN list_transform(open_not_watch, lambda x: x.reason) END AS open_reasons,
           confidential_reason,
           CASE WHEN len(watch) > 0 THEN list_transform(watch, lambda x: x.reason) END AS watch_flags,
           CASE WHEN len(open_watch_) > 0 THEN list_transform(open_watch_, lambda x: x.reason) END AS open_watch,
           confidential_watch,
           CASE WHEN len(not_watch) > 0 THEN list_sort(list_distinct(list_transform(not_watch, lambda x: x.rule_id))) END AS rule_ids,
           CASE WHEN len(watch) > 0 THEN list_sort(list_distinct(list_transform(watch, lambda x: x.rule_id))) END AS watch_rule_ids,
           top_headline, top_rule, top_source, top_open_headline, top_open_rule, top_open_source,
           CASE WHEN len(not_watch) > 0
                THEN list_transform(not_watch, lambda x: struct_pack(source := x.source, headline := x.headline,
                                                                     confidential := x.confidential, rule_id := x.rule_id)) END AS ranked,
           top_watch, top_open_watch, evidence_sum, n_sources
    FROM reason_parts
),
second AS (  -- the strongest reason from a source other than the strongest reason's
    SELECT urn, time_period,
           list_filter(ranked, lambda x: x.source <> top_source AND x.rule_id NOT IN ('I6_requires_improvement_declining', 'T5_independent_signals'))[1].headline AS second_headline,
           list_filter(ranked, lambda x: x.source <> top_open_source AND NOT x.confidential
                                         AND x.rule_id NOT IN ('I6_requires_improvement_declining', 'T5_independent_signals'))[1].headline AS second_open_headline
    FROM agg
),
replaced AS (  -- the schools a school replaced (core school_lineage, generation 1), in words
    SELECT urn, count(*) AS n_replaced,
           string_agg(coalesce(predecessor_name, 'a school') || ' (URN ' || predecessor_urn || ', ' || change || ')',
                      ' and ' ORDER BY predecessor_urn) AS replaced_words
    FROM school_lineage WHERE generation = 1 GROUP BY urn
),
ranks AS (  -- each school-year's category and place in it, ranked on these few columns (a window
            -- over the worded rows below carried their lists and sentences through its sort)
    SELECT urn, time_period, category, evidence_score,
           CAST(row_number() OVER (PARTITION BY time_period, la_code, category ORDER BY evidence_score DESC, urn) AS INTEGER)
             AS rank_in_category
    FROM (
        SELECT sy.urn, sy.time_period, sy.la_code,
               CASE WHEN a.any_intensive THEN 'intensive'
                    WHEN a.any_targeted THEN 'targeted'
                    WHEN c.not_categorised THEN 'not categorised'
                    ELSE 'universal' END AS category,
               round(coalesce(a.evidence_sum, 0) + getvariable('rules_evidence_source_bonus') * greatest(coalesce(a.n_sources, 0) - 1, 0), 2)
                 AS evidence_score
        FROM school_years sy
        JOIN input_coverage c USING (urn, time_period)
        LEFT JOIN agg a USING (urn, time_period)
    )
),
cat AS (
    SELECT sy.urn, sy.time_period, sy.as_at, sy.la_code, sy.phase, sy.is_academy, c.rules_not_applied,
           c.not_categorised AS nc,
           i.judgement_words || ' (' || i.when_words || ')' AS inspection_words,
           k.category, k.evidence_score, k.rank_in_category,
           a.*  EXCLUDE (urn, time_period), s.second_headline, s.second_open_headline,
           coalesce(sc.in_gias, FALSE) AS in_gias, sc.open_date, rp.n_replaced, rp.replaced_words
    FROM school_years sy
    JOIN input_coverage c USING (urn, time_period)
    JOIN ranks k USING (urn, time_period)
    LEFT JOIN school_inspection_status i USING (urn, time_period)
    LEFT JOIN agg a USING (urn, time_period)
    LEFT JOIN second s USING (urn, time_period)
    LEFT JOIN schools sc USING (urn)
    LEFT JOIN replaced rp USING (urn)
),
worded AS (
    SELECT *,
        CASE WHEN category = 'not categorised'
             THEN 'Not categorised: no results, absence figures, inspection or council intelligence are loaded for this school'
                  || ' as at ' || strftime(as_at, '%-d %B %Y')
                  -- why, where the files say: a school only the published files name, or one that
                  -- opened in or after this school year (a new URN: what it replaced keeps its own)
                  || CASE WHEN NOT in_gias
                          THEN '. It is not in the GIAS file loaded, so whether it is open, and its district, are not known'
                          WHEN open_date >= make_date(CAST(time_period // 100 AS BIGINT), 9, 1)
                          THEN '. It opened on ' || strftime(open_date, '%-d %B %Y')
                               || coalesce(', replacing ' || replaced_words || '; figures from before then are under '
                                           || CASE WHEN n_replaced = 1 THEN 'that URN' ELSE 'those URNs' END, '')
                          ELSE '' END
             END AS not_categorised_reason,
        CASE WHEN top_rule IN ('I6_requires_improvement_declining', 'T5_independent_signals') OR second_headline IS NULL
             THEN top_headline ELSE top_headline || ' and ' || lower_first(second_headline) END AS reason_sentence,
        CASE WHEN top_open_rule IN ('I6_requires_improvement_declining', 'T5_independent_signals') OR second_open_headline IS NULL
             THEN top_open_headline ELSE top_open_headline || ' and ' || lower_first(second_open_headline) END AS open_sentence
    FROM cat
)
SELECT urn, time_period, la_code, phase, category,
       CASE category
         WHEN 'not categorised' THEN not_categorised_reason
         WHEN 'universal' THEN
           CASE WHEN top_watch IS NOT NULL THEN 'Universal support; watch: ' || top_watch
                ELSE 'Universal support: no rule for targeted or intensive support applies'
                     || coalesce('; latest inspection: ' || inspection_words, '') END
         ELSE reason_sentence END AS summary,
       CASE category
         WHEN 'not categorised' THEN not_categorised_reason
         WHEN 'universal' THEN
           CASE WHEN top_open_watch IS NOT NULL THEN 'Universal support; watch: ' || top_open_watch
                ELSE 'Universal support: no rule for targeted or intensive support applies'
                     || coalesce('; latest inspection: ' || inspection_words, '') END
         ELSE coalesce(open_sentence, upper(left(category, 1)) || substr(category, 2) || ' support: '
                       || getvariable('actions_confidential_line')) END AS governor_summary,
       coalesce(reasons, []) AS reasons,
       coalesce(open_reasons, [])
         || CASE WHEN confidential_reason THEN [getvariable('actions_confidential_line')] ELSE [] END AS governor_reasons,
       coalesce(watch_flags, []) AS watch_flags,
       coalesce(open_watch, [])
         || CASE WHEN confidential_watch AND NOT coalesce(confidential_reason, FALSE)
                 THEN [getvariable('actions_confidential_line')] ELSE [] END AS governor_watch_flags,
       coalesce(rule_ids, []) AS rule_ids,
       coalesce(watch_rule_ids, []) AS watch_rule_ids,
       evidence_score,
       rank_in_category,
       rules_not_applied,
       not_categorised_reason,
       is_academy,
       CASE WHEN category = 'not categorised' THEN getvariable('actions_not_categorised')
            WHEN category = 'universal' AND watch_flags IS NOT NULL THEN getvariable('actions_universal_watch')
            WHEN category = 'universal' THEN getvariable('actions_universal')
            WHEN is_academy THEN getvariable('actions_academy_concern')
            WHEN category = 'intensive' THEN getvariable('actions_intensive_maintained')
            ELSE getvariable('actions_targeted_maintained') END AS recommended_action,
       as_at
FROM worded
ORDER BY urn, time_period;
