"""KS2 performance tables in the 2018/19 final layout (318 columns), one LA file and one national file per year.

Pupils are simulated (prior attainment, disadvantage, EAL, sex, value added of their school), then aggregated
exactly as the DfE does, so group figures, LA rows and national rows are consistent with the school rows.

Codes used:
- `SUPP`: a pupil group (or the whole cohort) of 10 pupils or fewer.
- `LOWCOV`: progress where fewer than half of the pupils have a KS1 result (seen in some special schools).
- `NP`: every progress field (READPROG, WRITPROG, MATPROG, their _LOWER/_UPPER, group variants, *COV and
  DIFFN_*PROG) in 2023/24 and 2024/25, when the DfE did not publish KS2 progress (no KS1 baseline).
  The *_UNADJUSTED and *_DESCR fields are left empty in those years, so those rows end early (short rows).
- `NA`: every measure of an independent school; progress of a group with no pupils.
- `NEW`: prior-year (_18/_17) fields of a URN that did not exist that year (a converted academy).
- Empty: percentages and averages of a group with no pupils (as the real files do).
Every year keeps the 2018/19 header: `*_18` holds the previous published year, `*_17` the one before, `*_3YR`
the three years together (for 2018/19 the previous two years are simulated but not written as files).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import county as cm
from .fmt import integer, num, pct, rng_for, write_rows
from .headers import KS2_HEADER

GROUPS = ("all", "B", "G", "L", "M", "H", "FSM6CLA1A", "NotFSM6CLA1A", "EAL", "MOBN")
PROGRESS_PUBLISHED = {
    201617: True,
    201718: True,
    201819: True,
    202122: True,
    202223: True,
    202324: False,
    202425: False,
}
RWM_TARGET = {
    201617: 0.61,
    201718: 0.64,
    201819: 0.65,
    202122: 0.59,
    202223: 0.60,
    202324: 0.61,
    202425: 0.62,
}
KS2_KINDS = ("primary", "junior", "all-through", "special")
SUPP_MAX = 10


def cohort_sizes(df: pd.DataFrame, tp: int, seed: int) -> np.ndarray:
    rng = rng_for(seed, "ks2cohort", tp)
    div = (
        df["kind"]
        .map({"primary": 7.0, "junior": 4.0, "all-through": 14.0, "special": 10.0})
        .to_numpy()
    )
    lam = np.where(np.isnan(div), 0, df["pupils"].to_numpy() / np.where(np.isnan(div), 1, div))
    return np.maximum(rng.poisson(lam), 1)


def simulate(c: cm.County, tp: int) -> dict:
    """Aggregated KS2 results of every school that holds KS2 results in year tp (index into c.schools)."""
    s = c.schools
    sel = np.flatnonzero(s["kind"].isin(KS2_KINDS).to_numpy() & cm.holds_results(s, tp))
    d = s.iloc[sel]
    rng = rng_for(c.seed, "ks2", tp)
    n = cohort_sizes(d, tp, c.seed)
    S, N = len(d), int(n.sum())
    idx = np.repeat(np.arange(S), n)
    special = (d["kind"] == "special").to_numpy()[idx]
    yr = cm.academic_year_end(tp) - 2022
    va_y = d["va"].to_numpy() + d["trend"].to_numpy() * yr + rng.normal(0, 0.9, S)
    subj_dev = rng.normal(0, 1.4, (S, 3))
    girl = rng.random(N) < 0.49
    dis = rng.random(N) < np.clip(d["fsm_pct"].to_numpy() * 1.3 / 100, 0.02, 0.9)[idx]
    eal = rng.random(N) < d["eal_share"].to_numpy()[idx]
    mobile = rng.random(N) < 0.07
    a = (
        d["intake"].to_numpy()[idx]
        + rng.normal(0, 0.95, N)
        - 0.5 * dis
        - 2.6 * special
        + 0.08 * girl
    )
    special_gap = rng.beta(2.0, 3.0, S)[
        idx
    ]  # share of a special school's pupils without a KS1 result
    noprior = rng.random(N) < np.where(special, special_gap, 0.03 + 0.08 * eal)
    base = va_y[idx] - 1.3 * dis
    noise = rng.normal(0, 7.0, (N, 3))
    prog_true = (
        np.stack(
            [
                base + subj_dev[idx, 0] + 0.4 * girl - 0.3 * eal,
                base + subj_dev[idx, 1] + 1.2 * girl + 0.6 * eal,
                base + subj_dev[idx, 2] - 0.6 * girl + 1.6 * eal,
            ],
            axis=1,
        )
        + noise
    )
    raw = 103.0 + 5.3 * a[:, None] + prog_true  # reading, writing (continuous TA scale), maths
    gps_raw = (
        104.0 + 5.8 * a + 0.5 * prog_true[:, 0] + 0.4 * prog_true[:, 1] + rng.normal(0, 2.5, N)
    )
    absent = rng.random(N) < 0.006

    def scores(shift):
        sc = np.clip(np.round(raw + shift), 80, 120)
        return sc

    lo, hi = -15.0, 15.0
    for _ in range(30):  # calibrate the national share meeting the expected standard in RWM
        mid = (lo + hi) / 2
        sc = scores(mid)
        rate = np.mean(
            (sc[:, 0] >= 100) & (sc[:, 1] >= 101) & (sc[:, 2] >= 100) & ~absent & ~special
        )
        lo, hi = (mid, hi) if rate < RWM_TARGET[tp] else (lo, mid)
    shift = (lo + hi) / 2
    sc = scores(shift)
    gps = np.clip(np.round(gps_raw + shift), 80, 120)
    exp = {
        "READ": (sc[:, 0] >= 100) & ~absent,
        "WRITTA": sc[:, 1] >= 101,
        "MAT": (sc[:, 2] >= 100) & ~absent,
        "GPS": (gps >= 100) & ~absent,
    }
    high = {
        "READ": (sc[:, 0] >= 110) & ~absent,
        "WRITTA": sc[:, 1] >= 112,
        "MAT": (sc[:, 2] >= 110) & ~absent,
        "GPS": (gps >= 110) & ~absent,
    }
    exp["RWM"] = exp["READ"] & exp["WRITTA"] & exp["MAT"]
    high["RWM"] = high["READ"] & high["WRITTA"] & high["MAT"]
    # progress as the DfE computes it: score minus the national mean of pupils with the same KS1 prior
    has_prior = ~noprior & ~absent
    edges = (
        np.quantile(a[has_prior], np.linspace(0, 1, 25)[1:-1])
        if has_prior.any()
        else np.array([0.0])
    )
    pag = np.digitize(a, edges)
    cont = np.stack([raw[:, 0] + shift, raw[:, 1] + shift, raw[:, 2] + shift], axis=1)
    prog = np.full((N, 3), np.nan)
    pag_means = np.zeros((3, len(edges) + 1))  # the national estimates (etl/generate/pupils.py)
    for k in range(3):
        m = np.bincount(pag[has_prior], weights=cont[has_prior, k], minlength=len(edges) + 1)
        cnt = np.bincount(pag[has_prior], minlength=len(edges) + 1)
        pag_means[k] = m / np.maximum(cnt, 1)
        prog[has_prior, k] = cont[has_prior, k] - pag_means[k][pag[has_prior]]
    sd_nat = np.nanstd(prog, axis=0)
    prior_grp = np.where(noprior, "NA", np.where(a < -1.34, "L", np.where(a > 0.41, "H", "M")))
    masks = {
        "all": np.ones(N, bool),
        "B": ~girl,
        "G": girl,
        "L": prior_grp == "L",
        "M": prior_grp == "M",
        "H": prior_grp == "H",
        "FSM6CLA1A": dis,
        "NotFSM6CLA1A": ~dis,
        "EAL": eal,
        "MOBN": ~mobile,
    }
    scaled = {
        "READ": np.where(absent, np.nan, sc[:, 0]),
        "MAT": np.where(absent, np.nan, sc[:, 2]),
        "GPS": np.where(absent, np.nan, gps),
    }
    return dict(
        tp=tp,
        sel=sel,
        S=S,
        idx=idx,
        masks=masks,
        exp=exp,
        high=high,
        scaled=scaled,
        prog=prog,
        sd_nat=sd_nat,
        has_prior=has_prior,
        absent=absent,
        ks1=16.0 + 2.6 * a,
        noprior=noprior,
        prior_grp=prior_grp,
        sci=(a + rng.normal(0, 0.7, N)) > -1.2,
        ad=np.zeros(N, bool),
        # pupil level (etl/generate/pupils.py): results, prior-attainment groups and their means
        girl=girl,
        dis=dis,
        eal=eal,
        cont=cont,
        pag=pag,
        edges=edges,
        pag_means=pag_means,
        pag_counts=np.bincount(pag[has_prior], minlength=len(edges) + 1),
    )


def aggregate(sim: dict, keys: np.ndarray, K: int) -> dict:
    """Sum pupil records into K units (schools, LAs or one national unit) by keys (per school index)."""
    unit = keys[sim["idx"]]
    out: dict = {}

    def cnt(mask):
        return np.bincount(unit, weights=mask.astype(float), minlength=K)

    for g, gm in sim["masks"].items():
        ng = cnt(gm)
        out[("n", g)] = ng
        for subj, e in sim["exp"].items():
            out[(f"PT{subj}_EXP", g)] = cnt(gm & e) / np.where(ng > 0, ng, np.nan)
            out[(f"PT{subj}_HIGH", g)] = cnt(gm & sim["high"][subj]) / np.where(ng > 0, ng, np.nan)
        for subj, v in sim["scaled"].items():
            ok = gm & ~np.isnan(v)
            out[(f"{subj}_AVERAGE", g)] = np.bincount(
                unit, weights=np.where(ok, v, 0), minlength=K
            ) / np.where(cnt(ok) > 0, cnt(ok), np.nan)
        for k, name in enumerate(("READPROG", "WRITPROG", "MATPROG")):
            ok = gm & sim["has_prior"]
            npr = cnt(ok)
            mean = np.bincount(
                unit, weights=np.where(ok, sim["prog"][:, k], 0), minlength=K
            ) / np.where(npr > 0, npr, np.nan)
            half = 1.96 * sim["sd_nat"][k] / np.sqrt(np.where(npr > 0, npr, np.nan))
            out[(name, g)] = mean
            out[(name + "_LOWER", g)] = mean - half
            out[(name + "_UPPER", g)] = mean + half
            out[("nprog", g)] = npr
    alln = out[("n", "all")]
    den = np.where(alln > 0, alln, np.nan)
    out["cov"] = cnt(sim["has_prior"]) / den
    out["ks1avg"] = np.bincount(
        unit, weights=np.where(sim["noprior"], 0, sim["ks1"]), minlength=K
    ) / np.maximum(cnt(~sim["noprior"]), 1)
    for gname in ("L", "M", "H", "NA"):
        out[("TKS1GROUP", gname)] = cnt(sim["prior_grp"] == gname)
    out["read_at"] = cnt(sim["absent"]) / den
    out["sci_exp"] = cnt(sim["sci"]) / den
    out["ad"] = cnt(sim["ad"]) / den
    return out


_PT = re.compile(
    r"^(PT(?:RWM|READ|GPS|MAT|WRITTA)_(?:EXP|HIGH))(?:_(B|G|L|M|H|FSM6CLA1A|NotFSM6CLA1A|EAL|MOBN))?"
    r"(?:_(18|17|3YR))?$"
)
_PROG = re.compile(
    r"^((?:READ|WRIT|MAT)PROG)(?:_(B|G|L|M|H|FSM6CLA1A|NotFSM6CLA1A|EAL|MOBN))?(_LOWER|_UPPER)?"
    r"(?:_(LOWER|UPPER))?(?:_(18|17))?$"
)
_AVG = re.compile(
    r"^((?:READ|MAT|GPS)_AVERAGE)(?:_(B|G|L|M|H|FSM6CLA1A|NotFSM6CLA1A|EAL|MOBN))?(?:_(18|17|3YR))?$"
)


class Year:
    """One year's aggregates for schools, LAs and the nation, plus the lookups for prior-year columns."""

    def __init__(self, c: cm.County, tp: int):
        self.tp = tp
        self.sim = simulate(c, tp)
        s = c.schools
        self.urns = s["urn"].to_numpy()[self.sim["sel"]]
        self.school = aggregate(self.sim, np.arange(self.sim["S"]), self.sim["S"])
        la = s["la_code"].to_numpy()[self.sim["sel"]]
        self.la_codes = np.unique(la)
        self.la = aggregate(self.sim, np.searchsorted(self.la_codes, la), len(self.la_codes))
        self.nat = aggregate(self.sim, np.zeros(self.sim["S"], dtype=np.int64), 1)
        self.pos = {int(u): i for i, u in enumerate(self.urns)}
        self.published = PROGRESS_PUBLISHED[tp]


