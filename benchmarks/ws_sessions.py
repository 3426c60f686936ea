"""Load test without browsers: many concurrent sessions over Streamlit's own websocket protocol.

    python benchmarks/ws_sessions.py --sessions 50
    python benchmarks/ws_sessions.py --warehouse /tmp/sid-bench/national/warehouse.duckdb

Fifty Chromium renderers on the server's own two CPUs measure the browsers, not the server
(benchmarks/sessions.py does that, and says so). Here each session is what a browser tab is to the
server and nothing more: it loads the page over HTTP (receiving the app's ``sid_client`` cookie and
Streamlit's XSRF cookie), opens the websocket `/_stcore/stream` with those cookies, and speaks the
protocol a browser speaks: a `BackMsg.rerun_script` carrying every widget's value (the form's
fields and its submit button to sign in, a page's script hash to navigate, a filter's new value),
then reads the server's `ForwardMsg`s until the run has finished. The same sign-in, cookie
binding, access rules and reruns as a browser; only the drawing is left out.

(Streamlit's agent API was tried first: it withholds cookies from the app, so a sign-in bound to
the browser's cookie, as ours is (dashboard/web.py), cannot be kept over it.)

Each session signs in as a demo user (managers, officers, governors, briefing in turn), opens a
page (the priority list for managers and officers, the governor's profile, the briefing), then
changes one of the page's choices (selectboxes and radios with two or more options, in turn)
``--interactions`` times with a think time between. Users arrive and click independently, as a
county's managers and governors do (``--arrivals staggered``, the default): each session starts at
a random moment within the first think time and waits a random 0.5-1.5 think times between clicks
(seeded, so runs repeat). ``--arrivals lockstep`` starts every session at once and waits exactly the
think time, so all fifty click within the same second every think time: a worst case of bursts that
a load test of independent users should not report as its typical latency (the earlier runs in
benchmarks/RESULTS.md used it). Reported: the time from sending a change to
the run finished on loopback (the server's rerun plus the deltas sent), the server's own script time
per run (SID_TIMING_LOG), errors (refused sign-ins, dropped sockets, exception elements in a page)
and the server's memory: RSS with one session signed in, at the end, and the growth per extra
session. Targets (issue 20): 0 errors, server rerun p95 <= 300 ms, <= 20 MB per extra session.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import ssl
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from benchmarks.pages import percentile  # noqa: E402
from benchmarks.sessions import rss_mb, serve  # noqa: E402

USERS = ["manager", "officer", "governor1", "governor2", "briefing"]
LANDING = {"manager": "priority", "officer": "priority", "briefing": "briefing"}
CHOICES = ("selectbox", "radio")  # what a session clicks through
EARLY_FOR_RERUN = 2  # ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN (st.rerun)


@dataclass
class Target:
    """Where the browser goes: ``url`` as the browser names it, reached at ``host``:``port``
    (through TLS when ``tls`` is given, as nginx serves the deployment)."""

    url: str
    host: str
    port: int
    tls: ssl.SSLContext | None = None

    def page_load_cookies(self) -> dict[str, str]:
        """Load the page as a browser does (Accept: text/html) and keep the cookies it sets: the
        app's sid_client (a sign-in is bound to it), Streamlit's XSRF cookie, nginx's sid_route."""
        name = self.url.split("://", 1)[1]
        raw = socket.create_connection((self.host, self.port), timeout=60)
        if self.tls is not None:
            raw = self.tls.wrap_socket(raw, server_hostname=name.split(":")[0])
        with raw:
            raw.sendall(f"GET / HTTP/1.1\r\nHost: {name}\r\nAccept: text/html\r\n"
                        "Connection: close\r\n\r\n".encode())  # fmt: skip
            answer = b""
            while chunk := raw.recv(65536):
                answer += chunk
        head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        if not head.startswith("HTTP/1.1 200"):
            raise RuntimeError(f"page load: {head.splitlines()[0] if head else 'no answer'}")
        jar = SimpleCookie()
        for line in head.split("\r\n")[1:]:
            if line.lower().startswith("set-cookie:"):
                jar.load(line.split(":", 1)[1].strip())
        return {k: m.value for k, m in jar.items()}

    def socket_options(self) -> dict:
        if self.tls is None:
            return {}
        return {"ssl": self.tls, "host": self.host, "port": self.port}


