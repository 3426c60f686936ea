"""Sign-in (local password or single sign-on), sessions that survive a reload, sign-out everywhere.

Where a signed-in session comes from, checked in this order on EVERY rerun (docs/access-control.md):

1. the signed ``sid_session`` cookie the server set (a reload, a new tab, a reconnect): its token
   must name a live session in the store;
2. the token this tab got when it signed in, kept in its session state, but only while the
   connection still carries the browser cookie it was signed in from: Streamlit's session id
   alone (a reconnect from another client) does not resume it;
3. a single sign-on identity (``st.user``, Streamlit's OpenID Connect cookie), mapped to a role and
   schools by the store (or the identity provider's app roles), refused when the user is unknown
   to both, deactivated, or signed out everywhere since that identity was issued.

The role and schools are re-read from the store each time. Sign-out, a password reset, a role or
schools change and deactivation end every session of the user at once (users.update_user).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard import access, web
from dashboard.access import Identity
from dashboard.components.safe import clean_text
from dashboard.store import audit, sessions, throttle, users
from warehouse import settings

_KEY = "_sid_auth"  # {"token": str, "client": client-cookie hash or None, "kind": str}
_NOTICE = "_sid_auth_notice"  # a message for the login page (session expired, signed out)
_FORM_ERROR = "_sid_login_error"
_RUN = threading.local()  # .identity: the one checked at the start of this thread's script run


# --- the connection -------------------------------------------------------------------------


def _cookies() -> dict[str, str]:
    try:
        cookies = dict(st.context.cookies)
    except Exception:  # no script run context (a bare call): no cookies
        return {}
    return {k: v for k, v in cookies.items() if isinstance(k, str) and isinstance(v, str)}


def _headers() -> dict[str, str]:
    try:
        items = list(st.context.headers.items())
    except Exception:
        return {}
    return {k.lower(): v for k, v in items if isinstance(k, str) and isinstance(v, str)}


def _has_browser() -> bool:
    """True when this session has a real HTTP connection (always, under `streamlit run`); False
    only in AppTest, which has no browser and so no cookies to bind a session to."""
    return bool(_headers())


def _client() -> str | None:
    """The hash of this browser's ``sid_client`` cookie, as seen at the connection's handshake."""
    return web.client_hash(web.cookie_value(_cookies(), web.CLIENT_COOKIE))


def client_address() -> str:
    """The client's address for throttling: the connection's, or, from a trusted reverse proxy,
    the last address in X-Forwarded-For (the one the proxy itself saw)."""
    try:
        peer = st.context.ip_address
    except Exception:
        peer = None
    if not isinstance(peer, str) or not peer:
        peer = "127.0.0.1"  # Streamlit reports localhost as None
    if peer in settings.trusted_proxies():
        forwarded = _headers().get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1][:64]
    return peer


# --- who is signed in -----------------------------------------------------------------------


def _limits() -> tuple[int, int]:
    return settings.session_minutes() * 60, web.max_age_seconds()


def _identity_of(found: dict | None) -> Identity | None:
    if not found:
        return None
    user = users.get_user(found["username"])
    if user is None or not user.active:
        return None
    if found["kind"] == "sso" and _sso_email() != user.username:
        return None  # an SSO session needs the same identity-provider sign-in alongside
    return access.identity_for(user.username, user.display_name, user.role, user.urns)


def current_identity() -> Identity | None:
    """The signed-in user, re-read from the store; None when signed out, expired or refused."""
    idle, max_age = _limits()
    cookie_token = web.token_from_cookie(web.cookie_value(_cookies(), web.SESSION_COOKIE))
    if cookie_token is not None:
        identity = _identity_of(sessions.lookup(cookie_token, idle, max_age))
        if identity is not None:
            st.session_state[_KEY] = {"token": cookie_token, "client": _client(), "kind": "cookie"}
            return identity
    state = st.session_state.get(_KEY)
    if isinstance(state, dict):
        bound = not _has_browser() or web.same(state.get("client"), _client())
        identity = (
            _identity_of(sessions.lookup(state.get("token"), idle, max_age)) if bound else None
        )
        if identity is not None:
            return identity
        del st.session_state[_KEY]
        st.session_state[_NOTICE] = "Your session has ended. Please sign in again."
    return _sso_sign_in()


# --- local accounts -------------------------------------------------------------------------


def login(username: str, password: str) -> Identity | None:
    """Check the password, unless this account or client must wait (throttle.py); on success
    start a session bound to this browser. Every attempt is audited."""
    username = clean_text(username or "").strip()[:64]
    client = client_address()
    wait = throttle.wait_seconds(username, client)
    if wait > 0:
        audit.record("login_failed", username, None, None, f"throttled ({wait:.0f} s to wait)")
        st.session_state[_FORM_ERROR] = (
            f"Too many failed attempts. Please wait {max(1, round(wait))} seconds and try again."
        )
        return None
    user = users.verify_password(username, password or "")
    if user is None:
        throttle.record_failure(username, client)
        audit.record("login_failed", username, None, None, f"from {client}")
        st.session_state[_FORM_ERROR] = "Wrong username or password. Please try again."
        return None
    throttle.record_success(username, client)
    _start(user, "password")
    return access.identity_for(user.username, user.display_name, user.role, user.urns)


def _start(user: users.User, kind: str) -> None:
    client = _client()
    token = sessions.start(user.username, client_hash=client, kind=kind)
    st.session_state[_KEY] = {"token": token, "client": client, "kind": kind}
    st.session_state.pop(_NOTICE, None)
    st.session_state.pop(_FORM_ERROR, None)
    audit.record(
        "login", user.username, user.role, None, "single sign-on" if kind == "sso" else None
    )


def logout() -> None:
    """Sign out everywhere: every session of this user ends (other tabs and browsers too)."""
    identity = current_identity()
    st.session_state.pop(_KEY, None)
    if identity is not None:
        users.end_all_sessions(identity.username)
        audit.record("logout", identity.username, identity.role)
    st.session_state[_NOTICE] = "You have signed out."


def login_form() -> None:
    """The sign-in form. It keeps the username after a failed attempt (never the password)."""
    notice = st.session_state.get(_NOTICE)
    if notice:
        st.info(notice)
    with st.form("login", clear_on_submit=False, enter_to_submit=True):
        username = st.text_input("Username", key="login_username", autocomplete="username")
        password = st.text_input(
            "Password", type="password", key="login_password", autocomplete="current-password"
        )
        error = st.session_state.pop(_FORM_ERROR, None)
        if error:
            st.error(error)
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if login(username, password) is not None:
            st.session_state.pop("login_password", None)
            st.rerun()
        st.session_state.pop("login_password", None)
        st.rerun()  # show the error inside the form, beside the fields


def logout_button() -> None:
    if st.sidebar.button("Sign out", key="logout"):
        kind = (st.session_state.get(_KEY) or {}).get("kind")
        sso = _sso_email() is not None or kind == "sso"
        logout()
        if sso:
            st.logout()  # also drops the identity cookie; the browser reloads the app signed out
        else:
            st.rerun()


# --- single sign-on (OpenID Connect through st.login / st.user) ---------------------------


def sso_configured() -> bool:
    try:
        auth = st.secrets.get("auth", {})
    except Exception:
        return False
    return bool(auth) and settings.sso_provider() in auth


def sso_button() -> None:
    if sso_configured() and st.button(
        "Sign in with your council account", key="sso_login", type="primary"
    ):
        st.login(settings.sso_provider())


def _user_info() -> dict:
    try:
        return dict(st.user.to_dict()) if st.user.is_logged_in else {}
    except Exception:  # no [auth] section, or AppTest without a simulated user
        return {}


def _sso_email() -> str | None:
    info = _user_info()
    email = info.get("email") or info.get("preferred_username") or info.get("upn")
    return users.normalise_email(str(email)) if email else None


def role_from_claims(info: dict) -> str | None:
    """The first of our roles named by the identity provider's app roles claim (Entra ID:
    ``roles``), matched case-insensitively, alone or after a dot: 'SchoolImprovement.Manager'."""
    claim = info.get(settings.sso_roles_claim()) or []
    if isinstance(claim, str):
        claim = [claim]
    for value in claim:
        name = str(value).rsplit(".", 1)[-1].strip().lower()
        if name in access.ROLES:
            return name
    return None


def _refuse_sso(email: str, reason: str, notice: str) -> None:
    key = f"_sid_sso_refused_{email}_{reason}"
    if not st.session_state.get(key):  # one audit line per refusal, not one per rerun
        audit.record("login_failed", email, None, None, f"single sign-on: {reason}")
        st.session_state[key] = True
    st.session_state[_NOTICE] = notice


def _sso_sign_in() -> Identity | None:
    """Start a session for a single sign-on identity the store gives a role. The store's entry
    for the e-mail address leads; without one, the provider's app role (if it names one of ours)
    creates the entry, so the administrator sees the user and can change or deactivate them."""
    email = _sso_email()
    if email is None:
        return None
    info = _user_info()
    user = users.get_user(email)
    claimed = role_from_claims(info)
    if user is None and claimed is not None:
        name = clean_text(info.get("name") or email)[:100] or email
        try:
            users.create_user(email, name, claimed, None, [], sign_in="sso")
        except users.UserError:
            pass  # created at the same moment by another tab
        user = users.get_user(email)
    if user is None or user.sign_in != "sso":
        _refuse_sso(
            email,
            "no role",
            "Your council account has no role in this dashboard. Ask its administrator to add "
            "you, then sign in again.",
        )
        return None
    if not user.active:
        _refuse_sso(
            email,
            "deactivated",
            "Your account is deactivated in this dashboard. Ask its administrator.",
        )
        return None
    try:
        issued = float(info.get("iat") or 0)
    except (TypeError, ValueError):
        issued = 0.0
    _, max_age = _limits()
    if issued <= user.sessions_revoked_at or time.time() - issued > max_age:
        _refuse_sso(
            email,
            "session ended",
            "Your session has ended. Please sign in again.",
        )
        return None
    _start(user, "sso")
    return access.identity_for(user.username, user.display_name, user.role, user.urns)


@contextmanager
def checked_for_run(identity: Identity) -> Iterator[None]:
    """While the page of this script run runs, ``require_identity`` reuses the identity the app
    checked at the start of the run (dashboard/app.py) instead of reading the store a second time.
    Scoped to the run's thread and cleared when the page ends (normally, by st.stop or st.rerun,
    or by an error), so it never outlives the run it was checked for."""
    _RUN.identity = identity
    try:
        yield
    finally:
        _RUN.identity = None


def require_identity(page_id: str | None = None) -> Identity:
    """For pages: the signed-in identity, or stop the page if signed out or not allowed it."""
    identity = getattr(_RUN, "identity", None) or current_identity()
    if identity is None:
        st.warning("Please sign in.")
        st.stop()
    if page_id is not None and not access.can_see_page(identity, page_id):
        st.error("This page is not available to your role.")
        st.stop()
    return identity