def _suppress(values: pd.Series, n: np.ndarray, *, empty_if_zero: str = "") -> pd.Series:
    v = values.copy()
    small = (n > 0) & (n <= SUPP_MAX)
    v[small] = "SUPP"
    v[n == 0] = empty_if_zero
    return v


def column(
    col: str,
    agg: dict,
    prior: list[dict | None],
    published: bool,
    rows: int,
    *,
    national: bool,
    school_level: bool,
) -> pd.Series | None:
    """The formatted values of one measure column; None when the column is not a measure column."""
    m = _PT.match(col)
    if m:
        base, g, suf = m.group(1), m.group(2) or "all", m.group(3)
        if suf == "3YR":
            return _three_year(agg, prior, base, g)
        a = _lag(agg, prior, suf)
        if a is None:
            return None
        return _suppress(pct(a[(base, g)]), a[("n", g)])
    m = _PROG.match(col)
    if m and not col.endswith("_DESCR"):
        base, g = m.group(1), m.group(2) or "all"
        bound = m.group(3) or (("_" + m.group(4)) if m.group(4) else "")
        suf = m.group(5)
        a = _lag(agg, prior, suf)
        if a is None:
            return None
        pub = a.get("published", True)
        if not pub:
            return pd.Series(["NP"] * rows, dtype=object)
        if national:
            if g == "all":
                return pd.Series([" "] * rows, dtype=object)
            if bound:
                return pd.Series(["0"] * rows, dtype=object)
        v = _suppress(num(a[(base + bound, g)], 1), a[("nprog", g)], empty_if_zero="NA")
        if school_level:
            v[(a["cov"] < 0.5) & (a[("n", "all")] > SUPP_MAX)] = "LOWCOV"
        return v
    m = _AVG.match(col)
    if m:
        base, g, suf = m.group(1), m.group(2) or "all", m.group(3)
        if suf == "3YR":
            return _three_year(agg, prior, base, g)
        a = _lag(agg, prior, suf)
        if a is None:
            return None
        return _suppress(integer(a[(base, g)]), a[("n", g)])
    return None