class Session:
    """One browser tab's conversation with the server, without the drawing."""

    def __init__(self, target: Target):
        self.target = target
        self.ws = None
        self.widgets: dict[str, tuple[str, str, list[str]]] = {}  # id -> (type, label, options)
        self.values: dict[str, WidgetState] = {}  # what the browser would send back
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.exceptions: list[str] = []
        self.received = 0  # bytes the server sent for the last run

    async def connect(self) -> None:
        cookies = await asyncio.to_thread(self.target.page_load_cookies)
        xsrf = cookies.get("_streamlit_xsrf")
        self.ws = await websockets.connect(
            self.target.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                "Origin": self.target.url,
            },
            max_size=None,
            open_timeout=60,
            **self.target.socket_options(),
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def set(self, widget_id: str, value) -> None:
        """The value a user gives a widget, in the field the widget's type reads."""
        kind = self.widgets[widget_id][0]
        state = WidgetState(id=widget_id)
        if kind in ("text_input", "selectbox", "radio"):
            state.string_value = value
        elif kind == "multiselect":
            state.string_array_value.data.extend(value)
        elif kind in ("checkbox", "toggle"):
            state.bool_value = bool(value)
        else:
            raise ValueError(f"{kind} {widget_id}: not a widget this load test sets")
        self.values[widget_id] = state

    def find(self, label: str, kind: str | None = None) -> str:
        for wid, (k, lab, _) in self.widgets.items():
            if lab == label and (kind is None or k == kind):
                return wid
        raise RuntimeError(f"no widget {label!r} on the page")

    async def run(self, *, trigger: str | None = None, page: str | None = None) -> float:
        """One rerun as the browser asks for it; seconds until the server has finished it (a run
        that ends in st.rerun is followed to the end of the next one)."""
        if page is not None:
            self.page_hash = self.pages[page]
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = ""
        client.page_script_hash = self.page_hash
        live = [s for wid, s in self.values.items() if wid in self.widgets or not self.widgets]
        client.widget_states.widgets.extend(live)
        if trigger is not None:
            client.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        t0 = time.perf_counter()
        received = 0
        await self.ws.send(msg.SerializeToString())
        widgets: dict[str, tuple[str, str, list[str]]] = {}
        finished = False
        while True:
            f = ForwardMsg()
            raw = await asyncio.wait_for(self.ws.recv(), 300)
            received += len(raw)
            f.ParseFromString(raw)
            kind = f.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in f.navigation.app_pages}
                self.page_hash = f.navigation.page_script_hash or self.page_hash
            elif kind == "delta" and f.delta.WhichOneof("type") == "new_element":
                el = f.delta.new_element
                etype = el.WhichOneof("type")
                body = getattr(el, etype)
                if etype == "exception":
                    self.exceptions.append(f"{body.type}: {body.message}"[:200])
                elif getattr(body, "id", ""):
                    options = list(getattr(body, "options", []) or [])
                    widgets[body.id] = (etype, getattr(body, "label", ""), options)
            elif kind == "script_finished":
                if f.script_finished != EARLY_FOR_RERUN:
                    finished = True
                    widgets_done = widgets
                widgets = {}
            elif kind == "session_status_changed" and finished:
                if not f.session_status_changed.script_is_running:
                    break
        self.widgets = widgets_done
        self.values = {k: v for k, v in self.values.items() if k in self.widgets}
        self.received = received
        return time.perf_counter() - t0


