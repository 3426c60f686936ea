"""Load test: many concurrent browser sessions against a real `streamlit run` server on loopback,
with first-load and interaction times (p50/p95), errors, and server/browser memory over a soak.

    python benchmarks/sessions.py                          30 sessions, 5 interactions each
    python benchmarks/sessions.py --sessions 50
    python benchmarks/sessions.py --sessions 30 --soak-minutes 10

The app is started as in production (`streamlit run dashboard/app.py`, port chosen free, bound
to 127.0.0.1) on the county warehouse, with a temporary store holding the demo users and
SID_TIMING_LOG set, so the server's own time per script run (dashboard/timing.py) is reported
beside what the browsers see. One headless Debian Chromium holds every session as its own
browser context (own cookies, own websocket: a separate Streamlit session), driven by Playwright's
async API from one thread. Users cycle through the demo accounts (managers, officers, governors,
a federation, briefing, admin), so the roles are mixed.

Each session: open the app; sign in; FIRST LOAD is the time from pressing "Sign in" to the home
page finished (Streamlit's script state back to not running and its status widget gone). Then
INTERACTIONS, with a think time between them: flip the first "Show as table" toggle (a widget
change, so the whole page reruns on the server) and time it to the rerun finished; pages without
a chart get the browser's rerun shortcut ("r") instead. ERRORS: an exception box on the page
(stException), a timeout, or a browser/page failure. With --soak-minutes the sessions keep
interacting until the time is up while the server's RSS and the browser's (every process of our
Chromium) are sampled every few seconds; start, peak, end and growth are printed.

Everything here shares the machine's CPUs with the server: on 2 cores, the browsers' rendering
competes with the Python server, so figures are an upper bound for a server with its own CPUs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pages import percentile  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # docs: /work/shared/engineering-notes.md (what works on this machine)
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
USERS = ["manager", "governor1", "officer", "briefing", "governor2", "federation", "admin"]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS = '[data-testid="stStatusWidget"]'


# ------------------------------------------------------------------ the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(warehouse: Path, work: Path, extra_args: list[str] | tuple = ()):
    """`streamlit run dashboard/app.py` on a free loopback port, demo users in a new store.
    ``extra_args`` are more `streamlit run` options (a server option for a benchmark)."""
    from dashboard import demo_users

    store, log = work / "store.sqlite", work / "timing.jsonl"
    demo_users.create_demo_users(warehouse, store)
    port = _free_port()
    env = dict(
        os.environ,
        SID_WAREHOUSE=str(warehouse),
        SID_STORE_PATH=str(store),
        SID_TIMING_LOG=str(log),
        SID_DEPLOYMENT="full",
        SID_BRIEFING_NAMES_SCHOOLS="false",
    )
    out = open(work / "streamlit.log", "w")  # noqa: SIM115 (closed below)
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false", *extra_args]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((work / "streamlit.log").read_text())
            time.sleep(0.3)
        yield type("Served", (), {"url": url, "pid": proc.pid, "log": log})
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()


# ------------------------------------------------------------------ memory (Linux /proc)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    return children


def chromium_pids(root: int) -> list[int]:
    """Our Chromium's processes (browser, renderers, utilities): descendants of ``root`` (this
    process: Playwright's driver starts the browser), never another program's Chromium."""
    children, found, todo = _children(), [], list(_children().get(root, []))
    while todo:
        pid = todo.pop()
        try:
            if (Path(f"/proc/{pid}") / "comm").read_text().strip().startswith("chrom"):
                found.append(pid)
        except OSError:
            pass
        todo.extend(children.get(pid, []))
    return found


# ------------------------------------------------------------------ the sessions


@dataclass
class Stats:
    first_load: list[float] = field(default_factory=list)
    interaction: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sessions_ok: int = 0


async def _wait_done(page, timeout_ms: float) -> None:
    await page.wait_for_selector(DONE, timeout=timeout_ms)
    await page.wait_for_selector(STATUS, state="detached", timeout=timeout_ms)
    await page.wait_for_selector(DONE, timeout=timeout_ms)


async def _rerun(page, timeout_ms: float) -> float:
    """One interaction; seconds from the input to the rerun finished."""
    toggle = page.get_by_text("Show as table").first
    t0 = time.perf_counter()
    if await toggle.count():
        await toggle.click()
    else:
        await page.keyboard.press("r")
    try:  # the run may be over before we look; a short wait for it to start is enough
        await page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="running"]', timeout=1500
        )
    except Exception:  # noqa: BLE001 (Playwright's TimeoutError: it finished already)
        pass
    await _wait_done(page, timeout_ms)
    return time.perf_counter() - t0


async def session(
    n: int, browser, url: str, args, stats: Stats, stop_at: float | None, ready: asyncio.Event
) -> None:
    from dashboard.demo_users import DEMO_PASSWORD

    user = USERS[n % len(USERS)]
    await asyncio.sleep(n * args.ramp_seconds / max(args.sessions, 1))
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    timeout = args.timeout_seconds * 1000
    page.set_default_timeout(timeout)
    try:
        await page.goto(url, wait_until="domcontentloaded")  # the app wait follows
        await _wait_done(page, timeout)
        await page.get_by_label("Username").fill(user)
        await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        t0 = time.perf_counter()
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("button", name="Sign out").wait_for()
        await _wait_done(page, timeout)
        stats.first_load.append(time.perf_counter() - t0)
        if await page.locator('[data-testid="stException"]').count():
            stats.errors.append(f"session {n} ({user}): exception shown on the home page")
        await ready.wait()  # interactions start once every session has signed in
        done = 0
        while (stop_at is None and done < args.interactions) or (
            stop_at is not None and time.monotonic() < stop_at
        ):
            await asyncio.sleep(args.think_seconds)
            stats.interaction.append(await _rerun(page, timeout))
            done += 1
            if await page.locator('[data-testid="stException"]').count():
                stats.errors.append(f"session {n} ({user}): exception shown after a rerun")
                break
        stats.sessions_ok += 1
    except Exception as exc:  # noqa: BLE001 (a timeout or a page failure is an error to count)
        stats.errors.append(f"session {n} ({user}): {type(exc).__name__}: {str(exc)[:160]}")
    finally:
        await context.close()


async def sampler(server_pid: int, samples: list[dict], every: float, stop: asyncio.Event) -> None:
    t0 = time.monotonic()
    while not stop.is_set():
        browser = sum(rss_mb(p) for p in chromium_pids(os.getpid()))
        samples.append(
            {"t": time.monotonic() - t0, "server_mb": rss_mb(server_pid), "browser_mb": browser}
        )
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            pass


async def drive(url: str, server_pid: int, args) -> tuple[Stats, list[dict], float]:
    from playwright.async_api import async_playwright

    stats, samples = Stats(), []
    stop = asyncio.Event()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        sample_task = asyncio.create_task(sampler(server_pid, samples, args.sample_seconds, stop))
        ready = asyncio.Event()
        t0 = time.monotonic()
        stop_at = t0 + 60 * args.soak_minutes if args.soak_minutes else None
        tasks = [
            asyncio.create_task(session(i, browser, url, args, stats, stop_at, ready))
            for i in range(args.sessions)
        ]

        async def release() -> None:  # when every session has signed in (or failed)
            while len(stats.first_load) + len(stats.errors) < args.sessions and not all(
                t.done() for t in tasks
            ):
                await asyncio.sleep(0.2)
            ready.set()

        await asyncio.gather(release(), *tasks, return_exceptions=True)
        elapsed = time.monotonic() - t0
        stop.set()
        await sample_task
        await browser.close()
    return stats, samples, elapsed


# ------------------------------------------------------------------ report


def _ms(xs: list[float], q: float) -> str:
    return f"{1000 * percentile(xs, q):,.0f}" if xs else "-"


def report(args, stats: Stats, samples: list[dict], elapsed: float, log: Path) -> dict:
    from dashboard import timing

    runs = [r for r in timing.read_log(log) if r.get("page") != "login"]
    server = [r["seconds"] for r in runs]
    cpu = [r.get("cpu_seconds", 0.0) for r in runs]
    print(f"\n{args.sessions} sessions on loopback, {elapsed:.0f} s, {os.cpu_count()} CPUs "
          f"(load average now {os.getloadavg()[0]:.1f})")  # fmt: skip
    head = f"{'what':<34} {'n':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}"
    print(head)
    print("-" * len(head))
    for what, xs in (
        ("first load (sign-in to home page)", stats.first_load),
        ("interaction (input to rerun done)", stats.interaction),
        ("server script run (timing log)", server),
        ("server script CPU", cpu),
    ):
        print(f"{what:<34} {len(xs):>6} {_ms(xs, 50):>9} {_ms(xs, 95):>9} "
              f"{(f'{1000 * max(xs):,.0f}' if xs else '-'):>9}")  # fmt: skip
    print(f"errors: {len(stats.errors)}; sessions completed: {stats.sessions_ok}/{args.sessions}")
    for e in stats.errors[:20]:
        print(f"  {e}")
    out = {
        "sessions": args.sessions,
        "elapsed_s": elapsed,
        "first_load_ms": {"p50": 1000 * percentile(stats.first_load, 50),
                          "p95": 1000 * percentile(stats.first_load, 95)},
        "interaction_ms": {"p50": 1000 * percentile(stats.interaction, 50),
                           "p95": 1000 * percentile(stats.interaction, 95)},
        "server_run_ms": {"p50": 1000 * percentile(server, 50),
                          "p95": 1000 * percentile(server, 95)},
        "n_interactions": len(stats.interaction),
        "errors": stats.errors,
    }  # fmt: skip
    if samples:
        first, last = samples[0], samples[-1]
        print(f"\nmemory, {len(samples)} samples every {args.sample_seconds:.0f} s:")
        print(f"{'process':<10} {'start MB':>9} {'peak MB':>9} {'end MB':>9} {'growth MB':>10}")
        for key, name in (("server_mb", "server"), ("browser_mb", "chromium")):
            peak = max(s[key] for s in samples)
            print(f"{name:<10} {first[key]:>9,.0f} {peak:>9,.0f} {last[key]:>9,.0f} "
                  f"{last[key] - first[key]:>+10,.0f}")  # fmt: skip
            out[name + "_memory_mb"] = {"start": first[key], "peak": peak, "end": last[key]}
        if args.soak_minutes:  # growth while the sessions were all live: from the first third on
            third = [s for s in samples if s["t"] >= samples[-1]["t"] / 3]
            if len(third) > 1:
                growth = third[-1]["server_mb"] - third[0]["server_mb"]
                minutes = (third[-1]["t"] - third[0]["t"]) / 60
                print(f"server growth over the last two thirds: {growth:+,.0f} MB in "
                      f"{minutes:.1f} min")  # fmt: skip
                out["server_growth_last_two_thirds_mb"] = growth
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--interactions", type=int, default=5, help="per session (without a soak)")
    p.add_argument("--think-seconds", type=float, default=2.0, help="pause before each input")
    p.add_argument("--ramp-seconds", type=float, default=10.0, help="sessions start over this")
    p.add_argument("--timeout-seconds", type=float, default=120.0, help="a wait longer is an error")
    p.add_argument("--soak-minutes", type=float, default=0.0, help="keep interacting this long")
    p.add_argument("--sample-seconds", type=float, default=5.0, help="memory sampling interval")
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = p.parse_args(argv)
    if not args.warehouse.exists():
        sys.exit(f"No warehouse at {args.warehouse}: run `make default-data` first")
    work = Path(tempfile.mkdtemp(prefix="sessions-bench-"))
    print(f"{platform.platform()}, Python {platform.python_version()}; work folder {work}")
    with serve(args.warehouse, work) as served:
        stats, samples, elapsed = asyncio.run(drive(served.url, served.pid, args))
        result = report(args, stats, samples, elapsed, served.log)
    if args.json:
        args.json.write_text(json.dumps({"samples": samples, **result}, indent=2))
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
