"""Ofsted "Management information - state-funded schools - latest inspections" files, three eras, national
(every invented state-funded school, as the real files), Windows-1252, comma-separated (.csv as Ofsted publishes
them), CRLF, csv-module minimal quoting, literal NULL for missing previous-inspection cells, two blank rows at
the end (skip rows without a URN).

- era a (`..._as_at_31_Aug_2024.csv`, 70 columns): last graded inspection, overall effectiveness 1-4,
  category of concern SM/SWK for inadequate schools.
- era b (`..._as_at_31_Aug_2025.csv`, 74 columns): as era a plus inspections from Sept 2024 with
  "Not judged" overall effectiveness and sub-judgements 1-4.
- era c (`..._as_at_31_Aug_2026.csv`, 85 columns, sheet D2 layout): report cards for inspections since
  10 Nov 2025 (five-point scale per area, safeguarding Met/Not met), the last graded (OEIF) inspection in its own
  block. Eastmoor has a few "Needs attention", a few "Urgent improvement" and exactly one safeguarding "Not met".
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from . import county as cm
from .fmt import rng_for
from .headers import OFSTED_ERA_A_HEADER, OFSTED_ERA_B_HEADER, OFSTED_ERA_C_HEADER

RATING = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
CARD = (
    "Exceptional",
    "Strong standard",
    "Expected standard",
    "Needs attention",
    "Urgent improvement",
)
TYPE = {
    "Community school": "Community School",
    "Voluntary aided school": "Voluntary Aided School",
    "Voluntary controlled school": "Voluntary Controlled School",
    "Foundation school": "Foundation School",
    "Academy converter": "Academy Converter",
    "Academy sponsor led": "Academy Sponsor Led",
    "Free schools": "Free School",
    "Community special school": "Community Special School",
    "Foundation special school": "Foundation Special School",
    "Academy special converter": "Academy Special Converter",
    "Academy special sponsor led": "Academy Special Sponsor Led",
    "Free schools special": "Free Special School",
    "Local authority nursery school": "LA Nursery School",
    "Pupil referral unit": "Pupil Referral Unit",
    "Academy alternative provision converter": "Academy Alternative Provision Converter",
    "Academy 16-19 converter": "Academy 16-19 Converter",
    "Free schools 16 to 19": "Free School 16-19",
}
PHASE = {
    "primary": "Primary",
    "infant": "Primary",
    "junior": "Primary",
    "secondary": "Secondary",
    "all-through": "Secondary",
    "special": "Special",
    "nursery": "Nursery",
    "pru": "PRU",
    "16plus": "Secondary",
}
ERA_B_START = date(2024, 9, 1)
ERA_C_START = date(2025, 11, 10)
AS_AT = {"a": date(2024, 8, 31), "b": date(2025, 8, 31), "c": date(2026, 8, 31)}


def _d(x: date | None) -> str:
    return x.strftime("%d/%m/%Y") if x else ""


def _rand_date(rng, lo: date, hi: date) -> date:
    d = lo + timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
    while d.weekday() > 3:  # inspections start Monday-Thursday
        d -= timedelta(days=1)
    return d


def plan(c: cm.County) -> dict[int, dict]:
    """Every state-funded school's inspection history (legacy graded, 2024/25 ungraded-overall, report card)."""
    s = c.schools
    rng = rng_for(c.seed, "ofsted")
    q = s["quality"].to_numpy() + rng.normal(0, 0.35, len(s))
    # National shape (Ofsted official statistics): about 1 school in 10 below Good, 1-2% inadequate.
    cuts = np.quantile(q, [0.02, 0.11, 0.84])
    out: dict[int, dict] = {}
    insp_no = 10200000
    for i, r in s.iterrows():
        if r["kind"] == "independent":
            continue
        urn = int(r["urn"])
        g = 1 if q[i] > cuts[2] else 2 if q[i] > cuts[1] else 3 if q[i] > cuts[0] else 4
        opened = r["open_date"] if r["open_date"] == r["open_date"] else None
        h: dict = {"grade": g, "legacy": None, "prev": None, "b": None, "c": None}
        if r["no_results"]:
            out[urn] = h  # new school: not yet inspected
            continue
        lo = max(date(2016, 9, 1), (opened or date(2000, 1, 1)) + timedelta(days=300))
        hi = date(2024, 7, 15)
        if lo < hi:
            insp_no += int(rng.integers(1, 40))
            start = _rand_date(rng, lo if g < 3 else max(lo, date(2021, 9, 1)), hi)
            subs = np.clip(g + rng.choice([-1, 0, 0, 0, 0, 1], 4), 1, 4)
            subs[0] = g if g >= 3 else subs[0]
            h["legacy"] = dict(
                no=str(insp_no),
                start=start,
                end=start + timedelta(days=1),
                pub=start + timedelta(days=int(rng.integers(18, 40))),
                overall=g,
                subs=subs,
                cat=("SM" if rng.random() < 0.4 else "SWK") if g == 4 else "",
                safeguarding="No" if (g == 4 and rng.random() < 0.5) else "Yes",
            )
            if rng.random() < 0.8:
                pstart = start - timedelta(days=int(rng.integers(900, 1800)))
                # a previous grade below Good for about 1 Good school in 7 (most RI schools improve)
                pg = int(np.clip(g + rng.choice([-1, 0, 0, 0, 0, 0, 1]), 1, 4))
                h["prev"] = dict(
                    no=str(insp_no - 7000000),
                    start=pstart,
                    pub=pstart + timedelta(days=30),
                    overall=pg,
                )
        u = rng.random()
        closed = r["close_date"] if r["close_date"] == r["close_date"] else None
        if u < 0.22 and closed is None:
            insp_no += int(rng.integers(1, 40))
            start = _rand_date(rng, ERA_B_START, date(2025, 7, 10))
            # most schools keep their grade; weaker schools more often improve than decline
            step = rng.choice([-1, -1, 0]) if g >= 3 else rng.choice([-1] + [0] * 10 + [1])
            gb = int(np.clip(g + step, 1, 4))
            # sub-judgements: the same grade, some a grade better; the weakest area (quality of
            # education) carries a grade below Good, so a Good school has no sub-judgement below Good
            subs = np.clip(gb - (rng.random(4) < 0.15), 1, 4)
            subs[0] = gb
            h["b"] = dict(
                no=str(insp_no),
                start=start,
                pub=start + timedelta(days=30),
                subs=subs,
                cat=("SM" if gb == 4 and rng.random() < 0.5 else "SWK" if gb == 4 else ""),
                safeguarding="Yes",
            )
        elif u < 0.45 and closed is None:
            insp_no += int(rng.integers(1, 40))
            start = _rand_date(rng, ERA_C_START, date(2026, 7, 15))
            base = np.clip(
                np.round(
                    np.array([2.0, 1.9, 2.0, 1.8, 1.8, 1.8, 1.8, 1.9])
                    + (g - 2) * 0.7
                    + rng.normal(0, 0.25, 8)
                ),
                0,
                4,
            ).astype(int)
            h["c"] = dict(
                no=str(insp_no),
                start=start,
                pub=start + timedelta(days=35),
                grades=base,
                safeguarding="Met",
            )
        out[urn] = h
    # Eastmoor: make sure the report-card era has a few "Needs attention", a few "Urgent improvement" and one
    # safeguarding "Not met" (the weakest school inspected since Nov 2025)
    mine = [
        u for u in s.loc[s["la_code"] == cm.LA_CODE, "urn"].astype(int) if u in out and out[u]["c"]
    ]
    mine.sort(key=lambda u: float(s.loc[s["urn"] == u, "quality"].iloc[0]))
    for k, u in enumerate(mine[:6]):
        gr = out[u]["c"]["grades"]
        gr[3] = max(gr[3], 3)
        if k < 3:
            gr[[2, 7]] = 4
        if k == 0:
            out[u]["c"]["safeguarding"] = "Not met"
    return out


