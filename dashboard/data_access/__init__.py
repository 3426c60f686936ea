"""The ONE data-access layer: every page reads data through these functions, and nothing else.

Area modules sit beside this one (``dashboard/data_access/<area>.py``: manager, governor,
briefing) and use the same guards from ``dashboard/data_access/core.py``; pages import them as
``from dashboard.data_access import manager``. The pattern (follow it for every new function):

1. The first argument is the signed-in ``Identity`` (from ``auth.require_identity()``); it is
   rebuilt from the store on every rerun, so widgets, URL parameters and session state can
   never widen it. Other arguments are plain values (filters, a URN).
2. Check the role first: ``_require(identity, ...)`` / ``_require_intelligence(identity)``
   raise PermissionError. Soft intelligence is never queried for other roles, nor at all when
   SID_DEPLOYMENT=governor.
3. Restrict rows IN THE SQL: pass ``allowed=identity.allowed_list()`` to a function of
   ``warehouse/queries/<what it returns>.py``, whose SQL (warehouse/sql/queries/*.sql) binds it as
   ``$allowed`` (NULL = every school). Never format values into SQL.
4. Caching: a private ``@cached`` function (core.cached: one object per key shared by the
   server's sessions, handed out as a shallow copy, never unpickled per rerun; ``@kept`` hands out
   the object itself, for values read-only by construction) whose arguments are the build path
   (``db.current_build()``, resolved on every call so a new load is seen on the next rerun), the
   allowed URNs as a tuple (``_allowed_key``) and the filters. The cache is shared by all users,
   so anything that changes the rows must be in the key. Never cache the public function. Never
   pass a frame as a hashed argument (Streamlit would hash every cell on every call): read the
   store's entries outside, put a digest of them in the key (``manager.app_entries``,
   ``core.digest``), and hand them over as a parameter whose name starts with ``_`` (not hashed).
   Tables and files made from cached rows may be cached on a *view key* handed out with them
   (``list_schools_keyed``, ``manager.PriorityView.key``).
5. After the cache: suppress for governor/briefing (``access.suppress``), and audit
   (``audit.record_view``, export) outside any cached function so every view is logged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from dashboard import access, db
from dashboard.access import ADMIN, Identity
from dashboard.data_access.by_school import first_positions
from dashboard.data_access.core import (  # noqa: F401  (re-exported for pages)
    CACHE as _CACHE,
)
from dashboard.data_access.core import allowed_key as _allowed_key
from dashboard.data_access.core import cached, kept
from dashboard.data_access.core import require as _require
from dashboard.data_access.core import require_intelligence as _require_intelligence
from dashboard.data_access.core import require_names as _require_names
from dashboard.store import audit, notes, users
from warehouse import settings
from warehouse.queries import schools as schools_q

# --- schools -------------------------------------------------------------------------------


@cached
def _list_schools(build, allowed, district, phase, school_type) -> pd.DataFrame:
    return db.run(
        build,
        schools_q.list_schools,
        allowed=allowed,
        district=district,
        phase=phase,
        school_type=school_type,
    )


def list_schools(
    identity: Identity,
    district: str | None = None,
    phase: str | None = None,
    school_type: str | None = None,
) -> pd.DataFrame:
    """The schools this user may see, optionally filtered."""
    return list_schools_keyed(identity, district, phase, school_type)[0]


def home_la_code(identity: Identity) -> int | None:
    """The LA code of the council this warehouse serves (core table home_la), None without one."""
    _require(identity)
    return _home_la(db.current_build())


@kept
def _home_la(build) -> int | None:
    return db.run(build, schools_q.home_la) if db.has_table(build, "home_la") else None


def list_schools_keyed(
    identity: Identity,
    district: str | None = None,
    phase: str | None = None,
    school_type: str | None = None,
) -> tuple[pd.DataFrame, tuple]:
    """``list_schools`` with the key of its rows (build, allowed URNs, filters): tables and files
    made from these rows may be cached on it (exports.keyed_csv_bytes)."""
    _require_names(identity)
    build, allowed = db.current_build(), _allowed_key(identity)
    key = (build, allowed, district, phase, school_type)
    whole = _list_schools(build, allowed, None, None, None)
    if district is None and phase is None and school_type is None:
        return whole, key
    return _selected(key, _whole=whole), key


@cached
def _selected(key: tuple, *, _whole: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``_whole`` (the unfiltered list of ``key``'s build and allowed URNs) that pass
    ``key``'s filters, in the same order: what schools_list.sql returns for them (its filters are
    equalities), found by selecting rows instead of querying again for each filter value."""
    keep = np.ones(len(_whole), dtype=bool)
    for column, value in zip(("district", "phase", "school_type"), key[2:], strict=True):
        if value is not None:
            keep &= (_whole[column] == value).to_numpy(dtype=bool, na_value=False)
    return _whole[keep].reset_index(drop=True)


