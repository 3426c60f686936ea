"""A manager's morning at 1366x768, in headless Chromium on the fixture county (served_county):
read the top ten schools with their reasons (each reason whole and inside the viewport), filter by
disadvantaged pupils and see the list re-rank, open a drill-down from the list, and record a visit
through the dialog without scrolling; a refused save keeps what was typed."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.conftest import manager_view, sign_in, wait_for_app

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1366, 768
ROWS = ".st-key-priority_list table tbody tr"
WHY = 4  # the "Why" column (1-based: No., School, Category, Why, ...)


def top_ten(page) -> list[dict]:
    """Each of the first ten rows: school cell text, reason text, and whether the reason is whole
    and inside the viewport once the row is scrolled into view."""
    rows = page.locator(ROWS)
    assert rows.count() >= 10
    out = []
    for i in range(10):
        cell = rows.nth(i).locator(f"td:nth-child({WHY})")
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        fits = page.evaluate(
            """el => { const p = el.querySelector('p') || el;
                       return el.scrollWidth <= el.clientWidth + 1
                           && p.scrollWidth <= p.clientWidth + 1
                           && getComputedStyle(p).textOverflow !== 'ellipsis'; }""",
            cell.element_handle(),
        )
        inside = box["x"] >= 0 and box["x"] + box["width"] <= WIDTH and box["y"] >= -1
        inside = inside and box["y"] + box["height"] <= HEIGHT + 1  # sub-pixel rounding
        school = rows.nth(i).locator("td:nth-child(2)").inner_text()
        out.append({"school": school, "why": cell.inner_text(), "whole": fits and inside,
                    "box": box, "fits": fits})  # fmt: skip
    return out


def test_a_manager_reads_the_list_filters_it_and_records_a_visit(
    served_county, laptop, monkeypatch
):
    page = laptop
    sign_in(page, served_county.url, "manager", then="/priority")
    assert page.locator('[data-testid="stException"]').count() == 0

    # the top ten, each with its one-sentence reason whole and on screen
    want = manager_view(served_county, monkeypatch)
    rows = top_ten(page)
    from dashboard import priority

    for row, (_, exp) in zip(rows, want.head(10).iterrows(), strict=True):
        assert row["school"].startswith(exp["name"])
        assert row["whole"], row
        assert " ".join(row["why"].split()).startswith(" ".join(priority.why(exp).split()))
    first, tenth = page.locator(ROWS).nth(0), page.locator(ROWS).nth(9)
    first.scroll_into_view_if_needed()
    span = tenth.bounding_box()["y"] + tenth.bounding_box()["height"] - first.bounding_box()["y"]
    assert span <= HEIGHT, f"the top ten take {span:.0f}px, more than one screen"

    # filter by disadvantaged pupils: the group's own figure, and the list re-ranks by it
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("combobox", name="Pupil group").click()
    page.get_by_role("option", name=re.compile(r"^Disadvantaged")).click()
    wait_for_app(page)
    header = page.locator(".st-key-priority_list table thead").inner_text()
    assert "disadvantaged pupils" in header
    reranked = [r["school"] for r in top_ten(page)]
    assert reranked != [r["school"] for r in rows]
    want = manager_view(served_county, monkeypatch, group="disadvantaged")
    assert [s.split(" · ")[0] for s in reranked] == list(want["name"].head(10))

    # open the first school's drill-down from the list
    first_school = reranked[0].split(" · ")[0]
    box = page.get_by_role("combobox", name="School", exact=True)
    box.click()
    box.fill(first_school)  # the list of schools is long: type to find one
    page.get_by_role("option", name=re.compile("^" + re.escape(first_school))).first.click()
    wait_for_app(page)
    page.get_by_role("link", name=re.compile("^Open the drill-down for")).click()
    wait_for_app(page)
    assert "/school" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0

    # the summary band and the visit button are on the first screen: no scrolling
    assert page.evaluate("window.scrollY") == 0
    band = page.locator(".st-key-summary_band")
    assert "Support category" in band.inner_text() and "Last visit" in band.inner_text()
    button = page.get_by_role("button", name="Record a visit")
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= HEIGHT
    button.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    save = dialog.get_by_role("button", name="Save visit")
    assert save.bounding_box()["y"] + save.bounding_box()["height"] <= HEIGHT

    # a refused save keeps what was typed and says what is missing beside the field
    typed = "Met the head and the chair; reading plan agreed for the spring term."
    dialog.get_by_label("Summary").fill(typed)
    save.click()
    wait_for_app(page)
    assert "choose the date of the visit" in dialog.inner_text()
    assert dialog.get_by_label("Summary").input_value() == typed

    # completing it saves the visit and closes the dialog
    today = date.today()
    for part, value in (("year", f"{today:%Y}"), ("month", f"{today:%m}"), ("day", f"{today:%d}")):
        dialog.get_by_role("spinbutton", name=f"{part}, Visit date").click()
        page.keyboard.type(value)
    dialog.get_by_role("combobox", name="Type").click()
    page.get_by_role("option", name="Monitoring visit").click()
    dialog.get_by_role("button", name="Save visit").click()
    wait_for_app(page)
    page.get_by_text("Visit saved.").wait_for()
    assert page.get_by_role("dialog").count() == 0
    from dashboard.store import notes

    saved = [n for n in notes.notes_for(None, path=served_county.store) if n["text"] == typed]
    assert len(saved) == 1 and saved[0]["visit_type"] == "monitoring_visit"
