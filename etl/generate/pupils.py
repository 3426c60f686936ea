"""The default county's pseudonymised pupil files and the national estimates (issue 9, decision 15).

The KS2 and KS4 layouts (ks2.py, ks4.py) already simulate every pupil and aggregate them as the DfE does;
this module writes those same pupils for Eastmoor's MAINTAINED schools (a council holds pupil-level results
for the schools it maintains, not for academies), one file per year, and the national average result of
each prior-attainment group as the estimates file. So the figures the pupil model computes from these files
reproduce the generated school figures: exactly for % meeting the expected standard and Attainment 8, and
to the published rounding for progress (see docs/pupil-data.md).

Fictional detail, documented here because real files differ:
- KS2 results are the simulation's unrounded points (three decimals), because the published progress of the
  generated county is computed from them; real KS2 scaled scores are whole numbers.
- Prior attainment is written to two decimals; a pupil whose rounded value would cross into the next
  prior-attainment group is moved to the nearest value inside its own group, and group boundaries sit
  between two-decimal values, so every pupil keeps the group the simulation gave them.
- SEN, current FSM and month of birth are drawn for the file only (the performance tables publish no SEN
  breakdown); they change no published figure.
- Estimates exist only for years with published progress (KS2 to 2022/23, KS4 to 2023/24); other years'
  pupils have no progress, as in the published files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import county as cm
from . import ks2, ks4
from .fmt import rng_for, year_folder

HEADER = (
    "pupil_key",
    "urn",
    "time_period",
    "key_stage",
    "prior_attainment",
    "prior_band",
    "disadvantaged",
    "fsm",
    "sen",
    "eal",
    "sex",
    "birth_month",
    "reading",
    "writing",
    "maths",
    "rwm_expected",
    "attainment8",
)
ESTIMATES_HEADER = (
    "time_period",
    "key_stage",
    "subject",
    "prior_group",
    "prior_from",
    "prior_to",
    "estimate",
    "pupils",
)
ESTIMATES_FILE = "pupils/national_estimates.csv"
_KEY_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it is a bijection modulo 2^48
_KEY_MASK = np.uint64((1 << 48) - 1)
_BANDS = {"L": "low", "M": "middle", "H": "high", "LO": "low", "AV": "middle", "HI": "high"}


def pupil_keys(start: int, n: int, seed: int) -> np.ndarray:
    """n distinct pseudonymous keys ('EM' + 12 hex digits) for running numbers start..start+n-1."""
    ids = np.arange(start, start + n, dtype=np.uint64) + np.uint64(seed)
    with np.errstate(over="ignore"):
        mixed = (ids * _KEY_MULT) & _KEY_MASK
    return np.char.add("EM", np.char.mod("%012x", mixed.astype(np.int64)))


def _fmt(x: np.ndarray, dp: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    out = np.char.mod(f"%.{dp}f", np.nan_to_num(x)).astype(object)
    out[np.isnan(x)] = ""
    return out


def _yn(b: np.ndarray) -> np.ndarray:
    return np.where(b, "Y", "N").astype(object)


def prior_values(
    x: np.ndarray, pag: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(prior attainment to 2 dp, group boundaries) such that every pupil stays in group ``pag``.

    Boundaries lie half-way between two-decimal values (so no written value sits on one); a pupil whose
    rounded value lands outside its group is moved to the closest two-decimal value inside it.
    """
    bounds = np.floor(np.asarray(edges) * 100) / 100 + 0.005
    if np.any(np.diff(bounds) <= 0):
        raise ValueError("prior-attainment groups narrower than 0.01 cannot be written to 2 dp")
    v = np.round(x, 2)
    lo = np.concatenate([[-np.inf], bounds])[pag]
    hi = np.concatenate([bounds, [np.inf]])[pag]
    v = np.where(v < lo, lo + 0.005, v)
    v = np.where(v > hi, hi - 0.005, v)
    return np.round(v, 2), bounds