@cached
def _filter_options(build, allowed) -> pd.DataFrame:
    return db.run(build, schools_q.filter_options, allowed=allowed)


def filter_options(identity: Identity) -> pd.DataFrame:
    """Distinct district / phase / school_type among the schools this user may see."""
    _require(identity)
    return _filter_options(db.current_build(), _allowed_key(identity))


@cached
def _school_counts(build, allowed) -> pd.DataFrame:
    return db.run(build, schools_q.school_counts, allowed=allowed)


def school_counts(identity: Identity) -> pd.DataFrame:
    """Schools and pupils by district and phase (no names): for briefing views."""
    _require(identity)
    return _school_counts(db.current_build(), _allowed_key(identity))


@dataclass(frozen=True)
class SchoolProfile:
    school: dict
    measures: pd.DataFrame  # latest year of each key stage; suppressed for governor/briefing
    # what the two are made from (build, allowed URNs, URN, suppressed, threshold): tables made
    # of them may be cached on it (schools_table.one_school)
    key: tuple = ()


@cached
def _school_profile(build, allowed, urn) -> tuple[pd.DataFrame, pd.DataFrame]:
    school = db.run(build, schools_q.school_profile, allowed=allowed, urn=urn)
    measures = db.run(build, schools_q.latest_measures, allowed=allowed, urn=urn)
    return school, measures


@cached
def _school_row(build, allowed, urn) -> dict | None:
    """The school's row as a dict (None: not found or not permitted), made once per key: each
    caller gets its own copy of the dict (core.cached)."""
    school = _school_profile(build, allowed, urn)[0]
    return None if school.empty else school.iloc[0].to_dict()


@cached
def _suppressed_measures(build, allowed, urn, threshold: int) -> pd.DataFrame:
    """The school's latest measures with small groups suppressed (decision 17), once per key."""
    return access.suppress(
        _school_profile(build, allowed, urn)[1],
        "cohort",
        ["value", "ci_lower", "ci_upper"],
        threshold,
        group_col="pupil_group",
        by=["time_period", "key_stage", "measure"],
    )


def school_profile(identity: Identity, urn: int) -> SchoolProfile | None:
    """One school, or None when it does not exist or this user may not see it (both audited)."""
    _require_names(identity)
    urn = int(urn)
    build, allowed = db.current_build(), _allowed_key(identity)
    school, measures = _school_row(build, allowed, urn), _school_profile(build, allowed, urn)[1]
    if school is None:
        audit.record_view(identity.username, identity.role, urn, "not found or not permitted")
        return None
    suppressed, threshold = access.needs_suppression(identity), settings.suppression_threshold()
    if suppressed:
        measures = _suppressed_measures(build, allowed, urn, threshold)
    audit.record_view(identity.username, identity.role, urn)
    key = (build, allowed, urn, suppressed, threshold)
    return SchoolProfile(school, measures, key)


