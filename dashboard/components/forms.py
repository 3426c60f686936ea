"""Forms that keep what was typed: an error shown beside the field it concerns, the values kept when
a save is refused, and nothing written unless every check passes (one write, all or nothing).

A form is drawn with ``st.form(..., clear_on_submit=False)`` and a ``Slots`` object: after each
widget, ``slots.add(label)`` reserves the place where that field's error appears. ``save`` then runs
the checks the form can make itself (a choice or a date not made), then the one write; the store's
ValueError is shown beside the field its message names (messages start with the field's label, as
dashboard/store/notes.py writes them), anything else at the top of the form. Only after a
successful write are the form's widget values dropped, so the next form starts empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from dashboard.components.safe import md_escape
from dashboard.store.records import ConflictError

FLASH_KEY = "workflow_saved"
OPEN_DIALOG = "open_dialog"  # names the dialog a page keeps open; a successful save closes it


class Slots:
    """Places for error messages: one at the top of the form, one after each field."""

    def __init__(self) -> None:
        self._top = st.empty()
        self._fields: dict[str, object] = {}

    def add(self, *labels: str) -> None:
        """Reserve the place for the errors of ``labels`` (message prefixes) just here."""
        slot = st.empty()
        for label in labels:
            self._fields[label] = slot

    def field_for(self, message: str) -> object:
        """The slot whose label starts ``message`` (the longest match), else the top one."""
        match = [k for k in self._fields if message.startswith(k)]
        return self._fields[max(match, key=len)] if match else self._top

    def show(self, errors: dict[str, str]) -> None:
        grouped: dict[int, tuple[object, list[str]]] = {}
        for label, message in errors.items():
            slot = self._fields.get(label, self._top)
            grouped.setdefault(id(slot), (slot, []))[1].append(message)
        for slot, messages in grouped.values():
            slot.error("  \n".join(f"Not saved: {md_escape(m)}" for m in messages))


def missing(required: Iterable[tuple[str, object, str]]) -> dict[str, str]:
    """{label: message} for each (label, value, message) whose value was not chosen or typed."""
    return {
        label: message
        for label, value, message in required
        if value is None or (isinstance(value, str) and not value.strip())
    }


def save(
    slots: Slots,
    write: Callable[[], object],
    done: str,
    *,
    required: Iterable[tuple[str, object, str]] = (),
    keys: Iterable[str] = (),
    on_conflict: Callable[[], None] | None = None,
) -> bool:
    """Check, write once, and on success forget the typed ``keys`` and rerun with ``done`` shown;
    on failure show each message beside its field and keep every value. True if saved."""
    errors = missing(required)
    if errors:
        slots.show(errors)
        return False
    try:
        write()
    except ConflictError as err:
        if on_conflict is not None:
            on_conflict()
        slots.show({"": str(err)})
        return False
    except ValueError as err:
        slots.field_for(str(err)).error(f"Not saved: {md_escape(str(err))}")
        return False
    for k in keys:
        st.session_state.pop(k, None)
    saved(done)
    return True


def saved(message: str) -> None:
    """Remember a success message for the next rerun, and rerun the whole page (closes a dialog)."""
    st.session_state[FLASH_KEY] = message
    st.session_state.pop(OPEN_DIALOG, None)
    st.rerun()


def flash() -> None:
    """Show the message of the save that caused this rerun."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message)
