"""The governor's profile in headless Chromium on the fixture county (real ETL and model): governor1
signs in, lands on their profile, sees their school and no other, no intelligence, downloads the PDF,
and the page has no serious or critical accessibility findings."""

from __future__ import annotations

from dashboard.store import users
from tests.browser.conftest import axe_serious_violations, open_sections, sign_in, wait_for_app
from warehouse.connection import open_read_only, resolve_build

LINE_START = "The council also took into account information it holds in confidence"


def test_governor_profile_in_the_browser(served_county, page):
    user = users.get_user("governor1", path=served_county.store)
    own = set(user.urns)
    con = open_read_only(resolve_build(served_county.warehouse))
    try:
        names = dict(con.execute("SELECT urn, name FROM schools").fetchall())
        secrets = [
            r[0]
            for r in con.execute(
                "SELECT notes FROM concerns UNION ALL SELECT notes FROM complaints"
                " UNION ALL SELECT outcome FROM visits"
            ).fetchall()
            if isinstance(r[0], str) and len(r[0]) > 12
        ]
    finally:
        con.close()

    sign_in(page, served_county.url, "governor1")
    page.get_by_role("heading", name="What stands out").wait_for()
    wait_for_app(page)
    open_sections(page)  # every section made when opened: their tables and charts read too
    text = page.inner_text("body")
    own_names = [names[u] for u in own]
    assert all(n in text for n in own_names)
    for urn, name in names.items():
        if urn not in own and not any(name in o for o in own_names):
            assert name not in text, name
            assert str(urn) not in text
    for secret in secrets:
        assert secret not in text
    assert text.count(LINE_START) <= 1

    bad, report = axe_serious_violations(page)  # the page as a governor reads it
    assert not bad, report

    with page.expect_download() as download:
        page.get_by_role("button", name="Download this profile (PDF, for printing)").click()
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
