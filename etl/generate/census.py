"""School census (January of each year) in the layout of census/england_census.csv (22 columns).

Per year: `<year>/991_census.csv` (Eastmoor schools, LA rows `LA,991,PRI|SEC|SPE`, national rows `NAT,,...`) and
`<year>/england_census.csv` (every school and the NAT rows only, as the real national file). Independent schools
carry NA as in the real file. Percentages are bare numbers with one decimal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import county as cm
from .fmt import num, rng_for, write_rows, year_folder
from .headers import CENSUS_HEADER

SCHOOLTYPE = {
    "primary": "State-funded primary",
    "infant": "State-funded primary",
    "junior": "State-funded primary",
    "secondary": "State-funded secondary",
    "all-through": "State-funded secondary",
    "16plus": "State-funded secondary",
    "special": "State-funded special school",
    "nursery": "State-funded nursery",
    "pru": "Pupil referral unit",
    "independent": "Independent school",
}
AGG = (
    ("PRI", "State-funded primary"),
    ("SEC", "State-funded secondary"),
    ("SPE", "State-funded special school"),
)


def on_roll(c: cm.County) -> dict[int, dict[int, int]]:
    """{time_period: {urn: pupils on roll}} for every URN open in January of the year (a gentle random walk)."""
    s = c.schools
    out = {}
    for tp in cm.PRIOR_YEARS + cm.YEARS:
        rng = rng_for(c.seed, "roll", tp)
        yr = cm.academic_year_end(tp)
        factor = (
            1
            + 0.012 * (yr - 2026) * np.sign(rng.normal(0, 1, len(s)))
            + rng.normal(0, 0.025, len(s))
        )
        jan = pd.Timestamp(yr, 1, 15).date()
        open_ = s["open_date"].map(lambda x, jan=jan: x is None or x != x or x <= jan).to_numpy()
        shut = (
            s["close_date"].map(lambda x, jan=jan: x is not None and x == x and x < jan).to_numpy()
        )
        ok = open_ & ~shut
        nor = np.maximum(np.round(s["pupils"].to_numpy() * factor), 8).astype(int)
        new = s["no_results"].to_numpy() & ok
        # new schools grow in from one year group
        opened = (
            s["open_date"].map(lambda x: x.year if (x is not None and x == x) else 0).to_numpy()
        )
        nor = np.where(
            new, np.maximum(np.round(nor * np.clip(yr - opened, 0.5, 7) / 3), 10), nor
        ).astype(int)
        out[tp] = {int(u): int(v) for u, v, k in zip(s["urn"], nor, ok, strict=False) if k}
    return out


def _frame(c: cm.County, tp: int, roll: dict[int, int]) -> pd.DataFrame:
    s = c.schools
    d = s[s["urn"].isin(roll.keys())].reset_index(drop=True)
    rng = rng_for(c.seed, "census", tp)
    nor = np.array([roll[int(u)] for u in d["urn"]], dtype=float)
    girls = np.round(nor * np.clip(rng.normal(0.49, 0.02, len(d)), 0.3, 0.7))
    girls = np.where(d["kind"] == "special", np.round(nor * 0.28), girls)
    boys = nor - girls
    yr = cm.academic_year_end(tp)
    fsm_level = {2018: 0.62, 2019: 0.64, 2022: 0.85, 2023: 0.93, 2024: 0.97, 2025: 1.0, 2017: 0.63}[
        yr
    ]
    fsm = np.round(
        nor
        * np.clip(d["fsm_pct"].to_numpy() * fsm_level / 100 + rng.normal(0, 0.01, len(d)), 0, 0.95)
    )
    fsm_ever = np.round(
        np.maximum(fsm, nor * np.clip(d["fsm_pct"].to_numpy() * 1.25 / 100, 0, 0.97))
    )
    ehcp_share = np.where(
        d["kind"] == "special", 0.985, np.clip(d["sen_share"].to_numpy() * 0.17, 0.005, 0.1)
    )
    ehcp = np.round(nor * ehcp_share)
    senk = np.round(nor * np.where(d["kind"] == "special", 0.01, d["sen_share"].to_numpy()))
    eal = np.round(nor * d["eal_share"].to_numpy())
    unc = np.round(nor * 0.003)
    eng = nor - eal - unc
    df = pd.DataFrame(
        {
            "URN": d["urn"].astype(str),
            "LA": d["la_code"].astype(str),
            "ESTAB": d["estab"].astype(str),
            "SCHOOLTYPE": d["kind"].map(SCHOOLTYPE),
        }
    )
    vals = {
        "NOR": nor,
        "NORG": girls,
        "NORB": boys,
        "TSENELSE": ehcp,
        "TSENELK": senk,
        "NUMEAL": eal,
        "NUMENGFL": eng,
        "NUMUNCFL": unc,
        "NUMFSM": fsm,
        "NUMFSMEVER": fsm_ever,
    }
    return _fill(df, vals, independent=(d["kind"] == "independent").to_numpy())


def _fill(df: pd.DataFrame, v: dict, independent: np.ndarray | None = None) -> pd.DataFrame:
    nor = v["NOR"]
    den = np.where(nor > 0, nor, np.nan)
    out = df.copy()
    for k in ("NOR", "NORG", "NORB"):
        out[k] = num(v[k], 0).to_numpy()
    out["PNORG"] = num(v["NORG"] / den * 100, 1).to_numpy()
    out["PNORB"] = num(v["NORB"] / den * 100, 1).to_numpy()
    out["TSENELSE"] = num(v["TSENELSE"], 0).to_numpy()
    out["PSENELSE"] = num(v["TSENELSE"] / den * 100, 1).to_numpy()
    out["TSENELK"] = num(v["TSENELK"], 0).to_numpy()
    out["PSENELK"] = num(v["TSENELK"] / den * 100, 1).to_numpy()
    for k in ("NUMEAL", "NUMENGFL", "NUMUNCFL"):
        out[k] = num(v[k], 0).to_numpy()
    out["PNUMEAL"] = num(v["NUMEAL"] / den * 100, 1).to_numpy()
    out["PNUMENGFL"] = num(v["NUMENGFL"] / den * 100, 1).to_numpy()
    out["PNUMUNCFL"] = num(v["NUMUNCFL"] / den * 100, 1).to_numpy()
    out["NUMFSM"] = num(v["NUMFSM"], 0).to_numpy()
    out["NUMFSMEVER"] = num(v["NUMFSMEVER"], 0).to_numpy()
    out["PNUMFSMEVER"] = num(v["NUMFSMEVER"] / den * 100, 1).to_numpy()
    if independent is not None and independent.any():
        for k in list(CENSUS_HEADER)[13:]:
            out.loc[independent, k] = "NA"
        for k in ("TSENELSE", "PSENELSE"):
            out.loc[independent, k] = "0"
    return out[list(CENSUS_HEADER)]


def _aggregate(df: pd.DataFrame, urn_label: str, la: str) -> pd.DataFrame:
    rows = []
    for code, stype in AGG:
        part = df[df["SCHOOLTYPE"] == stype]
        v = {
            k: pd.to_numeric(part[k], errors="coerce").fillna(0).sum() * np.ones(1)
            for k in (
                "NOR",
                "NORG",
                "NORB",
                "TSENELSE",
                "TSENELK",
                "NUMEAL",
                "NUMENGFL",
                "NUMUNCFL",
                "NUMFSM",
                "NUMFSMEVER",
            )
        }
        base = pd.DataFrame(
            {"URN": [urn_label], "LA": [la], "ESTAB": [code], "SCHOOLTYPE": [stype]}
        )
        rows.append(_fill(base, v))
    return pd.concat(rows, ignore_index=True)


def write(c: cm.County, out_dir: Path, rolls: dict) -> list[tuple[str, int]]:
    written = []
    for tp in cm.YEARS:
        df = _frame(c, tp, rolls[tp])
        df = df.assign(_k=df["URN"].astype(int)).sort_values("_k", kind="stable").drop(columns="_k")
        nat = _aggregate(df, "NAT", "")
        mine = df[df["LA"] == str(cm.LA_CODE)]
        la = _aggregate(mine, "LA", str(cm.LA_CODE))
        folder = year_folder(tp)
        name = f"{folder}/{cm.LA_CODE}_census.csv"
        write_rows(
            out_dir / name,
            CENSUS_HEADER,
            pd.concat([mine, la, nat]).to_numpy().tolist(),
            crlf=False,
            short_rows=False,
        )
        written.append((name, tp))
        name = f"{folder}/england_census.csv"
        write_rows(
            out_dir / name,
            CENSUS_HEADER,
            pd.concat([df, nat]).to_numpy().tolist(),
            crlf=False,
            short_rows=False,
        )
        written.append((name, tp))
    return written
