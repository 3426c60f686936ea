-- Which schools each achievement score is compared with (decision 9): per key stage and year, whether
-- the set is national, how many schools it holds and, for a set of loaded schools, which LAs they
-- belong to, so a caption says "among the 309 schools loaded (Hampshire)", never "nationally".
SELECT a.key_stage, a.time_period,
       bool_and(a.band_basis = 'national') AS is_national,
       count(*) AS n_schools,
       list(DISTINCT coalesce(s.la_name, 'LA ' || CAST(a.la_code AS VARCHAR)) ORDER BY coalesce(s.la_name, 'LA ' || CAST(a.la_code AS VARCHAR))) AS la_names
FROM achievement a
LEFT JOIN schools s USING (urn)
WHERE a.achievement_score IS NOT NULL
GROUP BY ALL
ORDER BY a.key_stage, a.time_period