def _lag(agg, prior, suf):
    if suf is None:
        return agg
    return prior[0] if suf == "18" else prior[1]


def _three_year(agg, prior, base, g):
    parts = [agg] + [p for p in prior if p is not None]
    num_ = sum(np.nan_to_num(p[(base, g)] * p[("n", g)]) for p in parts)
    den = sum(p[("n", g)] for p in parts)
    frac = num_ / np.where(den > 0, den, np.nan)
    vals = pct(frac) if base.startswith("PT") else integer(frac)
    return _suppress(vals, den)


def _descr(lower, upper, score, published, n):
    out = np.full(len(score), "", dtype=object)
    if not published:
        return pd.Series(out)
    band = np.where(
        (lower > 0) & (score >= 3.5),
        "5",
        np.where(
            lower > 0,
            "4",
            np.where((upper < 0) & (score <= -3.5), "1", np.where(upper < 0, "2", "3")),
        ),
    )
    ok = ~np.isnan(score) & (n > SUPP_MAX)
    out[ok] = band[ok]
    return pd.Series(out)


def _align(prev: Year | None, urns: np.ndarray, new_urns: set[int]) -> dict | None:
    """Re-index a previous year's school aggregates to this year's URNs (NaN/0 where absent)."""
    if prev is None:
        return None
    pos = np.array([prev.pos.get(int(u), -1) for u in urns])
    have = pos >= 0
    out = {"published": prev.published}
    for k, v in prev.school.items():
        arr = np.asarray(v, dtype=float)
        fill = 0.0 if (isinstance(k, tuple) and k[0] in ("n", "nprog", "TKS1GROUP")) else np.nan
        res = np.full(len(urns), fill)
        res[have] = arr[pos[have]]
        out[k] = res
    out["_have"] = have
    out["_new"] = np.array([int(u) in new_urns for u in urns]) & ~have
    return out


