"""Absence in the layout of absence/england_abs.csv: LA, ESTAB, URN, PERCTOT, PPERSABS10 (national file only,
with `NAT,PRI|SEC|SPE,` rows as the real one). Small schools (under 20 pupils) show SUPP for persistent absence;
independent schools are not in the file. Levels follow the real post-COVID pattern."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import county as cm
from .fmt import num, rng_for, write_rows, year_folder
from .headers import ABSENCE_HEADER

# (overall absence %, persistent absence %) for primary, secondary, special, by year
LEVELS = {
    201819: ((4.0, 8.2), (5.5, 13.7), (10.1, 28.8)),
    202122: ((6.3, 17.7), (9.0, 27.7), (12.8, 37.0)),
    202223: ((5.9, 16.2), (9.1, 28.3), (12.9, 37.5)),
    202324: ((5.5, 14.6), (8.9, 26.6), (12.5, 36.4)),
    202425: ((5.2, 13.4), (8.6, 25.4), (12.2, 35.6)),
}
_BAND = {
    "primary": 0,
    "infant": 0,
    "junior": 0,
    "nursery": 0,
    "secondary": 1,
    "all-through": 1,
    "16plus": 1,
    "pru": 2,
    "special": 2,
}


def write(c: cm.County, out_dir: Path, rolls: dict) -> list[tuple[str, int]]:
    written = []
    s = c.schools
    for tp in cm.YEARS:
        rng = rng_for(c.seed, "absence", tp)
        roll = rolls[tp]
        d = s[s["urn"].isin(roll.keys()) & (s["kind"] != "independent") & (s["kind"] != "nursery")]
        d = d.sort_values("urn", kind="stable").reset_index(drop=True)
        band = d["kind"].map(_BAND).to_numpy()
        lv = np.array(LEVELS[tp])
        z = d["absence_z"].to_numpy() + rng.normal(0, 0.35, len(d))
        tot = np.clip(lv[band, 0] * np.exp(0.22 * z), 1.0, 40)
        pa = np.clip(lv[band, 1] * np.exp(0.42 * z), 0.0, 90)
        nor = np.array([roll[int(u)] for u in d["urn"]])
        for k in range(
            3
        ):  # rescale so the pupil-weighted national figures hit the published levels
            m = band == k
            if m.any():
                tot[m] *= lv[k, 0] / np.average(tot[m], weights=nor[m])
                pa[m] = np.clip(pa[m] * lv[k, 1] / np.average(pa[m], weights=nor[m]), 0, 90)
        pa_s = num(pa, 1)
        pa_s[nor < 20] = "SUPP"
        df = pd.DataFrame(
            {
                "LA": d["la_code"].astype(str),
                "ESTAB": d["estab"].astype(str),
                "URN": d["urn"].astype(str),
                "PERCTOT": num(tot, 1).to_numpy(),
                "PPERSABS10": pa_s.to_numpy(),
            }
        )
        nat = []
        for b, code in enumerate(("PRI", "SEC", "SPE")):
            m = band == b
            w = nor[m]
            nat.append(
                [
                    "NAT",
                    code,
                    "",
                    num(np.array([np.average(tot[m], weights=w)]), 1)[0],
                    num(np.array([np.average(pa[m], weights=w)]), 1)[0],
                ]
            )
        name = f"{year_folder(tp)}/england_abs.csv"
        write_rows(
            out_dir / name,
            ABSENCE_HEADER,
            df.to_numpy().tolist() + nat,
            crlf=False,
            short_rows=False,
        )
        written.append((name, tp))
    return written
