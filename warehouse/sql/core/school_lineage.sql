-- school_lineage: each school's chain of predecessors (generation 1 = the school it replaced, 2 = that
-- school's predecessor, ...), from school_links read in both directions (a link published only on
-- the successor's row, or only on the predecessor's, counts once). change says what happened:
-- amalgamation, academy conversion, re-opening (a new URN for the same school, e.g. an academy moving
-- trust), or other. Pages say "Converted to academy on DATE; figures before that are for URN N";
-- trends mark points that are a predecessor's (trends.from_urn), never joined silently.
CREATE OR REPLACE TABLE school_lineage AS
WITH RECURSIVE edges AS (
    SELECT
        successor_urn,
        predecessor_urn,
        arg_max(link_type, length(link_type)) AS link_type,
        max(link_date) AS link_date
    FROM (
        SELECT urn AS successor_urn, linked_urn AS predecessor_urn, link_type, link_date
        FROM school_links WHERE direction = 'predecessor'
        UNION ALL
        SELECT linked_urn, urn, link_type, link_date
        FROM school_links WHERE direction = 'successor'
    )
    GROUP BY ALL
),

counted AS (
    -- a school that replaced two or more schools at once (infant and junior into a primary) amalgamated
    SELECT *, count(*) OVER (PARTITION BY successor_urn, link_date) AS n_replaced FROM edges
),

chain AS (
    SELECT successor_urn AS urn, successor_urn AS via_urn, predecessor_urn, 1 AS generation,
           link_type, link_date, n_replaced
    FROM counted
    UNION ALL
    SELECT c.urn, e.successor_urn, e.predecessor_urn, c.generation + 1, e.link_type, e.link_date,
           e.n_replaced
    FROM chain AS c
    JOIN counted AS e ON e.successor_urn = c.predecessor_urn
    WHERE c.generation < 10 AND e.predecessor_urn <> c.urn
)

SELECT
    c.urn,
    c.predecessor_urn,
    c.via_urn,
    c.generation,
    c.link_type,
    c.link_date,
    CASE
        WHEN lower(c.link_type) LIKE '%amalgamat%' OR lower(c.link_type) LIKE '%merge%'
            OR c.n_replaced > 1 THEN 'amalgamation'
        WHEN lower(c.link_type) LIKE '%split%' THEN 'split'
        WHEN coalesce(succ.is_academy, false) AND NOT coalesce(pred.is_academy, false) THEN 'academy conversion'
        WHEN lower(c.link_type) IN ('predecessor', 'successor') THEN 're-opening'
        ELSE 'other'
    END AS change,
    pred.name AS predecessor_name
FROM chain AS c
LEFT JOIN schools AS succ ON succ.urn = c.via_urn
LEFT JOIN schools AS pred ON pred.urn = c.predecessor_urn
QUALIFY row_number() OVER (PARTITION BY c.urn, c.predecessor_urn ORDER BY c.generation) = 1
ORDER BY c.urn, c.generation, c.predecessor_urn;