async def run_session(i: int, target: Target, args, stats: dict) -> None:
    from dashboard.demo_users import DEMO_PASSWORD

    user = USERS[i % len(USERS)]
    s = Session(target)
    pace = random.Random(i)  # this user's own rhythm, the same in every run
    staggered = getattr(args, "arrivals", "lockstep") == "staggered"

    def think() -> float:
        return args.think * (pace.uniform(0.5, 1.5) if staggered else 1.0)

    try:
        if staggered:
            await asyncio.sleep(pace.uniform(0, args.think))  # arrives within the first think
        await s.connect()
        await s.run()  # the sign-in page
        s.set(s.find("Username"), user)
        s.set(s.find("Password"), DEMO_PASSWORD)
        took = await s.run(trigger=s.find("Sign in", "button"))
        if any(k == "text_input" and lab == "Password" for k, lab, _ in s.widgets.values()):
            raise RuntimeError(f"{user}: sign-in refused")
        page = LANDING.get(user)
        if page in s.pages:
            took += await s.run(page=page)
        stats["first_load"].append(took)
        stats["signed_in_at"].append(time.time())
        for k in range(args.interactions):
            await asyncio.sleep(think())
            choices = [
                (wid, opts) for wid, (kind, _, opts) in s.widgets.items()
                if kind in CHOICES and len(opts) >= 2
            ]  # fmt: skip
            if choices:
                wid, opts = choices[k % len(choices)]
                current = s.values.get(wid)
                now = current.string_value if current is not None else opts[0]
                s.set(wid, opts[(opts.index(now) + 1) % len(opts)] if now in opts else opts[1])
            stats["interaction"].append(await s.run())
            stats["kb"].append(s.received / 1000)
        stats["errors"] += [f"session {i} ({user}): {e}" for e in s.exceptions]
        stats["completed"] += 1
    except (OSError, RuntimeError, ValueError, TimeoutError, websockets.WebSocketException) as exc:
        stats["errors"].append(f"session {i} ({user}): {type(exc).__name__}: {exc}")
    finally:
        await s.close()


async def run_all(target: Target, pids: list[int], args, stats: dict) -> tuple[float, float, float]:
    # one session first: the memory of the app servers after one user is the baseline
    first = argparse.Namespace(interactions=1, think=0)
    await run_session(0, target, first, stats)
    base = sum(rss_mb(p) for p in pids)
    t0 = time.monotonic()
    n = args.sessions
    await asyncio.gather(*(run_session(i, target, args, stats) for i in range(1, n + 1)))
    elapsed = time.monotonic() - t0
    return base, sum(rss_mb(p) for p in pids), elapsed


@contextlib.contextmanager
def single_server(warehouse: Path, work: Path):
    """One `streamlit run` on loopback (benchmarks/sessions.py), its SQLite store."""
    with serve(warehouse, work) as srv:
        yield Target(srv.url, "127.0.0.1", int(srv.url.rsplit(":", 1)[1])), [srv.pid], srv.log