def _ranges(bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[from, to) of each group: the first from 0, the last to 100 (prior scores lie between)."""
    return np.concatenate([[0.0], bounds]), np.concatenate([bounds, [100.0]])


def _characteristics(c: cm.County, d: pd.DataFrame, idx: np.ndarray, dis, tp: int, ks: str):
    rng = rng_for(c.seed, "pupils", tp, ks)
    n = len(idx)
    special = (d["kind"] == "special").to_numpy()[idx]
    share = d["sen_share"].to_numpy()[idx]
    u = rng.random(n)
    sen = np.where(
        special,
        np.where(u < 0.95, "E", "K"),
        np.where(u < share * 0.18, "E", np.where(u < share * 1.18, "K", "N")),
    )
    fsm = dis & (rng.random(n) < 0.72)
    month = rng.integers(1, 13, n)
    return sen.astype(object), fsm, month


def _selected(c: cm.County, sim: dict, la_code: int | None, maintained_only: bool) -> np.ndarray:
    """Per simulated school: True when its pupils go into the file."""
    d = c.schools.iloc[sim["sel"]]
    keep = np.ones(len(d), bool)
    if la_code is not None:
        keep &= (d["la_code"] == la_code).to_numpy()
    if maintained_only:
        keep &= ~d["is_academy"].astype(bool).to_numpy()
    return keep


def _pupil_columns(c: cm.County, d: pd.DataFrame, sim: dict, tp: int, key_stage: str,
                   pick: np.ndarray, idx: np.ndarray, prior: np.ndarray, band: np.ndarray,
                   key_start: int) -> dict:  # fmt: skip
    """The columns both key stages' pupil files share: key, school, year, prior attainment and
    characteristics."""
    sen, fsm, month = _characteristics(c, d, idx, sim["dis"][pick], tp, key_stage.lower())
    return {
        "pupil_key": pupil_keys(key_start, int(pick.sum()), c.seed),
        "urn": d["urn"].to_numpy()[idx].astype(str),
        "time_period": str(tp),
        "key_stage": key_stage,
        "prior_attainment": _fmt(prior[pick], 2),
        "prior_band": pd.Series(band[pick]).map(_BANDS).fillna("").to_numpy(),
        "disadvantaged": _yn(sim["dis"][pick]),
        "fsm": _yn(fsm),
        "sen": sen,
        "eal": _yn(sim["eal"][pick]),
        "sex": np.where(sim["girl"][pick], "F", "M"),
        "birth_month": month.astype(str),
    }


def ks2_frame(c: cm.County, sim: dict, tp: int, keep_school: np.ndarray, key_start: int):
    d = c.schools.iloc[sim["sel"]].reset_index(drop=True)
    pick = keep_school[sim["idx"]]
    idx = sim["idx"][pick]
    ks1 = np.clip(sim["ks1"], 0, 100)
    prior, bounds = prior_values(ks1 * 1.0, sim["pag"], 16.0 + 2.6 * sim["edges"])
    prior = np.where(sim["noprior"], np.nan, prior)
    absent = sim["absent"]
    results = np.where(absent[:, None], np.nan, np.round(sim["cont"], 3))
    frame = pd.DataFrame(
        {
            **_pupil_columns(c, d, sim, tp, "KS2", pick, idx, prior, sim["prior_grp"], key_start),
            "reading": _fmt(results[pick, 0], 3),
            "writing": _fmt(results[pick, 1], 3),
            "maths": _fmt(results[pick, 2], 3),
            "rwm_expected": _yn(sim["exp"]["RWM"][pick]),
            "attainment8": "",
        },
        columns=list(HEADER),
    )
    rows = []
    if ks2.PROGRESS_PUBLISHED[tp]:
        lo, hi = _ranges(bounds)
        for k, subject in enumerate(("reading", "writing", "maths")):
            for g in range(len(lo)):
                rows.append(
                    [
                        tp,
                        "KS2",
                        subject,
                        g + 1,
                        lo[g],
                        hi[g],
                        sim["pag_means"][k][g],
                        sim["pag_counts"][g],
                    ]
                )
    return frame, rows


def ks4_frame(c: cm.County, sim: dict, tp: int, keep_school: np.ndarray, key_start: int):
    d = c.schools.iloc[sim["sel"]].reset_index(drop=True)
    pick = keep_school[sim["idx"]]
    idx = sim["idx"][pick]
    prior, bounds = prior_values(sim["ks2aps"], sim["pag"], 28.5 + 3.6 * sim["edges"])
    prior = np.where(sim["noprior"], np.nan, prior)
    frame = pd.DataFrame(
        {
            **_pupil_columns(c, d, sim, tp, "KS4", pick, idx, prior, sim["prior_band"], key_start),
            "reading": "",
            "writing": "",
            "maths": "",
            "rwm_expected": "",
            "attainment8": _fmt(sim["a8"][pick], 1),
        },
        columns=list(HEADER),
    )
    rows = []
    if ks4.P8_PUBLISHED[tp]:
        lo, hi = _ranges(bounds)
        for g in range(len(lo)):
            rows.append(
                [
                    tp,
                    "KS4",
                    "attainment8",
                    g + 1,
                    lo[g],
                    hi[g],
                    sim["a8_estimates"][g],
                    sim["pag_counts"][g],
                ]
            )
    return frame, rows


def write(
    c: cm.County,
    out_dir: Path,
    *,
    la_code: int | None = cm.LA_CODE,
    maintained_only: bool = True,
    years: tuple[int, ...] = cm.YEARS,
) -> list[tuple[str, int]]:
    """Write pupils/<year>_pupils.csv per year and pupils/national_estimates.csv; returns the
    per-year files with their years (for the manifest)."""
    out_dir = Path(out_dir)
    (out_dir / "pupils").mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, int]] = []
    estimates: list[list] = []
    key_start = 0
    for tp in years:
        frames = []
        for module, build in ((ks2, ks2_frame), (ks4, ks4_frame)):
            sim = module.simulate(c, tp)
            keep = _selected(c, sim, la_code, maintained_only)
            frame, rows = build(c, sim, tp, keep, key_start)
            key_start += len(frame)
            frames.append(frame)
            estimates += rows
        name = f"pupils/{year_folder(tp)}_pupils.csv"
        pd.concat(frames, ignore_index=True).to_csv(
            out_dir / name, index=False, lineterminator="\n"
        )
        written.append((name, tp))
    est = pd.DataFrame(estimates, columns=list(ESTIMATES_HEADER))
    est["prior_from"] = _fmt(est["prior_from"].to_numpy(), 3)
    est["prior_to"] = _fmt(est["prior_to"].to_numpy(), 3)
    est["estimate"] = _fmt(est["estimate"].to_numpy(), 4)
    est.to_csv(out_dir / ESTIMATES_FILE, index=False, lineterminator="\n")
    return written
