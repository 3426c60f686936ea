"""The session cookie: set by the server, read by every script run (issue 19; docs/access-control.md).

Streamlit scripts can read cookies (``st.context.cookies``, from the websocket handshake) but
cannot set them, so a small ASGI middleware on the app's own server (``st.App`` in
dashboard/app.py) does. Two cookies, both HttpOnly (no script can read them), SameSite=Lax, and
Secure with the ``__Host-`` prefix when the page was served over HTTPS:

- ``sid_client``: a random value naming this browser, carrying no authority by itself. A sign-in
  made in a tab records its hash with the new server-side session.
- ``sid_session``: the session token, signed with the cookie secret (itsdangerous, with the time
  it was signed) and expiring with the session (SID_SESSION_MAX_HOURS). The middleware sets it on
  the browser's next page load after a sign-in (a reload, a new tab): it hands the session over
  once (``sessions.hand_over``, a new token) and replaces ``sid_client``, so the value a browser
  had before signing in never becomes a credential.

Every script run still checks the token against the store (idle time, age, user active,
sign-out everywhere). No token is ever put in a URL.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from http.cookies import SimpleCookie
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from warehouse import settings

CLIENT_COOKIE = "sid_client"
SESSION_COOKIE = "sid_session"
SECURE_PREFIX = "__Host-"
_SALT = "sid-session-cookie"


def client_hash(value: str | None) -> str | None:
    return hashlib.sha256(value.encode()).hexdigest() if value else None


@functools.cache
def _secret_from(store_dir: str) -> bytes:
    """The secret that signs session cookies: SID_COOKIE_SECRET, else ``cookie_secret`` of the
    ``[auth]`` section of .streamlit/secrets.toml, else a random one kept (0600) beside the store.
    Several app servers behind one proxy must share it (set it in secrets.toml on each)."""
    env = os.environ.get("SID_COOKIE_SECRET", "")
    if env:
        return env.encode()
    try:
        import streamlit as st

        configured = st.secrets.get("auth", {}).get("cookie_secret")
    except Exception:  # no secrets file: fine, fall back to the file below
        configured = None
    if configured:
        return str(configured).encode()
    path = Path(store_dir) / ".cookie_secret"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def cookie_secret() -> bytes:
    return _secret_from(str(Path(settings.store_path()).resolve().parent))


def max_age_seconds() -> int:
    return settings.session_max_hours() * 3600


def sign_token(token: str) -> str:
    return TimestampSigner(cookie_secret(), salt=_SALT).sign(token).decode()


def token_from_cookie(value: str | None) -> str | None:
    """The session token in a signed cookie value; None if absent, forged or older than the
    session's maximum age."""
    if not value:
        return None
    try:
        raw = TimestampSigner(cookie_secret(), salt=_SALT).unsign(
            value.encode("latin-1"), max_age=max_age_seconds()
        )
    except (BadSignature, SignatureExpired, UnicodeEncodeError):
        return None
    return raw.decode()


def cookie_value(cookies: Mapping[str, str], name: str) -> str | None:
    """A cookie by name, preferring the ``__Host-`` variant (set over HTTPS)."""
    return cookies.get(SECURE_PREFIX + name) or cookies.get(name)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


def _set_cookie(name: str, value: str, secure: bool, max_age: int | None) -> str:
    parts = [f"{SECURE_PREFIX + name if secure else name}={value}", "Path=/", "HttpOnly"]
    parts.append("SameSite=Lax")
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def cookies_for_page_load(cookies: Mapping[str, str], secure: bool) -> list[str]:
    """The Set-Cookie headers for a page load carrying ``cookies`` (blocking: reads the store)."""
    from dashboard.store import sessions

    out: list[str] = []
    idle = settings.session_minutes() * 60
    token = token_from_cookie(cookie_value(cookies, SESSION_COOKIE))
    if token is not None and sessions.lookup(token, idle, max_age_seconds()) is not None:
        return out  # signed in: nothing to change
    if cookie_value(cookies, SESSION_COOKIE):  # forged, expired or ended: remove it
        out.append(_set_cookie(SESSION_COOKIE, "", secure, 0))
    client = cookie_value(cookies, CLIENT_COOKIE)
    handed = sessions.hand_over(client_hash(client), idle, max_age_seconds()) if client else None
    if handed is not None:
        out.append(_set_cookie(SESSION_COOKIE, sign_token(handed), secure, max_age_seconds()))
    if client is None or handed is not None:  # a new browser, or the old value is spent
        out.append(_set_cookie(CLIENT_COOKIE, secrets.token_urlsafe(32), secure, None))
    return out