def _slice(agg: dict, i: int) -> dict:
    return {k: (np.asarray(v)[i : i + 1] if not isinstance(v, bool) else v) for k, v in agg.items()}


def _align_units(
    prev: Year | None, level: str, keys: np.ndarray, new_urns: set[int]
) -> dict | None:
    if prev is None:
        return None
    if level == "school":
        return _align(prev, keys, new_urns)
    src = prev.la if level == "la" else prev.nat
    if level == "la":
        pos = np.array(
            [
                int(np.searchsorted(prev.la_codes, k)) if k in set(prev.la_codes) else -1
                for k in keys
            ]
        )
    else:
        pos = np.zeros(len(keys), dtype=np.int64)
    out = {"published": prev.published}
    have = pos >= 0
    for k, v in src.items():
        arr = np.asarray(v, dtype=float)
        res = np.full(len(keys), np.nan)
        res[have] = arr[pos[have]]
        out[k] = res
    out["_have"] = have
    out["_new"] = np.zeros(len(keys), bool)
    return out


# The identifying columns that open every KS2 row (RECTYPE ... TAB1618), as published.
_IDENT = KS2_HEADER[: KS2_HEADER.index("TAB1618") + 1]


def _measures(
    agg: dict,
    prior: list,
    published: bool,
    rows: int,
    nat_ref: dict,
    *,
    national: bool,
    school_level: bool,
    extra: dict[str, pd.Series],
) -> dict[str, pd.Series]:
    cols: dict[str, pd.Series] = {}
    n = agg[("n", "all")]
    den = np.where(n > 0, n, np.nan)
    f = {}
    f["TELIG"] = integer(n)
    f["BELIG"] = integer(agg[("n", "B")])
    f["GELIG"] = integer(agg[("n", "G")])
    f["PBELIG"] = pct(agg[("n", "B")] / den)
    f["PGELIG"] = pct(agg[("n", "G")] / den)
    f["TKS1AVERAGE"] = num(agg["ks1avg"], 1)
    for g in ("L", "M", "H", "NA"):
        f[f"TKS1GROUP_{g}"] = integer(agg[("TKS1GROUP", g)])
        f[f"PTKS1GROUP_{g}"] = pct(agg[("TKS1GROUP", g)] / den)
    for g, t in (
        ("FSM6CLA1A", "FSM6CLA1A"),
        ("NotFSM6CLA1A", "NotFSM6CLA1A"),
        ("EAL", "EALGRP2"),
        ("MOBN", "MOBN"),
    ):
        f[f"T{t}"] = integer(agg[("n", g)])
        f[f"PT{t}"] = pct(agg[("n", g)] / den)
    eng = n - agg[("n", "EAL")]
    f["TEALGRP1"] = integer(eng)
    f["PTEALGRP1"] = pct(eng / den)
    f["TEALGRP3"] = integer(np.zeros(rows))
    f["PTEALGRP3"] = pct(np.zeros(rows))
    sen = extra.pop("_sen")
    ehcp = np.round(n * np.asarray(sen) * 0.18)
    k = np.round(n * np.asarray(sen))
    f["TSENELE"], f["PSENELE"] = integer(ehcp), pct(ehcp / den)
    f["TSENELK"], f["PSENELK"] = integer(k), pct(k / den)
    f["TSENELEK"], f["PSENELEK"] = integer(ehcp + k), pct((ehcp + k) / den)
    small = (n <= SUPP_MAX) & school_level
    for subj in ("READ", "GPS", "MAT"):
        f[f"PT{subj}_AT"] = _suppress(pct(agg["read_at"]), n)
    f["PTWRITTA_WTS"] = _suppress(pct(1 - agg[("PTWRITTA_EXP", "all")] - agg["ad"]), n)
    f["PTWRITTA_AD"] = _suppress(pct(agg["ad"]), n)
    f["PTSCITA_EXP"] = _suppress(pct(agg["sci_exp"]), n)
    f["PTSCITA_AD"] = _suppress(pct(agg["ad"]), n)
    for c in ("READCOV", "WRITCOV", "MATCOV"):
        if not published:
            f[c] = pd.Series(["NP"] * rows, dtype=object)
        elif national:
            f[c] = pd.Series([" "] * rows, dtype=object)
        else:
            f[c] = _suppress(pct(agg["cov"]), n)
    nd = nat_ref
    for m in ("EXP", "HIGH"):
        gap = (agg[(f"PTRWM_{m}", "FSM6CLA1A")] - nd[(f"PTRWM_{m}", "NotFSM6CLA1A")][0]) * 100
        f[f"DIFFN_RWM_{m}"] = _suppress(
            integer(np.zeros(rows) if national else gap), agg[("n", "FSM6CLA1A")]
        )
    for p in ("READPROG", "WRITPROG", "MATPROG"):
        if not published:
            f[f"DIFFN_{p}"] = pd.Series(["NP"] * rows, dtype=object)
        else:
            gap = agg[(p, "FSM6CLA1A")] - nd[(p, "NotFSM6CLA1A")][0]
            f[f"DIFFN_{p}"] = _suppress(
                num(gap, 1), agg[("nprog", "FSM6CLA1A")], empty_if_zero="NA"
            )
        f[f"{p}_UNADJUSTED"] = (
            _suppress(num(agg[(p, "all")], 1), agg[("nprog", "all")])
            if published and not national
            else pd.Series([""] * rows, dtype=object)
        )
        for suf, a in (("", agg), ("_18", prior[0]), ("_17", prior[1])):
            name = f"{p}_DESCR{suf}"
            if a is None:
                f[name] = pd.Series([""] * rows, dtype=object)
            elif national:
                f[name] = (
                    pd.Series([" "] * rows, dtype=object)
                    if suf == ""
                    else pd.Series([""] * rows, dtype=object)
                )
            else:
                f[name] = _descr(
                    a[(p + "_LOWER", "all")],
                    a[(p + "_UPPER", "all")],
                    a[(p, "all")],
                    a.get("published", published),
                    a[("nprog", "all")],
                )
    for suf, a in (("_18", prior[0]), ("_17", prior[1])):
        if a is None:
            continue
        na = a[("n", "all")]
        dn = np.where(na > 0, na, np.nan)
        f[f"TELIG{suf}"] = integer(np.where(a.get("_have", np.ones(rows, bool)), na, np.nan))
        f[f"PTFSM6CLA1A{suf}"] = pct(a[("n", "FSM6CLA1A")] / dn)
        f[f"PTNOTFSM6CLA1A{suf}"] = pct(a[("n", "NotFSM6CLA1A")] / dn)
    tot = n + sum(np.nan_to_num(p[("n", "all")]) for p in prior if p is not None)
    f["TELIG_3YR"] = integer(tot)
    for col in KS2_HEADER:
        if col in f:
            cols[col] = f[col]
            continue
        if col in _IDENT or col in ("TOTPUPS", "TPUPYEAR"):
            continue
        v = column(
            col,
            {**agg, "published": published},
            prior,
            published,
            rows,
            national=national,
            school_level=school_level,
        )
        if v is None:
            v = pd.Series([""] * rows, dtype=object)
        cols[col] = v.reset_index(drop=True)
    # prior-year cells of URNs that did not exist that year
    for suf, a in (("_18", prior[0]), ("_17", prior[1])):
        if a is None or not school_level:
            continue
        newm = a["_new"]
        for col in KS2_HEADER:
            if col.endswith(suf) and newm.any():
                s = cols[col].copy()
                s[newm] = "NEW"
                cols[col] = s
    if small.any():
        pass
    return cols


