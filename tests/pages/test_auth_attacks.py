"""Issue 19's attacks on sign-in and sessions, tried through the app (AppTest) and each defended.

AppTest has no browser, so these tests give a session the cookies a browser would carry by
replacing ``auth._cookies`` / ``auth._headers`` (what ``st.context`` returns under a real server);
tests/browser/test_sign_in_browser.py drives the same flows in Chromium against the real server.
"""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

import pytest

from dashboard import access, auth, data_access, web
from dashboard.store import audit, sessions, throttle, users
from tests.pages.helpers import PASSWORD, login, new_app, page_text


def signed_in(at) -> bool:
    return any(b.key == "logout" for b in at.button)


class Browser:
    """The cookies one browser holds; ``use`` makes the app's sessions see them."""

    def __init__(self, monkeypatch, client: str = "browser-A") -> None:
        self.jar = {web.CLIENT_COOKIE: client}
        self.monkeypatch = monkeypatch

    def use(self) -> Browser:
        self.monkeypatch.setattr(auth, "_cookies", lambda: dict(self.jar))
        self.monkeypatch.setattr(auth, "_headers", lambda: {"host": "dashboard.example"})
        return self

    def load_page(self) -> list[str]:
        """What the server's middleware does on a page load (a reload or a new tab)."""
        headers = web.cookies_for_page_load(dict(self.jar), secure=False)
        for header in headers:
            morsel = next(iter(SimpleCookie(header).values()))
            if morsel["max-age"] == "0":
                self.jar.pop(morsel.key, None)
            else:
                self.jar[morsel.key] = morsel.value
        return headers


def as_admin():
    return access.identity_for("admin", "Demo administrator", access.ADMIN, [])


def test_streamlit_session_alone_does_not_resume_from_another_client(dash_env, monkeypatch):
    victim = Browser(monkeypatch).use()
    at = login("manager")
    assert signed_in(at)
    # Another client reconnects to the same Streamlit session (same session id), without the
    # victim's cookies: refused, and the session state is dropped.
    Browser(monkeypatch, "attacker").use()
    at.run()
    assert not signed_in(at) and "_sid_auth" not in at.session_state
    monkeypatch.setattr(auth, "_cookies", dict)  # no cookies at all
    at.run()
    assert not signed_in(at)
    victim.use()
    at.run()
    assert not signed_in(at)  # and it stays ended for that Streamlit session


def test_reload_and_new_tab_stay_signed_in_through_the_server_cookie(dash_env, monkeypatch):
    browser = Browser(monkeypatch).use()
    at = login("federation")
    assert signed_in(at)
    first_client = browser.jar[web.CLIENT_COOKIE]
    headers = browser.load_page()  # the reload: the server hands the session over, once
    assert any(h.startswith("sid_session=") and "HttpOnly" in h for h in headers)
    assert browser.jar[web.CLIENT_COOKIE] != first_client  # the pre-sign-in value is spent
    assert sessions.hand_over(web.client_hash(first_client), 3600) is None
    reloaded = new_app()  # a new Streamlit session, as a reload or a new tab makes
    assert signed_in(reloaded) and reloaded.session_state["_sid_auth"]["kind"] == "cookie"
    assert signed_in(at.run())  # the tab that signed in is still signed in
    assert browser.load_page() == []  # signed in: nothing to change
    assert signed_in(new_app())  # a second new tab


def test_no_token_in_the_url_or_page(dash_env, monkeypatch):
    browser = Browser(monkeypatch).use()
    at = login("manager")
    browser.load_page()
    token = web.token_from_cookie(browser.jar[web.SESSION_COOKIE])
    assert token and token not in page_text(at) and token not in str(dict(at.query_params))
    assert at.session_state["_sid_auth"]["token"] not in page_text(at)


def test_forged_expired_or_ended_cookies_are_refused(dash_env, monkeypatch):
    browser = Browser(monkeypatch).use()
    login("manager")
    browser.load_page()
    good = browser.jar[web.SESSION_COOKIE]
    token = web.token_from_cookie(good)
    forged = {
        "another signature": token + ".AAAA.BBBB",
        "a raw token": token,
        "another token signed elsewhere": web.TimestampSigner(b"other", salt="x")
        .sign(token)
        .decode(),
    }
    for why, value in forged.items():
        browser.jar[web.SESSION_COOKIE] = value
        browser.jar[web.CLIENT_COOKIE] = "fresh"
        assert not signed_in(new_app()), why
    browser.jar[web.SESSION_COOKIE] = good
    assert signed_in(new_app())
    monkeypatch.setenv("SID_SESSION_MAX_HOURS", "0")  # the session's maximum age has passed
    assert not signed_in(new_app())


