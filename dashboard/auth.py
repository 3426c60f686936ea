"""Sign-in, session expiry and sign-out, with users and sessions in the operational store.

The browser session's state holds only a random token under one private key (with the time it was
issued). On every rerun the token is looked up in the store's sessions table, the idle time is
checked against SID_SESSION_MINUTES, and the role and schools are read afresh from the users table.
Nothing a user can change (widgets, URL, session state) widens what they see: a forged or
altered token simply matches no session.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard import access, settings
from dashboard.access import Identity
from dashboard.store import audit, sessions, users

_KEY = "_sid_auth"  # {"token": str, "issued_at": float}
_NOTICE = "_sid_auth_notice"  # a message for the login page (session expired, signed out)
MAX_FAILURES = 10  # failed sign-ins per username per FAILURE_WINDOW_MINUTES before refusing
FAILURE_WINDOW_MINUTES = 15


def current_identity() -> Identity | None:
    """The signed-in user, re-read from the store; None when signed out, expired or deactivated."""
    state = st.session_state.get(_KEY)
    if not isinstance(state, dict):
        return None
    username = sessions.touch(state.get("token"), settings.session_minutes() * 60)
    user = users.get_user(username) if username else None
    if user is None or not user.active:
        del st.session_state[_KEY]
        st.session_state[_NOTICE] = "Your session has ended. Please sign in again."
        return None
    return access.identity_for(user.username, user.display_name, user.role, user.urns)


def login(username: str, password: str) -> Identity | None:
    """Check the password; on success start a session. Every attempt is audited."""
    username = (username or "").strip()[:64]
    too_many = audit.recent_failures(username, FAILURE_WINDOW_MINUTES) >= MAX_FAILURES
    user = users.verify_password(username, password or "")  # always runs: equal timing
    if user is None or too_many:
        audit.record(
            "login_failed", username, None, None, "too many attempts" if too_many else None
        )
        return None
    token = sessions.start(user.username)
    st.session_state[_KEY] = {"token": token, "issued_at": time.time()}
    st.session_state.pop(_NOTICE, None)
    audit.record("login", user.username, user.role)
    return access.identity_for(user.username, user.display_name, user.role, user.urns)


def logout() -> None:
    state = st.session_state.pop(_KEY, None)
    if isinstance(state, dict):
        username = sessions.touch(state.get("token"), settings.session_minutes() * 60)
        user = users.get_user(username) if username else None
        sessions.end(state.get("token"))
        if user:
            audit.record("logout", user.username, user.role)
    st.session_state[_NOTICE] = "You have signed out."


def login_form() -> None:
    """The sign-in form (st.form: nothing is sent until the button is pressed)."""
    notice = st.session_state.get(_NOTICE)
    if notice:
        st.info(notice)
    with st.form("login", clear_on_submit=True):
        username = st.text_input("Username", key="login_username", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="login_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if login(username, password) is not None:
            st.rerun()
        st.error("Wrong username or password, or too many attempts. Please try again.")


def logout_button() -> None:
    st.sidebar.button("Sign out", key="logout", on_click=logout)


def require_identity(page_id: str | None = None) -> Identity:
    """For pages: the signed-in identity, or stop the page if signed out or not allowed it."""
    identity = current_identity()
    if identity is None:
        st.warning("Please sign in.")
        st.stop()
    if page_id is not None and not access.can_see_page(identity, page_id):
        st.error("This page is not available to your role.")
        st.stop()
    return identity
