"""The deployment in deploy/, tested as a council would run it: nginx over TLS in front of two app
servers sharing one PostgreSQL store (conftest.py). Only our host name is served, metrics never
leave the machine, the websocket and downloads work through the proxy, each browser stays on one
app server, and two app servers writing to the one store at once lose nothing and name conflicts."""

from __future__ import annotations

import csv
import io
import socket
import ssl
import urllib.request
from datetime import date, timedelta

import pytest

from dashboard.demo_users import DEMO_PASSWORD
from dashboard.store import notices, records
from dashboard.store.records import ConflictError
from tests.browser.conftest import navigate_in_session as browser_navigate_in_session
from tests.browser.conftest import wait_for_app
from tests.deploy.conftest import SERVER_NAME

pytestmark = pytest.mark.browser


def https_get(deployment, path: str, host: str = SERVER_NAME, sni: str = SERVER_NAME) -> bytes:
    """One raw HTTP/1.1 request over TLS to nginx; the whole answer ('' when it closed on us)."""
    ctx = deployment.tls_context()
    if sni != SERVER_NAME:
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", deployment.https_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=sni) as tls:
            tls.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            return _read_all(tls)


def http_get(deployment, path: str, host: str) -> bytes:
    with socket.create_connection(("127.0.0.1", deployment.http_port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        return _read_all(s)


def _read_all(s) -> bytes:
    out = b""
    while chunk := s.recv(65536):
        out += chunk
    return out


def test_health_is_reachable_for_probes_over_tls_with_our_certificate(deployment):
    answer = https_get(deployment, "/_stcore/health")
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok")
    assert b"Strict-Transport-Security: max-age=31536000" in answer
    assert b"Server: nginx\r\n" in answer  # no version given away (server_tokens off)


def test_plain_http_redirects_to_https(deployment):
    answer = http_get(deployment, "/schools?urn=1", SERVER_NAME)
    assert answer.startswith(b"HTTP/1.1 301")
    assert f"Location: {deployment.url}/schools?urn=1\r\n".encode() in answer


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1", f"{SERVER_NAME}.evil.example"])
def test_a_host_not_on_the_allow_list_gets_no_answer(deployment, host):
    assert https_get(deployment, "/", host=host) == b""  # 444: closed without a word
    assert http_get(deployment, "/", host) == b""
    with pytest.raises(ssl.SSLError):  # asked for by that name, TLS itself is refused
        https_get(deployment, "/", host=host, sni=host if "." in host else "evil.example")


def test_metrics_are_blocked_at_the_proxy_and_the_app_servers_listen_on_loopback_only(deployment):
    assert https_get(deployment, "/_stcore/metrics").startswith(b"HTTP/1.1 404")
    for port in deployment.app_ports:  # on this machine (the proxy's), monitoring reads them
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/metrics", timeout=10) as r:
            assert r.status == 200
    listening = {}
    for line in (
        open("/proc/net/tcp").read().splitlines()[1:]
        + open("/proc/net/tcp6").read().splitlines()[1:]
    ):
        local, state = line.split()[1], line.split()[3]
        address, port = local.rsplit(":", 1)
        if state == "0A":  # LISTEN
            listening.setdefault(int(port, 16), set()).add(address)
    for port in deployment.app_ports:
        assert listening[port] == {"0100007F"}, listening[port]  # 127.0.0.1, nothing else


SLOW = 120_000  # ms: two app servers, nginx and PostgreSQL share 2 CPUs with the rest of the suite


def wait(page) -> None:
    wait_for_app(page, timeout=SLOW)


def sign_in(page, url: str, username: str, then: str) -> None:
    """tests/browser's sign-in, with room for a loaded machine; then ``then`` in the same session."""
    page.goto(url)
    wait(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=SLOW)
    wait(page)
    navigate_in_session(page, then)


def navigate_in_session(page, path: str) -> None:
    browser_navigate_in_session(page, path, timeout=SLOW)


def new_browser(browser):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(SLOW)
    return context, page


def route_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "sid_route")


def test_sign_in_reload_and_a_download_through_the_proxy_stay_on_one_app_server(
    deployment, browser
):
    context, page = new_browser(browser)
    try:
        sign_in(page, deployment.url, "manager", then="/schools")  # the websocket goes through
        cookie = next(c for c in context.cookies() if c["name"] == "sid_route")
        assert cookie["secure"] and cookie["httpOnly"]
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Download these schools (CSV)").click()
        text = open(info.value.path(), encoding="utf-8-sig").read()
        rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
        assert len(rows) > 10 and any(deployment.school[1] in r for r in rows)  # header + schools

        page.reload()  # the signed session cookie keeps the user signed in, on the same page
        wait(page)
        page.get_by_role("button", name="Sign out").wait_for(timeout=SLOW)
        assert page.get_by_role("button", name="Download these schools (CSV)").is_visible()

        served_by = deployment.upstreams_of(route_of(context))
        assert len(served_by) == 1, served_by  # every request of this browser: one app server
    finally:
        context.close()


def browser_on(deployment, browser, port: int, tries: int = 16):
    """A new browser whose route cookie pins it to the app server on ``port``."""
    for _ in range(tries):
        context, page = new_browser(browser)
        page.goto(deployment.url)
        wait(page)
        if deployment.upstream_of(route_of(context)) == port:
            return context, page
        context.close()
    raise AssertionError(f"no new browser was routed to {port} in {tries} tries")


def test_two_app_servers_writing_to_one_store_at_once_lose_nothing_and_name_conflicts(
    deployment, browser
):
    urn = deployment.school[0]
    nid = notices.issue_notice(urn, "manager", issued_on=date.today() - timedelta(days=10),
                               concerns="Attendance falling", path=deployment.store)  # fmt: skip
    first, second = deployment.app_ports
    (ctx_a, a), (ctx_b, b) = (
        browser_on(deployment, browser, first),
        browser_on(deployment, browser, second),
    )
    try:
        sign_in(a, deployment.url, "manager", then=f"/school?urn={urn}")
        sign_in(b, deployment.url, "officer", then=f"/school?urn={urn}")
        today = date.today()
        for page, who in ((a, "manager"), (b, "officer")):
            page.get_by_role("button", name="Add a note, concern or headteacher change").click()
            dialog = page.get_by_role("dialog")
            dialog.wait_for()
            dialog.get_by_role("combobox", name="What").click()
            page.get_by_role("option").first.click()  # a note
            for part, value in (("year", f"{today:%Y}"), ("month", f"{today:%m}"),
                                ("day", f"{today:%d}")):  # fmt: skip
                dialog.get_by_role("spinbutton", name=f"{part}, Date").click()
                page.keyboard.type(value)
            dialog.get_by_label("Note", exact=True).fill(f"Seen by the {who} on their server")
        # both saves sent before either is answered: the two servers write at the same moment
        a.get_by_role("dialog").get_by_role("button", name="Save", exact=True).click()
        b.get_by_role("dialog").get_by_role("button", name="Save", exact=True).click()
        for page in (a, b):
            wait(page)
            page.get_by_text("Saved. It counts toward the support category").wait_for()
        saved = {(r.written_by, r.body["text"]) for r in records.current(["note"], [urn],
                                                                         path=deployment.store)}  # fmt: skip
        assert saved == {("manager", "Seen by the manager on their server"),
                         ("officer", "Seen by the officer on their server")}  # fmt: skip

        # both hold the notice at version 1; the manager's meeting is saved first (through the
        # shared PostgreSQL store), so the officer's save against version 1 is refused, naming who
        met = dict(met_on=date.today(), head_present=True, chair_present=True)
        notices.record_meeting(nid, 1, "manager", notes="Meeting as the manager recorded it",
                               path=deployment.store, **met)  # fmt: skip
        with pytest.raises(ConflictError, match=r"manager"):
            notices.record_meeting(nid, 1, "officer", notes="Meeting as the officer recorded it",
                                   path=deployment.store, **met)  # fmt: skip
        versions = records.history(nid, path=deployment.store)
        assert [(v.version, v.written_by) for v in versions] == [(1, "manager"), (2, "manager")]
        # the officer's page, on the other app server, shows the manager's meeting
        navigate_in_session(b, f"/school?urn={urn}")
        b.get_by_role("tab", name="Timeline").click()  # a tab's content is made when it opens
        b.get_by_text("Meeting as the manager recorded it").first.wait_for(timeout=30_000)
        assert "Meeting as the manager recorded it" in b.locator("body").inner_text()
    finally:
        ctx_a.close()
        ctx_b.close()
