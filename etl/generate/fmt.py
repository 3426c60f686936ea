"""Formatting and writing helpers shared by the layout modules (vectorised: the national set has ~22,000 rows)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

BOM = "\ufeff"


def rng_for(seed: int, *keys: int | str) -> np.random.Generator:
    """An independent deterministic stream per (seed, purpose, year): order of calls never matters."""
    ints = [seed] + [
        k if isinstance(k, int) else sum((i + 1) * ord(c) for i, c in enumerate(k)) for k in keys
    ]
    return np.random.default_rng(ints)


def _clean(s: pd.Series) -> pd.Series:
    return s.where(s != "-0", "0")


def num(x: np.ndarray, dp: int = 1) -> pd.Series:
    """Shortest decimal form as DfE writes it: 1.50 -> 1.5, 2.0 -> 2, -0.0 -> 0. NaN -> ''."""
    x = np.asarray(x, dtype=float)
    out = np.full(len(x), "", dtype=object)
    ok = ~np.isnan(x)
    if ok.any():
        r = np.round(x[ok], dp) + 0.0
        t = np.char.mod(f"%.{dp}f", r)
        if dp:
            t = np.char.rstrip(np.char.rstrip(t, "0"), ".")
        t = np.where(t == "-0", "0", t)
        out[ok] = t.astype(object)
    return pd.Series(out, dtype=object)


def integer(x: np.ndarray) -> pd.Series:
    x = np.asarray(x, dtype=float)
    out = pd.Series([""] * len(x), dtype=object)
    ok = ~np.isnan(x)
    out[ok] = pd.Series(np.round(x[ok]).astype(np.int64)).astype(str).to_numpy()
    return out


def pct(frac: np.ndarray, dp: int = 0) -> pd.Series:
    """0.634 -> '63%' (dp=0) or '63.4%' (dp=1)."""
    s = num(np.asarray(frac, dtype=float) * 100, dp)
    return s.where(s == "", s + "%")


def ddmmyyyy(d, sep: str = "-") -> str:
    if d is None or (isinstance(d, float) and d != d):
        return ""
    return d.strftime(f"%d{sep}%m{sep}%Y")


def write_rows(
    path: Path,
    header: list[str] | tuple[str, ...],
    rows: list[list[str]],
    *,
    bom: bool = True,
    crlf: bool = True,
    short_rows: bool = True,
    encoding: str = "utf-8",
    quote_all: bool = False,
    trailer: str = "",
) -> None:
    """Write a CSV the DfE way: no quoting (values never hold commas), rows stop after the last non-empty cell."""
    nl = "\r\n" if crlf else "\n"
    out = [(BOM if bom else "") + ",".join(header)]
    for r in rows:
        if short_rows:
            k = len(r)
            while k > 0 and r[k - 1] == "":
                k -= 1
            r = r[:k]
        out.append(",".join(r))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(nl.join(out) + nl + trailer)


def frame_rows(df: pd.DataFrame) -> list[list[str]]:
    return df.astype(str).to_numpy().tolist()


def year_folder(tp: int) -> str:
    """201819 -> '2018-2019'."""
    y = 2000 + tp // 100 % 100
    return f"{y}-{y + 1}"


def first_of(y: int, m: int, d: int) -> date:
    return date(y, m, d)