def latest_for_gias(history: dict[int, dict]) -> dict[int, tuple[str, date | None]]:
    out = {}
    for urn, h in history.items():
        lg = h["legacy"]
        if lg:
            name = RATING[lg["overall"]]
            if lg["overall"] == 4:
                name = "Special Measures" if lg["cat"] == "SM" else "Serious Weaknesses"
            out[urn] = (name, lg["end"])
    return out


def _common(r, la_names) -> dict:
    return {
        "Web link": f"http://www.ofsted.gov.uk/inspection-reports/find-inspection-report/provider/ELS/{r['urn']}",
        "URN": str(r["urn"]),
        "LAESTAB": f"{r['la_code']}{r['estab']:04d}",
        "School name": r["name"],
        "Ofsted phase": PHASE[r["kind"]],
        "Type of education": TYPE.get(r["type_name"], r["type_name"]),
        "School open date": _d(r["open_date"])
        if r["open_date"] == r["open_date"] and r["open_date"]
        else "",
        "Admissions policy": "Non-selective" if r["kind"] == "secondary" else "Not applicable",
        "Sixth form": "Has a sixth form"
        if r["kind"] in ("all-through", "16plus")
        else "Does not have a sixth form",
        "Designated religious character": r["religious"],
        "Religious ethos": "Does not apply",
        "Faith grouping": "Christian" if r["religious"] != "Does not apply" else "Non-faith",
        "Ofsted region": "East Midlands and East of England",
        "Region": "East Midlands",
        "Local authority": la_names[int(r["la_code"])],
        "Parliamentary constituency": r["pcon_name"],
        "Postcode": r["postcode"],
        "The income deprivation affecting children index (IDACI) quintile": str(
            int(np.clip(3 + round(r["dep"] * 1.2), 1, 5))
        ),
        "Total number of pupils": str(int(r["pupils"])),
        "Statutory lowest age": str(r["age_low"]),
        "Statutory highest age": str(r["age_high"]),
        "Multi-academy trust UID": str(17000 + int(r["urn"]) % 97) if r["is_academy"] else "",
        "Multi-academy trust name": (
            f"The {r['district'].split()[0]} Learning Trust" if r["is_academy"] else ""
        ),
    }


