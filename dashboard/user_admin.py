"""The administrator's user forms: add a user, change a user. Domain logic for pages/admin_users.py.

Each form is saved by its submit button's callback, before the page is drawn again, so that:
- a refused change saves NOTHING (data_access.update_user is one transaction, checked first);
- the form keeps every value typed (passwords excepted) and the error is shown beside the field
  it concerns (``field_error``);
- after a successful save the add form is emptied and a confirmation shown.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

import streamlit as st

from dashboard import data_access
from dashboard.access import Identity
from dashboard.components.safe import md_escape
from dashboard.data_access.core import kept
from dashboard.store.users import UserError

ERRORS = "_sid_user_form_errors"  # {"add": {field: message}, "edit": {...}}
DONE = "_sid_user_form_done"  # the confirmation to show after a save
ADD_KEYS = ("new_username", "new_display", "new_urns", "new_password")


class Labels(dict):
    """urn -> "name (urn)"; a URN not in this warehouse still gets a label."""

    def __missing__(self, urn: int) -> str:
        return f"not in this warehouse ({urn})"


class Choices(NamedTuple):
    listed: tuple[int, ...]  # the schools' list order (the add form)
    by_urn: tuple[int, ...]  # sorted by URN (the change form)
    known: frozenset[int]
    labels: Mapping[int, str]


def school_choices(identity: Identity) -> Choices:
    """The schools a user may be given: the council's (the warehouse's home LA; every school in a
    build without one), not every school of England the national files name (22,000 options at
    national size, which Streamlit formatted on every rerun, for schools the council's governors
    do not sit on). URNs in the list's order and in URN order, as a set, and the labels of every
    school in the warehouse ("name (urn)": a user's school of another LA, which the change form
    still shows, is named as it is; a URN not in the warehouse says so). Made once per list key
    (build, the admin's allowed URNs) and LA. Read-only: shared by every rerun of the key."""
    schools, key = data_access.list_schools_keyed(identity)
    home = data_access.home_la_code(identity)
    return _choices(key, home, _schools=schools)


@kept  # read-only (tuples, a frozenset, a MappingProxyType): shared as it is
def _choices(key: tuple, home: int | None, *, _schools) -> Choices:
    every = _schools["urn"].astype(int).tolist()
    labels = Labels(  # every school's, so a user's school of another LA is named as it is
        zip(
            every,
            (f"{n} ({u})" for u, n in zip(every, _schools["name"].tolist(), strict=True)),
            strict=True,
        )
    )
    if home is None:
        urns = tuple(every)
    else:
        las = _schools["la_code"].tolist()
        urns = tuple(u for u, la in zip(every, las, strict=True) if la == home)
    return Choices(urns, tuple(sorted(urns)), frozenset(urns), MappingProxyType(labels))


def field_error(form: str, field: str) -> None:
    """Show the error of ``field`` in ``form`` (call right after the field's widget)."""
    message = st.session_state.get(ERRORS, {}).get(form, {}).get(field)
    if message:
        st.error(md_escape(message), icon=":material/error:")


def confirmation() -> None:
    done = st.session_state.pop(DONE, None)
    if done:
        st.success(md_escape(done))


def _fail(form: str, field: str, message: str) -> None:
    st.session_state[ERRORS] = {form: {field: message}}


def add_user(identity: Identity) -> None:
    """on_click of "Add user"."""
    s = st.session_state
    st.session_state[ERRORS] = {}
    sso = s.get("new_sign_in") == "sso"
    username = (s.get("new_username") or "").strip() if sso else s.get("new_username") or ""
    try:
        data_access.create_user(
            identity,
            username,
            (s.get("new_display") or "").strip() or username,
            s.get("new_role"),
            None if sso else s.get("new_password") or "",
            [int(u) for u in s.get("new_urns") or []],
            sign_in="sso" if sso else "password",
        )
    except UserError as err:
        _fail("add", {"password": "password"}.get(err.field, err.field), str(err))
    except (ValueError, PermissionError, sqlite3.Error) as err:
        _fail("add", "username", str(err))
    else:
        for key in ADD_KEYS:
            s.pop(key, None)
        s[DONE] = f"Added {username}."
        return
    s.pop("new_password", None)  # never kept: typed again


def change_user(identity: Identity, username: str) -> None:
    """on_click of "Save changes": role, schools, active and password together, or nothing."""
    s = st.session_state
    st.session_state[ERRORS] = {}
    try:
        ended = data_access.update_user(
            identity,
            username,
            s.get("edit_role"),
            [int(u) for u in s.get("edit_urns") or []],
            bool(s.get("edit_active")),
            s.get("edit_password") or None,
        )
    except UserError as err:
        _fail("edit", err.field, f"Nothing was saved: {err}")
    except (ValueError, PermissionError) as err:
        _fail("edit", "role", f"Nothing was saved: {err}")
    else:
        s[DONE] = f"Saved {username}." + (
            " Every session of this user has ended; they sign in again." if ended else ""
        )
    s.pop("edit_password", None)


def load_user_into_form(row) -> None:
    """on_change of the user picker: the change form shows that user's current values."""
    s = st.session_state
    s.pop(ERRORS, None)
    s["edit_role"] = row["role"]
    s["edit_urns"] = [int(u) for u in str(row["schools"]).split(", ") if u]
    s["edit_active"] = bool(row["active"])
