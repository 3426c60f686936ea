"""Deployment settings (SID_* environment variables), declared once (name, default, help) and read
from the environment. The app and the ETL both read them (the ETL: the pupil salt file), so they
live here, in the layer both import: etl/ never imports dashboard/.

``python -m warehouse.settings`` prints docs/settings.md; a test checks the file matches.
Values are read on every call, so a test (or an operator restarting the app) can change them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str
    choices: tuple[str, ...] = ()

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if self.choices and raw not in self.choices:
            raise ValueError(f"{self.name}={raw!r}: must be one of {', '.join(self.choices)}")
        if self.kind is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"{self.name}={raw!r}: must be true or false")
        if self.kind is int:
            try:
                value = int(raw)
            except ValueError:
                raise ValueError(f"{self.name}={raw!r}: must be a whole number") from None
            if value < 0:
                raise ValueError(f"{self.name}={raw!r}: must not be negative")
            return value
        if self.kind is Path:
            return Path(raw)
        return raw


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SID_WAREHOUSE",
        "data/warehouse.duckdb",
        "Path of the warehouse pointer (a symbolic link to the current build). Read again on every "
        "rerun, so a new load is seen without a restart.",
        Path,
    ),
    Setting(
        "SID_STORE_PATH",
        "data/store.sqlite",
        "Path of the operational store (SQLite): users, sessions, audit log, notes and visits "
        "entered in the app. Never inside the folder of builds the ETL replaces.",
        Path,
    ),
    Setting(
        "SID_STORE_URL",
        "",
        "A postgresql://user:password@host:port/database URL: the operational store in PostgreSQL, "
        "shared by several app servers (deploy/README.md). Empty: the SQLite file at SID_STORE_PATH. "
        "Keep the password out of the URL with a ~/.pgpass file or PGPASSWORD.",
        str,
    ),
    Setting(
        "SID_SESSION_MINUTES",
        "60",
        "Minutes of inactivity after which a signed-in session expires and the user must sign in again.",
        int,
    ),
    Setting(
        "SID_SESSION_MAX_HOURS",
        "12",
        "Hours after signing in at which a session ends however active it is (a reload, a new tab "
        "and a reconnect keep a session until then, or until sign-out or idle expiry).",
        int,
    ),
    Setting(
        "SID_TRUSTED_PROXIES",
        "127.0.0.1,::1",
        "Addresses of reverse proxies (comma-separated) whose X-Forwarded-For header names the "
        "real client, for per-client sign-in throttling. A connection from any other address is "
        "throttled by its own address and its X-Forwarded-For is ignored.",
        str,
    ),
    Setting(
        "SID_ALLOWED_HOSTS",
        "",
        "Host names (comma-separated, lower case) the app answers; a request naming another Host "
        "gets 400 and a websocket is closed. Empty: any host (the reverse proxy's allow-list "
        "then does the job alone).",
        str,
    ),
    Setting(
        "SID_SSO_PROVIDER",
        "entra",
        "Name of the identity provider section in .streamlit/secrets.toml ([auth.NAME]) used for "
        "single sign-on. The login page offers single sign-on only when that section exists.",
        str,
    ),
    Setting(
        "SID_SSO_ROLES_CLAIM",
        "roles",
        "The ID-token claim holding the user's app roles (Microsoft Entra ID: 'roles'). A value "
        "equal to a role name, alone or after a dot ('SchoolImprovement.Manager'), gives that "
        "role when the store has no role for the e-mail address.",
        str,
    ),
    Setting(
        "SID_SUPPRESSION_THRESHOLD",
        "5",
        "Groups of this many pupils or fewer are suppressed ('SUPP (small group)') in governor, "
        "briefing and pupil-level views, with secondary suppression where a total would reveal them.",
        int,
    ),
    Setting(
        "SID_BRIEFING_NAMES_SCHOOLS",
        "false",
        "Whether the briefing role may see named schools (never with intelligence). Off: briefing "
        "sees aggregates only.",
        bool,
    ),
    Setting(
        "SID_DEPLOYMENT",
        "full",
        "'full' for the council's own deployment; 'governor' for one pointed at a warehouse without "
        "soft intelligence: no intelligence table or note is queried at all, whatever the role.",
        str,
        ("full", "governor"),
    ),
    Setting(
        "SID_TIMING_LOG",
        "",
        "For benchmarks only: a file to which every script run appends one JSON line (page, role, "
        "server seconds). Empty: nothing is timed or written (dashboard/timing.py).",
        str,
    ),
    Setting(
        "SID_PUPIL_SALT_FILE",
        "",
        "Path of a file holding the secret salt (at least 16 bytes) with which the ETL replaces UPNs "
        "in a pupil file by HMAC-SHA256 keys (docs/pupil-data.md). Keep it outside the repository "
        "and the data folder, and keep it the same from year to year so a pupil keeps one key. "
        "Empty: a pupil file with UPNs is refused.",
        Path,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Any:
    """The current value of a declared setting (environment, else default)."""
    setting = _BY_NAME[name]  # KeyError for an undeclared name: no silent typos
    return setting.parse(os.environ.get(name, setting.default))


def warehouse_path() -> Path:
    return get("SID_WAREHOUSE")


def store_path() -> Path:
    return get("SID_STORE_PATH")


def store_url() -> str:
    """The PostgreSQL store URL, or '' for the SQLite store at store_path()."""
    url = get("SID_STORE_URL").strip()
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"SID_STORE_URL must start with postgresql:// (got {url.split(':')[0]}:)")
    return url


def session_minutes() -> int:
    return get("SID_SESSION_MINUTES")


def session_max_hours() -> int:
    return get("SID_SESSION_MAX_HOURS")


def trusted_proxies() -> frozenset[str]:
    return frozenset(a.strip() for a in get("SID_TRUSTED_PROXIES").split(",") if a.strip())


def allowed_hosts() -> frozenset[str]:
    return frozenset(h.strip().lower() for h in get("SID_ALLOWED_HOSTS").split(",") if h.strip())


def sso_provider() -> str:
    return get("SID_SSO_PROVIDER")


def sso_roles_claim() -> str:
    return get("SID_SSO_ROLES_CLAIM")


def suppression_threshold() -> int:
    return get("SID_SUPPRESSION_THRESHOLD")


def briefing_names_schools() -> bool:
    return get("SID_BRIEFING_NAMES_SCHOOLS")


def deployment() -> str:
    return get("SID_DEPLOYMENT")


def timing_log() -> str:
    return get("SID_TIMING_LOG")


def pupil_salt_file() -> Path | None:
    """The UPN salt file, or None when SID_PUPIL_SALT_FILE is not set."""
    raw = os.environ.get("SID_PUPIL_SALT_FILE", "").strip()
    return get("SID_PUPIL_SALT_FILE") if raw else None


def markdown() -> str:
    """The text of docs/settings.md."""
    lines = [
        "# Settings",
        "",
        "Generated by `python -m warehouse.settings > docs/settings.md` from `warehouse/settings.py`;",
        "a test fails when this file and the declarations differ. Set them as environment variables.",
        "",
        "| name | default | help |",
        "|---|---|---|",
    ]
    for s in SETTINGS:
        allowed = f" One of: {', '.join(s.choices)}." if s.choices else ""
        lines.append(f"| `{s.name}` | `{s.default}` | {s.help}{allowed} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
