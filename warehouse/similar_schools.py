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

# Rows of the distance matrix computed at once: 500 x 16,000 doubles is 64 MB per temporary array.
CHUNK = 500
# Squared distances are compared at this many decimals (far finer than any published figure's z).
DECIMALS = 9
# Candidates within this share of the largest squared norm of the k-th nearest by the fast float32
# product are measured exactly in float64; the product's rounding error is about 1e-7 of it, so no
# true neighbour is ever missed.
CANDIDATE_MARGIN = 1e-5
# The k-th nearest is bounded from above by the k-th among every SUBSAMPLE-th school (nearest()).
SUBSAMPLE = 4

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

    Candidates come from one float32 matrix product per chunk (|b|^2 - 2 a.b on the weighted z, fast
    but with rounding error); every candidate within a margin of the k-th is then
    measured exactly, sum of weight x (z_a - z_b)^2, rounded to DECIMALS, so equal context always means
    equal distance and the order is exact."""
    n = z.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=float), empty
    zs = (z * np.sqrt(weights)).astype(np.float32)
    sq = (zs * zs).sum(axis=1)
    # float32 error of |b|^2 - 2 a.b is about 1e-7 of the squared norms involved
    margin = np.float32(CANDIDATE_MARGIN * (1.0 + 2.0 * float(sq.max(initial=0.0))))
    rows_out, cols_out, dist_out, rank_out = [], [], [], []
    step = SUBSAMPLE if n > SUBSAMPLE * 2 * (k + 1) else 1
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        # |a|^2 is the same along a row, so the row's order needs only |b|^2 - 2 a.b (in place)
        approx = zs[start:stop] @ zs.T
        approx *= -2.0
        approx += sq[None, :]
        own = np.arange(start, stop)
        approx[own - start, own] = np.inf
        # The threshold only has to be no lower than the true k-th: the k-th among every
        # SUBSAMPLE-th school is (it is the k-th of fewer values), and partitioning a quarter of the
        # row is most of this step's time saved. Candidates under it are then measured exactly.
        kth = np.partition(approx[:, ::step], k - 1, axis=1)[:, k - 1]
        r, c = np.nonzero(approx <= (kth + margin)[:, None])
        diff = z[r + start] - z[c]
        dd = np.round((diff * diff * weights).sum(axis=1), DECIMALS)
        order = np.lexsort((urns[c], dd, r))
        r, c, dd = r[order], c[order], dd[order]
        first = np.searchsorted(r, r, side="left")
        rank = np.arange(len(r)) - first + 1
        keep = rank <= k
        rows_out.append(r[keep] + start)
        cols_out.append(c[keep])
        dist_out.append(np.sqrt(dd[keep]))
        rank_out.append(rank[keep])
    return (
        np.concatenate(rows_out),
        np.concatenate(cols_out),
        np.concatenate(dist_out),
        np.concatenate(rank_out),
    )


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
