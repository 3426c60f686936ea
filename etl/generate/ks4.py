"""KS4 performance tables in the 2017/18 final layout (496 columns from ks4/815_2018_ks4final.csv), one LA
file and one national file per year. RECTYPE 1 mainstream, 2 special, 4 LA, 5 England (all schools),
7 England (maintained schools: LA-maintained, not academies or free schools).

Pupils are simulated and aggregated (Attainment 8 and its elements, Progress 8 against the national mean of
pupils with the same KS2 prior, English and maths 4+/5+, EBacc entry and APS) for all pupils and the groups
FSM6CLA1A, NFSM6CLA1A, LO, AV, HI, EAL, GIRLS, BOYS, NMOB.

Codes: `SUPP` for a group (or cohort) of 5 pupils or fewer (KS4 publishes groups from 6 pupils); `NP` in every
Progress 8 field (P8MEA*, P8CILOW*, P8CIUPP*, P8PUP*, TP8ADJ*, P8MEACOV, the element P8 fields, DIFFN_P8MEA)
in 2024/25, when the DfE did not publish Progress 8; P8_BANDING is left empty that year. `NA` for independent
schools. In every year `*_17` holds the previous published year and `*_16` the one before (as in the 2017/18
file). Columns the simulation does not model (subject-level EBacc entries, science/humanities/language value
added, TAVENT*) are left empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import county as cm
from .fmt import integer, num, rng_for, write_rows, year_folder
from .headers import KS4_HEADER

KS4_KINDS = ("secondary", "all-through", "special")
A8_TARGET = {
    201617: 46.4,
    201718: 46.5,
    201819: 46.7,
    202122: 48.8,
    202223: 46.3,
    202324: 45.9,
    202425: 45.9,
}
P8_PUBLISHED = {
    201617: True,
    201718: True,
    201819: True,
    202122: True,
    202223: True,
    202324: True,
    202425: False,
}
GROUPS = ("", "FSM6CLA1A", "NFSM6CLA1A", "LO", "AV", "HI", "EAL", "GIRLS", "BOYS", "NMOB")
SUPP_MAX = 5
IDENT = KS4_HEADER[: KS4_HEADER.index("TOTPUPS")]


def simulate(c: cm.County, tp: int) -> dict:
    s = c.schools
    sel = np.flatnonzero(s["kind"].isin(KS4_KINDS).to_numpy() & cm.holds_results(s, tp))
    d = s.iloc[sel]
    rng = rng_for(c.seed, "ks4", tp)
    div = d["kind"].map({"secondary": 6.3, "all-through": 14.0, "special": 15.0}).to_numpy()
    n = np.maximum(rng.poisson(d["pupils"].to_numpy() / div), 1)
    S, N = len(d), int(n.sum())
    idx = np.repeat(np.arange(S), n)
    special = (d["kind"] == "special").to_numpy()[idx]
    yr = cm.academic_year_end(tp) - 2022
    va4 = (
        d["va"].to_numpy() / 1.45 * 0.45
        + d["trend"].to_numpy() * 0.12 * yr
        + rng.normal(0, 0.12, S)
    )
    girl = rng.random(N) < 0.49
    dis = rng.random(N) < np.clip(d["fsm_pct"].to_numpy() * 1.2 / 100, 0.02, 0.9)[idx]
    eal = rng.random(N) < d["eal_share"].to_numpy()[idx]
    mobile = rng.random(N) < 0.05
    a = 1.8 * d["intake"].to_numpy()[idx] + rng.normal(0, 0.95, N) - 0.35 * dis - 2.4 * special
    noprior = rng.random(N) < np.where(special, 0.25, 0.04 + 0.1 * eal)
    p8true = va4[idx] + rng.normal(0, 1.1, N) - 0.45 * dis + 0.3 * eal + 0.2 * girl - 0.8 * special
    raw = 47.0 + 13.0 * a + 10.0 * p8true
    lo, hi = -20.0, 20.0
    main = ~special
    for _ in range(30):
        mid = (lo + hi) / 2
        m = np.mean(np.clip(raw[main] + mid, 0, 87))
        lo, hi = (mid, hi) if m < A8_TARGET[tp] else (lo, mid)
    shift = (lo + hi) / 2
    a8 = np.clip(np.round(raw + shift, 1), 0, 87)
    ge = np.clip(
        np.round(4.6 + 1.55 * a + 0.08 * (a8 - 47 - 13 * a) + 0.4 * girl + rng.normal(0, 0.9, N)),
        0,
        9,
    )
    gm = np.clip(
        np.round(4.5 + 1.6 * a + 0.08 * (a8 - 47 - 13 * a) + 0.15 * ~girl + rng.normal(0, 0.9, N)),
        0,
        9,
    )
    policy = d["ebacc_policy"].to_numpy()[idx]
    entered = rng.random(N) < 1 / (1 + np.exp(-(-0.7 + 0.9 * a + policy - 2.0 * special)))
    ebaps = np.clip(a8 / 10.5 - 0.35 + rng.normal(0, 0.35, N), 0, 9)
    other = a + rng.normal(0, 0.6, N)
    eb94 = entered & (ge >= 4) & (gm >= 4) & (other > -0.3)
    eb95 = entered & (ge >= 5) & (gm >= 5) & (other > 0.2)
    has_prior = ~noprior
    edges = np.quantile(a[has_prior], np.linspace(0, 1, 35)[1:-1])
    pag = np.digitize(a, edges)
    mean_by = np.bincount(
        pag[has_prior], weights=a8[has_prior], minlength=len(edges) + 1
    ) / np.maximum(np.bincount(pag[has_prior], minlength=len(edges) + 1), 1)
    p8 = np.where(has_prior, (a8 - mean_by[pag]) / 10.0, np.nan)
    centre = np.nanmean(p8[main])
    p8 = p8 - centre  # 0 = national average of mainstream state-funded pupils
    elems = {"ENG": 0.22, "MAT": 0.21, "EBAC": 0.29, "OPEN": 0.28}
    el = {k: a8 * w + rng.normal(0, 0.6, N) * (a8 > 0) for k, w in elems.items()}
    prior_band = np.where(noprior, "", np.where(a < -1.0, "LO", np.where(a > 0.55, "HI", "AV")))
    masks = {
        "": np.ones(N, bool),
        "FSM6CLA1A": dis,
        "NFSM6CLA1A": ~dis,
        "LO": prior_band == "LO",
        "AV": prior_band == "AV",
        "HI": prior_band == "HI",
        "EAL": eal,
        "GIRLS": girl,
        "BOYS": ~girl,
        "NMOB": ~mobile,
    }
    return dict(
        sel=sel,
        S=S,
        idx=idx,
        masks=masks,
        a8=a8,
        p8=p8,
        ge=ge,
        gm=gm,
        entered=entered,
        ebaps=ebaps,
        eb94=eb94,
        eb95=eb95,
        el=el,
        has_prior=has_prior,
        ks2aps=np.clip(28.5 + 3.6 * a, 10, 39),
        sd=float(np.nanstd(p8)),
        maintained=~d["is_academy"].to_numpy(),
        # pupil level (etl/generate/pupils.py): P8 = (A8 - estimate of the pupil's group) / 10
        a=a,
        girl=girl,
        dis=dis,
        eal=eal,
        noprior=noprior,
        prior_band=prior_band,
        pag=pag,
        edges=edges,
        a8_estimates=mean_by + 10.0 * centre,
        pag_counts=np.bincount(pag[has_prior], minlength=len(edges) + 1),
    )


def aggregate(sim: dict, keys: np.ndarray, K: int) -> dict:
    unit = keys[sim["idx"]]
    out: dict = {}

    def cnt(m):
        return np.bincount(unit, weights=m.astype(float), minlength=K)

    def mean(m, v):
        c = cnt(m)
        return np.bincount(unit, weights=np.where(m, v, 0.0), minlength=K) / np.where(
            c > 0, c, np.nan
        )

    for g, gm in sim["masks"].items():
        n = cnt(gm)
        out[("n", g)] = n
        out[("ATT8", g)] = mean(gm, sim["a8"])
        out[("TOTATT8", g)] = np.bincount(unit, weights=np.where(gm, sim["a8"], 0.0), minlength=K)
        for k, v in sim["el"].items():
            out[(f"ATT8{k}", g)] = mean(gm, v)
        ok = gm & sim["has_prior"]
        npr = cnt(ok)
        p = mean(ok, np.nan_to_num(sim["p8"]))
        half = 1.96 * sim["sd"] / np.sqrt(np.where(npr > 0, npr, np.nan))
        out[("P8", g)], out[("P8LO", g)], out[("P8HI", g)], out[("P8PUP", g)] = (
            p,
            p - half,
            p + half,
            npr,
        )
        out[("B94", g)] = cnt(gm & (sim["ge"] >= 4) & (sim["gm"] >= 4)) / np.where(n > 0, n, np.nan)
        out[("B95", g)] = cnt(gm & (sim["ge"] >= 5) & (sim["gm"] >= 5)) / np.where(n > 0, n, np.nan)
        out[("EBAPS", g)] = mean(gm, sim["ebaps"])
        out[("EBENT", g)] = cnt(gm & sim["entered"]) / np.where(n > 0, n, np.nan)
        out[("EB94", g)] = cnt(gm & sim["eb94"]) / np.where(n > 0, n, np.nan)
        out[("EB95", g)] = cnt(gm & sim["eb95"]) / np.where(n > 0, n, np.nan)
    out["cov"] = out[("P8PUP", "")] / np.where(out[("n", "")] > 0, out[("n", "")], np.nan)
    out["ks2aps"] = mean(sim["has_prior"], sim["ks2aps"])
    out["EBENTN"] = cnt(sim["entered"])
    return out


def _pct(frac, aggregate_row: bool) -> pd.Series:
    x = np.asarray(frac, dtype=float) * 100
    out = pd.Series([""] * len(x), dtype=object)
    ok = ~np.isnan(x)
    if aggregate_row:
        out[ok] = [f"{round(v, 1):.2f}%" for v in x[ok]]
    else:
        out[ok] = [f"{int(round(v))}%" for v in x[ok]]
    return out


def _supp(v: pd.Series, n: np.ndarray) -> pd.Series:
    v = v.copy()
    v[(n > 0) & (n <= SUPP_MAX)] = "SUPP"
    v[n == 0] = ""
    return v


_GRP = "FSM6CLA1A|NFSM6CLA1A|LO|AV|HI|EAL|GIRLS|BOYS|NMOB"


def measures(
    agg: dict,
    prior: list[dict | None],
    published: bool,
    rows: int,
    nat: dict,
    *,
    aggregate_row: bool,
) -> dict[str, pd.Series]:
    """prior[0] = previous published year (`_17` columns), prior[1] = the one before (`_16`)."""
    f: dict[str, pd.Series] = {}
    n = agg[("n", "")]
    den = np.where(n > 0, n, np.nan)

    def P(x):
        return _pct(x, aggregate_row)

    def np_(x):
        return pd.Series(["NP"] * rows, dtype=object) if not published else x

    f["TPUP"] = integer(n)
    f["BPUP"] = integer(agg[("n", "BOYS")])
    f["PBPUP"] = P(agg[("n", "BOYS")] / den)
    f["GPUP"] = integer(agg[("n", "GIRLS")])
    f["PGPUP"] = P(agg[("n", "GIRLS")] / den)
    f["KS2APS"] = num(agg["ks2aps"], 1)
    for g, t in (
        ("LO", "PRIORLO"),
        ("AV", "PRIORAV"),
        ("HI", "PRIORHI"),
        ("FSM6CLA1A", "FSM6CLA1A"),
        ("NFSM6CLA1A", "NOTFSM6CLA1A"),
        ("EAL", "EALGRP2"),
        ("NMOB", "NMOB"),
    ):
        f[f"T{t}"] = integer(agg[("n", g)])
        f[f"PT{t}"] = P(agg[("n", g)] / den)
    eng = n - agg[("n", "EAL")]
    f["TEALGRP1"], f["PTEALGRP1"] = integer(eng), P(eng / den)
    f["TEALGRP3"], f["PTEALGRP3"] = integer(np.zeros(rows)), P(np.zeros(rows))
    f["TOTATT8"] = _supp(num(agg[("TOTATT8", "")], 1), n)
    f["ATT8SCR"] = _supp(num(agg[("ATT8", "")], 1), n)
    for k in ("ENG", "MAT", "EBAC", "OPEN"):
        f[f"TOTATT8{k}"] = _supp(num(agg[(f"ATT8{k}", "")] * n, 1), n)
        f[f"ATT8SCR{k}"] = _supp(num(agg[(f"ATT8{k}", "")], 1), n)
    f["TOTATT8OPENG"] = _supp(num(agg[("ATT8OPEN", "")] * 0.53 * n, 1), n)
    f["ATT8SCROPENG"] = _supp(num(agg[("ATT8OPEN", "")] * 0.53, 1), n)
    f["TOTATT8OPENNG"] = _supp(num(agg[("ATT8OPEN", "")] * 0.47 * n, 1), n)
    f["ATT8SCROPENNG"] = _supp(num(agg[("ATT8OPEN", "")] * 0.47, 1), n)
    f["AVGEBACFILL"] = _supp(num(np.full(rows, 2.7), 1), n)
    f["AVGOPENFILL"] = _supp(num(np.full(rows, 2.8), 1), n)
    f["PTL2BASICS_94"] = _supp(P(agg[("B94", "")]), n)
    f["PTL2BASICS_95"] = _supp(P(agg[("B95", "")]), n)
    f["TOTEBACCAPS"] = _supp(num(agg[("EBAPS", "")] * n, 2), n)
    f["EBACCAPS"] = _supp(num(agg[("EBAPS", "")], 2), n)
    f["TEBACC_E_PTQ_EE"] = integer(agg["EBENTN"])
    f["PTEBACC_E_PTQ_EE"] = _supp(P(agg[("EBENT", "")]), n)
    f["PTEBACC_94"] = _supp(P(agg[("EB94", "")]), n)
    f["PTEBACC_95"] = _supp(P(agg[("EB95", "")]), n)
    f["P8MEACOV"] = np_(_supp(P(agg["cov"]), n))
    for g in GROUPS:
        sfx = f"_{g}" if g else ""
        ng = agg[("n", g)]
        npr = agg[("P8PUP", g)]
        if g:
            f[f"ATT8SCR{sfx}"] = _supp(num(agg[("ATT8", g)], 1), ng)
            f[f"EBACCAPS{sfx}"] = _supp(num(agg[("EBAPS", g)], 2), ng)
            for k in ("ENG", "MAT", "EBAC", "OPEN"):
                f[f"ATT8SCR{k}{sfx}"] = _supp(num(agg[(f"ATT8{k}", g)], 1), ng)
        f[f"P8PUP{sfx}"] = np_(integer(npr))
        f[f"TP8ADJ{sfx}"] = np_(integer(np.zeros(rows)))
        for base, key in (("P8MEA", "P8"), ("P8CILOW", "P8LO"), ("P8CIUPP", "P8HI")):
            v = _supp(num(agg[(key, g)], 2), npr)
            if aggregate_row and key != "P8" and not g:
                v = pd.Series([""] * rows, dtype=object) if nat is agg else v
            f[f"{base}{sfx}"] = np_(v)
            f[f"{base}{sfx}_ORIG"] = np_(v)
        for k in ("ENG", "MAT", "EBAC", "OPEN"):
            val = agg[("P8", g)] * {"ENG": 0.9, "MAT": 1.0, "EBAC": 1.1, "OPEN": 1.0}[k]
            half = (agg[("P8HI", g)] - agg[("P8", g)]) * 1.1
            f[f"P8MEA{k}{sfx}"] = np_(_supp(num(val, 2), npr))
            f[f"P8MEA{k}_CILOW{sfx}"] = np_(_supp(num(val - half, 2), npr))
            f[f"P8MEA{k}_CIUPP{sfx}"] = np_(_supp(num(val + half, 2), npr))
    for g, a in (("FSM6CLA1A", "PTFSM6CLA1ABASICS"), ("NFSM6CLA1A", "PTNOTFSM6CLA1ABASICS")):
        f[f"{a}_94"] = _supp(P(agg[("B94", g)]), agg[("n", g)])
        f[f"{a}_95"] = _supp(P(agg[("B95", g)]), agg[("n", g)])
    for g in ("LO", "AV", "HI"):
        for t in ("94", "95"):
            f[f"TBASICS{g}_{t}"] = integer(
                np.round(np.nan_to_num(agg[(f"B{t}", g)]) * agg[("n", g)])
            )
            f[f"PTBASICS{g}_{t}"] = _supp(P(agg[(f"B{t}", g)]), agg[("n", g)])
    for t in ("94", "95"):
        f[f"PBL2BASICS_{t}"] = _supp(P(agg[(f"B{t}", "BOYS")]), agg[("n", "BOYS")])
        f[f"PGL2BASICS_{t}"] = _supp(P(agg[(f"B{t}", "GIRLS")]), agg[("n", "GIRLS")])
        f[f"PTL2BASICSEAL_{t}"] = _supp(P(agg[(f"B{t}", "EAL")]), agg[("n", "EAL")])
        f[f"PTL2BASICSNMOB_{t}"] = _supp(P(agg[(f"B{t}", "NMOB")]), agg[("n", "NMOB")])
    dis = agg[("n", "FSM6CLA1A")]
    f["DIFFN_ATT8"] = _supp(
        num(agg[("ATT8", "FSM6CLA1A")] - nat[("ATT8", "NFSM6CLA1A")][0], 1), dis
    )
    f["DIFFN_P8MEA"] = np_(
        _supp(
            num(agg[("P8", "FSM6CLA1A")] - nat[("P8", "NFSM6CLA1A")][0], 2),
            agg[("P8PUP", "FSM6CLA1A")],
        )
    )
    lower, upper, score = agg[("P8LO", "")], agg[("P8HI", "")], agg[("P8", "")]
    band = np.where(
        (lower > 0) & (score >= 0.5),
        "1",
        np.where(
            lower > 0,
            "2",
            np.where((upper < 0) & (score <= -0.5), "5", np.where(upper < 0, "4", "3")),
        ),
    )
    band = pd.Series(band, dtype=object)
    band[np.isnan(score) | (agg[("P8PUP", "")] <= SUPP_MAX)] = ""
    f["P8_BANDING"] = (
        band if published and not aggregate_row else pd.Series([""] * rows, dtype=object)
    )
    # prior years: _17 = previous published year, _16 = the one before
    for suf, p in (("_17", prior[0]), ("_16", prior[1])):
        if p is None:
            continue
        pub = p.get("published", True)
        for g in ("", "FSM6CLA1A", "NFSM6CLA1A"):
            sfx = f"_{g}" if g else ""
            ng, npr = p[("n", g)], p[("P8PUP", g)]
            f[f"ATT8SCR{sfx}{suf}"] = _supp(num(p[("ATT8", g)], 1), ng)
            for base, key in (("P8MEA", "P8"), ("P8CILOW", "P8LO"), ("P8CIUPP", "P8HI")):
                v = _supp(num(p[(key, g)], 2), npr)
                f[f"{base}{sfx}{suf}"] = v if pub else pd.Series(["NP"] * rows, dtype=object)
            f[f"P8PUP{sfx}{suf}"] = integer(npr) if pub else pd.Series(["NP"] * rows, dtype=object)
        for g, t in (("FSM6CLA1A", "FSM6CLA1A"), ("NFSM6CLA1A", "NOTFSM6CLA1A")):
            f[f"T{t}{suf}"] = integer(p[("n", g)])
            f[f"PT{t}{suf}"] = P(p[("n", g)] / np.where(p[("n", "")] > 0, p[("n", "")], np.nan))
        if suf == "_17":
            f["PTEBACC_E_17_PTQ_EE"] = _supp(P(p[("EBENT", "")]), p[("n", "")])
            f["PTEBACC_94_17"] = _supp(P(p[("EB94", "")]), p[("n", "")])
            f["PTEBACC_95_17"] = _supp(P(p[("EB95", "")]), p[("n", "")])
            f["PTL2BASICS_94_17_PTQ_EE"] = _supp(P(p[("B94", "")]), p[("n", "")])
            f["PTL2BASICS_95_17_PTQ_EE"] = _supp(P(p[("B95", "")]), p[("n", "")])
    # whole cohort of 5 or fewer: every result suppressed
    small = (n > 0) & (n <= SUPP_MAX)
    if small.any():
        for k in list(f):
            if k.startswith(("T", "PT", "B", "G", "PB", "PG", "KS2")) and not k.startswith(
                ("TOTATT8", "TOTEBACC")
            ):
                continue
            v = f[k].copy()
            v[small & (v != "") & (v != "NP")] = "SUPP"
            f[k] = v
    return f


class Year:
    def __init__(self, c: cm.County, tp: int):
        self.tp = tp
        self.published = P8_PUBLISHED[tp]
        self.sim = simulate(c, tp)
        s = c.schools
        self.urns = s["urn"].to_numpy()[self.sim["sel"]]
        S = self.sim["S"]
        self.school = aggregate(self.sim, np.arange(S), S)
        la = s["la_code"].to_numpy()[self.sim["sel"]]
        self.la_codes = np.unique(la)
        self.la = aggregate(self.sim, np.searchsorted(self.la_codes, la), len(self.la_codes))
        self.nat = aggregate(self.sim, np.zeros(S, dtype=np.int64), 1)
        maint = self.sim["maintained"]
        keys = np.where(maint, 0, 1)
        self.maint = {k: np.asarray(v)[:1] for k, v in aggregate(self.sim, keys, 2).items()}
        self.pos = {int(u): i for i, u in enumerate(self.urns)}


def _align(prev: Year | None, level: str, keys) -> dict | None:
    if prev is None:
        return None
    if level == "school":
        src, pos = prev.school, np.array([prev.pos.get(int(u), -1) for u in keys])
    elif level == "la":
        codes = list(prev.la_codes)
        src, pos = prev.la, np.array([codes.index(k) if k in codes else -1 for k in keys])
    else:
        src, pos = prev.nat, np.zeros(len(keys), dtype=np.int64)
    have = pos >= 0
    out = {"published": prev.published}
    for k, v in src.items():
        arr = np.asarray(v, dtype=float)
        res = np.full(
            len(keys), 0.0 if (isinstance(k, tuple) and k[0] in ("n", "P8PUP")) else np.nan
        )
        res[have] = arr[pos[have]]
        out[k] = res
    return out


def _frame(ident: dict, meas: dict, rows: int) -> pd.DataFrame:
    data = {}
    for col in KS4_HEADER:
        src = ident.get(col, meas.get(col))
        data[col] = (
            src.reset_index(drop=True) if src is not None else pd.Series([""] * rows, dtype=object)
        )
    return pd.DataFrame(data, columns=list(KS4_HEADER))


def _identity(d: pd.DataFrame, roll: dict) -> dict[str, pd.Series]:
    from .gias import telephone

    k = len(d)
    urn = d["urn"].astype(int)
    pupils = np.array([roll.get(int(u), 0) for u in urn])
    boys = np.round(pupils * 0.51).astype(int)
    return {
        "RECTYPE": pd.Series(np.where(d["kind"] == "special", "2", "1")),
        "ALPHAIND": pd.Series(d["alphaind"].astype(str).to_numpy()),
        "LEA": pd.Series(d["la_code"].astype(str).to_numpy()),
        "ESTAB": pd.Series(d["estab"].astype(str).to_numpy()),
        "URN": pd.Series(urn.astype(str).to_numpy()),
        "SCHNAME": pd.Series(d["name"].to_numpy()),
        "SCHNAME_AC": pd.Series([""] * k),
        "ADDRESS1": pd.Series(d["street"].to_numpy()),
        "ADDRESS2": pd.Series([""] * k),
        "ADDRESS3": pd.Series([""] * k),
        "TOWN": pd.Series(d["town"].to_numpy()),
        "PCODE": pd.Series(d["postcode"].to_numpy()),
        "TELNUM": pd.Series([telephone(u) for u in urn]),
        "CONTFLAG": pd.Series(["0"] * k),
        "ICLOSE": pd.Series(["0"] * k),
        "NFTYPE": pd.Series(d["nftype"].to_numpy()),
        "RELDENOM": pd.Series(d["religious"].to_numpy()),
        "ADMPOL": pd.Series(np.where(d["kind"] == "special", "NSE", "COMP")),
        "ADMPOL_2017": pd.Series(
            np.where(d["kind"] == "special", "NOT APPLICABLE", "OTHER NON SEL")
        ),
        "EGENDER": pd.Series(["MIXED"] * k),
        "FEEDER": pd.Series(["0"] * k),
        "TABKS2": pd.Series(["0"] * k),
        "TAB1618": pd.Series(np.where(d["age_high"] >= 18, "1", "0")),
        "AGERANGE": pd.Series(
            [f"{lo}-{hi}" for lo, hi in zip(d["age_low"], d["age_high"], strict=False)]
        ),
        "CONFEXAM": pd.Series([""] * k),
        "TOTPUPS": integer(pupils.astype(float)),
        "NUMBOYS": integer(boys.astype(float)),
        "NUMGIRLS": integer((pupils - boys).astype(float)),
    }


def write(c: cm.County, out_dir: Path, rolls: dict) -> list[tuple[str, int]]:
    s = c.schools
    written = []
    hist: list[Year] = []
    cols = list(KS4_HEADER)
    for tp in cm.PRIOR_YEARS + cm.YEARS:
        y = Year(c, tp)
        p1 = hist[-1] if hist else None
        p2 = hist[-2] if len(hist) > 1 else None
        hist.append(y)
        if tp not in cm.YEARS:
            continue
        roll = rolls[tp]
        d = s.iloc[y.sim["sel"]].reset_index(drop=True)
        S = len(d)
        meas = measures(
            y.school,
            [_align(p1, "school", y.urns), _align(p2, "school", y.urns)],
            y.published,
            S,
            y.nat,
            aggregate_row=False,
        )
        sch = _frame(_identity(d, roll), meas, S)
        ind = s[(s["kind"] == "independent") & cm.holds_results(s, tp)].reset_index(drop=True)
        ident = _identity(ind, roll)
        ident["NFTYPE"] = pd.Series(["IND"] * len(ind))
        ind_df = _frame(
            ident, {c_: pd.Series(["NA"] * len(ind)) for c_ in cols if c_ not in ident}, len(ind)
        )
        allsch = pd.concat([sch, ind_df], ignore_index=True)
        allsch = pd.concat(
            [
                allsch,
                pd.DataFrame(
                    {
                        "_la": allsch["LEA"].astype(int),
                        "_rt": allsch["RECTYPE"].astype(int),
                        "_es": allsch["ESTAB"].astype(int),
                    }
                ),
            ],
            axis=1,
        ).sort_values(["_la", "_rt", "_es"], kind="stable")
        L = len(y.la_codes)
        la_meas = measures(
            y.la,
            [_align(p1, "la", y.la_codes), _align(p2, "la", y.la_codes)],
            y.published,
            L,
            y.nat,
            aggregate_row=True,
        )
        la_ident = {"RECTYPE": pd.Series(["4"] * L), "LEA": pd.Series([str(k) for k in y.la_codes])}
        la_df = _frame(la_ident, la_meas, L)
        nat_rows = []
        for rt, agg, prev in (("5", y.nat, "nat"), ("7", y.maint, None)):
            pr = [_align(p1, "nat", [0]), _align(p2, "nat", [0])] if prev else [None, None]
            m = measures(agg, pr, y.published, 1, y.nat, aggregate_row=True)
            nat_rows.append(_frame({"RECTYPE": pd.Series([rt])}, m, 1))
        nat_df = pd.concat(nat_rows, ignore_index=True)
        folder = year_folder(tp)
        mine = allsch[allsch["_la"] == cm.LA_CODE][cols]
        name = f"{folder}/{cm.LA_CODE}_ks4final.csv"
        write_rows(
            out_dir / name,
            KS4_HEADER,
            pd.concat([mine, la_df[la_df["LEA"] == str(cm.LA_CODE)], nat_df])[cols]
            .to_numpy()
            .tolist(),
        )
        written.append((name, tp))
        name = f"{folder}/england_ks4final.csv"
        write_rows(
            out_dir / name,
            KS4_HEADER,
            pd.concat([allsch[cols], la_df, nat_df])[cols].to_numpy().tolist(),
        )
        written.append((name, tp))
    return written
