"""One figure, one truth (issue 16; decisions 9, 23-25): the figures every page and export shows
are equal to each other and to the published cell, formatted one way, and every statement is true
of its figures. Read from the rendered pages (AppTest) and the exported files, never from the
figure layer. The tests live here; test_fixture_county.py and test_real_files.py run them on the
default-county fixture (every open school) and on the real published files (a spread of schools),
each loaded once per module (two files, so `make test`'s workers take one each)."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from tests.consistency import rendered as R
from tests.consistency.conftest import READER, published_file
from tests.pages.helpers import login, open_sections

THRESHOLD = {"ks2_rwm_expected_pct": 1.0, "ks4_attainment8": 1.0}  # warehouse/figures.toml


@pytest.fixture(scope="module")
def shown(dataset):
    """Every page the harness reads, rendered once: visible text, tables and exported bytes."""
    out: dict = {"profiles": {}}
    at = login("manager", page="schools")
    assert not at.exception, at.exception
    out["schools_text"] = R.visible_text(at)
    out["schools"] = R.table_with(at, "URN")
    out["schools_csv"] = published_file(dataset.downloads, "Download these schools")
    for page in ("overview", "districts"):
        at = login("manager", page=page)
        assert not at.exception, (page, at.exception)
        if page == "overview":  # every section, as a manager opening each of them sees it
            open_sections(at)
        out[page] = at
        out[f"{page}_text"] = R.visible_text(at)
    at = open_sections(login("manager", page="priority"))  # its sortable table too
    out["priority_text"] = R.visible_text(at)
    out["priority"] = R.table_with(at, "Persistent absence %")
    out["priority_xlsx"] = published_file(dataset.downloads, "Download the visit plan (Excel)")
    at = open_sections(login(READER, page="profile"))  # every section, kept open across schools
    for i, urn in enumerate(dataset.urns):
        at.selectbox(key="profile_urn").set_value(urn).run()
        assert not at.exception, (urn, at.exception)
        entry = {"text": R.visible_text(at), "tables": R.tables(at)}
        if i < 2:  # the PDF of two schools: it is built from the same profile
            entry["pdf"] = "\n".join(
                R.pdf_text(published_file(dataset.downloads, "Download this profile"))
            )
        out["profiles"][urn] = entry
    at = login("briefing", page="briefing")
    assert not at.exception, at.exception
    out["briefing_text"] = R.visible_text(at)
    deck = {label: data for label, data in dataset.downloads.items() if "slides" in label}
    for data in deck.values():
        raw = data() if callable(data) else data
        if raw[:4] == b"%PDF":
            out["deck_pdf"] = R.pdf_text(raw)
        elif raw[:2] == b"PK":
            out["deck_pptx"] = R.pptx_text(raw)
    return out


def _current_fsm(ds) -> dict[int, str]:
    """The published cell: each school's newest census % FSM (PNUMFSM), as a person reads it."""
    df = ds.sql(
        "SELECT urn, arg_max(value, time_period) AS v, arg_max(status_code, time_period) AS c, "
        "max(time_period) AS y FROM school_measures "
        "WHERE measure = 'fsm_pct' AND pupil_group = 'all' GROUP BY urn"
    )
    return {
        int(r.urn): f"{R.pct(r.v, 1) if pd.notna(r.v) else r.c or 'no data'} ({R.year(r.y)})"
        for r in df.itertuples()
    }


def test_schools_page_and_its_csv_show_the_published_current_fsm(dataset, shown):
    table = shown["schools"].set_index("URN")
    fsm_col = next(c for c in table.columns if "current FSM" in c)
    expected = _current_fsm(dataset)
    for urn in dataset.urns:
        assert table.loc[str(urn), fsm_col] == expected.get(urn, "no data"), urn
    raw = shown["schools_csv"].decode("utf-8-sig")
    csv = pd.read_csv(io.StringIO(raw), comment="#", dtype=str, keep_default_na=False)
    assert csv.equals(shown["schools"].astype(str).reset_index(drop=True)), (
        "CSV differs from the page"
    )
    assert "# Data as at: Figures for" in raw and "# Source file:" in raw