def _identity(d: pd.DataFrame, c: cm.County, tp: int) -> dict[str, pd.Series]:
    from .gias import telephone  # shared invented numbering

    k = len(d)
    succ = {
        int(p): int(u)
        for u, p in zip(c.schools["urn"], c.schools["predecessor"], strict=False)
        if p == p
    }
    names = dict(zip(c.schools["urn"].astype(int), c.schools["name"], strict=False))
    opened = dict(zip(c.schools["urn"].astype(int), c.schools["open_date"], strict=False))
    url = d["urn"].astype(int)
    year_end = cm.academic_year_end(tp)
    closed = d["close_date"].map(lambda x: x is not None and x == x and x.year <= year_end)
    return {
        "RECTYPE": pd.Series(np.where(d["kind"] == "special", "2", "1")),
        "ALPHAIND": pd.Series(d["alphaind"].astype(str).to_numpy()),
        "LEA": pd.Series(d["la_code"].astype(str).to_numpy()),
        "ESTAB": pd.Series(d["estab"].astype(str).to_numpy()),
        "URN": pd.Series(url.astype(str).to_numpy()),
        "SCHNAME": pd.Series(d["name"].to_numpy()),
        "ADDRESS1": pd.Series(d["street"].to_numpy()),
        "ADDRESS2": pd.Series([""] * k),
        "ADDRESS3": pd.Series([""] * k),
        "TOWN": pd.Series(d["town"].to_numpy()),
        "PCODE": pd.Series(d["postcode"].to_numpy()),
        "TELNUM": pd.Series([telephone(u) for u in url]),
        "PCON_CODE": pd.Series(d["pcon_code"].to_numpy()),
        "PCON_NAME": pd.Series(d["pcon_name"].to_numpy()),
        "URN_AC": pd.Series([str(succ.get(u, 0)) for u in url]),
        "SCHNAME_AC": pd.Series([names.get(succ[u], "") if u in succ else "" for u in url]),
        "OPEN_AC": pd.Series(
            [opened[succ[u]].strftime("%d/%m/%Y") if u in succ else "" for u in url]
        ),
        "NFTYPE": pd.Series(d["nftype"].to_numpy()),
        "ICLOSE": pd.Series(np.where(closed.to_numpy(), "1", "0")),
        "RELDENOM": pd.Series(d["religious"].to_numpy()),
        "AGERANGE": pd.Series(
            [f"{lo}-{hi}" for lo, hi in zip(d["age_low"], d["age_high"], strict=False)]
        ),
        "CONFEXAM": pd.Series([""] * k),
        "TAB15": pd.Series(["0"] * k),
        "TAB1618": pd.Series(["0"] * k),
    }


