"""GIAS "all fields + links" extract (111 columns, header copied from the real 20220420_gias.csv), dated
1 November 2025: `edubasealldata20251101.csv`. UTF-8 without BOM, CRLF, every text cell quoted and numbers
unquoted exactly as the real extract (URN, ages, capacity, UKPRN, Easting, Northing); dates dd-mm-yyyy.
Rows of schools with more than one link are ragged (extra linked establishments in extra cells), as in GIAS.
OfstedRating/OfstedLastInsp come from ofsted.py (the latest graded judgement; blank after Sept 2024 inspections
that gave no overall grade, as GIAS shows)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from . import county as cm
from .fmt import ddmmyyyy, rng_for
from .headers import GIAS_HEADER

EXTRACT_DATE = date(2025, 11, 1)
FILE_NAME = "edubasealldata20251101.csv"
_UNQUOTED = {
    "URN",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "SchoolCapacity",
    "UKPRN",
    "Easting",
    "Northing",
}


def telephone(urn: int) -> str:
    """Invented numbers in Ofcom's drama range 01632 960000-960999 (never a real line)."""
    return f"01632 960{urn % 1000:03d}"


def _q(v: str) -> str:
    return '"' + v.replace('"', '""') + '"'


def write(
    c: cm.County, out_dir: Path, rolls: dict, ofsted_latest: dict[int, tuple[str, date | None]]
) -> str:
    s = c.schools
    rng = rng_for(c.seed, "gias")
    roll = rolls[cm.YEARS[-1]]
    lines = [",".join(_q(h) for h in GIAS_HEADER)]
    idx = {h: i for i, h in enumerate(GIAS_HEADER)}
    d = s[s["la_code"] == cm.LA_CODE].sort_values("urn", kind="stable")
    from .boundaries import latlon  # noqa: F401  (kept for symmetry; GIAS holds BNG only)

    for _, r in d.iterrows():
        row = [""] * len(GIAS_HEADER)

        def put(col, val, row=row):
            row[idx[col]] = "" if val is None else str(val)

        urn = int(r["urn"])
        put("URN", urn)
        put("LA (code)", cm.LA_CODE)
        put("LA (name)", cm.LA_NAME)
        put("EstablishmentNumber", r["estab"])
        put("EstablishmentName", r["name"])
        put("TypeOfEstablishment (name)", r["type_name"])
        put("EstablishmentTypeGroup (name)", r["type_group"])
        put("EstablishmentStatus (name)", r["status"])
        put("ReasonEstablishmentOpened (name)", r["reason_open"])
        put("OpenDate", ddmmyyyy(r["open_date"]))
        put("ReasonEstablishmentClosed (name)", r["reason_close"])
        put("CloseDate", ddmmyyyy(r["close_date"]))
        put("PhaseOfEducation (name)", r["phase"])
        put("StatutoryLowAge", r["age_low"])
        put("StatutoryHighAge", r["age_high"])
        put("Boarders (name)", "No boarders")
        put(
            "NurseryProvision (name)",
            "Has Nursery Classes"
            if r["kind"] in ("nursery",) or (r["kind"] == "primary" and urn % 3 == 0)
            else "No Nursery Classes",
        )
        put(
            "OfficialSixthForm (name)",
            "Has a sixth form"
            if r["kind"] in ("secondary", "all-through", "16plus") and urn % 2 == 0
            else "Does not have a sixth form",
        )
        put("Gender (name)", "Mixed")
        put("ReligiousCharacter (name)", r["religious"])
        put("ReligiousEthos (name)", "Does not apply")
        put("Diocese (name)", "Not applicable")
        put(
            "AdmissionsPolicy (name)",
            "Not applicable" if r["kind"] != "secondary" else "Non-selective",
        )
        open_now = r["status"] == "Open"
        pupils = roll.get(urn)
        put("SchoolCapacity", int(round(r["pupils"] * 1.1 / 10) * 10) if open_now else "")
        put("SpecialClasses (name)", "No Special Classes")
        if open_now and pupils is not None:
            put("CensusDate", "16-01-2025")
            put("NumberOfPupils", pupils)
            boys = int(round(pupils * 0.51))
            put("NumberOfBoys", boys)
            put("NumberOfGirls", pupils - boys)
            put("PercentageFSM", f"{r['fsm_pct']:.1f}")
            put("FSM", int(round(pupils * r["fsm_pct"] / 100)))
        put(
            "TrustSchoolFlag (name)",
            "Supported by a multi-academy trust" if r["is_academy"] else "Not applicable",
        )
        put(
            "SchoolSponsorFlag (name)",
            "Linked to a sponsor" if r["type_name"] == "Academy sponsor led" else "Not applicable",
        )
        put("FederationFlag (name)", "Not under a federation")
        put("UKPRN", 10090000 + urn % 100000)
        put("FurtherEducationType (name)", "Not applicable")
        rating, last = ofsted_latest.get(urn, ("", None))
        put("OfstedLastInsp", ddmmyyyy(last))
        put("OfstedRating (name)", rating)
        changed = date(2025, 1 + int(rng.integers(0, 10)), 1 + int(rng.integers(0, 28)))
        put("LastChangedDate", ddmmyyyy(changed))
        put("Street", r["street"])
        put("Town", r["town"])
        put("County (name)", cm.LA_NAME)
        put("Postcode", r["postcode"])
        put("SchoolWebsite", "")
        put("TelephoneNum", telephone(urn).replace(" ", ""))
        if open_now:
            put("HeadTitle (name)", r["head_title"])
            put("HeadFirstName", r["head_first"])
            put("HeadLastName", r["head_last"])
            put("HeadPreferredJobTitle", "Headteacher" if r["kind"] != "pru" else "Head of Centre")
        put("GOR (name)", "East Midlands")
        put("DistrictAdministrative (name)", r["district"])
        put("ParliamentaryConstituency (name)", r["pcon_name"])
        put(
            "UrbanRural (name)",
            "(England/Wales) Urban city and town" if urn % 3 else "(England/Wales) Rural village",
        )
        put("GSSLACode (name)", "E10099991")
        put("Easting", int(r["easting"]))
        put("Northing", int(r["northing"]))
        put("RSCRegion (name)", "East Midlands")
        put("Country (name)", "")
        put("SENStat", "")
        cells = [row[i] if h in _UNQUOTED else _q(row[i]) for i, h in enumerate(GIAS_HEADER)]
        links = r["linked"] or "Does not have links"
        cells[-1] = _q(links)
        lines.append(",".join(cells))
    path = out_dir / FILE_NAME
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8", newline="")
    return FILE_NAME


__all__ = ["write", "telephone", "FILE_NAME", "np"]
