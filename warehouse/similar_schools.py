"""Similar-schools groups (issue 22): each school's nearest schools of the same key stage and year on
published context, found with numpy because SQL is too slow at national size.

A step of the model (``python:warehouse.similar_schools`` in warehouse/sql/model/order.txt), run after
similar_schools.sql has written the pool and every school's context values. For each pool (key stage
and year):

1. each setting field takes its first source measure that at least ``min_field_coverage`` of the pool
   has (similar_field_sources); a field with no such source is left out, and the basis says so;
2. each field is standardised across the pool (z = (value - mean) / population sd); a school missing a
   used field sits at the pool mean for it (z = 0, ``imputed``);
3. distance between two schools = sqrt(sum over fields of weight x (z_a - z_b)^2);
4. the group is the ``group_size`` nearest other schools, ties broken by the lower URN.

Writes similar_school_features, similar_school_groups and similar_school_pools (warehouse/contract_model.yml).
Settings come from the DuckDB variables ``similar_schools_*`` that warehouse.model_settings.apply set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

# Squared distances are compared at this many decimals (far finer than any published figure's z).
DECIMALS = 9
# Points per leaf of the k-d tree: 32 queries ~15% faster than scipy's 16 on pools of 500-2,000
# schools; the groups do not depend on it (every candidate is measured exactly, nearest()).
LEAF_SIZE = 32
# Candidates of each school from the k-d tree beyond the k it needs (nearest()).
CANDIDATE_SLACK = 8
# The tree's distances carry rounding error far below this share of the largest squared norm; a
# school is re-searched unless its last candidate is beyond its exact k-th by more than it.
CANDIDATE_MARGIN = 1e-5

FIELD_LABELS = {
    "prior_low_pct": "low prior attainment %",
    "prior_high_pct": "high prior attainment %",
    "prior_ks2_aps": "KS2 average point score of the cohort",
    "disadvantaged_pct": "disadvantaged %",
    "eal_pct": "English as an additional language %",
    "sen_support_pct": "SEN support %",
    "ehcp_pct": "EHC plan %",
    "pupils": "pupils in the cohort",
}


def _var(con, name: str):
    return con.execute(f"SELECT getvariable('{name}')").fetchone()[0]


def nearest(z: np.ndarray, weights: np.ndarray, urns: np.ndarray, k: int):
    """For each row of ``z`` (schools x fields, standardised) its ``k`` nearest other rows.

    Returns (row index, neighbour index, distance, rank 1..k) arrays. Ties at equal distance go to the
    lower URN, so the result never depends on the order of the rows.

    Candidates come from a k-d tree on the weighted z (the ``k + CANDIDATE_SLACK`` nearest of each
    school, fast but with floating-point rounding); every candidate is then measured exactly,
    sum of weight x (z_a - z_b)^2, rounded to DECIMALS, so equal context always means equal distance
    and the order is exact. A school whose candidates might not hold every school as near as its k-th
    (ties at the edge: schools with the same context) gets every school within that distance from the
    tree instead, so no true neighbour is ever missed."""
    n = z.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=float), empty
    zs = z * np.sqrt(weights)
    tree = cKDTree(zs, leafsize=LEAF_SIZE)
    q = min(k + 1 + CANDIDATE_SLACK, n)  # + 1: the school itself
    # every core: a query's answers do not depend on how many threads share the rows
    far, cand = tree.query(zs, k=q, workers=-1)
    c_top, d_top = _exact_rows(z, weights, cand, urns, k)
    r_all = np.repeat(np.arange(n), k)
    c_all, d_all = c_top.reshape(-1), d_top.reshape(-1)
    # The exact k-th of each school, against the tree's distance to its last candidate: a school
    # outside the candidates is at least that far, so when the last candidate is clearly beyond the
    # k-th (by more than any rounding), the k nearest are all among the candidates.
    kth = d_top[:, -1]
    edge = far[:, -1] ** 2
    margin = CANDIDATE_MARGIN * (1.0 + 2.0 * float((zs * zs).sum(axis=1).max(initial=0.0)))
    unsure = np.nonzero((q < n) & ~(edge > kth + margin))[0]
    if len(unsure):
        near = tree.query_ball_point(zs[unsure], r=np.sqrt(kth[unsure] + margin) + 1e-9, workers=-1)
        rows2 = np.concatenate([np.full(len(x), i) for i, x in zip(unsure, near, strict=True)])
        cols2 = np.concatenate([np.asarray(x, dtype=np.int64) for x in near])
        r2, c2, d2 = _exact(z, weights, rows2, cols2, urns, k)
        keep = ~np.isin(r_all, unsure)
        r_all = np.concatenate([r_all[keep], r2])
        c_all = np.concatenate([c_all[keep], c2])
        d_all = np.concatenate([d_all[keep], d2])
        order = np.argsort(r_all, kind="stable")
        r_all, c_all, d_all = r_all[order], c_all[order], d_all[order]
    first = np.searchsorted(r_all, r_all, side="left")
    rank = np.arange(len(r_all)) - first + 1
    return r_all, c_all, np.sqrt(d_all), rank


# Schools measured at a time in _exact_rows: bounds the candidates' differences held in memory
# (rows x candidates x fields doubles) to a few MB whatever the pool's size.
CHUNK_ROWS = 4096


def _exact_rows(z, weights, cand, urns, k):
    """_exact for the tree's candidates, which are the same number (q) for every row: the k nearest
    of each row by the exact squared distance rounded to DECIMALS, then the lower URN, the row itself
    left out. Works on the rows x q matrix a chunk of rows at a time (each row sorted on its own),
    so neither the candidate pairs nor their differences are ever held for the whole pool.
    Returns (columns, squared distances), each rows x k."""
    n, q = cand.shape
    cols_out = np.empty((n, k), dtype=np.int64)
    dd_out = np.empty((n, k), dtype=float)
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        c = cand[start:stop]
        # the same arithmetic as _exact, one (row, candidate) pair per element
        diff = z[start:stop, None, :] - z[c]
        dd = np.round((diff * diff * weights).sum(axis=-1), DECIMALS)
        dd[c == np.arange(start, stop)[:, None]] = np.inf  # the row itself sorts last
        order = np.lexsort((urns[c], dd), axis=-1)[:, :k]
        cols_out[start:stop] = np.take_along_axis(c, order, axis=1)
        dd_out[start:stop] = np.take_along_axis(dd, order, axis=1)
    return cols_out, dd_out


def _exact(z, weights, rows, cols, urns, k):
    """The k nearest of each row among its candidate columns, by the exact squared distance rounded
    to DECIMALS, then the lower URN: (rows, columns, squared distances), sorted by row then rank."""
    own = rows == cols
    rows, cols = rows[~own], cols[~own]
    diff = z[rows] - z[cols]
    dd = np.round((diff * diff * weights).sum(axis=1), DECIMALS)
    order = np.lexsort((urns[cols], dd, rows))
    rows, cols, dd = rows[order], cols[order], dd[order]
    first = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(len(rows)) - first) < k
    return rows[keep], cols[keep], dd[keep]


def _pool_basis(
    key_stage: str, time_period: int, n: int, distribution: str, la_names: list[str]
) -> str:
    year = f"{time_period // 100}/{time_period % 100:02d}"
    stage = "KS2" if key_stage == "ks2" else "KS4"
    if distribution == "national":
        return f"from the {n:,} schools in England with {stage} results in {year} (national file loaded)"
    where = ", ".join(la_names) if len(la_names) <= 3 else f"{len(la_names)} local authorities"
    return (
        f"among the {n:,} loaded {where} schools only; no national {stage} file loaded for {year}"
    )


def _pools(con) -> list[tuple[str, int]]:
    return con.execute(
        "SELECT DISTINCT key_stage, time_period FROM similar_school_pool ORDER BY 1, 2"
    ).fetchall()


_TABLES = {
    "similar_school_features": "urn INTEGER, time_period INTEGER, key_stage VARCHAR, field VARCHAR, "
    "source_measure VARCHAR, value DOUBLE, z DOUBLE, imputed BOOLEAN, weight DOUBLE",
    "similar_school_groups": "urn INTEGER, time_period INTEGER, key_stage VARCHAR, "
    "similar_urn INTEGER, distance DOUBLE, rank INTEGER",
    "similar_school_pools": "key_stage VARCHAR, time_period INTEGER, pool_n INTEGER, "
    "distribution VARCHAR, group_size INTEGER, fields_used VARCHAR, fields_missing VARCHAR, "
    "basis VARCHAR",
}


def build(con) -> None:
    """Each pool's features and groups, written pool by pool (pools in key stage and year order, each
    pool's rows in school order). Only numbers cross between DuckDB and Python: each field's values
    come as numpy arrays, and the text of a row (key stage, field, source) is a bound parameter of
    the pool's insert, so a national pool never turns millions of cells into Python strings, and no
    pool's arrays outlive its insert (they cost more memory than DuckDB's own limit for the load)."""
    k = int(_var(con, "similar_schools_group_size"))
    coverage = float(_var(con, "similar_schools_min_field_coverage"))
    settings = {
        ks: (
            list(_var(con, f"similar_schools_{ks}_fields")),
            np.array(_var(con, f"similar_schools_{ks}_weights"), dtype=float),
        )
        for ks in ("ks2", "ks4")
    }
    for table, columns in _TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    # the measure each (key stage, field, rank) stands for (similar_schools.sql)
    sources = {
        (ks, field, rank): measure
        for ks, field, rank, measure in con.execute(
            "SELECT key_stage, field, source_rank, source_measure FROM similar_field_sources"
        ).fetchall()
    }
    # each pool's distribution (its first school's) and the councils of its schools
    for ks, tp, distribution, la_names in con.execute(
        "SELECT p.key_stage, p.time_period, list(p.distribution ORDER BY p.urn)[1], "
        "list(DISTINCT coalesce(s.la_name, 'LA ' || p.la_code, 'LA not given')) "
        "FROM similar_school_pool p LEFT JOIN schools s USING (urn) GROUP BY ALL ORDER BY 1, 2"
    ).fetchall():
        about = (distribution, la_names)
        _build_pool(con, ks, tp, k, coverage, sources, about, *settings[ks])


def _build_pool(
    con, ks: str, tp: int, k: int, coverage: float, sources: dict, about: tuple, fields, weights
) -> None:
    urns = np.asarray(
        con.execute(
            "SELECT urn FROM similar_school_pool WHERE key_stage = ? AND time_period = ? ORDER BY urn",
            [ks, tp],
        ).fetchnumpy()["urn"],
        dtype=np.int64,
    )
    n = len(urns)
    # every context value of the pool in one read, numbers only: the field as its position in
    # ``fields`` (1-based), its source's rank, the school and the value, in that order
    got = con.execute(
        "SELECT list_position(?::VARCHAR[], field) AS field_no, source_rank, urn, value "
        "FROM similar_school_context_values WHERE key_stage = ? AND time_period = ? "
        "AND list_position(?::VARCHAR[], field) IS NOT NULL "
        "ORDER BY field_no, source_rank, urn",
        [list(fields), ks, tp, list(fields)],
    ).fetchnumpy()
    field_no = np.asarray(got["field_no"], dtype=np.int64)
    source_rank = np.asarray(got["source_rank"], dtype=np.int64)
    got_urn = np.asarray(got["urn"], dtype=np.int64)
    got_value = np.asarray(got["value"], dtype=float)
    used, used_w, missing, z_cols, feats = [], [], [], [], []
    for no, (field, w) in enumerate(zip(fields, weights, strict=True), start=1):
        of_field = field_no == no
        ranks = sorted(int(r) for r in np.unique(source_rank[of_field]))
        # the first source that covers enough of the pool (schools counted once)
        rank = next(
            (
                r
                for r in ranks
                if len(np.unique(got_urn[of_field & (source_rank == r)])) >= coverage * n
            ),
            None,
        )
        if rank is None:
            missing.append(field)
            continue
        rows = of_field & (source_rank == rank)
        # each pool school's value (the first, should a school have two), in pool order
        chosen, first = np.unique(got_urn[rows], return_index=True)
        at = np.searchsorted(urns, chosen)
        inside = at < n
        inside[inside] = urns[at[inside]] == chosen[inside]
        values = np.full(n, np.nan)
        values[at[inside]] = got_value[rows][first][inside]
        v = pd.Series(values)
        mean, sd = float(v.mean()), float(v.std(ddof=0))
        if not sd > 0:
            missing.append(field)
            continue
        z = ((v - mean) / sd).fillna(0.0).to_numpy()
        used.append(field)
        used_w.append(w)
        z_cols.append(z)
        feats.append((field, sources[(ks, field, rank)], values, z, float(w)))
    distribution, la_names = about
    con.execute(
        "INSERT INTO similar_school_pools VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ks,
            tp,
            n,
            distribution,
            min(k, max(n - 1, 0)),
            ", ".join(FIELD_LABELS[f] for f in used) or "(none)",
            ", ".join(FIELD_LABELS[f] for f in missing),
            _pool_basis(ks, int(tp), n, str(distribution), sorted(la_names or [])),
        ],
    )
    if not used:
        return
    # one row per school and used field, in (school, field) order
    order = sorted(range(len(feats)), key=lambda i: feats[i][0])
    feat = pd.DataFrame(
        {
            "urn": np.repeat(urns, len(feats)),
            "part": np.tile(np.array(order, dtype=np.int32), n),
            "value": np.column_stack([feats[i][2] for i in order]).reshape(-1),
            "z": np.column_stack([feats[i][3] for i in order]).reshape(-1),
        }
    )
    parts = pd.DataFrame(
        {
            "part": np.arange(len(feats), dtype=np.int32),
            "field": [f[0] for f in feats],
            "source_measure": [f[1] for f in feats],
            "weight": [f[4] for f in feats],
        }
    )
    _insert(
        con,
        "INSERT INTO similar_school_features SELECT f.urn, ?, ?, p.field, p.source_measure, f.value, "
        "f.z, f.value IS NULL OR isnan(f.value), p.weight FROM __similar_rows f "
        "JOIN __similar_parts p USING (part) ORDER BY f.urn, p.field",
        [tp, ks],
        feat,
        parts,
    )
    del feat
    r, c, dist, rank = nearest(np.column_stack(z_cols), np.array(used_w), urns, k)
    grp = pd.DataFrame(
        {
            "urn": urns[r].astype(np.int32),
            "similar_urn": urns[c].astype(np.int32),
            "distance": dist,
            "rank": rank.astype(np.int32),
        }
    )
    _insert(
        con,
        "INSERT INTO similar_school_groups SELECT urn, ?, ?, similar_urn, distance, rank "
        "FROM __similar_rows",
        [tp, ks],
        grp,
    )


def _insert(con, sql: str, params: list, rows, parts=None) -> None:
    con.register("__similar_rows", rows)
    if parts is not None:
        con.register("__similar_parts", parts)
    try:
        con.execute(sql, params)
    finally:
        con.unregister("__similar_rows")
        if parts is not None:
            con.unregister("__similar_parts")
