"""Filters and downloads of the priority list and the schools page, in headless Chromium at
1366x768, on a copy of the fixture county (built by the real ETL) in which every third county
school's name begins with a spreadsheet-formula payload.

A manager narrows the priority list by district, phase and school type and re-ranks it by a pupil
group through the filter widgets: each time the rows and their order are those data_access returns
for the same filters (read from the warehouse in the test process, not from the page), the URL
carries the choice, and the list stays readable at 1366x768 (no cell cut, no sideways scrolling).
The visit plan's CSV and Excel files then read back with the rows and figures the page shows, and
no cell can run as a formula. The schools page is filtered the same way: its table follows
data_access and its CSV holds exactly the table shown.

Not repeated here: the unfiltered top ten, the disadvantaged re-rank and the visit dialog
(test_manager_workspace_browser.py); a shared URL and the Excel-against-CSV figures on the fixture
county (test_manager_browser.py); every download of every page with payloads through the page
scripts (tests/pages/test_exports_everywhere.py).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from dashboard.components import exports
from dashboard.components.priority_table import PLAN_FILES
from tests.browser.conftest import _serve, manager_view, open_section, sign_in, wait_for_app
from tests.browser.test_manager_browser import schools_caption
from tests.pages.test_exports_everywhere import PAYLOADS
from warehouse.connection import resolve_build

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1366, 768
ROWS = ".st-key-priority_list table tbody tr"


@pytest.fixture(scope="module")
def served(tmp_path_factory, fixture_warehouse):
    """The app on a copy of the fixture county's build with payloads in school names (one server
    for the module)."""
    directory = tmp_path_factory.mktemp("served_payloads")
    warehouse = directory / "warehouse.duckdb"
    shutil.copyfile(resolve_build(fixture_warehouse), warehouse)
    con = duckdb.connect(str(warehouse))
    county = [u for (u,) in con.execute("SELECT urn FROM county_schools ORDER BY urn").fetchall()]
    for i, urn in enumerate(county[::3]):  # spread over districts, phases and types
        payload = PAYLOADS[i % 4]
        con.execute("UPDATE schools SET name = ? || ' ' || name WHERE urn = ?", [payload, urn])
    con.close()
    with _serve(directory, warehouse) as app:
        yield app


def url_params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    wanted = page.get_by_role("option", name=option, exact=True)
    try:
        wanted.wait_for(timeout=5_000)
    except PlaywrightTimeout:  # the previous filter's list kept the focus: open this one again
        page.keyboard.press("Escape")
        box.click()
    wanted.click()
    wait_for_app(page)


def download(page, name: str) -> bytes:
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    wait_for_app(page)
    return data


def table_cells(page, rows: str) -> list[list[str]]:
    """The text of every cell of every row matched by ``rows`` (one round trip)."""
    return page.locator(rows).evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.replace(/\\s+/g, ' ').trim()))"
    )


def words(text) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split())


def no_formula_in_csv(data: bytes) -> list[list[str]]:
    """Every cell of a CSV download: none can run as a formula (numbers such as -1.5 are data)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for row in rows:
        for cell in row:
            if exports.is_formula_like(cell):
                float(cell)  # a formula-like cell must be a plain number
    return rows