def test_profile_figures_equal_the_schools_page_and_the_published_cells(dataset, shown):
    fsm = shown["schools"].set_index("URN")
    fsm_col = next(c for c in fsm.columns if "current FSM" in c)
    pa = dataset.sql(
        "SELECT urn, arg_max(value, time_period) AS v, arg_max(source_field, time_period) AS f "
        "FROM school_measures WHERE measure = 'persistent_absence_pct' AND pupil_group = 'all' "
        "AND value IS NOT NULL GROUP BY urn"
    ).set_index("urn")
    checked = 0
    for urn, entry in shown["profiles"].items():
        rows = pd.concat(
            [t for t in entry["tables"] if "Measure" in t.columns and "School" in t.columns]
        )
        by = rows.set_index("Measure")
        fsm_rows = by[by.index.str.contains("current FSM")]
        if len(fsm_rows):
            school_page = fsm.loc[str(urn), fsm_col]
            assert school_page.startswith(fsm_rows["School"].iloc[0] + " ("), (urn, school_page)
            assert school_page.endswith(f"({fsm_rows['Year'].iloc[0]})"), urn
            checked += 1
        if urn in pa.index:
            threshold = 15 if "15" in str(pa.loc[urn, "f"]) else 10
            label = f"Persistent absence ({threshold}% threshold)"
            assert label in by.index, (urn, list(by.index))
            assert by.loc[label, "School"] == R.pct(pa.loc[urn, "v"], 1), urn
            assert (
                f"missed {threshold}% or more" in entry["text"]
                or "Persistent absence:" not in entry["text"]
            )
        if "pdf" in entry:  # the PDF carries the same figures and the data's own date
            pdf = entry["pdf"]
            if len(fsm_rows):
                assert fsm_rows["School"].iloc[0] in pdf, urn
            assert "Data as at: Figures for" in re.sub(r"\s+", " ", pdf), urn
    assert checked >= len(shown["profiles"]) // 2  # most schools have a census figure


def test_county_counts_agree_on_every_page_and_export(dataset, shown):
    n_open = int(dataset.sql("SELECT count(*) AS n FROM county_schools WHERE is_open")["n"].iloc[0])
    overview_total = sum(int(str(m.value).replace(",", "")) for m in shown["overview"].metric)
    assert overview_total == n_open, "overview categories do not add up to the open schools"
    listed = re.search(r"([\d,]+) schools?;", shown["priority_text"])
    assert listed and int(listed.group(1).replace(",", "")) == n_open, "priority list count"
    said = [
        int(n.replace(",", ""))
        for n in re.findall(r"([\d,]+) open schools", shown["briefing_text"])
    ]
    assert said and set(said) == {n_open}, said
    for name in ("deck_pdf", "deck_pptx"):
        text = re.sub(r"\s+", " ", " ".join(shown.get(name, [])))
        found = {int(n.replace(",", "")) for n in re.findall(r"([\d,]+) open schools", text)}
        assert found == {n_open}, (name, found)


def test_the_overview_says_how_many_schools_have_no_district_and_why(dataset, shown):
    # the chart's "No district recorded" bar: open, categorised schools of the latest year whose
    # district GIAS does not give (on the real files: the phases its extract leaves out)
    n = int(dataset.sql(
        "SELECT count(*) AS n FROM county_schools cs JOIN support_category sc USING (urn) "
        "WHERE cs.is_open AND NOT cs.in_district AND sc.category <> 'not categorised' "
        "AND sc.time_period = (SELECT max(time_period) FROM support_category)"
    )["n"].iloc[0])  # fmt: skip
    text = re.sub(r"\s+", " ", shown["overview_text"])
    said = re.findall(r"([\d,]+) schools? under “No district recorded”: the GIAS file loaded", text)
    if n == 0:
        assert said == [], said
    else:
        assert [int(x.replace(",", "")) for x in said] == [n], (n, said)


def test_every_ordinal_percentage_and_code_is_formatted_one_way(shown):
    texts = {k: v for k, v in shown.items() if k.endswith("_text")}
    texts |= {f"profile {u}": e["text"] for u, e in shown["profiles"].items()}
    faults = {name: R.formatting_faults(text) for name, text in texts.items()}
    bad = {k: v[:10] for k, v in faults.items() if v}
    assert not bad, bad