def _row(header, values: dict) -> list[str]:
    low = {k.lower(): v for k, v in values.items()}
    return [low.get(" ".join(h.lower().split()), low.get(h.lower(), "")) for h in header]


def _legacy_block(h, r, prefix="") -> dict:
    lg = h["legacy"]
    v = {}
    if not lg:
        return v
    v["Inspection number of latest graded inspection"] = lg["no"]
    v["Inspection type"] = "S5 Inspection"
    v["Inspection type grouping"] = "S5 Inspection"
    v["Event type grouping"] = "Schools - S5"
    v["Inspection start date"] = _d(lg["start"])
    v["Inspection end date"] = _d(lg["end"])
    v["Publication date"] = _d(lg["pub"])
    v["Does the latest graded inspection relate to the URN of the current school?"] = "Yes"
    v["URN at time of latest graded inspection"] = str(r["urn"])
    v["LAESTAB at time of latest graded inspection"] = f"{r['la_code']}{r['estab']:04d}"
    v["School name at time of latest graded inspection"] = r["name"]
    v["School type at time of latest graded inspection"] = TYPE.get(r["type_name"], r["type_name"])
    v["Overall effectiveness"] = str(lg["overall"])
    v["Category of concern"] = lg["cat"]
    for k, name in enumerate(
        (
            "Quality of education",
            "Behaviour and attitudes",
            "Personal development",
            "Effectiveness of leadership and management",
        )
    ):
        v[name] = str(lg["subs"][k])
    v["Safeguarding is effective?"] = lg["safeguarding"]
    v["Early years provision (where applicable)"] = (
        str(lg["subs"][0]) if r["kind"] in ("primary", "infant", "nursery", "all-through") else "9"
    )
    v["Sixth form provision (where applicable)"] = (
        str(lg["subs"][0]) if r["kind"] in ("all-through", "16plus") else "9"
    )
    p = h["prev"]
    if p:
        v["Previous graded inspection number"] = p["no"]
        v["Previous inspection start date"] = _d(p["start"])
        v["Previous inspection end date"] = _d(p["start"] + timedelta(days=1))
        v["Previous publication date"] = _d(p["pub"])
        v["Does the previous graded inspection relate to the URN of the current school?"] = "Yes"
        v["URN at time of previous graded inspection"] = str(r["urn"])
        v["LAESTAB at time of previous graded inspection"] = f"{r['la_code']}{r['estab']:04d}"
        v["School name at time of previous graded inspection"] = r["name"]
        v["School type at time of previous graded inspection"] = TYPE.get(
            r["type_name"], r["type_name"]
        )
        v["Previous graded inspection overall effectiveness"] = str(p["overall"])
        v["Previous category of concern"] = "NULL"
        for name in (
            "Previous quality of education",
            "Previous behaviour and attitudes",
            "Previous personal development",
            "Previous effectiveness of leadership and management",
        ):
            v[name] = str(p["overall"])
        v["Previous safeguarding is effective?"] = "Yes"
        v["Previous early years provision (where applicable)"] = "9"
        v["Previous sixth form provision (where applicable)"] = "9"
    else:
        for name in (
            "Previous graded inspection number",
            "Previous inspection start date",
            "Previous publication date",
            "Previous category of concern",
        ):
            v[name] = "NULL"
    return v


