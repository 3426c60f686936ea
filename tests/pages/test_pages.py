"""AppTest: every page runs for its roles; navigation by role; sign-in, expiry and sign-out."""

import pytest

from dashboard import access
from dashboard.store import audit, db
from tests.pages.helpers import PASSWORD, login, new_app, page_text

USERS = {
    "manager": access.MANAGER,
    "officer": access.OFFICER,
    "governor1": access.GOVERNOR,
    "federation": access.GOVERNOR,
    "briefing": access.BRIEFING,
    "admin": access.ADMIN,
}


@pytest.mark.parametrize("username", list(USERS))
def test_each_role_runs_each_of_its_pages(county_env, username):
    """The app starts, and every page a role may open runs on a county built by the real ETL."""
    at = login(username)
    assert not at.exception
    for spec in access.pages_for(USERS[username]):
        at.switch_page(f"../pages/{spec.file}").run()
        assert not at.exception, (username, spec.id, at.exception)
        assert at.title, (username, spec.id)


@pytest.mark.parametrize("username", ["manager", "governor1", "briefing"])
def test_admin_pages_are_not_registered_for_other_roles(dash_env, username):
    at = login(username)
    for page in ("admin_users", "admin_audit", "admin_loads"):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(f"../pages/{page}.py")


def test_logged_out_sees_only_the_login_page(dash_env):
    at = new_app()
    assert not at.exception
    assert [t.value for t in at.title] == ["School improvement dashboard"]
    assert (
        at.text_input(key="login_password").proto.type
        == at.text_input(key="login_password").proto.PASSWORD
    )
    for page in ("schools", "admin_users", "admin_audit", "admin_loads"):
        with pytest.raises(ValueError):
            at.switch_page(f"../pages/{page}.py")
    assert "Ashby" not in page_text(at)


def test_login_page_lists_demo_accounts_while_only_demo_users_exist(dash_env):
    at = new_app()
    text = page_text(at)
    assert "Demo accounts" in text and PASSWORD in text and "governor1" in text


def signed_in(at) -> bool:
    """Signed in = the sidebar offers "Sign out" (the home page differs by role)."""
    return any(b.key == "logout" for b in at.button)


def test_wrong_password_is_refused_and_audited(dash_env):
    at = login("manager", "not the password")
    assert at.error and "Wrong username or password" in at.error[0].value
    assert not signed_in(at)
    assert audit.entries(action="login_failed")[0]["username"] == "manager"


def test_repeated_failures_make_the_next_try_wait(dash_env):
    """Growing delays (dashboard/store/throttle.py), not a lockout: see test_auth_attacks.py."""
    from dashboard.store import throttle

    for _ in range(throttle.FREE_FAILURES + 3):
        throttle.record_failure("officer", "203.0.113.9")
    at = login("officer")  # the right password, but this account must wait a few seconds
    assert at.error and "wait" in at.error[0].value and not signed_in(at)


def test_session_expires_after_inactivity(dash_env):
    at = login("manager")
    assert signed_in(at)
    with db.connect() as con:
        con.execute("UPDATE sessions SET last_seen = last_seen - 61 * 60")
    at.run()
    assert not signed_in(at) and "session has ended" in page_text(at)


def test_session_minutes_setting_is_used(dash_env, monkeypatch):
    monkeypatch.setenv("SID_SESSION_MINUTES", "1")
    at = login("manager")
    with db.connect() as con:
        con.execute("UPDATE sessions SET last_seen = last_seen - 90")
    at.run()
    assert not signed_in(at)


def test_logout_clears_the_session(dash_env):
    at = login("governor2")
    at.button(key="logout").click().run()
    assert not at.exception and not signed_in(at)
    assert "signed out" in page_text(at)
    assert "_sid_auth" not in at.session_state
    with db.connect() as con:
        assert con.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert audit.entries(username="governor2")[0]["action"] == "logout"


def test_deactivated_user_is_signed_out_on_the_next_rerun(dash_env):
    from dashboard.store import users

    at = login("officer")
    assert signed_in(at)
    users.set_active("officer", False)
    at.run()
    assert not signed_in(at)


def test_session_state_holds_only_a_token(dash_env):
    at = login("federation")
    state = at.session_state["_sid_auth"]
    assert set(state) == {"token", "client", "kind"}
    text = str(state)
    assert "governor" not in text and "100003" not in text
