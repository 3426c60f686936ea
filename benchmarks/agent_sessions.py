"""Load test without browsers: many concurrent sessions driven through Streamlit's agent API.

    python benchmarks/agent_sessions.py --warehouse data/warehouse.duckdb --sessions 50

Fifty Chromium renderers on the server's own two CPUs measure the browsers, not the server
(benchmarks/sessions.py does that, and says so). Here each session is a Streamlit session created
and driven over HTTP (`POST /_stcore/agent/interact`, Streamlit 1.67's agent API): the same rerun
path, widgets and access rules as a browser, with a thread per session that only waits on the
socket. The agent API is switched on for this server alone (`--server.enableAgentApi true`); the
shipped configuration keeps it off (decision 22).

Each session signs in as a demo user (managers, officers, governors, briefing in turn), opens a
page (default: the priority list for managers and officers, the governor profile for governors,
the briefing for the briefing role), then changes a filter `--interactions` times with a think
time between. Reported: the time of each interaction request on loopback (the server's rerun plus
building and sending the snapshot), the server's own script time per rerun (SID_TIMING_LOG),
errors (HTTP errors, and exception elements in the page), and the server's memory: RSS with one
session, at the end, and the growth per extra session.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pages import percentile  # noqa: E402
from benchmarks.sessions import rss_mb, serve  # noqa: E402

USERS = ["manager", "officer", "governor1", "governor2", "briefing"]
LANDING = {"manager": "priority", "officer": "priority", "briefing": "briefing"}


class Agent:
    """One Streamlit session over the agent API."""

    def __init__(self, url: str):
        self.url = f"{url}/_stcore/agent/interact"
        self.session_id: str | None = None
        self.snapshot: dict = {}

    def interact(self, **body) -> tuple[dict, float]:
        if self.session_id:
            body["session_id"] = self.session_id
        data = json.dumps(body).encode()
        req = urllib.request.Request(
            self.url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=180) as r:
            snap = json.loads(r.read())
        took = time.perf_counter() - t0
        self.session_id = snap.get("session_id", self.session_id)
        self.snapshot = snap
        return snap, took


def walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def exceptions(snap: dict) -> list[str]:
    return [
        str((n.get("props") or {}).get("message", "exception"))[:200]
        for n in walk(snap.get("tree"))
        if n.get("type") == "exception"
    ]


def choice_widgets(snap: dict) -> list[tuple[str, list]]:
    """(key, options) of each selectbox / radio the latest run offers with two or more options."""
    keys = {
        a["key"]
        for a in snap.get("actions", [])
        if a.get("kind") == "value" and a.get("type") in ("selectbox", "radio")
    }
    out = []
    for n in walk(snap.get("tree")):
        if n.get("key") in keys:
            opts = (n.get("props") or {}).get("options") or []
            if len(opts) >= 2:
                out.append((n["key"], opts))
    return out


def run_session(i: int, url: str, args, stats: dict, lock: threading.Lock) -> None:
    from dashboard.demo_users import DEMO_PASSWORD

    user = USERS[i % len(USERS)]
    agent = Agent(url)
    try:
        agent.interact()
        snap, took = agent.interact(
            widget_state={"login_username": user, "login_password": DEMO_PASSWORD},
            trigger={"key": "FormSubmitter:login-Sign in"},
        )
        if any(a.get("key") == "login_username" for a in snap.get("actions", [])):
            raise RuntimeError(f"{user}: sign-in refused")
        pages = [p["url_path"] for p in snap.get("pages", [])]
        page = LANDING.get(user)
        if page in pages:
            snap, took = agent.interact(page=page)
        with lock:
            stats["first_load"].append(took)
            stats["signed_in"] += 1
        for k in range(args.interactions):
            time.sleep(args.think)
            widgets = choice_widgets(agent.snapshot)
            if not widgets:
                snap, took = agent.interact()  # a rerun with nothing changed
            else:
                key, opts = widgets[k % len(widgets)]
                snap, took = agent.interact(widget_state={key: opts[(k + 1) % len(opts)]})
            errs = exceptions(snap)
            with lock:
                stats["interaction"].append(took)
                stats["errors"] += [f"session {i} ({user}): {e}" for e in errs]
        with lock:
            stats["completed"] += 1
    except (urllib.error.URLError, OSError, RuntimeError, ValueError) as exc:
        with lock:
            stats["errors"].append(f"session {i} ({user}): {type(exc).__name__}: {exc}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, default=ROOT / "data/warehouse.duckdb")
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--interactions", type=int, default=10)
    p.add_argument("--think", type=float, default=1.0, help="seconds between a session's clicks")
    args = p.parse_args(argv)
    from dashboard import timing

    stats = {"first_load": [], "interaction": [], "errors": [], "signed_in": 0, "completed": 0}
    lock = threading.Lock()
    extra = [
        "--server.enableAgentApi", "true",
        "--server.agentMaxSessions", str(args.sessions + 5),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, serve(args.warehouse, Path(tmp), extra) as srv:
        # one session first: the memory of a server with one user is the baseline
        run_session(0, srv.url, argparse.Namespace(interactions=1, think=0), stats, lock)
        base = rss_mb(srv.pid)
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.sessions) as pool:
            for i in range(1, args.sessions + 1):
                pool.submit(run_session, i, srv.url, args, stats, lock)
        elapsed = time.monotonic() - t0
        end = rss_mb(srv.pid)
        runs = [r for r in timing.read_log(srv.log) if r.get("page") != "login"]

    def ms(xs, q):
        return f"{1000 * percentile(xs, q):,.0f}" if xs else "-"

    server = [r["seconds"] for r in runs]
    print(f"{args.sessions} concurrent agent-API sessions, {args.interactions} interactions each, "
          f"think {args.think} s; {elapsed:.0f} s; {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'what':<40} {'n':>6} {'p50 ms':>9} {'p95 ms':>9}")
    for what, xs in (
        ("sign-in to first page (request)", stats["first_load"]),
        ("filter change (request on loopback)", stats["interaction"]),
        ("server script run (timing log)", server),
    ):
        print(f"{what:<40} {len(xs):>6} {ms(xs, 50):>9} {ms(xs, 95):>9}")
    per = (end - base) / max(1, args.sessions)
    print(f"errors: {len(stats['errors'])}; completed {stats['completed'] - 1}/{args.sessions}")
    for e in stats["errors"][:10]:
        print(f"  {e}")
    print(f"server RSS: {base:.0f} MB with one session, {end:.0f} MB with {args.sessions + 1}: "
          f"{per:.1f} MB per extra session")  # fmt: skip
    return 0 if not stats["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