def no_formula_in_excel(data: bytes) -> pd.DataFrame:
    """The visit plan's sheet as a frame (header: the row starting "Rank"); no formula cell, and
    formula-like text marked as text (quote prefix)."""
    sheet = load_workbook(io.BytesIO(data)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if exports.is_formula_like(cell.value):
                assert cell.quotePrefix or str(cell.value).startswith("'"), cell.coordinate
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Rank")
    return pd.DataFrame(rows[head + 1 :], columns=rows[head])


def shown_in_order(page, want: pd.DataFrame, group: str) -> list[list[str]]:
    """The reading table's rows, checked against data_access's frame: same schools, same order,
    rank, category and key figure as defined once (dashboard.priority)."""
    from dashboard import priority
    from dashboard.components.palette import CATEGORIES

    if page.locator(ROWS).count() < len(want):  # the first 25 until the manager asks for all
        page.get_by_text(f"Show all {len(want)} schools").click()
        wait_for_app(page)
    expect(page.locator(ROWS)).to_have_count(len(want))
    rows = table_cells(page, ROWS)
    assert int(schools_caption(page).split()[0]) == len(want)
    assert [r[0] for r in rows] == [str(n) for n in want["rank"]]
    figure_group = "all" if group == "send" else group
    for row, (_, exp) in zip(rows, want.iterrows(), strict=True):
        school = f"{exp['name']} · {exp['district']}, {str(exp['phase']).lower()}"
        assert words(row[1]) == words(school)
        assert words(row[2]).startswith(words(CATEGORIES[exp["category"]].label)), row[2]
        assert words(row[3]).startswith(words(priority.why(exp))), row[3]
        assert words(row[4]) == words(priority.key_figure(exp, figure_group))
    return rows


def readable_at_laptop_size(page) -> None:
    """Every cell of the list whole (wrapped, never cut or ellipsed), nothing wider than the
    window, text at 14px or more."""
    fit = page.evaluate(
        """() => {
          const t = document.querySelector('.st-key-priority_list table');
          const cells = [...t.querySelectorAll('th, td')];
          const cut = c => c.scrollWidth > c.clientWidth + 1
                        || getComputedStyle(c).textOverflow === 'ellipsis';
          let box = t.parentElement, scrolls = false;
          for (; box && box !== document.body; box = box.parentElement)
            scrolls = scrolls || box.scrollWidth > box.clientWidth + 1;
          return {right: t.getBoundingClientRect().right, page: document.documentElement.scrollWidth,
                  cut: cells.filter(cut).map(c => c.innerText), scrolls,
                  font: Math.min(...cells.map(c => parseFloat(getComputedStyle(c).fontSize)))};
        }"""
    )
    assert fit["cut"] == [], fit["cut"]
    assert fit["right"] <= WIDTH and fit["page"] <= WIDTH and not fit["scrolls"], fit
    assert fit["font"] >= 14, fit


def test_a_manager_filters_the_priority_list_and_downloads_what_it_shows(
    served, laptop, monkeypatch
):
    page = laptop
    sign_in(page, served.url, "manager", then="/priority")
    everything = manager_view(served, monkeypatch)

    def most_common(column: str, among: pd.DataFrame = everything) -> str:
        counts = among[column].value_counts()
        return str(counts[counts < len(among)].index[0])  # a value that narrows the list

    district, phase = most_common("district"), most_common("phase")
    school_type = most_common("type_group")
    steps = [  # (widget label, option, URL parameter, value, filters for data_access)
        ("District", district, "district", district, {"district": district}),
        ("District", "All", "district", None, {}),
        ("Phase", phase, "phase", phase, {"phase": phase}),
        ("Phase", "All", "phase", None, {}),
        ("School type", school_type, "school_type", school_type, {"school_type": school_type}),
        ("Pupil group", "Low prior attainment", "group", "prior_low",
         {"school_type": school_type, "group": "prior_low"}),
    ]  # fmt: skip
    for label, option, param, value, filters in steps:
        choose(page, label, option)
        assert url_params(page).get(param) == value, (label, page.url)
        want = manager_view(served, monkeypatch, **filters)
        assert 0 < len(want) and (value is None or len(want) < len(everything)), label
        rows = shown_in_order(page, want, filters.get("group", "all"))
    # the re-rank is the group's own order, not the category order of the same schools
    by_category = manager_view(served, monkeypatch, school_type=school_type)
    assert list(want["urn"]) != list(by_category["urn"])
    assert set(want["urn"]) == set(by_category["urn"])
    readable_at_laptop_size(page)

    # both visit-plan files: the rows in the page's order, its figures, no live formula
    open_section(page, PLAN_FILES[0])  # made when their section is opened
    plan = pd.DataFrame(
        (rows := no_formula_in_csv(download(page, "Download the visit plan (CSV)")))[1:],
        columns=rows[0],
    )
    excel = no_formula_in_excel(download(page, "Download the visit plan (Excel)"))
    for file in (plan, excel):
        assert [int(u) for u in file["URN"]] == [int(u) for u in want["urn"]]
        assert [str(r) for r in file["Rank"]] == [r[0] for r in table_cells(page, ROWS)]
        assert [words(k) for k in file["Key figure against national"]] == [
            words(r[4]) for r in table_cells(page, ROWS)
        ]
        names = [str(n).removeprefix("'") for n in file["School"]]
        assert names == list(want["name"])
        scores = pd.to_numeric(file["Achievement score"], errors="coerce")
        expected = want["achievement_score"].astype(float).round(2)
        assert scores.fillna(-99).round(2).tolist() == expected.fillna(-99).tolist()
    assert sum(exports.is_formula_like(n) for n in want["name"]) >= 1  # the check was not empty
    assert all(n.startswith("'") for n in plan["School"] if exports.is_formula_like(n[1:]))


def test_the_schools_page_follows_its_filters_and_downloads_the_table_shown(
    served, laptop, monkeypatch
):
    page = laptop
    sign_in(page, served.url, "officer", then="/schools")
    monkeypatch.setenv("SID_WAREHOUSE", str(served.warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(served.store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    from dashboard import data_access
    from dashboard.access import identity_for

    officer = identity_for("officer", "O", "officer", [])
    county = data_access.list_schools(officer).dropna(subset=["district"])
    district = str(county["district"].mode()[0])
    phase = str(county.loc[county["district"] == district, "phase"].mode()[0])
    choose(page, "District", district)
    choose(page, "Phase", phase)
    assert (url_params(page)["district"], url_params(page)["phase"]) == (district, phase)
    want = data_access.list_schools(officer, district=district, phase=phase)
    assert 0 < len(want) < len(county)

    page.get_by_text("Show as table").click()
    wait_for_app(page)
    assert url_params(page).get("view") == "table"
    head = table_cells(page, '[data-testid="stTable"] table thead tr')[0]
    body = table_cells(page, '[data-testid="stTable"] table tbody tr')
    assert [int(r[0]) for r in body] == [int(u) for u in want["urn"]]
    assert [r[1] for r in body] == [words(n) for n in want["name"]]
    assert {(r[2], r[3]) for r in body} == {(district, phase)}
    caption = page.get_by_text(f"{len(want)} school{'' if len(want) == 1 else 's'} (every")
    assert caption.count() == 1

    rows = no_formula_in_csv(download(page, "Download these schools (CSV)"))
    data = [r for r in rows if r and not r[0].startswith("#")]  # provenance lines follow
    assert data[0] == head
    listed = [[words(c.removeprefix("'") if exports.is_formula_like(c[1:]) else c) for c in r]
              for r in data[1:]]  # fmt: skip
    assert listed == body
    assert any(exports.is_formula_like(n) for n in want["name"])  # the check was not empty
