"""Sign-in in headless Chromium against the real server (issue 19): a local account and single
sign-on through a real OpenID Connect provider started here (oidc-provider-mock), each signed in,
reloaded, opened in a new tab and signed out everywhere; an SSO user with no role and a
deactivated one refused. One provider and one app server for the module."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from dashboard.store import users
from tests.browser.conftest import _free_port, _serve, navigate_in_session, sign_in, wait_for_app
from tests.dashboard import tiny_warehouse

SSO_USERS = [
    {"sub": "boss", "email": "boss@council.example", "name": "Bea Boss", "roles": ["manager"]},
    {"sub": "nobody", "email": "nobody@council.example", "name": "No Role"},
    {"sub": "gone", "email": "gone@council.example", "name": "Gone", "roles": ["officer"]},
    {"sub": "mapped", "email": "Mapped@Council.example", "name": "Mapped Governor"},
]


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sso")
    idp_port, app_port = _free_port(), _free_port()
    idp_log = open(directory / "idp.log", "w")  # noqa: SIM115 (closed below)
    args = [sys.executable, "-m", "oidc_provider_mock", "--port", str(idp_port)]
    for claims in SSO_USERS:
        args += ["--user-claims", json.dumps(claims)]
    idp = subprocess.Popen(args, stdout=idp_log, stderr=subprocess.STDOUT)
    idp_url = f"http://127.0.0.1:{idp_port}"
    secrets = directory / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "a test secret, not the real one: 32+ characters"\n'
        "[auth.entra]\n"
        'client_id = "school-improvement-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{idp_url}/.well-known/openid-configuration", timeout=2)
                break
            except OSError:
                if idp.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((directory / "idp.log").read_text()) from None
                time.sleep(0.3)
        warehouse = tiny_warehouse.build(directory)
        store = directory / "store.sqlite"
        users.create_user(
            "gone@council.example", "Gone", "officer", None, sign_in="sso", path=store
        )
        users.set_active("gone@council.example", False, path=store)
        users.create_user(
            "mapped@council.example", "Mapped Governor", "governor", None, [100001],
            sign_in="sso", path=store,
        )  # fmt: skip
        extra = ("--secrets.files", str(secrets))
        with _serve(directory, warehouse, port=app_port, extra_args=extra) as served:
            yield served
    finally:
        idp.terminate()
        idp.wait(timeout=10)
        idp_log.close()


def signed_in(page) -> bool:
    """Whether the page shows a signed-in session, once it shows either one (the Sign out button)
    or none (the sign-in form): on a busy machine a new tab's first run can start after
    wait_for_app has already seen the page idle, and a page still drawing is neither."""
    page.locator(
        '[data-testid="stApp"] button:has-text("Sign out"), [data-testid="stApp"] input[aria-label="Username"]'
    ).first.wait_for(timeout=45_000)
    return page.get_by_role("button", name="Sign out").count() > 0


def sso_sign_in(page, url: str, sub: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_selector('input[name="sub"]')
    page.fill('input[name="sub"]', sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_for_app(page)


def sign_out_everywhere_check(page, second, url: str) -> None:
    """Sign out in ``page``; then ``second`` (another tab) is signed out too."""
    page.get_by_role("button", name="Sign out").click()
    deadline = time.monotonic() + 30
    while page.get_by_label("Username").count() == 0:
        end = page.get_by_role("button", name="End session")
        if end.count():
            end.click()  # the identity provider's own sign-out page
        assert time.monotonic() < deadline, page.content()[:2000]
        page.wait_for_timeout(250)
    wait_for_app(page)
    assert not signed_in(page)
    second.reload()
    wait_for_app(second)
    assert not signed_in(second)
    assert second.get_by_label("Username").count() == 1  # the login page


def test_local_account_survives_reload_and_new_tab_until_sign_out(sso_app, page):
    sign_in(page, sso_app.url, "manager", then="/schools")
    page.reload()
    wait_for_app(page)
    assert signed_in(page) and page.get_by_role("heading", name="Schools").count()
    assert page.url.endswith("/schools")  # back on the page they were on
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sid_session"]["httpOnly"] and cookies["sid_client"]["httpOnly"]
    assert "sid_session" not in page.evaluate("document.cookie")  # no script can read it
    second = page.context.new_page()
    second.goto(f"{sso_app.url}/schools")
    wait_for_app(second)
    assert signed_in(second) and second.get_by_role("heading", name="Schools").count()
    sign_out_everywhere_check(page, second, sso_app.url)


def test_sso_sign_in_reload_new_tab_and_sign_out(sso_app, page):
    sso_sign_in(page, sso_app.url, "boss")
    assert signed_in(page) and page.get_by_text("Bea Boss (Improvement manager)").count()
    navigate_in_session(page, "/schools")
    page.reload()
    wait_for_app(page)
    assert signed_in(page) and page.url.endswith("/schools")
    second = page.context.new_page()
    second.goto(f"{sso_app.url}/schools")
    wait_for_app(second)
    assert signed_in(second)
    sign_out_everywhere_check(page, second, sso_app.url)


def test_sso_role_and_schools_from_the_store_mapping(sso_app, page):
    sso_sign_in(page, sso_app.url, "mapped")
    assert signed_in(page) and page.get_by_text("Mapped Governor (Governor)").count()


@pytest.mark.parametrize(
    "sub,words", [("nobody", "has no role"), ("gone", "deactivated")], ids=["no role", "disabled"]
)
def test_sso_user_without_a_role_or_deactivated_is_refused(sso_app, page, sub, words):
    sso_sign_in(page, sso_app.url, sub)
    assert not signed_in(page)
    assert page.get_by_text(words).count()
    page.reload()
    wait_for_app(page)
    assert not signed_in(page)