def record_export(
    identity: Identity, what: str, urn: int | None = None, rows: int | None = None
) -> None:
    """Call from a download button's on_click: who exported what, when."""
    _require(identity)
    detail = what if rows is None else f"{what} ({rows} rows)"
    audit.record("export", identity.username, identity.role, urn, detail)


# --- soft intelligence (managers and officers only; never in a governor deployment) ----------


def school_notes(identity: Identity, urn: int) -> pd.DataFrame:
    """Notes, visits and concerns entered in the app for one school (decision 20)."""
    _require_intelligence(identity)
    urn = int(urn)
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        raise PermissionError("Not one of this user's schools")
    return pd.DataFrame(notes.notes_for([urn]))


def school_for_intelligence(identity: Identity, urn: int) -> dict:
    """The school a note, visit or notice is written against: only a school of this user's that
    exists in the current warehouse (an id in a form or URL is never trusted alone)."""
    build, allowed, position = _school_check(identity, urn)
    # the school's first row of list_schools, as that frame's row would give it
    return _list_schools(build, allowed, None, None, None).iloc[position].to_dict()


def check_school_for_intelligence(identity: Identity, urn: int) -> None:
    """``school_for_intelligence``'s checks (the same refusals) without making the school's row,
    for a caller that needs only the permission (a school's open notices)."""
    _school_check(identity, urn)


def _school_check(identity: Identity, urn: int) -> tuple[str, tuple[int, ...] | None, int]:
    _require_intelligence(identity)
    urn = int(urn)
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        raise PermissionError("Not one of this user's schools")
    _require_names(identity)
    build, allowed = db.current_build(), _allowed_key(identity)
    positions = _school_positions(build, allowed)
    if urn not in positions:
        raise PermissionError("No such school")
    return build, allowed, positions[urn]


def read_school_checks(identity: Identity) -> None:
    """Read what ``school_for_intelligence`` slices for any school of this user's."""
    _require_intelligence(identity)
    _require_names(identity)
    _school_positions(db.current_build(), _allowed_key(identity))


@kept
def _school_positions(build, allowed) -> MappingProxyType:
    """URN -> its first row's position in ``list_schools`` (build and allowed URNs): a school's
    check slices its row instead of comparing every school's URN."""
    return first_positions(_list_schools(build, allowed, None, None, None)["urn"].tolist())


def add_school_note(identity: Identity, urn: int, kind: str, text: str, **kwargs) -> int:
    """Write a note against one of this user's schools (PermissionError otherwise, nothing written)."""
    school_for_intelligence(identity, urn)
    return notes.add_note(int(urn), identity.username, kind, text, **kwargs)


def close_school_note(identity: Identity, urn: int, note_id: int) -> None:
    """Close an app-entered notice of concern or DfE/RSC concern of this school (audited).

    The note must belong to ``urn`` and ``urn`` to this user's schools: an id alone is never
    trusted. ValueError when the note cannot be closed (other kinds, already closed)."""
    _require_intelligence(identity)
    urn = int(urn)
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        raise PermissionError("Not one of this user's schools")
    note = notes.get_note(int(note_id))
    if note is None or int(note["urn"]) != urn:
        raise PermissionError("No such note for this school")
    closed = notes.close_note(int(note_id), identity.username)
    audit.record(
        "admin_change",
        identity.username,
        identity.role,
        urn,
        f"closed app note {closed['id']} ({closed['kind']} of {closed['date']})",
    )


# --- administration --------------------------------------------------------------------------


def list_users(identity: Identity) -> pd.DataFrame:
    _require(identity, ADMIN)
    rows = [
        {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "schools": ", ".join(str(x) for x in sorted(u.urns)),
            "sign_in": u.sign_in,
            "active": u.active,
            "demo": u.is_demo,
            "created_at": u.created_at,
        }
        for u in users.list_users()
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "username",
            "display_name",
            "role",
            "schools",
            "sign_in",
            "active",
            "demo",
            "created_at",
        ],
    )