def _frame(ident: dict, meas: dict, rows: int) -> pd.DataFrame:
    data = {}
    for col in KS2_HEADER:
        if col in ident:
            data[col] = ident[col].reset_index(drop=True)
        elif col in meas:
            data[col] = meas[col].reset_index(drop=True)
        else:
            data[col] = pd.Series([""] * rows, dtype=object)
    return pd.DataFrame(data, columns=list(KS2_HEADER))


def _agg_rows(agg: dict, sel: np.ndarray) -> dict:
    return {
        k: (np.asarray(v)[sel] if not isinstance(v, (bool, np.bool_)) else v)
        for k, v in agg.items()
    }


def write(c: cm.County, out_dir: Path, rolls: dict) -> list[tuple[str, int]]:
    written = []
    s = c.schools
    history: list[Year] = []
    for tp in cm.PRIOR_YEARS + cm.YEARS:
        y = Year(c, tp)
        prev1 = history[-1] if len(history) >= 1 else None
        prev2 = history[-2] if len(history) >= 2 else None
        history.append(y)
        if tp not in cm.YEARS:
            continue
        d = s.iloc[y.sim["sel"]].reset_index(drop=True)
        S = len(d)
        new_urns = set(
            int(u) for u in s.loc[s["open_date"].map(lambda x: x is not None and x == x), "urn"]
        )
        prior = [
            _align_units(prev1, "school", y.urns, new_urns),
            _align_units(prev2, "school", y.urns, new_urns),
        ]
        roll = rolls[tp]
        extra = {"_sen": d["sen_share"].to_numpy()}
        meas = _measures(
            y.school, prior, y.published, S, y.nat, national=False, school_level=True, extra=extra
        )
        ident = _identity(d, c, tp)
        meas["TOTPUPS"] = integer(
            np.array([roll.get(int(u), np.nan) for u in d["urn"]], dtype=float)
        )
        meas["TPUPYEAR"] = integer(y.school[("n", "all")])
        schools_df = _frame(ident, meas, S)
        # independent schools: in the tables with every measure NA
        ind = s[(s["kind"] == "independent") & cm.holds_results(s, tp)].reset_index(drop=True)
        ind_ident = _identity(ind, c, tp)
        ind_ident["NFTYPE"] = pd.Series(["IND"] * len(ind))
        ind_meas = {col: pd.Series(["NA"] * len(ind)) for col in KS2_HEADER if col not in ind_ident}
        ind_meas["TOTPUPS"] = integer(ind["pupils"].to_numpy(dtype=float))
        ind_df = _frame(ind_ident, ind_meas, len(ind))
        allschools = pd.concat([schools_df, ind_df], ignore_index=True)
        # one concat, not three inserts: the frame has ~300 columns and inserts fragment it
        allschools = pd.concat(
            [
                allschools,
                pd.DataFrame(
                    {
                        "_la": allschools["LEA"].astype(int),
                        "_es": allschools["ESTAB"].astype(int),
                        "_rt": allschools["RECTYPE"].astype(int),
                    }
                ),
            ],
            axis=1,
        )
        allschools = allschools.sort_values(["_la", "_rt", "_es"], kind="stable")
        # LA rows
        L = len(y.la_codes)
        sen_by_la = s.groupby("la_code")["sen_share"].mean()
        la_sen = sen_by_la.reindex(y.la_codes).to_numpy()
        laprior = [
            _align_units(prev1, "la", y.la_codes, set()),
            _align_units(prev2, "la", y.la_codes, set()),
        ]
        la_meas = _measures(
            y.la,
            laprior,
            y.published,
            L,
            y.nat,
            national=False,
            school_level=False,
            extra={"_sen": la_sen},
        )
        la_names = dict(zip(c.las["la_code"], c.las["la_name"], strict=False))
        la_ident = {col: pd.Series([" "] * L) for col in _IDENT}
        la_ident["RECTYPE"] = pd.Series(["3"] * L)
        la_ident["LEA"] = pd.Series([str(k) for k in y.la_codes])
        la_ident["SCHNAME"] = pd.Series([la_names[int(k)] for k in y.la_codes])
        urn_la = dict(zip(s["urn"].astype(int), s["la_code"].astype(int), strict=False))
        la_roll: dict[int, int] = {}
        for u, v in roll.items():
            la_roll[urn_la[u]] = la_roll.get(urn_la[u], 0) + v
        la_meas["TOTPUPS"] = integer(
            np.array([la_roll.get(int(k), 0) for k in y.la_codes], dtype=float)
        )
        la_meas["TPUPYEAR"] = integer(y.la[("n", "all")])
        la_df = _frame(la_ident, la_meas, L)
        # national rows 4 (all schools) and 5 (state-funded): the same pupils here (independent rows are NA)
        natprior = [
            _align_units(prev1, "nat", np.zeros(1), set()),
            _align_units(prev2, "nat", np.zeros(1), set()),
        ]
        nat_meas = _measures(
            y.nat,
            natprior,
            y.published,
            1,
            y.nat,
            national=True,
            school_level=False,
            extra={"_sen": np.array([s["sen_share"].mean()])},
        )
        nat_meas["TOTPUPS"] = integer(np.array([float(sum(roll.values()))]))
        nat_meas["TPUPYEAR"] = integer(y.nat[("n", "all")])
        nat_rows = []
        for rt in ("4", "5"):
            ident_n = {col: pd.Series([" "]) for col in _IDENT}
            ident_n["RECTYPE"] = pd.Series([rt])
            nat_rows.append(_frame(ident_n, nat_meas, 1))
        nat_df = pd.concat(nat_rows, ignore_index=True)
        cols = list(KS2_HEADER)
        folder = fmt_year(tp)
        la_part = allschools[allschools["_la"] == cm.LA_CODE][cols]
        la_file = pd.concat([la_part, la_df[la_df["LEA"] == str(cm.LA_CODE)][cols], nat_df[cols]])
        name = f"{folder}/{cm.LA_CODE}_ks2final.csv"
        write_rows(out_dir / name, KS2_HEADER, la_file.to_numpy().tolist())
        written.append((name, tp))
        nat_file = pd.concat([allschools[cols], la_df[cols], nat_df[cols]])
        name = f"{folder}/england_ks2final.csv"
        write_rows(out_dir / name, KS2_HEADER, nat_file.to_numpy().tolist())
        written.append((name, tp))
    return written


def fmt_year(tp: int) -> str:
    from .fmt import year_folder

    return year_folder(tp)
