"""Headless Chromium against the served app: login only when signed out, a governor sees only their
school (also through the URL), escaped names, and an axe scan of the schools page."""

import pytest

from dashboard.store import users
from tests.browser.conftest import (
    axe_serious_violations,
    navigate_in_session,
    sign_in,
    wait_for_app,
)
from tests.dashboard.tiny_warehouse import NAMES

pytestmark = pytest.mark.browser


def body_text(page) -> str:
    return page.locator("body").inner_text()


def show_as_table(page) -> None:
    page.get_by_text("Show as table").click()
    wait_for_app(page)
    page.locator('[data-testid="stTable"]').first.wait_for()


def test_logged_out_sees_only_the_login_page(served_app, page):
    for path in ("", "/schools", "/admin_users", "/admin_audit", "/login?urn=100001"):
        page.goto(served_app.url + path)
        wait_for_app(page)
        assert page.get_by_role("button", name="Sign in").is_visible()
        text = body_text(page)
        assert not any(name.split()[0] in text for name in NAMES.values())
        assert page.locator(".st-key-page_nav").count() == 0  # no page links signed out


def assert_only_own(page, own: set[int]) -> None:
    text = body_text(page)
    for urn, name in NAMES.items():
        if urn not in own:
            assert name.split()[0] not in text and str(urn) not in text, (urn, page.url)


@pytest.mark.parametrize("username", ["governor1", "governor2", "federation"])
def test_governor_sees_only_their_schools(served_app, page, username):
    own = set(users.get_user(username, served_app.store).urns)
    others = sorted(set(NAMES) - own)
    # another school's URN and district in the URL before signing in (they survive the sign-in)
    sign_in(
        page,
        f"{served_app.url}/?urn={others[0]}&district=Westfield",
        username,
        then=f"/schools?urn={others[0]}&district=Westfield",
    )
    assert "That school is not available to you." in body_text(page)
    assert_only_own(page, own)
    show_as_table(page)
    text = body_text(page)
    assert all(NAMES[u].split()[0] in text for u in own)
    assert_only_own(page, own)
    nav = page.locator(".st-key-page_nav")  # the sidebar's page links (dashboard/app.py)
    assert nav.count() == 1 and "Our school" in nav.inner_text()
    assert "Users" not in nav.inner_text() and "Audit log" not in nav.inner_text()
    # page paths and URL parameters changed inside the signed-in session
    for path in [
        "/admin_users",
        "/admin_audit",
        "/admin_loads",
        *[f"/schools?urn={u}" for u in others],
    ]:
        navigate_in_session(page, path, lands=not path.startswith("/admin"))  # no admin pages
        page.keyboard.press("Escape")  # close a "page not found" dialog if one is shown
        wait_for_app(page)
        assert_only_own(page, own)
        assert "Audit log" not in body_text(page)


def test_names_are_shown_escaped_never_as_html(served_app, page):
    sign_in(page, served_app.url, "manager", then="/schools")
    show_as_table(page)
    assert "Fenwick <script>alert(1)</script> School" in body_text(page)
    assert page.locator("table script").count() == 0 and page.locator("table i").count() == 0


def test_axe_finds_no_serious_or_critical_violations_on_the_schools_page(served_app, page):
    sign_in(page, served_app.url, "federation", then="/schools")
    show_as_table(page)
    bad, report = axe_serious_violations(page)
    assert not bad, report


def test_in_session_navigation_works_for_the_roles_that_may(served_app, page):
    """Proves navigate_in_session really changes pages, so the governor test above means something."""
    sign_in(page, served_app.url, "admin")
    navigate_in_session(page, "/admin_audit")
    page.get_by_role("heading", name="Audit log").wait_for()
    navigate_in_session(page, "/schools?urn=100006")
    assert "Fenwick <script>alert(1)</script> School" in body_text(page)
