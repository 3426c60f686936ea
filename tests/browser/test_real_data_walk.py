"""Every page of every role, served on the REAL published files (Hampshire KS2, North Yorkshire KS4,
national census and absence, GIAS, Oxfordshire Ofsted) in headless Chromium: no exception, every
chart drawn. Real data has gaps the generated county lacks (one LA's GIAS, no workbook, no
boundaries for its county), so this is where a page meets them."""

from __future__ import annotations

import pytest

from dashboard import access
from tests.browser.conftest import navigate_in_session, open_sections, sign_in
from tests.browser.test_manager_browser import assert_clean_and_charts_drawn

pytestmark = pytest.mark.browser

USERS = {"manager": access.MANAGER, "governor1": access.GOVERNOR, "briefing": access.BRIEFING}


@pytest.mark.parametrize("username", list(USERS))
def test_every_page_runs_on_real_published_data(served_real, page, username):
    sign_in(page, served_real.url, username)
    for spec in access.pages_for(USERS[username]):
        navigate_in_session(page, f"/{spec.id}")
        if spec.id in ("overview", "profile", "priority"):  # sections made when opened
            open_sections(page)
        page.get_by_role("heading", level=1).first.wait_for(timeout=30_000)
        assert_clean_and_charts_drawn(page)
        assert page.get_by_role("heading", level=1).count() >= 1, spec.id


def test_the_county_served_is_hampshire(served_real, page):
    """Only Hampshire's GIAS rows are loaded, so the overview is about Hampshire, not England."""
    sign_in(page, served_real.url, "manager", then="/overview")
    assert "Hampshire" in page.locator("body").inner_text()
