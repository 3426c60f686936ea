"""Visit planning for improvement managers and officers: the priority list becomes a termly visit
plan per officer, with the officer's capacity, and each visit is marked done or cancelled.

Who may do what (tested in tests/pages/test_visit_plan.py):
- Only managers and officers, and only where soft intelligence may be seen (a purpose quotes the
  school's reasons, confidential ones included): never governors, the briefing role or an
  administrator, and never in a governor deployment (``access.can_see_intelligence``).
- Managers plan for any officer and change any visit or capacity. Officers see every officer's
  plan (the team shares one picture of who visits whom) but plan, change and set the capacity of
  their OWN visits only; anything else is a PermissionError.

Warehouse parts (school names, categories, reasons) come from dashboard.data_access.manager (the
priority list and ``schools``); the plan itself is read fresh from the store on every call, so two
sessions see each other's entries on their next rerun (the candidates list made from it is cached
under a digest of what was read, never instead of reading it).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pandas as pd

from dashboard import access, db, priority, terms
from dashboard.access import MANAGER, OFFICER, Identity
from dashboard.components.palette import CATEGORIES
from dashboard.data_access import manager
from dashboard.data_access.core import allowed_key, cached, require, require_intelligence
from dashboard.store import notes, users
from dashboard.store import visits as store

ROLES = (MANAGER, OFFICER)
MAX_CAPACITY = store.MAX_CAPACITY
NO_REASONS = "Universal support: routine contact visit"
PLAN_COLUMNS = ["id", "version", "urn", "name", "district", "phase", "category", "officer",
                "term", "planned_date", "status", "done_date", "purpose", "visit_note_id",
                "cancel_reason", "second_visit", "planned_by", "updated_by", "updated_at"]  # fmt: skip


def _guard(identity: Identity) -> None:
    require(identity, *ROLES)
    require_intelligence(identity)


def may_plan_for(identity: Identity, officer: str) -> bool:
    """Managers plan for anyone; an officer only for themself."""
    return identity.role == MANAGER or officer == identity.username


def _require_plan_for(identity: Identity, officer: str) -> None:
    if not may_plan_for(identity, officer):
        raise PermissionError(
            f"An improvement officer plans only their own visits; ask a manager to change "
            f"{officer}'s plan"
        )


def _visit_of(identity: Identity, visit_id: int) -> dict:
    """The visit, if this user may change it (an id alone is never trusted)."""
    visit = store.get_visit(int(visit_id))
    if visit is None:
        raise LookupError(f"No planned visit {visit_id}")
    if identity.allowed_urns is not None and visit["urn"] not in identity.allowed_urns:
        raise PermissionError("Not one of this user's schools")
    _require_plan_for(identity, visit["officer"])
    return visit


# --- reading ------------------------------------------------------------------------------------


def officers(identity: Identity) -> pd.DataFrame:
    """Active improvement managers and officers: who can be given visits (username, name, role)."""
    _guard(identity)
    rows = [
        {"username": u.username, "display_name": u.display_name, "role": u.role}
        for u in users.list_users()
        if u.active and u.role in store.PLANNER_ROLES
    ]
    return pd.DataFrame(rows, columns=["username", "display_name", "role"])


def term_choices(identity: Identity, today: date | None = None) -> list[str]:
    """The terms the page offers: last term, this (or the coming) term and the next three."""
    _guard(identity)
    return terms.around(today or date.today(), before=1, after=3)


def _category_label(category: str) -> str:
    return CATEGORIES[category].label if category in CATEGORIES else str(category)


def candidates(identity: Identity, ctx: manager.Context, term: str) -> pd.DataFrame:
    """Schools to pick from, in priority-list order (latest year): rank, urn, name, district,
    phase, category (word and symbol), reasons (joined), purpose (what a visit would be for) and
    who already plans to visit it in ``term``."""
    return candidates_keyed(identity, ctx, term)[0]


def candidates_keyed(identity: Identity, ctx: manager.Context, term: str
                     ) -> tuple[pd.DataFrame, tuple]:  # fmt: skip
    """``candidates`` with the key of its rows (build, allowed URNs, county, year, the store's
    entries and planned visits by digest, the day): what is made from them (the table sent to
    the browser, the picker's labels) may be cached on it."""
    _guard(identity)
    entries = manager.app_entries(identity)  # both read fresh; their digests key the cache
    planned = store.visits(term, urns=identity.allowed_list())
    digest = hashlib.sha256(json.dumps(planned, sort_keys=True, default=str).encode()).hexdigest()
    key = (db.current_build(), allowed_key(identity), ctx.la_code, ctx.latest, entries.digest,
           date.today(), digest)  # fmt: skip
    return _candidates(*key, _entries=entries.frame, _planned=planned), key


@cached
def _candidates(build, allowed, la_code, latest, entries_digest, today, planned_digest, _entries,
                _planned) -> pd.DataFrame:  # fmt: skip
    schools = manager._combined(build, allowed, la_code, latest, "all", True, entries_digest,
                                today, _entries)  # fmt: skip
    ranked = priority.order(schools)
    planned: dict[int, list[str]] = {}
    for v in _planned:
        if v["status"] != "cancelled":
            planned.setdefault(int(v["urn"]), []).append(
                f"{v['officer']} ({v['status']}, by {v['planned_by']})"
            )
    reasons = ["; ".join(r) for r in ranked["reasons"]]
    return pd.DataFrame(
        {
            "rank": ranked["rank"].astype(int),
            "urn": ranked["urn"].astype(int),
            "name": ranked["name"],
            "district": ranked["district"],
            "phase": ranked["phase"],
            "category": [_category_label(c) for c in ranked["category"]],
            "reasons": reasons,
            "purpose": [
                f"{_category_label(c)}: {r}" if r else NO_REASONS
                for c, r in zip(ranked["category"], reasons, strict=True)
            ],
            "already_planned": ["; ".join(planned.get(int(u), [])) for u in ranked["urn"]],
        }
    )


def plan(
    identity: Identity, ctx: manager.Context, term: str, officer: str | None = None
) -> pd.DataFrame:
    """The visits of ``term`` (one officer's, or everyone's), with school name, district, phase and
    category from the latest year, ordered by planned date (undated last), then school."""
    _guard(identity)
    rows = pd.DataFrame(store.visits(term, officer, identity.allowed_list()))
    if rows.empty:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    schools = manager.schools(identity, ctx, ctx.latest)[
        ["urn", "name", "district", "phase", "category"]
    ]
    out = rows.merge(schools, on="urn", how="left")
    out["name"] = out["name"].fillna("School not in the latest load")
    out["category"] = out["category"].map(_category_label, na_action="ignore")
    out = out.sort_values(["planned_date", "name", "id"], na_position="last", kind="stable")
    return out[PLAN_COLUMNS].reset_index(drop=True)


def load(identity: Identity, term: str) -> pd.DataFrame:
    """Capacity against visits planned, per officer, for a term (every active officer listed)."""
    names = officers(identity)
    rows = pd.DataFrame(store.load(term, list(names["username"])))
    if rows.empty:
        return pd.DataFrame(columns=["officer", "display_name", "capacity", "planned", "done",
                                     "cancelled", "remaining", "over"])  # fmt: skip
    rows = rows.merge(names.rename(columns={"username": "officer"}), on="officer", how="left")
    return rows[["officer", "display_name", "capacity", "planned", "done", "cancelled",
                 "remaining", "over"]]  # fmt: skip


def load_of(identity: Identity, term: str, officer: str, display_name: str) -> dict:
    """``load``'s row for one officer, as a dict (capacity None when not set), read without
    building the whole table: the page shows one officer's load on every rerun."""
    _guard(identity)
    [row] = store.load(term, [officer])
    return {"officer": officer, "display_name": display_name, **row}


def capacity(identity: Identity, officer: str, term: str) -> dict | None:
    """The officer's capacity row for the term (with its version, to edit it), or None."""
    _guard(identity)
    return store.capacity(officer, term)


# --- writing ------------------------------------------------------------------------------------


def set_capacity(
    identity: Identity, officer: str, term: str, visits: int, base_version: int | None
) -> dict:
    """Set an officer's capacity for a term (ConflictError if it changed since ``base_version``)."""
    _guard(identity)
    _require_plan_for(identity, officer)
    return store.set_capacity(officer, term, visits, identity.username, base_version=base_version)


def add_visits(
    identity: Identity,
    officer: str,
    term: str,
    picks: list[tuple[int, str]],
    *,
    planned_date: date | None = None,
    also_if_planned: bool = False,
) -> tuple[list[dict], list[str]]:
    """Plan visits to these (urn, purpose) schools for ``officer`` in ``term``: (the visits added,
    the message of each school refused because it is already planned that term).

    Every input is checked before anything is written, so a refused term, officer, date, purpose
    or school saves nothing (ValueError / PermissionError naming the field)."""
    _guard(identity)
    _require_plan_for(identity, officer)
    for urn, _purpose in picks:
        if identity.allowed_urns is not None and int(urn) not in identity.allowed_urns:
            raise PermissionError("Not one of this user's schools")
    store.check_term(term)
    store.check_officer(officer)
    store.check_planned_date(planned_date, term)
    for _urn, purpose in picks:
        notes.check_text(purpose, "Purpose")
    added, refused = [], []
    for urn, purpose in picks:
        try:
            added.append(
                store.plan_visit(
                    int(urn),
                    officer,
                    term,
                    identity.username,
                    purpose=purpose,
                    planned_date=planned_date,
                    also_if_planned=also_if_planned,
                )  # fmt: skip
            )
        except store.AlreadyPlannedError as err:
            refused.append(str(err))
    return added, refused


def mark_done(
    identity: Identity, visit_id: int, base_version: int, done_on: date, note: dict | None = None
) -> dict:
    """The visit happened (optionally writing its visit note); ConflictError if changed since."""
    _guard(identity)
    _visit_of(identity, visit_id)
    return store.mark_done(visit_id, base_version, identity.username, done_on=done_on, note=note)


def cancel(identity: Identity, visit_id: int, base_version: int, reason: str) -> dict:
    """Cancel a planned visit (a new version; kept and shown as cancelled)."""
    _guard(identity)
    _visit_of(identity, visit_id)
    return store.cancel(visit_id, base_version, identity.username, reason)


def reschedule(
    identity: Identity, visit_id: int, base_version: int, planned_date: date | None
) -> dict:
    """Change (or clear) the planned date of a visit; it must stay inside the visit's term."""
    _guard(identity)
    _visit_of(identity, visit_id)
    return store.reschedule(visit_id, base_version, identity.username, planned_date=planned_date)


def can_plan(identity: Identity | None) -> bool:
    """Whether the page should offer planning at all (the page guard, before any call above)."""
    return identity is not None and identity.role in ROLES and access.can_see_intelligence(identity)
