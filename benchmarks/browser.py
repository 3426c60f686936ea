"""What a user's browser sees: time from a filter change to the page settled, and from pressing
"Sign in" to the first page drawn, p50/p95, with the server's script time shown apart from the
browser's share (websocket, React rendering, charts).

    python benchmarks/browser.py                         county warehouse, 10 sign-ins, 20 changes
    python benchmarks/browser.py --signins 20 --changes 40 --pages priority overview
    python benchmarks/browser.py --warehouse /tmp/sid-bench/national/warehouse.duckdb

A real `streamlit run dashboard/app.py` server (benchmarks/sessions.py `serve`: free loopback port,
demo users in a temporary store, SID_TIMING_LOG on) and ONE headless Debian Chromium driven by
Playwright, one user at a time (benchmarks/ws_sessions.py is the many-users test).

How "settled" is measured, in the page itself (no fixed sleeps): a script installed in every
page records the time of the user's input (a capturing click / keydown listener) and the time of
every DOM mutation (a MutationObserver on the whole document). After the input, the harness waits
for Streamlit's script state to return to "notRunning" with its status widget gone, then for
the DOM to stay unchanged for --quiet-ms; SETTLED is the last mutation minus the input, both on
the page's own clock (performance.now()), so the quiet wait itself is never counted.
SERVER is the sum of the script runs the server logged (dashboard/timing.py) between the input
and the settle; BROWSER is settled minus server: the websocket both ways, React applying the
deltas, Vega drawing charts, layout.

BUSY is the browser's main thread kept busy (long tasks over 50 ms, PerformanceObserver) between
the input and the settle: script compiling and running, React, Vega, layout. FETCHED is the number
of files (scripts, data) the page fetched after the input.

Scenarios:
  sign-in   a fresh browser context opens the app, fills the sign-in form; from the click on
            "Sign in" to the home page settled (manager: the county overview). Nothing is cached:
            a new user, or a new browser.
  sign-in, returning  the same, in ONE context kept across the sign-ins (cookies cleared, a new
            tab each time): a returning user whose HTTP cache holds the app's scripts (Streamlit
            serves them as immutable). Reported beside the fresh figure, never instead of it.
  filters   a manager's page (--pages, default: priority and overview); each change picks the next
            option of one of the page's filters (District, Phase, School type, Pupil group in
            turn), as a user clicking through them.

Targets (issue 20, county size): filter change to settled p95 <= 300 ms; sign-in to first page
drawn <= 1 s. This script prints figures; nothing asserts on them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pages import percentile  # noqa: E402
from benchmarks.sessions import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STATUS = '[data-testid="stStatusWidget"]'
FILTERS = ["District", "Phase", "School type", "Pupil group"]
PAGES = {"priority": "/priority", "overview": "/overview", "schools": "/schools"}

# Installed before any page script: input and mutation times on the page's clock, long tasks.
PROBE = """
(() => {
  window.__sid = {input: null, last: performance.now(), long: []};
  try {
    new PerformanceObserver(l => { for (const e of l.getEntries())
      window.__sid.long.push([e.startTime, e.duration]); }).observe({type: 'longtask'});
  } catch (e) {}
  const mark = () => { window.__sid.input = performance.now(); };
  addEventListener('click', mark, true);
  addEventListener('keydown', mark, true);
  const start = () => new MutationObserver(() => { window.__sid.last = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', start); else start();
})();
"""


def _settle(page, quiet_ms: float, timeout_ms: float) -> float:
    """Wait for the run to finish and the DOM to stay still; ms from input to last mutation."""
    page.wait_for_selector(DONE, timeout=timeout_ms)
    page.wait_for_selector(STATUS, state="detached", timeout=timeout_ms)
    page.wait_for_function(
        f"performance.now() - window.__sid.last > {quiet_ms}", timeout=timeout_ms, polling=25
    )
    page.wait_for_selector(DONE, timeout=timeout_ms)  # a late rerun would have flipped it
    s = page.evaluate("window.__sid")
    return s["last"] - s["input"]


def _browser_work(page) -> dict:
    """Main-thread long-task ms and files fetched between the input and the last DOM change."""
    return page.evaluate(
        """() => { const s = window.__sid;
        const busy = s.long.filter(([t]) => t >= s.input && t <= s.last)
                           .reduce((a, [t, d]) => a + d, 0);
        const fetched = performance.getEntriesByType('resource')
                           .filter(e => e.startTime >= s.input && e.startTime <= s.last).length;
        return {busy, fetched}; }"""
    )


def _server_ms(log: Path, since: float, until: float) -> float:
    """Server script time (ms) of the runs that ended in [since, until] (wall clock)."""
    from dashboard import timing

    runs = [r for r in timing.read_log(log) if since <= r.get("at", 0) <= until]
    return 1000 * sum(r["seconds"] for r in runs)


def sign_ins(browser, served, n: int, user: str, args, returning: bool = False) -> list[dict]:
    """``n`` sign-ins of ``user``, each in a fresh context; ``returning``: all in one context
    (its HTTP cache kept, cookies cleared, a new tab each time)."""
    from dashboard.demo_users import DEMO_PASSWORD

    out = []
    kept = None
    if returning:
        kept = browser.new_context(viewport={"width": 1366, "height": 768})
        kept.add_init_script(PROBE)
    for _ in range(n):
        if kept is None:
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(PROBE)
        else:
            context = kept
            context.clear_cookies()
        page = context.new_page()
        page.goto(served.url)
        page.wait_for_selector(DONE, timeout=args.timeout_ms)
        page.get_by_label("Username").fill(user)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        since = time.time()
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_role("button", name="Sign out").wait_for(timeout=args.timeout_ms)
        settled = _settle(page, args.quiet_ms, args.timeout_ms)
        server = _server_ms(served.log, since, time.time())
        out.append({"settled": settled, "server": server, **_browser_work(page)})
        page.close() if kept is not None else context.close()
    if kept is not None:
        kept.close()
    return out


def _choose_next(page, label: str) -> bool:
    """Open the filter ``label`` and pick the option after the current one; False if absent."""
    box = page.get_by_role("combobox", name=label)
    if not box.count():
        return False
    box.first.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    if len(texts) < 2:
        page.keyboard.press("Escape")
        return False
    selected = page.locator('[role="option"][aria-selected="true"]')
    current = selected.first.inner_text() if selected.count() else texts[0]
    nxt = texts[(texts.index(current) + 1) % len(texts)] if current in texts else texts[1]
    options.filter(has_text=nxt).first.click()
    return True


def filter_changes(browser, served, n: int, page_name: str, args) -> list[dict]:
    from dashboard.demo_users import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(served.url)
    page.wait_for_selector(DONE, timeout=args.timeout_ms)
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=args.timeout_ms)
    _settle(page, args.quiet_ms, args.timeout_ms)
    page.evaluate(
        "p => { history.pushState({}, '', p); dispatchEvent(new PopStateEvent('popstate')); }",
        PAGES[page_name],
    )
    page.wait_for_timeout(200)  # let the navigation start before waiting for its end
    _settle(page, args.quiet_ms, args.timeout_ms)
    labels = [lab for lab in FILTERS if page.get_by_role("combobox", name=lab).count()]
    if not labels:
        raise RuntimeError(f"no filters found on {page_name}")
    out, i = [], 0
    while len(out) < n:
        label = labels[i % len(labels)]
        i += 1
        since = time.time()
        if not _choose_next(page, label):
            continue
        settled = _settle(page, args.quiet_ms, args.timeout_ms)
        server = _server_ms(served.log, since, time.time())
        work = _browser_work(page)
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(f"{page_name}: an exception is shown after changing {label}")
        out.append({"settled": settled, "server": server, "filter": label, **work})
    context.close()
    return out


def summary(name: str, runs: list[dict], target_ms: float) -> dict:
    settled = [r["settled"] for r in runs]
    server = [r["server"] for r in runs]
    browser = [r["settled"] - r["server"] for r in runs]
    row = {
        "scenario": name,
        "n": len(runs),
        "settled_p50": percentile(settled, 50),
        "settled_p95": percentile(settled, 95),
        "server_p50": percentile(server, 50),
        "server_p95": percentile(server, 95),
        "browser_p50": percentile(browser, 50),
        "browser_p95": percentile(browser, 95),
        "busy_p50": percentile([r["busy"] for r in runs], 50),
        "fetched_p50": percentile([r["fetched"] for r in runs], 50),
        "target_ms": target_ms,
    }
    row["ok"] = row["settled_p95"] <= target_ms
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    p.add_argument("--signins", type=int, default=10)
    p.add_argument("--changes", type=int, default=20, help="filter changes per page")
    p.add_argument("--pages", nargs="*", choices=list(PAGES), default=["priority", "overview"])
    p.add_argument("--quiet-ms", type=float, default=250.0,
                   help="the DOM must stay unchanged this long to count as settled")  # fmt: skip
    p.add_argument("--timeout-ms", type=float, default=60_000)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    if not args.warehouse.exists():
        raise SystemExit(f"{args.warehouse} does not exist: run `make default-data` first")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="browser-bench-") as work:
        with serve(args.warehouse, Path(work)) as served, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            sign_ins(browser, served, 1, "manager", args)  # warm the server's caches once
            for user in ("manager", "governor1"):
                who = user.rstrip("1")
                rows.append(summary(f"sign-in ({who})", sign_ins(
                    browser, served, args.signins, user, args), 1000.0))  # fmt: skip
                rows.append(summary(f"sign-in ({who}), returning", sign_ins(
                    browser, served, args.signins, user, args, returning=True), 1000.0))  # fmt: skip
            samples: dict[str, list[dict]] = {}  # each filter change, for --json
            for name in args.pages:
                runs = filter_changes(browser, served, args.changes, name, args)
                rows.append(summary(f"filter change: {name}", runs, 300.0))
                samples[name] = runs
            browser.close()
    print(f"\nBrowser timings on {args.warehouse.resolve().name} "
          f"(one Chromium, one user at a time; settled = input to last DOM change)")  # fmt: skip
    head = (f"{'scenario':<31} {'n':>3} {'settled p50':>11} {'p95':>7} {'server p50':>10} "
            f"{'p95':>7} {'browser p50':>11} {'p95':>7} {'busy p50':>8} {'fetched':>7} "
            f"{'target':>7}")  # fmt: skip
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['scenario']:<31} {r['n']:>3} {r['settled_p50']:>11.0f} {r['settled_p95']:>7.0f} "
              f"{r['server_p50']:>10.0f} {r['server_p95']:>7.0f} {r['browser_p50']:>11.0f} "
              f"{r['browser_p95']:>7.0f} {r['busy_p50']:>8.0f} {r['fetched_p50']:>7.0f} "
              f"{r['target_ms']:>7.0f}  {'ok' if r['ok'] else 'OVER'}")  # fmt: skip
    print(f"ms; {os.cpu_count()} CPUs, load average before {load_before}, {platform.platform()}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"rows": rows, "filter_changes": samples, "load_average": load_before}, indent=2
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
