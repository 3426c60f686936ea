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
    tree = cKDTree(zs)
    q = min(k + 1 + CANDIDATE_SLACK, n)  # + 1: the school itself
    far, cand = tree.query(zs, k=q)
    rows = np.repeat(np.arange(n), q)
    cols = cand.reshape(-1)
    r_all, c_all, d_all = _exact(z, weights, rows, cols, urns, k)
    # The exact k-th of each school, against the tree's distance to its last candidate: a school
    # outside the candidates is at least that far, so when the last candidate is clearly beyond the
    # k-th (by more than any rounding), the k nearest are all among the candidates.
    kth = np.full(n, np.inf)
    last = r_all[np.r_[np.nonzero(np.diff(r_all))[0], len(r_all) - 1]]
    kth[last] = d_all[np.r_[np.nonzero(np.diff(r_all))[0], len(r_all) - 1]]
    edge = far[:, -1] ** 2
    margin = CANDIDATE_MARGIN * (1.0 + 2.0 * float((zs * zs).sum(axis=1).max(initial=0.0)))
    unsure = np.nonzero((q < n) & ~(edge > kth + margin))[0]
    if len(unsure):
        near = tree.query_ball_point(zs[unsure], r=np.sqrt(kth[unsure] + margin) + 1e-9)
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


def build(con) -> None:
    k = int(_var(con, "similar_schools_group_size"))
    coverage = float(_var(con, "similar_schools_min_field_coverage"))
    settings = {
        ks: (
            list(_var(con, f"similar_schools_{ks}_fields")),
            np.array(_var(con, f"similar_schools_{ks}_weights"), dtype=float),
        )
        for ks in ("ks2", "ks4")
    }
    pool = con.execute(
        "SELECT p.urn, p.time_period, p.key_stage, p.distribution, "
        "coalesce(s.la_name, 'LA ' || p.la_code) AS la_name "
        "FROM similar_school_pool p LEFT JOIN schools s USING (urn) "
        "ORDER BY p.key_stage, p.time_period, p.urn"
    ).df()
    values = con.execute(
        "SELECT urn, time_period, key_stage, field, source_rank, source_measure, value "
        "FROM similar_school_context_values"
    ).df()

    features, groups, pools = [], [], []
    for (ks, tp), members in pool.groupby(["key_stage", "time_period"], sort=True):
        fields, weights = settings[ks]
        urns = members["urn"].to_numpy(dtype=np.int64)
        n = len(urns)
        vals = values[(values["key_stage"] == ks) & (values["time_period"] == tp)]
        used, used_w, missing, z_cols = [], [], [], []
        for field, w in zip(fields, weights, strict=True):
            fv = vals[vals["field"] == field]
            chosen = None
            for _rank, src in fv.groupby("source_rank", sort=True):
                if src["urn"].nunique() >= coverage * n:
                    chosen = src
                    break
            if chosen is None:
                missing.append(field)
                continue
            v = pd.Series(chosen["value"].to_numpy(), index=chosen["urn"].to_numpy())
            v = v[~v.index.duplicated()].reindex(urns)
            mean, sd = float(v.mean()), float(v.std(ddof=0))
            if not sd > 0:
                missing.append(field)
                continue
            z = ((v - mean) / sd).fillna(0.0).to_numpy()
            used.append(field)
            used_w.append(w)
            z_cols.append(z)
            source = str(chosen["source_measure"].iloc[0])
            features.append(
                pd.DataFrame(
                    {
                        "urn": urns,
                        "time_period": tp,
                        "key_stage": ks,
                        "field": field,
                        "source_measure": source,
                        "value": v.to_numpy(),
                        "z": z,
                        "imputed": v.isna().to_numpy(),
                        "weight": w,
                    }
                )
            )
        distribution = str(members["distribution"].iloc[0])
        la_names = sorted({x for x in members["la_name"].dropna()})
        pools.append(
            {
                "key_stage": ks,
                "time_period": tp,
                "pool_n": n,
                "distribution": distribution,
                "group_size": min(k, max(n - 1, 0)),
                "fields_used": ", ".join(FIELD_LABELS[f] for f in used) or "(none)",
                "fields_missing": ", ".join(FIELD_LABELS[f] for f in missing),
                "basis": _pool_basis(ks, int(tp), n, distribution, la_names),
            }
        )
        if not used:
            continue
        zm = np.column_stack(z_cols)
        r, c, dist, rank = nearest(zm, np.array(used_w), urns, k)
        groups.append(
            pd.DataFrame(
                {
                    "urn": urns[r],
                    "time_period": tp,
                    "key_stage": ks,
                    "similar_urn": urns[c],
                    "distance": dist,
                    "rank": rank,
                }
            )
        )

    def frame(parts, columns):
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)

    feat = frame(
        features,
        [
            "urn",
            "time_period",
            "key_stage",
            "field",
            "source_measure",
            "value",
            "z",
            "imputed",
            "weight",
        ],
    )
    grp = frame(groups, ["urn", "time_period", "key_stage", "similar_urn", "distance", "rank"])
    pls = pd.DataFrame(
        pools,
        columns=[
            "key_stage",
            "time_period",
            "pool_n",
            "distribution",
            "group_size",
            "fields_used",
            "fields_missing",
            "basis",
        ],
    )
    con.register("__similar_features", feat)
    con.register("__similar_groups", grp)
    con.register("__similar_pools", pls)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE similar_school_features AS SELECT CAST(urn AS INTEGER) AS urn, "
            "CAST(time_period AS INTEGER) AS time_period, CAST(key_stage AS VARCHAR) AS key_stage, "
            "CAST(field AS VARCHAR) AS field, CAST(source_measure AS VARCHAR) AS source_measure, "
            "CAST(value AS DOUBLE) AS value, CAST(z AS DOUBLE) AS z, CAST(imputed AS BOOLEAN) AS imputed, "
            "CAST(weight AS DOUBLE) AS weight FROM __similar_features ORDER BY key_stage, time_period, urn, field"
        )
        con.execute(
            "CREATE OR REPLACE TABLE similar_school_groups AS SELECT CAST(urn AS INTEGER) AS urn, "
            "CAST(time_period AS INTEGER) AS time_period, CAST(key_stage AS VARCHAR) AS key_stage, "
            "CAST(similar_urn AS INTEGER) AS similar_urn, CAST(distance AS DOUBLE) AS distance, "
            "CAST(rank AS INTEGER) AS rank FROM __similar_groups ORDER BY key_stage, time_period, urn, rank"
        )
        con.execute(
            "CREATE OR REPLACE TABLE similar_school_pools AS SELECT CAST(key_stage AS VARCHAR) AS key_stage, "
            "CAST(time_period AS INTEGER) AS time_period, CAST(pool_n AS INTEGER) AS pool_n, "
            "CAST(distribution AS VARCHAR) AS distribution, CAST(group_size AS INTEGER) AS group_size, "
            "CAST(fields_used AS VARCHAR) AS fields_used, CAST(fields_missing AS VARCHAR) AS fields_missing, "
            "CAST(basis AS VARCHAR) AS basis FROM __similar_pools ORDER BY key_stage, time_period"
        )
    finally:
        for name in ("__similar_features", "__similar_groups", "__similar_pools"):
            con.unregister(name)
