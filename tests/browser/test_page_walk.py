"""Every page of access.PAGES for every role that may see it (and the signed-out pages), in headless
Chromium on the fixture county: no Streamlit exception, axe-core finds nothing serious or critical,
every visible text meets its contrast threshold (4.5:1, 3:1 large, 7:1 on projector pages), and a
full-page screenshot lands in test-artifacts/screenshots/<role>-<page>.png.

The page list is read from access.PAGES, so a page added there is walked without touching this
file. Each role signs in once and moves between pages inside its session."""

from __future__ import annotations

import pytest

from dashboard import access
from tests.browser.a11y import PROJECTOR_PAGES, full_page_screenshot, text_contrast
from tests.browser.conftest import (
    axe_serious_violations,
    navigate_in_session,
    open_sections,
    sign_in,
    title_of,
    wait_for_app,
)

pytestmark = pytest.mark.browser

WALKERS = {
    "manager": access.MANAGER,
    "officer": access.OFFICER,
    "governor1": access.GOVERNOR,
    "briefing": access.BRIEFING,
    "admin": access.ADMIN,
}
SIGNED_OUT = {"login": "", "accessibility": "/accessibility"}


def check_page(page, name: str, *, projector: bool = False) -> list[str]:
    """What is wrong with the page on screen (empty: nothing)."""
    problems = []
    if page.locator('[data-testid="stException"]').count():
        problems.append(
            f"{name}: exception: {page.locator('[data-testid=stException]').first.inner_text()[:300]}"
        )
    if page.get_by_role("heading", level=1).count() < 1:
        problems.append(f"{name}: no page heading")
    bad, _ = axe_serious_violations(page)
    for v in bad:
        targets = [n["target"] for n in v["nodes"]][:3]
        problems.append(f"{name}: axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
    short, _ = text_contrast(page, projector=projector)
    problems += [f"{name}: contrast {s}" for s in short[:10]]
    full_page_screenshot(page, name)
    return problems


def test_signed_out_pages(served_county, page):
    problems = []
    for name, path in SIGNED_OUT.items():
        page.goto(served_county.url + path)
        wait_for_app(page)
        problems += check_page(page, f"signed-out-{name}")
        if page.title() != title_of(f"/{name}"):  # WCAG 2.4.2: a title of its own
            problems.append(f"signed-out-{name}: tab title {page.title()!r}")
    text = page.locator("body").inner_text()  # the statement, reached without signing in
    assert "Reporting accessibility problems" in text and "Enforcement procedure" in text
    page.get_by_role("link", name="Back to sign in").click()
    page.get_by_role("button", name="Sign in").wait_for()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", list(WALKERS))
def test_every_page_of_every_role(served_county, page, username):
    role = WALKERS[username]
    sign_in(page, served_county.url, username)
    problems, titles = [], []
    for spec in access.pages_for(role):
        navigate_in_session(page, f"/{spec.id}")
        if spec.id in ("overview", "profile", "priority"):  # closed sections: axe checks them
            open_sections(page)
        problems += check_page(page, f"{role}-{spec.id}", projector=spec.id in PROJECTOR_PAGES)
        titles.append(page.title())
    # WCAG 2.4.2: each page's tab title names it (navigate_in_session waited for it), no two alike
    assert len(set(titles)) == len(titles), titles
    assert not problems, "\n".join(problems)
