"""The council's confidential intelligence workbook `intelligence.xlsx` (six sheets), invented records for
Eastmoor's open state-funded schools only. Dates are real Excel dates relative to the fixed reference date
2026-09-01 (never today's date). Weaker schools (latent quality) get more complaints, concerns and red visits;
notices of concern go to maintained schools only, DfE concerns to academies only.

openpyxl stamps the current time into docProps/core.xml and into every zip entry; both are fixed here so the
same seed gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

from . import county as cm
from .fmt import rng_for

REF = cm.REFERENCE_DATE
SHEETS = {
    "leadership_changes": ("urn", "change_date", "role", "change_type", "notes"),
    "complaints": ("urn", "received_date", "made_to", "category", "status", "notes"),
    "concerns": ("urn", "raised_date", "concern_type", "severity", "status", "notes"),
    "visits": ("urn", "visit_date", "officer", "purpose", "outcome", "rag"),
    "notices_of_concern": ("urn", "issued_date", "review_date", "status", "reason"),
    "dfe_concerns": ("urn", "raised_date", "raised_with", "summary", "status"),
}
OFFICERS = (
    "Hannah Quillfeather",
    "Robert Ashdown-Vale",
    "Meera Castellane",
    "Tom Brindley-Shaw",
    "Gwen Okonkwo-Hart",
    "Patrick Dunmarrow",
    "Sofia Renwickham",
)
_FIXED = datetime(2026, 9, 1, 8, 0, 0)


def _ago(rng, lo_days: int, hi_days: int) -> date:
    return REF - timedelta(days=int(rng.integers(lo_days, hi_days + 1)))


def records(c: cm.County) -> dict[str, list[tuple]]:
    rng = rng_for(c.seed, "intelligence")
    s = c.schools
    d = s[(s["la_code"] == cm.LA_CODE) & (s["status"] == "Open") & (s["kind"] != "independent")]
    d = d.sort_values("urn", kind="stable").reset_index(drop=True)
    q = d["quality"].to_numpy()
    weak = np.clip(-(q - q.mean()) / (q.std() + 1e-9), -1.5, 3)  # > 0 for weaker schools
    out: dict[str, list[tuple]] = {k: [] for k in SHEETS}
    for i, r in d.iterrows():
        urn = int(r["urn"])
        w = weak[i]
        # National shape: few headteacher changes in a year (about 1 school in 12), most schools with
        # no complaint or concern in a year, a handful of open notices of concern.
        if rng.random() < 0.08:
            out["leadership_changes"].append(
                (
                    urn,
                    _ago(rng, 5, 360),
                    "headteacher",
                    ("new_permanent", "interim", "acting")[rng.integers(3)],
                    "New headteacher in post; induction offered",
                )
            )
        if rng.random() < 0.10:
            out["leadership_changes"].append(
                (
                    urn,
                    _ago(rng, 380, 1400),
                    ("headteacher", "chair_of_governors", "deputy_headteacher")[rng.integers(3)],
                    "new_permanent",
                    "Earlier change, settled",
                )
            )
        for _ in range(rng.poisson(0.07 + 0.25 * max(w, 0))):
            out["complaints"].append(
                (
                    urn,
                    _ago(rng, 3, 700),
                    ("council", "ofsted")[int(rng.random() < 0.3)],
                    (
                        "send",
                        "bullying",
                        "communication",
                        "exclusions",
                        "admissions",
                        "safeguarding",
                    )[rng.integers(6)],
                    ("open", "closed")[int(rng.random() < 0.65)],
                    "Parent complaint logged",
                )
            )
        for _ in range(rng.poisson(0.04 + 0.25 * max(w, 0))):
            sev = ("low", "medium", "high")[int(np.clip(rng.normal(0.6 + 0.5 * w, 0.7), 0, 2.49))]
            out["concerns"].append(
                (
                    urn,
                    _ago(rng, 3, 600),
                    ("finance", "hr", "governance", "safeguarding", "school_leaders")[
                        rng.integers(5)
                    ],
                    sev,
                    ("open", "closed")[int(rng.random() < 0.5)],
                    "Raised by a council service",
                )
            )
        if rng.random() < 0.6:
            for _ in range(1 + int(rng.integers(0, 3))):
                rag = "red" if w > 1.4 else "amber" if w > 0.4 else "green"
                if rng.random() < 0.2:
                    rag = ("green", "amber")[rng.integers(2)]
                out["visits"].append(
                    (
                        urn,
                        _ago(rng, 3, 500),
                        OFFICERS[rng.integers(len(OFFICERS))],
                        (
                            "Annual review",
                            "Support visit",
                            "Monitoring visit",
                            "Pre-inspection support",
                            "Data conversation",
                        )[rng.integers(5)],
                        {
                            "green": "Secure; universal offer",
                            "amber": "Some areas to improve; follow-up agreed",
                            "red": "Significant concerns; support plan",
                        }[rag],
                        rag,
                    )
                )
    maint = d[~d["is_academy"]].copy()
    n_notices = int(np.clip(round(len(d) / 55), 3, 7))  # 7 for the default county of ~400 schools
    maint["w"] = weak[maint.index]
    acad = d[d["is_academy"]].copy()
    acad["w"] = weak[acad.index]
    for k, (_, r) in enumerate(
        maint.sort_values("w", ascending=False, kind="stable").head(n_notices).iterrows()
    ):
        issued = _ago(rng, 20, 200)
        status = ("open", "open", "open", "open", "escalated", "closed", "closed")[k]
        out["notices_of_concern"].append(
            (
                int(r["urn"]),
                issued,
                issued + timedelta(weeks=7),
                status,
                (
                    "Standards below national and falling",
                    "Leadership capacity",
                    "Governance weaknesses",
                    "Safeguarding culture",
                    "Financial deficit recovery",
                )[k % 5],
            )
        )
    for k, (_, r) in enumerate(
        acad.sort_values("w", ascending=False, kind="stable").head(5).iterrows()
    ):
        out["dfe_concerns"].append(
            (
                int(r["urn"]),
                _ago(rng, 10, 300),
                ("DfE", "RSC", "Regions Group")[k % 3],
                "Concern about standards and leadership shared with the trust",
                ("open", "closed")[int(k >= 3)],
            )
        )
    for k in out:
        out[k].sort(key=lambda t: (t[1], t[0]))
    return out


def write(c: cm.County, out_dir: Path) -> str:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in records(c).items():
        ws = wb.create_sheet(name)
        ws.append(list(SHEETS[name]))
        for row in rows:
            ws.append(list(row))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    wb.properties.creator = "etl.generate (fictional data)"
    wb.properties.created = _FIXED
    wb.properties.modified = _FIXED
    wb.properties.lastModifiedBy = "etl.generate"
    buf = io.BytesIO()
    wb.save(buf)
    path = out_dir / "intelligence.xlsx"
    _deterministic_zip(buf.getvalue(), path)
    return "intelligence.xlsx"


def _deterministic_zip(data: bytes, path: Path) -> None:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                import re

                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*", r"\g<1>2026-09-01T08:00:00Z", text
                )
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 9, 1, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, body)
    path.write_bytes(out.getvalue())
