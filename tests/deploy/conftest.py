"""The deployment of deploy/, for real: nginx (Debian's package) with the rendered site config over
TLS, in front of TWO app servers started by deploy/bin/sid-app, sharing one PostgreSQL store (the
session's server, tests/postgres.py) and one warehouse. One of each for the whole module."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard import demo_users
from tests.postgres import free_port
from warehouse.connection import open_read_only, resolve_build

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVER_NAME = "dashboard.localhost"  # *.localhost is the loopback for Chromium, no DNS needed


@dataclass
class Deployment:
    url: str  # https://dashboard.localhost:PORT, through nginx
    https_port: int
    http_port: int
    app_ports: list[int]
    cert: Path
    store: str  # the PostgreSQL store both app servers write to
    warehouse: Path
    access_log: Path
    school: tuple[int, str]  # a maintained school of the county: (urn, name)
    app_pids: list[int] = field(default_factory=list)

    def tls_context(self) -> ssl.SSLContext:
        """Trusts only the deployment's own certificate; checks the host name."""
        return ssl.create_default_context(cafile=str(self.cert))

    def upstreams_of(self, route: str) -> set[str]:
        """Every app server (host:port, or several when nginx moved on) that served this route."""
        found = re.findall(rf' route={re.escape(route)} .*? upstream="([^"]+)"',
                           self.access_log.read_text())  # fmt: skip
        return {u for u in found if u != "-"}

    def upstream_of(self, route: str) -> int:
        """Which app server (port) nginx sent the browser with this route cookie to."""
        served = self.upstreams_of(route)
        if len(served) != 1:
            raise LookupError(f"route {route}: served by {served or 'nobody'}")
        return int(served.pop().rsplit(":", 1)[1])


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} never answered:\n{log.read_text()[-4000:]}")
        time.sleep(0.3)


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{log.read_text()}") from None
            time.sleep(0.1)


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _nginx_main_conf(folder: Path, site: Path) -> str:
    """The main context Debian's /etc/nginx/nginx.conf would give, in a folder of the test's own."""
    temp = folder / "temp"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / sub).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.getuid() == 0 else ""  # workers read the test's temp folders
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/logs/error.log warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        "    default_type application/octet-stream;\n"
        f"    include {site};\n"
        "}\n"
    )


@contextmanager
def running_deployment(
    folder: Path, warehouse: Path, store: str, app_servers: int = 2, env_extra: dict | None = None
) -> Iterator[Deployment]:
    """deploy/ on this machine, in ``folder``: nginx over TLS in front of ``app_servers`` app
    servers started by deploy/bin/sid-app, all writing to the PostgreSQL ``store`` (demo users
    created in it) and reading ``warehouse``. Everything is stopped on leaving. Used by the
    deploy tests and by benchmarks/ws_sessions.py --deployment."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: `make setup` installs Debian's nginx-light")
    (folder / "logs").mkdir(parents=True)
    subprocess.run([DEPLOY / "bin" / "make-self-signed-cert", SERVER_NAME, folder / "tls"],
                   check=True, capture_output=True)  # fmt: skip
    cert, key = folder / "tls" / f"{SERVER_NAME}.crt", folder / "tls" / f"{SERVER_NAME}.key"

    con = open_read_only(resolve_build(warehouse))
    try:
        school = con.execute(
            "SELECT s.urn, s.name FROM schools s JOIN home_la h USING (la_code)"
            " WHERE NOT s.is_academy AND s.phase = 'Primary' ORDER BY s.urn LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    demo_users.create_demo_users(warehouse, store)

    env = dict(
        os.environ,
        SID_PYTHON=sys.executable,
        SID_WAREHOUSE=str(warehouse),
        SID_STORE_URL=store,
        SID_DEPLOYMENT="full",
        SID_BRIEFING_NAMES_SCHOOLS="false",
        STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_hex(32),
        **(env_extra or {}),
    )
    env.pop("SID_STORE_PATH", None)
    apps, app_ports, logs = [], [free_port() for _ in range(app_servers)], []
    https_port, http_port = free_port(), free_port()
    nginx_proc = None
    try:
        for port in app_ports:
            log = folder / "logs" / f"app-{port}.log"
            logs.append(log)
            with log.open("w") as out:
                apps.append(subprocess.Popen([DEPLOY / "bin" / "sid-app", str(port)], cwd=ROOT,
                                             env=env, stdout=out, stderr=subprocess.STDOUT))  # fmt: skip
        for port, proc, log in zip(app_ports, apps, logs, strict=True):
            _wait_for(f"http://127.0.0.1:{port}/_stcore/health", proc, log)

        site = folder / "sid-dashboard.conf"
        rendered = subprocess.run(
            [sys.executable, DEPLOY / "bin" / "render-nginx", "--server-name", SERVER_NAME,
             "--app-ports", ",".join(map(str, app_ports)), "--cert", str(cert), "--key", str(key),
             "--https-listen", f"127.0.0.1:{https_port}", "--http-listen", f"127.0.0.1:{http_port}",
             "--log-dir", str(folder / "logs"), "--out", str(site)],
            capture_output=True, text=True,
        )  # fmt: skip
        if rendered.returncode != 0:
            raise RuntimeError(f"render-nginx failed: {rendered.stderr}")
        main = folder / "nginx.conf"
        main.write_text(_nginx_main_conf(folder, site))
        checked = subprocess.run([nginx, "-t", "-c", str(main), "-p", str(folder)],
                                 capture_output=True, text=True)  # fmt: skip
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration: {checked.stderr}")
        nginx_log = folder / "logs" / "nginx.out"
        with nginx_log.open("w") as out:
            nginx_proc = subprocess.Popen([nginx, "-c", str(main), "-p", str(folder)],
                                          stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        _wait_for_port(https_port, nginx_proc, folder / "logs" / "error.log")
        yield Deployment(
            url=f"https://{SERVER_NAME}:{https_port}",
            https_port=https_port,
            http_port=http_port,
            app_ports=app_ports,
            cert=cert,
            store=store,
            warehouse=warehouse,
            access_log=folder / "logs" / "sid-dashboard.access.log",
            school=(int(school[0]), school[1]),
            app_pids=[p.pid for p in apps],
        )
    finally:
        if nginx_proc is not None:
            _stop(nginx_proc, signal.SIGQUIT)
        for proc in apps:
            _stop(proc)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, postgres, fixture_warehouse):
    # the county built by the real ETL (tests/conftest.py), one store of its own
    folder = tmp_path_factory.mktemp("deploy")
    with running_deployment(folder, fixture_warehouse, postgres.new_database("deploy")) as d:
        yield d