def _era_b_block(h, r) -> dict:
    b = h["b"]
    v = {}
    v["Inspection number of latest graded inspection"] = b["no"]
    v["Inspection type"] = "S5 Inspection"
    v["Inspection type grouping"] = "S5 Inspection"
    v["Event type grouping"] = "Schools - S5"
    v["Inspection start date"] = _d(b["start"])
    v["Publication date"] = _d(b["pub"])
    v["Overall effectiveness"] = "Not judged"
    v["Category of concern"] = b["cat"]
    for k, name in enumerate(
        (
            "Quality of education",
            "Behaviour and attitudes",
            "Personal development",
            "Effectiveness of leadership and management",
        )
    ):
        v[name] = str(b["subs"][k])
    v["Safeguarding is effective?"] = b["safeguarding"]
    return v


def _write(path: Path, header, rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    w.writerow([""] * len(header))
    w.writerow([""] * len(header))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().replace("'", "\u2019").encode("cp1252"))


def write(c: cm.County, out_dir: Path, rolls: dict) -> tuple[list[tuple[str, int]], dict]:
    hist = plan(c)
    s = c.schools
    la_names = dict(zip(c.las["la_code"].astype(int), c.las["la_name"], strict=False))
    files = []
    for era, header, tp in (
        ("a", OFSTED_ERA_A_HEADER, 202324),
        ("b", OFSTED_ERA_B_HEADER, 202425),
        ("c", OFSTED_ERA_C_HEADER, 202526),
    ):
        at = AS_AT[era]
        rows = []
        for _, r in s.iterrows():
            urn = int(r["urn"])
            if urn not in hist:
                continue
            op = r["open_date"] if r["open_date"] == r["open_date"] else None
            cl = r["close_date"] if r["close_date"] == r["close_date"] else None
            if (op and op > at) or (cl and cl < at):
                continue
            h = hist[urn]
            v = _common(r, la_names)
            v["Web link (opens in new window)"] = v["Web link"]
            v["Web Link (opens in new window)"] = v["Web link"]
            v.update(_legacy_block(h, r))
            if era in ("b", "c") and h["b"] and h["b"]["start"] <= at:
                if era == "b":
                    v.update(_era_b_block(h, r))
            if era == "c":
                v = _era_c(v, h, r)
            rows.append(_row(header, v))
        name = f"ofsted/Management_information_-_state-funded_schools_-_latest_inspections_as_at_{at:%d_%b_%Y}.csv"
        _write(out_dir / name, header, rows)
        files.append((name, tp))
    return files, latest_for_gias(hist)