def create_user(
    identity: Identity,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    urns: list[int],
    sign_in: str = "password",
) -> None:
    """Add a user (a local account with a password, or a single sign-on e-mail); all-or-nothing."""
    _require(identity, ADMIN)
    users.create_user(username, display_name, role, password, urns, sign_in=sign_in)
    audit.record(
        "admin_change",
        identity.username,
        identity.role,
        None,
        f"created {username} ({sign_in}) as {role} for schools {sorted(urns)}",
    )


def update_user(
    identity: Identity,
    username: str,
    role: str,
    urns: list[int],
    active: bool,
    password: str | None = None,
) -> bool:
    """Change role, schools, active and (optionally) password in one transaction: a refused value
    saves nothing. True when the user's sessions were ended."""
    _require(identity, ADMIN)
    if username == identity.username and (role != ADMIN or not active):
        raise users.UserError("role", "You cannot remove your own administrator access")
    ended = users.update_user(username, role=role, urns=urns, active=active, password=password)
    detail = f"{username}: role {role}, schools {sorted(urns)}, active {active}"
    if password:
        detail += ", password reset"
    if ended:
        detail += "; every session ended"
    audit.record("admin_change", identity.username, identity.role, None, detail)
    return ended


def reset_password(identity: Identity, username: str, password: str) -> None:
    _require(identity, ADMIN)
    users.set_password(username, password)
    audit.record(
        "admin_change",
        identity.username,
        identity.role,
        None,
        f"reset password of {username}; every session ended",
    )


def audit_entries(
    identity: Identity,
    username: str | None = None,
    action: str | None = None,
    urn: int | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    _require(identity, ADMIN)
    rows = audit.entries(username=username, action=action, urn=urn, limit=limit)
    return pd.DataFrame(rows, columns=["at", "username", "role", "action", "urn", "detail"])


def _reports_file() -> tuple[str, int, int] | None:
    """The load reports' file (load_reports.jsonl beside the warehouse) as (path, modification
    time, size): a load appends a line, so the frames below are made again only after one."""
    path = settings.warehouse_path().parent / "load_reports.jsonl"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return str(path), stat.st_mtime_ns, stat.st_size


def _report_records(file: tuple[str, int, int] | None, limit: int) -> list[dict]:
    if file is None:
        return []
    records = []
    for line in Path(file[0]).read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records[::-1][:limit]


def load_reports(identity: Identity, limit: int = 50) -> pd.DataFrame:
    """The loader's reports (JSON lines in load_reports.jsonl beside the warehouse), newest first."""
    _require(identity, ADMIN)
    return _load_reports(_reports_file(), limit)


@cached
def _load_reports(file: tuple[str, int, int] | None, limit: int) -> pd.DataFrame:
    records = _report_records(file, limit)
    if not records:
        return pd.DataFrame()
    return pd.json_normalize(records, max_level=1)


NOT_LOADED_COLUMNS = ["Load", "Finished", "File or sheet", "What it is", "Why it was not loaded"]


def files_not_loaded(identity: Identity, loads: int = 5) -> pd.DataFrame:
    """Every file (or workbook sheet) the newest ``loads`` loads did not load, with the reason and,
    for an unrecognised file, the closest known format (issue 15: nothing skipped in silence)."""
    _require(identity, ADMIN)
    return _files_not_loaded(_reports_file(), loads)


@cached
def _files_not_loaded(file: tuple[str, int, int] | None, loads: int) -> pd.DataFrame:
    rows = [
        (
            r.get("run_id"),
            r.get("finished_at"),
            f.get("file_name"),
            f.get("kind") or "unrecognised",
            f.get("note") or "",
        )
        for r in _report_records(file, loads)
        for f in r.get("files") or []
        if isinstance(f, dict) and f.get("action") != "loaded" and f.get("kind") != "manifest"
    ]
    return pd.DataFrame(rows, columns=NOT_LOADED_COLUMNS)