def test_sign_out_ends_every_session_of_the_user_at_once(dash_env, monkeypatch):
    browser = Browser(monkeypatch).use()
    first = login("governor1")
    browser.load_page()
    second = new_app()  # another tab, through the cookie
    other_browser = Browser(monkeypatch, "browser-B").use()
    third = login("governor1")  # another computer
    assert signed_in(second) and signed_in(third)
    browser.use()
    first.button(key="logout").click().run()
    assert not signed_in(first) and "signed out" in page_text(first)
    assert not signed_in(second.run())
    other_browser.use()
    assert not signed_in(third.run())
    assert sessions.count_for("governor1") == 0
    browser.use()
    headers = browser.load_page()  # the dead cookie is removed on the next page load
    assert any(h.startswith("sid_session=;") and "Max-Age=0" in h for h in headers)
    assert not signed_in(new_app())


@pytest.mark.parametrize(
    "change",
    [
        dict(password="a brand new passphrase"),
        dict(role=access.OFFICER),
        dict(urns=[100001]),
        dict(active=False),
    ],
    ids=["password reset", "role change", "schools change", "deactivation"],
)
def test_admin_changes_end_every_session_of_the_user(dash_env, monkeypatch, change):
    browser = Browser(monkeypatch).use()
    at = login("manager")
    browser.load_page()
    tab = new_app()
    assert signed_in(at) and signed_in(tab)
    values = dict(role=access.MANAGER, urns=[], active=True, password=None) | change
    assert data_access.update_user(as_admin(), "manager", **values) is True
    assert not signed_in(at.run()) and not signed_in(tab.run())
    assert not signed_in(new_app())  # the cookie is dead too


def test_a_change_that_does_not_concern_access_keeps_sessions(dash_env):
    at = login("manager")
    users.update_user("manager", role="manager", urns=[], active=True, display_name="Renamed")
    assert signed_in(at.run())


def test_wrong_passwords_from_anyone_cannot_lock_an_account(dash_env):
    """Ten (or a thousand) wrong passwords from other clients: the real admin waits at most
    ACCOUNT_MAX_DELAY, never 15 minutes; the guessing client waits far longer."""
    now = time.time()
    for i in range(1000):
        throttle.record_failure("admin", f"198.51.100.{i % 250}", now=now)
    assert throttle.wait_seconds("admin", "192.0.2.1", now=now) <= throttle.ACCOUNT_MAX_DELAY
    assert throttle.wait_seconds("admin", "192.0.2.1", now=now + 61) == 0
    for _ in range(20):
        throttle.record_failure("anyone", "198.51.100.7", now=now)
    assert throttle.wait_seconds("manager", "198.51.100.7", now=now + 61) > 600  # per client


def test_the_delay_grows_with_each_failure_and_success_clears_it(dash_env):
    now = 1_000_000.0
    waits = []
    for _ in range(throttle.FREE_FAILURES + 4):
        throttle.record_failure("officer", "192.0.2.5", now=now)
        waits.append(round(throttle.wait_seconds("officer", "192.0.2.5", now=now)))
    assert waits == [0] * (throttle.FREE_FAILURES - 1) + [1, 2, 4, 8, 16]
    throttle.record_success("officer", "192.0.2.5")
    assert throttle.wait_seconds("officer", "192.0.2.5", now=now) == 0


def test_the_sign_in_form_makes_the_next_try_wait_and_keeps_the_username(dash_env):
    at = new_app()
    for _ in range(throttle.FREE_FAILURES):
        at.text_input(key="login_username").input("briefing")
        at.text_input(key="login_password").input("not it")
        at.button(key="FormSubmitter:login-Sign in").click().run()
        assert "Wrong username or password" in at.error[0].value
        assert at.text_input(key="login_username").value == "briefing"  # kept
        assert not at.text_input(key="login_password").value  # never kept
    at.text_input(key="login_password").input(PASSWORD)  # the right one, too soon
    at.button(key="FormSubmitter:login-Sign in").click().run()
    assert not signed_in(at) and "wait" in at.error[0].value
    assert audit.entries(action="login_failed")[0]["detail"].startswith("throttled")


def test_display_names_are_shown_as_text(dash_env):
    evil = "Eve ![x](http://attacker.example/pixel.png) \u202egnp.exe **bold**"
    users.create_user("eve", evil, "manager", "a long passphrase", [])
    stored = users.get_user("eve").display_name
    assert "\u202e" not in stored  # bidi override stripped before it is stored
    at = login("eve", "a long passphrase")
    caption = next(c.value for c in at.sidebar.caption if "Signed in as" in c.value)
    assert "![x](http" not in caption and r"\!\[x\]\(http" in caption
    assert "\u202e" not in caption and "**bold**" not in caption


def test_formula_user_name_typed_on_the_login_page_is_neutralised_in_the_audit_csv(dash_env):
    from dashboard.components import exports

    payloads = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]
    for payload in payloads:
        login(payload, "whatever it is")
    entries = data_access.audit_entries(as_admin(), action="login_failed")
    text = exports.to_csv_bytes(entries).decode("utf-8-sig")
    for payload in payloads:
        assert "'" + payload.replace('"', '""') in text
        assert "\n" + payload not in text and "," + payload not in text
