"""The generated default county: deterministic, in the real published layouts, fictional."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from etl.generate import generate
from etl.generate.headers import KS2_HEADER
from tests.shared_data import REAL_DATA

REAL = REAL_DATA


@pytest.fixture(scope="module")
def tiny(fixture_source) -> Path:
    """The session's fixture county (tests/conftest.py: 40 schools, 300 national, seed 7),
    generated once per run; read only here."""
    from tests.conftest import FIXTURE_NATIONAL, FIXTURE_SCHOOLS, FIXTURE_SEED

    assert (FIXTURE_SCHOOLS, FIXTURE_NATIONAL, FIXTURE_SEED) == (40, 300, 7)
    return fixture_source


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rows(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def test_same_seed_gives_identical_bytes(tiny, tmp_path):
    again = generate(tmp_path / "again", n_schools=40, national_schools=300, seed=7)
    assert _digest(again) == _digest(tiny)


def test_other_seed_differs(tiny, tmp_path):
    other = generate(tmp_path / "other", n_schools=40, national_schools=300, seed=8)
    a, b = _digest(tiny), _digest(other)
    assert a["2022-2023/991_ks2final.csv"] != b["2022-2023/991_ks2final.csv"]


def test_ks2_header_is_the_real_2018_19_header(tiny):
    raw = (tiny / "2022-2023/991_ks2final.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = _rows(tiny / "2022-2023/991_ks2final.csv")[0]
    assert tuple(header) == KS2_HEADER
    real = REAL / "ks2/2018_850_ks2final.csv"
    if real.exists():
        assert header == _rows(real)[0]


def test_short_rows_and_codes_present(tiny):
    seen_short = False
    codes: set[str] = set()
    for tp in ("2021-2022", "2023-2024"):
        rows = _rows(tiny / tp / "england_ks2final.csv")
        width = len(rows[0])
        for r in rows[1:]:
            assert len(r) <= width
            seen_short |= len(r) < width
            codes.update(c for c in r if c in {"SUPP", "NP", "NA", "LOWCOV", "NEW"})
    assert seen_short
    assert {"SUPP", "NP", "NA"} <= codes


def test_progress_not_published_in_2024_and_2025(tiny):
    for tp in ("2023-2024", "2024-2025"):
        rows = _rows(tiny / tp / "991_ks2final.csv")
        i = rows[0].index("READPROG")
        vals = {r[i] for r in rows[1:] if r[0] in ("1", "2") and len(r) > i and r[i] not in ("NA",)}
        assert vals == {"NP"}
    rows = _rows(tiny / "2022-2023/991_ks2final.csv")
    i = rows[0].index("READPROG")
    assert any(r[i] not in ("NP", "SUPP", "NA", "LOWCOV", "") for r in rows[1:] if r[0] == "1")


def test_national_file_repeats_the_la_rows(tiny):
    la = {tuple(r) for r in _rows(tiny / "2022-2023/991_ks2final.csv")[1:] if r[0] in ("1", "2")}
    nat = {tuple(r) for r in _rows(tiny / "2022-2023/england_ks2final.csv")[1:]}
    assert la and la <= nat
    assert any(r[0] == "1" and r[2] != "991" for r in nat)


def test_tiny_county_has_eight_districts_and_every_phase(tiny):
    rows = _rows(tiny / "edubasealldata20251101.csv", "utf-8")
    h = rows[0]
    assert len(h) == 111
    data = [dict(zip(h, r, strict=False)) for r in rows[1:]]
    assert len({d["DistrictAdministrative (name)"] for d in data}) == 8
    phases = {d["PhaseOfEducation (name)"] for d in data}
    assert {"Primary", "Secondary", "All-through", "Nursery", "16 plus", "Not applicable"} <= phases
    types = {d["TypeOfEstablishment (name)"] for d in data}
    assert any("special" in t.lower() for t in types)
    assert any(
        t in ("Pupil referral unit", "Academy alternative provision converter") for t in types
    )
    assert any("Successor" in d["Linked establishments"] for d in data)
    geo = json.loads((tiny / "boundaries.geojson").read_text())
    kinds = [f["properties"]["kind"] for f in geo["features"]]
    assert kinds.count("district") == 8 and kinds.count("county") == 1


def test_manifest_names_every_data_file(tiny):
    rows = _rows(tiny / "manifest.csv")
    assert rows[0] == ["file", "time_period", "status"]
    for f, tp, _ in rows[1:]:
        assert (tiny / f).exists(), f
        assert len(tp) == 6


def test_ofsted_files_are_windows_1252(tiny):
    files = sorted((tiny / "ofsted").glob("*.csv"))
    assert len(files) == 3
    for p in files:
        p.read_bytes().decode("cp1252")


def _real_urns() -> set[str]:
    urns: set[str] = set()
    for p in REAL.rglob("*.csv"):
        try:
            rows = _rows(p)
        except UnicodeDecodeError:
            rows = _rows(p, "cp1252")
        if not rows:
            continue
        h = [c.strip().strip('"') for c in rows[0]]
        if "URN" in h:
            i = h.index("URN")
            urns.update(r[i].strip() for r in rows[1:] if len(r) > i and r[i].strip().isdigit())
    return urns


def test_no_urn_collides_with_real_files(tiny):
    if not REAL.exists():
        pytest.skip("real data not present")
    real = _real_urns()
    assert len(real) > 1000
    ours: set[str] = set()
    for p in tiny.rglob("*.csv"):
        enc = "cp1252" if "ofsted" in str(p) else "utf-8-sig"
        rows = _rows(p, enc)
        if rows and "URN" in rows[0]:
            i = rows[0].index("URN")
            ours.update(r[i] for r in rows[1:] if len(r) > i and r[i].isdigit())
    assert ours and not (ours & real)


def test_report_cards_and_intelligence(tiny, tmp_path):
    text = next((tiny / "ofsted").glob("*31_Aug_2026.csv")).read_bytes().decode("cp1252")
    assert "Safeguarding standards" in text.splitlines()[0]
    from openpyxl import load_workbook

    wb = load_workbook(tiny / "intelligence.xlsx", read_only=True)
    assert set(wb.sheetnames) == {
        "leadership_changes",
        "complaints",
        "concerns",
        "visits",
        "notices_of_concern",
        "dfe_concerns",
    }
    head = [c.value for c in next(wb["concerns"].iter_rows(max_row=1))]
    assert head == ["urn", "raised_date", "concern_type", "severity", "status", "notes"]


def _ofsted_only(out: Path, n_schools: int, national_schools: int, seed: int) -> Path:
    """The Ofsted files ``generate`` writes for these sizes and seed, without the rest of the county
    (generate() writes them first, from the county, its boundaries and rolls; KS2/KS4 files for a
    400-school county cost a minute of CPU). Checked against the full generate() just below."""
    from etl.generate import boundaries, census, ofsted
    from etl.generate import county as cm

    c = cm.build(n_schools, national_schools, seed)
    boundaries.build(c)
    ofsted.write(c, out, census.on_roll(c))
    return out


def test_the_ofsted_files_alone_are_the_ones_generate_writes(tiny, tmp_path):
    alone = _ofsted_only(tmp_path / "alone", n_schools=40, national_schools=300, seed=7)
    assert _digest(alone / "ofsted") == _digest(tiny / "ofsted")


def test_default_county_report_cards_have_the_hard_cases(tmp_path):
    out = _ofsted_only(tmp_path / "mid", n_schools=400, national_schools=300, seed=2026)
    text = next((out / "ofsted").glob("*31_Aug_2026.csv")).read_bytes().decode("cp1252")
    eastmoor = [line for line in text.splitlines() if ",Eastmoor," in line]
    joined = "\n".join(eastmoor)
    assert "Needs attention" in joined and "Urgent improvement" in joined
    assert joined.count("Not met") == 1