@contextlib.contextmanager
def deployment(warehouse: Path, work: Path, app_servers: int):
    """The deployment of deploy/ as tests/deploy runs it: nginx over TLS, ``app_servers`` app
    servers (deploy/bin/sid-app), one PostgreSQL store (tests/postgres.py)."""
    from tests import postgres
    from tests.deploy.conftest import running_deployment

    log = work / "timing.jsonl"
    server = postgres.start()
    try:
        store = server.new_database("load")
        env = {"SID_TIMING_LOG": str(log)}
        with running_deployment(work / "deploy", warehouse, store, app_servers, env) as d:
            tls = ssl.create_default_context(cafile=str(d.cert))
            yield Target(d.url, "127.0.0.1", d.https_port, tls), d.app_pids, log
    finally:
        from dashboard.store import postgresql

        postgresql.close_idle()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, default=ROOT / "data/warehouse.duckdb")
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--interactions", type=int, default=10)
    p.add_argument("--think", type=float, default=1.0, help="seconds between a session's clicks")
    p.add_argument(
        "--arrivals",
        choices=("staggered", "lockstep"),
        default="staggered",
        help="staggered (default): sessions start at random within the first think time and "
        "think 0.5-1.5x --think between clicks; lockstep: all start at once, think exactly --think",
    )
    p.add_argument(
        "--deployment",
        type=int,
        metavar="N",
        default=0,
        help="serve as deploy/ does: nginx over TLS, N app servers, a PostgreSQL store "
        "(default 0: one `streamlit run` process on loopback)",
    )
    args = p.parse_args(argv)
    from dashboard import timing

    stats = {
        "first_load": [], "interaction": [], "kb": [], "errors": [], "completed": 0,
        "signed_in_at": [],
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        served = (
            deployment(args.warehouse, work, args.deployment)
            if args.deployment
            else single_server(args.warehouse, work)
        )
        with served as (target, pids, log):
            base, end, elapsed = asyncio.run(run_all(target, pids, args, stats))
            runs = [r for r in timing.read_log(log) if r.get("page") != "login"]
    where = (
        f"deploy/: nginx + {args.deployment} app servers + PostgreSQL"
        if args.deployment
        else "one streamlit process"
    )

    def ms(xs, q):
        return f"{1000 * percentile(xs, q):,.0f}" if xs else "-"

    server = [r["seconds"] for r in runs]
    # Sign-ins hash a password (argon2: memory-hard on purpose, and in its own threads); the runs
    # made while other sessions sign in wait for the CPU. Both phases are shown.
    all_in = max(stats["signed_in_at"], default=0.0)
    print(f"{args.sessions} concurrent websocket sessions, {args.interactions} interactions each, "
          f"think {args.think} s, {args.arrivals}; {elapsed:.0f} s; {os.cpu_count()} CPUs; "
          f"{where}; warehouse {args.warehouse}")  # fmt: skip
    print(f"{'what':<40} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'target':>8}")
    for what, xs, target in (
        ("sign-in to first page (round trip)", stats["first_load"], ""),
        ("filter change (round trip)", stats["interaction"], ""),
        ("server script run (timing log)", server, "300"),
        ("  while sessions sign in", [r["seconds"] for r in runs if r["at"] <= all_in], ""),
        ("  once all have signed in", [r["seconds"] for r in runs if r["at"] > all_in], ""),
    ):
        print(f"{what:<40} {len(xs):>6} {ms(xs, 50):>9} {ms(xs, 95):>9} {target:>8}")
    pages = sorted({(r.get("role"), r.get("page")) for r in runs}, key=str)
    for role, page in pages:
        these = [r for r in runs if (r.get("role"), r.get("page")) == (role, page)]
        wall = [r["seconds"] for r in these]
        cpu = [r.get("cpu_seconds", 0.0) for r in these]
        print(f"  {role or '-'} {page}: {len(these)} runs, wall p50 {ms(wall, 50)} / p95 "
              f"{ms(wall, 95)} ms, CPU p50 {ms(cpu, 50)} / p95 {ms(cpu, 95)} ms")  # fmt: skip
    kb = stats["kb"]
    if kb:
        print(f"sent per filter change: p50 {percentile(kb, 50):,.0f} kB, "
              f"p95 {percentile(kb, 95):,.0f} kB")  # fmt: skip
    per = (end - base) / max(1, args.sessions)
    print(
        f"errors: {len(stats['errors'])}; sessions completed {stats['completed'] - 1}/{args.sessions}"
    )
    for e in stats["errors"][:10]:
        print(f"  {e}")
    print(f"app servers' RSS: {base:.0f} MB with one session, {end:.0f} MB with {args.sessions + 1}: "
          f"{per:.1f} MB per extra session (target 20)")  # fmt: skip
    return 0 if not stats["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