def _era_c(v: dict, h: dict, r) -> dict:
    out = {k: v[k] for k in list(v)[:25] if k in v}
    for k in (
        "Web Link (opens in new window)",
        "URN",
        "LAESTAB",
        "School name",
        "Ofsted phase",
        "Type of education",
        "School open date",
        "Admissions policy",
        "Sixth form",
        "Designated religious character",
        "Religious ethos",
        "Faith grouping",
        "Ofsted region",
        "Region",
        "Local authority",
        "Parliamentary constituency",
        "Postcode",
        "Multi-academy trust UID",
        "Multi-academy trust name",
        "The income deprivation affecting children index (IDACI) quintile",
        "Total number of pupils",
        "Statutory lowest age",
        "Statutory highest age",
    ):
        out[k] = v.get(k, "")
    # the last graded (OEIF) inspection: 2024/25 one if any, else legacy
    b, lg = h["b"], h["legacy"]
    if b:
        out["Inspection number of latest OEIF graded inspection"] = b["no"]
        out["Inspection start date of latest OEIF graded inspection"] = _d(b["start"])
        out["Publication date of latest OEIF graded inspection"] = _d(b["pub"])
        out["Latest OEIF overall effectiveness"] = "Not judged"
        subs, sg, cat = b["subs"], b["safeguarding"], b["cat"]
    elif lg:
        out["Inspection number of latest OEIF graded inspection"] = lg["no"]
        out["Inspection start date of latest OEIF graded inspection"] = _d(lg["start"])
        out["Publication date of latest OEIF graded inspection"] = _d(lg["pub"])
        out["Latest OEIF overall effectiveness"] = str(lg["overall"])
        subs, sg, cat = lg["subs"], lg["safeguarding"], lg["cat"]
    else:
        subs = None
    if subs is not None:
        out["Inspection type of latest OEIF graded inspection"] = "S5 Inspection"
        out["Inspection type grouping of latest OEIF graded inspection"] = "S5 Inspection"
        out["Event type grouping of latest OEIF graded inspection"] = "Schools - S5"
        out["Does the latest OEIF graded inspection relate to the URN of the current school?"] = (
            "Yes"
        )
        out["URN at time of latest OEIF graded inspection"] = str(r["urn"])
        out["LAESTAB at time of latest OEIF graded inspection"] = f"{r['la_code']}{r['estab']:04d}"
        out["School name at time of latest OEIF graded inspection"] = r["name"]
        out["School type at time of latest OEIF graded inspection"] = TYPE.get(
            r["type_name"], r["type_name"]
        )
        out["Latest OEIF category of concern"] = cat
        for k, name in enumerate(
            (
                "quality of education",
                "behaviour and attitudes",
                "personal development",
                "effectiveness of leadership and management",
            )
        ):
            out[f"Latest OEIF {name}"] = str(subs[k])
        out["Latest OEIF  safeguarding is effective?"] = sg
        out["Latest OEIF early years provision (where applicable)"] = "9"
        out["Latest OEIF sixth form provision (where applicable)"] = "9"
    rc = h["c"]
    if rc:
        out["Inspection number of latest full inspection"] = rc["no"]
        out["Inspection type"] = "Full inspection"
        out["Inspection type grouping"] = "Full inspection"
        out["Event type grouping"] = "Schools - Full"
        out["Inspection start date"] = _d(rc["start"])
        out["Publication date"] = _d(rc["pub"])
        out["Does the latest full inspection relate to the URN of the current school?"] = "Yes"
        out["URN at time of latest full inspection"] = str(r["urn"])
        out["LAESTAB at time of latest full inspection"] = f"{r['la_code']}{r['estab']:04d}"
        out["School name at time of latest full inspection"] = r["name"]
        out["School type at time of latest full inspection"] = TYPE.get(
            r["type_name"], r["type_name"]
        )
        gd = _d(rc["start"] + timedelta(days=2))
        out["Safeguarding standards"] = rc["safeguarding"]
        out["Safeguarding standards - date of grade"] = gd
        areas = (
            ("Inclusion", "Inclusion"),
            ("Curriculum and teaching", "Curriculum and teaching"),
            ("Achievement", "Achievement"),
            ("Attendance and behaviour", "Attendance and behaviour"),
            ("Personal development and wellbeing", "Personal development and wellbeing"),
            ("Early years (where applicable)", "Early years"),
            ("Post-16 provision (where applicable)", "Post-16 provision"),
            ("Leadership and governance", "Leadership and governance"),
        )
        for k, (col, dcol) in enumerate(areas):
            if k == 5 and r["kind"] not in ("primary", "infant", "nursery", "all-through"):
                continue
            if k == 6 and r["kind"] not in ("all-through", "16plus"):
                continue
            out[col] = CARD[int(rc["grades"][k])]
            out[f"{dcol} - date of grade"] = gd
        if rc["safeguarding"] == "Not met" or (rc["grades"] == 4).sum() >= 2:
            out["Category of concern"] = "SM" if rc["safeguarding"] == "Not met" else "SWK"
    out["Most recent category of concern"] = out.get("Category of concern", "") or (
        (lg or {}).get("cat", "") if not b else b["cat"]
    )
    return out
