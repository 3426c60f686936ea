"""A throwaway PostgreSQL server for the tests: Debian's binaries, initdb + pg_ctl into a temporary
folder, listening on 127.0.0.1 only, durability off (tests never survive a power cut).

One server per test session (``postgres`` fixture in tests/conftest.py); each test that needs a
store gets a fresh database on it (``new_database``), a few milliseconds. PostgreSQL refuses to run
as root, so under root the server runs as the ``postgres`` user Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

SUPERUSER = "sid"


def binaries() -> Path | None:
    """The folder of Debian's newest PostgreSQL server binaries, or None when not installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, folder: Path, port: int, run_as: str | None):
        self.folder, self.port, self.run_as = folder, port, run_as

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "store", *, template: str | None = None) -> str:
        """A new database, empty or a copy of the database at URL ``template`` (which must have no
        open connection: ``dashboard.store.postgresql.close_idle(template)`` first); its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        source = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"{source} STRATEGY = FILE_COPY')
        return self.url(name)

    def stop(self) -> None:
        _run(self.run_as, [str(binaries() / "pg_ctl"), "-D", str(self.folder / "data"),
                           "-m", "immediate", "-w", "stop"], check=False)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(user: str | None, argv: list[str], check: bool = True) -> None:
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if check and out.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")


def start() -> Server:
    """Start a new server on a free port; raises RuntimeError if it cannot."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: `make setup` installs Debian's postgresql")
    run_as = None
    folder = Path(tempfile.mkdtemp(prefix="sid-pg-"))
    if os.getuid() == 0:
        run_as = "postgres"
        user = pwd.getpwnam(run_as)
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    _run(run_as, [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync"])  # fmt: skip
    port = free_port()
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": "''",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "shared_buffers": "32MB",
        "max_connections": "200",
        "log_min_messages": "warning",
    }
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
    _run(run_as, [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                  "-w", "-t", "60", "start"])  # fmt: skip
    return Server(folder, port, run_as)