def _truth(ds, measure: str) -> dict[int, str]:
    """For the county's disadvantaged pupils in each year: better / worse / in line against
    disadvantaged pupils nationally, from the published LA and national cells."""
    df = ds.sql(
        "SELECT l.time_period, l.value AS la, n.value AS nat FROM la_measures l "
        "JOIN national_reference n ON n.time_period = l.time_period AND n.measure = l.measure "
        "AND n.pupil_group = 'disadvantaged' AND n.phase_scope = 'all' "
        "WHERE l.la_code = ? AND l.measure = ? AND l.pupil_group = 'disadvantaged' AND l.value IS NOT NULL",
        [ds.la_code, measure],
    )
    out = {}
    for r in df.itertuples():
        diff = float(R.half_up(r.la, 1)) - float(R.half_up(r.nat, 1))
        out[int(r.time_period)] = (
            "in line" if abs(diff) <= THRESHOLD[measure] else "better" if diff > 0 else "worse"
        )
    return out


CLAIM = re.compile(
    r"(Better|Worse|In line) (?:than|with) disadvantaged pupils nationally \(([^)]*)\): "
    r"(?:the same as|([\d.,]+) (?:percentage )?points? (above|below))"
)


def test_statements_are_true_of_their_figures(dataset, shown):
    # every DfE-comparison claim on every page: "better" only with "above", beyond the threshold
    texts = [e["text"] for e in shown["profiles"].values()] + [shown["briefing_text"]]
    texts += shown.get("deck_pdf", []) + shown.get("deck_pptx", [])
    claims = 0
    for text in texts:
        for m in CLAIM.finditer(re.sub(r"\s+", " ", text)):
            word, size, side = m.group(1), m.group(3), m.group(4)
            claims += 1
            if word == "Better":
                assert side == "above" and float(size) > 1.0, m.group(0)
            elif word == "Worse":
                assert side == "below" and float(size) > 1.0, m.group(0)
            else:
                assert size is None or float(size) <= 1.0, m.group(0)
    # the deck's disadvantaged slide never calls the county better when its disadvantaged pupils
    # did worse than disadvantaged pupils nationally (the seen defect: "better: narrower gap")
    latest = set()
    for measure in THRESHOLD:
        truth = _truth(dataset, measure)
        if truth:
            latest.add(truth[max(truth)])
    for page in shown.get("deck_pdf", []):
        flat = re.sub(r"\s+", " ", page)
        if "disadvantaged pupils" in flat.lower() and latest and "better" not in latest:
            said_better = re.sub(r"Better or worse only where[^.]*\.", "", flat)
            assert not re.search(r"\bbetter\b", said_better, re.IGNORECASE), flat[:400]


def test_data_as_at_is_the_datas_own_date_not_the_load(dataset, shown):
    loaded = dataset.sql("SELECT value FROM load_info WHERE key = 'finished_at'")["value"].iloc[0][
        :10
    ]
    for name in ("schools_text", "overview_text", "districts_text"):
        assert "Data as at: Figures for" in shown[name], name
        assert f"as at {loaded}" not in shown[name] and f"as at: {loaded}" not in shown[name], name
    for entry in shown["profiles"].values():
        assert "Data as at: Figures for" in entry["text"]
    for page in shown.get("deck_pdf", []):
        assert "not stated" not in page, "the briefing PDF says its source or date is not stated"


def test_priority_list_and_its_excel_show_the_published_persistent_absence(dataset, shown):
    page = shown["priority"].set_index("URN")
    sheet = pd.read_excel(
        io.BytesIO(shown["priority_xlsx"]), sheet_name=0, header=2, engine="openpyxl"
    )
    sheet = sheet.set_index("URN")
    pa = dataset.sql(
        "SELECT m.urn, m.value FROM school_measures m JOIN model_years y "
        "ON y.time_period = m.time_period AND y.is_latest "
        "WHERE m.measure = 'persistent_absence_pct' AND m.pupil_group = 'all'"
    ).set_index("urn")["value"]
    for urn in dataset.urns:
        shown_value = page.loc[urn, "Persistent absence %"]
        published = pa.get(urn)
        if published is None or pd.isna(published):
            assert pd.isna(shown_value), urn
            continue
        assert float(shown_value) == float(R.half_up(published, 1)), urn
        assert float(sheet.loc[urn, "Persistent absence %"]) == float(shown_value), urn
        assert sheet.loc[urn, "School"] == page.loc[urn, "School"], urn
