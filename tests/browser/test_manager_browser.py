"""Headless Chromium walk through the manager's pages on the fixture county (served_county): no
exception, every chart drawn, a filter changes the list, a shared URL reopens the same filters in a
fresh session, the Excel visit plan opens with the numbers of the CSV, and an axe scan."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import (
    axe_serious_violations,
    navigate_in_session,
    open_section,
    open_sections,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.browser
CHART = '[data-testid="stVegaLiteChart"]'


def assert_clean_and_charts_drawn(page, at_least: int = 0) -> int:
    assert page.locator('[data-testid="stException"]').count() == 0
    charts = page.locator(CHART)
    n = charts.count()
    assert n >= at_least
    for i in range(n):  # Vega draws asynchronously: wait for each chart's canvas or svg
        charts.nth(i).locator("canvas, svg").first.wait_for(state="attached")
    drawn = sum(1 for i in range(n) if charts.nth(i).locator("canvas, svg").count() > 0)
    assert drawn == n
    return n


def schools_caption(page) -> str:
    text = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    return next(t for t in text if re.match(r"\d+ schools?;", t))


def choose_second_option(page, label: str) -> str:
    """Open the selectbox labelled ``label`` and pick its second option (the first is "All")."""
    option = page.get_by_role("option").nth(1)
    for _ in range(3):  # a rerun that redraws the selectbox closes its list: open it again
        page.get_by_role("combobox", name=label).click()
        try:
            option.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            wait_for_app(page)
    name = option.inner_text().strip()
    option.click()
    wait_for_app(page)
    return name


def selected(page, label: str) -> str:
    return page.get_by_role("combobox", name=label).input_value()


def download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return open(info.value.path(), "rb").read()


def test_manager_walk_overview_priority_drill_down(served_county, page, browser):
    sign_in(page, served_county.url, "manager", then="/overview")
    assert assert_clean_and_charts_drawn(page, at_least=1) == 1  # the rest opens on a click
    open_sections(page)
    assert assert_clean_and_charts_drawn(page, at_least=4) >= 4

    navigate_in_session(page, "/priority")
    assert_clean_and_charts_drawn(page)
    before = schools_caption(page)
    district = page.evaluate("() => new URLSearchParams(location.search).get('district')")
    assert district is None
    chosen = choose_second_option(page, "District")
    after = schools_caption(page)
    assert after != before
    district = page.evaluate("() => new URLSearchParams(location.search).get('district')")
    assert district == chosen and f"District: {district}" in after

    # the visit plan: the Excel download re-read gives the CSV's numbers
    from openpyxl import load_workbook

    from dashboard.components.priority_table import PLAN_FILES

    open_section(page, PLAN_FILES[0])  # its files are made when the section is opened

    xlsx = load_workbook(io.BytesIO(download(page, "Download the visit plan (Excel)")))
    sheet = xlsx["Visit plan"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    excel = pd.DataFrame(rows[1:], columns=rows[0])
    csv = pd.read_csv(io.BytesIO(download(page, "Download the visit plan (CSV)")))
    assert len(excel) == len(csv) == int(after.split()[0])
    assert list(excel["URN"]) == list(csv["URN"])
    assert set(excel["District"]) == {district}
    for col in ("Achievement score", "Persistent absence %", "Open intelligence"):
        pd.testing.assert_series_equal(
            excel[col].astype(float), csv[col].astype(float), check_names=False
        )

    # a shared URL opened in a fresh signed-in session shows the same filters and list
    shared = page.url[len(served_county.url) :]
    fresh = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        sign_in(fresh, served_county.url, "officer", then=shared)
        assert selected(fresh, "District") == district
        assert schools_caption(fresh) == after
    finally:
        fresh.context.close()

    # drill-down into the first school of the list
    urn = int(csv["URN"].iloc[0])
    navigate_in_session(page, f"/school?urn={urn}")
    for tab in ("Attendance", "Performance"):  # a tab's content is computed when it is opened
        page.get_by_role("tab", name=tab).click()
        page.locator(CHART).nth(1).wait_for(state="attached", timeout=45_000)  # its two+ charts
        wait_for_app(page)
    assert assert_clean_and_charts_drawn(page, at_least=2) >= 2
    assert "Timeline" in page.locator("body").inner_text()  # the soft-intelligence tab


def test_axe_finds_no_serious_or_critical_violations_on_the_priority_page(served_county, page):
    sign_in(page, served_county.url, "manager", then="/priority")
    bad, report = axe_serious_violations(page)
    assert not bad, report
