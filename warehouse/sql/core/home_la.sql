-- The council this warehouse serves ("the county"): the LA of a loaded county boundary; else the LA
-- whose GIAS establishments carry districts (a council loads its own GIAS extract, while national
-- files bring every other LA); else the LA with the most schools. One row; every page that says
-- "the county" or "the LA" reads it, so they can never disagree.
CREATE OR REPLACE TABLE home_la AS
WITH source AS (
    SELECT 1 AS priority, min(la_code) AS la_code, 'county boundary' AS chosen_by
    FROM boundaries WHERE kind = 'county' AND la_code IS NOT NULL
    HAVING min(la_code) IS NOT NULL
    UNION ALL
    SELECT 2, la_code, 'most GIAS schools with a district'
    FROM (
        SELECT la_code, count(*) AS n FROM schools
        WHERE in_gias AND district IS NOT NULL AND la_code IS NOT NULL
        GROUP BY la_code ORDER BY n DESC, la_code LIMIT 1
    )
    UNION ALL
    SELECT 3, la_code, 'most schools'
    FROM (
        SELECT la_code, count(*) AS n FROM schools WHERE la_code IS NOT NULL
        GROUP BY la_code ORDER BY n DESC, la_code LIMIT 1
    )
)
SELECT s.la_code,
       coalesce((SELECT any_value(la_name) FROM schools WHERE la_code = s.la_code AND la_name IS NOT NULL),
                'LA ' || s.la_code) AS la_name,
       s.chosen_by
FROM source s
ORDER BY s.priority
LIMIT 1;