# The JavaScript of the elements a signed-in page draws (charts, filters, toggles, metrics,
# download buttons). Streamlit's frontend fetches an element's code the first time a page shows one,
# and the sign-in page shows none of these, so signing in waited for ~40 files (the Vega bundle is
# 775 kB) to be fetched from this server and compiled after the first page's script had run. Named
# in a Link header of every page load, the browser fetches and compiles them while the sign-in
# page is shown (and keeps them: Streamlit serves them as immutable). Streamlit names them
# <stem>.<hash>.js; a stem that no longer matches exactly one file is left out
# (tests/dashboard/test_web.py checks that every stem matches one).
PRELOADED = ("ArrowVegaLiteChart", "embed", "vega-interpreter", "loadVegaEmbed", "Selectbox",
             "Checkbox", "Metric", "DownloadButton", "Button")  # fmt: skip
# Then the files these import that the app's main bundle does not, while the header stays short:
# a reverse proxy keeps a response's headers in one buffer (nginx's proxy_buffer_size, 4 kB).
PRELOAD_HEADER_MAX = 2048
_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.\-]+\.js)"')


def _static_js() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "static" / "js"


def _imports(js: Path, roots: list[str]) -> list[str]:
    """``roots`` and every file they import, statically and transitively (breadth first)."""
    seen, todo = [], list(roots)
    while todo:
        name = todo.pop(0)
        if name in seen or not (js / name).is_file():
            continue
        seen.append(name)
        todo += _IMPORT.findall((js / name).read_text(errors="replace"))
    return seen


@functools.cache
def preload_files() -> tuple[str, ...]:
    """The file names (in Streamlit's static/js) of ``PRELOADED``, each found exactly once."""
    js = _static_js()
    names = [p.name for p in js.glob("*.js")] if js.is_dir() else []
    out = []
    for stem in PRELOADED:
        found = [
            n for n in names if n.startswith(stem + ".") and n.count(".") == stem.count(".") + 2
        ]
        if len(found) == 1:
            out.append(found[0])
    return tuple(out)


@functools.cache
def preload_header() -> bytes:
    """The Link header naming ``preload_files`` (then their imports outside the main bundle) as
    module preloads, at most ``PRELOAD_HEADER_MAX`` bytes (empty if none)."""
    from streamlit import config

    js = _static_js()
    main = set(_imports(js, [p.name for p in js.glob("index.*.js")])) if js.is_dir() else set()
    files = [n for n in _imports(js, list(preload_files())) if n not in main]
    base = ("/" + str(config.get_option("server.baseUrlPath") or "").strip("/")).rstrip("/")
    links: list[str] = []
    for name in files:
        link = f"<{base}/static/js/{name}>; rel=modulepreload"
        if len(", ".join([*links, link])) > PRELOAD_HEADER_MAX:
            break
        links.append(link)
    return ", ".join(links).encode("latin-1")


def _is_page_load(scope) -> bool:
    if scope.get("method") != "GET":
        return False
    headers = dict(scope.get("headers") or [])
    return b"text/html" in headers.get(b"accept", b"")


def _is_https(scope) -> bool:
    headers = dict(scope.get("headers") or [])
    return scope.get("scheme") == "https" or headers.get(b"x-forwarded-proto") == b"https"


LOOPBACK = frozenset({"127.0.0.1", "::1"})


def metrics_allowed(scope) -> bool:
    """Streamlit 1.67 serves /_stcore/metrics to anyone and has no setting to turn it off. Only a
    direct scrape from this machine gets it: a request relayed by a proxy (X-Forwarded-For) or
    from another address is answered 404. The proxy blocks the path as well (deploy/)."""
    headers = dict(scope.get("headers") or [])
    peer = (scope.get("client") or ("", 0))[0]
    return peer in LOOPBACK and b"x-forwarded-for" not in headers


def host_allowed(scope) -> bool:
    """SID_ALLOWED_HOSTS: the Host names this app answers (empty: any; the proxy checks too)."""
    allowed = settings.allowed_hosts()
    if not allowed:
        return True
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in allowed or host in allowed


async def _refuse(send, status: int, text: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(text))],
        }
    )
    await send({"type": "http.response.body", "body": text})


class SessionCookieMiddleware:
    """ASGI middleware: the Host allow-list, metrics for local scrapes only, and on each page
    load the two cookies above (and the Link header of ``PRELOADED``)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and not host_allowed(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await _refuse(send, 400, b"Unknown host")
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").rstrip("/").endswith("/_stcore/metrics") and not metrics_allowed(
            scope
        ):
            await _refuse(send, 404, b"Not found")
            return
        if not _is_page_load(scope):
            await self.app(scope, receive, send)
            return
        from starlette.concurrency import run_in_threadpool

        jar = SimpleCookie()
        for name, value in scope.get("headers") or []:
            if name == b"cookie":
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:  # a malformed cookie header: treat as no cookies
                    jar = SimpleCookie()
        cookies = {k: m.value for k, m in jar.items()}
        headers = await run_in_threadpool(cookies_for_page_load, cookies, _is_https(scope))

        async def send_with_cookies(message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"set-cookie", h.encode("latin-1")) for h in headers]
                if message.get("status") == 200 and (links := preload_header()):
                    extra.append((b"link", links))
                if extra:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_cookies)
