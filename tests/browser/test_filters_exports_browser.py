"""Filters and downloads in headless Chromium on the fixture county: each filter widget of the
manager's priority list and of the schools page is changed in the browser, the URL carries the
choice and the list shown follows it (read back through the page's own CSV download); then every
download button of the manager, governor, briefing and administrator pages is pressed and the file
opened (CSV with pandas, Excel with openpyxl, PowerPoint with python-pptx, PDF by its pages)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import access
from tests.browser.conftest import navigate_in_session, sign_in, wait_for_app
from tests.browser.test_manager_browser import schools_caption

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skip(
        reason="written for the old priority list and schools page (a wide table, expanders); the "
        "issue-17 redesign (reading table, dialogs, tabs) needs this walk rewritten: see the closing "
        "note of the third session. Downloads with payloads: tests/pages/test_exports_everywhere.py; "
        "the priority walk at 1366x768: tests/browser/test_manager_workspace_browser.py"
    ),
]


def url_params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def choose_other_option(page, label: str, wanted: str | None = None) -> str:
    """Pick, in the selectbox labelled ``label``, option ``wanted`` or else the first option that
    is neither the current choice nor "All"; returns its text."""
    box = page.get_by_role("combobox", name=label, exact=True)
    current = box.input_value()
    listbox = page.get_by_role("listbox")
    box.click()
    try:
        listbox.wait_for(timeout=3000)
    except PlaywrightTimeout:  # the click landed as the last rerun repainted: open by keyboard
        box.focus()
        box.press("ArrowDown")
        listbox.wait_for()
    options = listbox.get_by_role("option")
    for i in range(options.count()):
        text = options.nth(i).inner_text().strip()
        if text == wanted or (wanted is None and text not in (current, "All")):
            options.nth(i).click()
            wait_for_app(page)
            return text
    raise AssertionError(f"{label}: no other option than {current!r}")


def download(page, name: str) -> bytes:
    """Press the download button ``name`` once the page has settled (a button pressed mid-rerun
    can be replaced before its click lands); generous wait, as file builds queue on a busy machine."""
    wait_for_app(page)
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    wait_for_app(page)
    return data


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)


# filter label -> (URL parameter, column of the visit plan it restricts, or None)
PRIORITY_FILTERS = {
    "District": ("district", "District"),
    "Phase": ("phase", "Phase"),
    "School type": ("school_type", "Type"),
    "Support category": ("category", "Category"),
    "Pupil group": ("group", None),
    "Year": ("year", None),
}


def test_each_priority_filter_changes_the_list_and_the_url(served_county, page):
    sign_in(page, served_county.url, "manager", then="/priority")
    everything = read_csv(download(page, "Download the visit plan (CSV)"))
    for label, (param, column) in PRIORITY_FILTERS.items():
        navigate_in_session(page, "/priority")  # back to the defaults
        assert param not in url_params(page)
        chosen = choose_other_option(page, label)
        assert url_params(page).get(param), (label, page.url)
        caption = schools_caption(page)
        assert f"{label}: {chosen}" in caption, (label, caption)
        plan = read_csv(download(page, "Download the visit plan (CSV)"))
        assert len(plan) == int(caption.split()[0])
        if column is not None:  # the list holds exactly the schools of that value
            assert set(plan[column]) <= {chosen}, (label, set(plan[column]))
            expected = everything[everything[column] == chosen]
            assert sorted(plan["URN"]) == sorted(expected["URN"]), label
        elif param == "group":
            assert list(plan["URN"]) == list(everything["URN"])  # same schools, another figure
            assert list(plan["Pupil group figure"]) != list(everything["Pupil group figure"])
        else:  # another year: the Excel plan is titled with it
            from openpyxl import load_workbook

            xlsx = load_workbook(io.BytesIO(download(page, "Download the visit plan (Excel)")))
            title = " ".join(str(c) for c in next(xlsx.active.iter_rows(values_only=True)) if c)
            assert chosen in title, (chosen, title)


def test_each_schools_filter_changes_the_list_and_the_url(served_county, page):
    sign_in(page, served_county.url, "officer", then="/schools")
    everything = read_csv(download(page, "Download these schools (CSV)"))
    for label, param, column in (("District", "district", "District"),):
        navigate_in_session(page, "/schools")
        chosen = choose_other_option(
            page, label, str(everything.loc[everything[column] != "", column].mode()[0])
        )
        assert url_params(page)[param] == chosen
        shown = read_csv(download(page, "Download these schools (CSV)"))
        assert len(shown) and set(shown[column]) == {chosen}
        assert set(shown["URN"]) <= set(everything.loc[everything[column] == chosen, "URN"])
        count = page.get_by_text(re.compile(r"^\d+ schools?$")).inner_text()
        assert int(count.split()[0]) == len(shown)


def open_download(path: Path, name: str) -> str:
    """Open a downloaded file by its kind; returns its text (for the checks that follow)."""
    data = path.read_bytes()
    assert data, name
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        frame = read_csv(data)
        assert len(frame.columns) >= 1, name
        return frame.to_csv(index=False)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        return "\n".join(
            " ".join(str(c) for c in row if c is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if suffix == ".pptx":
        from pptx import Presentation

        deck = Presentation(io.BytesIO(data))
        return "\f".join(
            " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
            for slide in deck.slides
        )
    if suffix == ".pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
        pages = len(re.findall(rb"/Type\s*/Page\b", data))
        assert pages >= 1, name
        return "\f" * (pages - 1)
    if suffix == ".md":
        return data.decode("utf-8")
    raise AssertionError(f"unexpected download kind: {name}")


def press_every_download(page) -> dict[str, str]:
    """Press each download button of the page; {file name: its text}."""
    files = {}
    for summary in page.locator('[data-testid="stExpander"] details:not([open]) summary').all():
        summary.click()  # downloads kept in a closed expander (the briefing's slides)
    buttons = page.locator('[data-testid="stDownloadButton"] button').filter(visible=True)
    for i in range(buttons.count()):
        wait_for_app(page)
        with page.expect_download(timeout=60_000) as info:
            buttons.nth(i).click()
        name = info.value.suggested_filename
        files[name] = open_download(Path(info.value.path()), name)
        wait_for_app(page)
    return files


DOWNLOADERS = {"manager": access.MANAGER, "governor1": access.GOVERNOR, "briefing": access.BRIEFING}


@pytest.mark.parametrize("username", list(DOWNLOADERS))
def test_every_download_opens_and_holds_what_the_page_shows(served_county, page, username):
    sign_in(page, served_county.url, username)
    seen = 0
    for spec in access.pages_for(DOWNLOADERS[username]):
        navigate_in_session(page, f"/{spec.id}")
        shown = page.locator('[data-testid="stMain"]').inner_text()
        files = press_every_download(page)
        seen += len(files)
        if spec.id == "briefing":
            total = int(re.search(r"Slide 1 of (\d+)", shown).group(1))
            title = page.get_by_role("heading", level=1).first.inner_text().strip()
            assert any(n.endswith(".pptx") for n in files), (spec.id, list(files))
            deck = next(t for n, t in files.items() if n.endswith(".pptx")).split("\f")
            assert len(deck) == total and title in deck[0]
            for figure in page.locator('[data-testid="stMetricValue"]').all_inner_texts():
                assert figure.strip() in deck[0], figure
            pdf = next(t for n, t in files.items() if n.endswith(".pdf"))
            assert pdf.count("\f") + 1 >= total  # one page per slide (and a cover)
        if spec.id == "schools" and username != "briefing":
            assert "schools.csv" in files, (spec.id, list(files))
            listed = files["schools.csv"]
            count = int(re.search(r"(\d+) schools?\n", shown).group(1))
            assert len(read_csv(listed.encode())) == count
        for name, text in files.items():  # a chart's data: the chart's own title names the file
            if name.endswith(".csv") and name != "schools.csv":
                assert len(read_csv(text.encode())) >= 1, name
    assert seen >= 2, username
