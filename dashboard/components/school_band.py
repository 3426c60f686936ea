"""The drill-down's summary band (rendering only): what a manager needs before anything else, on one
laptop screen, with the visit, note and notice forms one click away in a dialog.

The band shows the category (symbol and word, with the rank within it, or why the school is not
categorised), the one-sentence reason, watch flags, the latest inspection, the last visit (workbook
or app) and each open notice with the days to its review (workbook or app). A dialog stays open
across reruns while ``st.session_state[DIALOG]`` names it (so a refused save keeps the dialog and
what was typed), and closes when the save succeeds or the user dismisses it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import notice_workflow, priority, support
from dashboard.access import Identity
from dashboard.components import forms
from dashboard.components.priority_table import category_words
from dashboard.components.safe import md_escape

DIALOG = forms.OPEN_DIALOG
# A constant (no data in it) given to st.html: less empty space above the title and smaller type in
# the band, so the band and the buttons fit the first screen of a laptop.
COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-summary_band p { font-size: 0.95rem; margin-bottom: 0.2rem; }
</style>"""


def notice_line(notice: dict, today: date) -> str:
    """'Notice of concern (council workbook) issued 2026-03-15: review overdue by 214 days'."""
    what = "Notice of concern" if notice["kind"] == "notice_of_concern" else "Concern with the DfE"
    source = (
        "council workbook" if notice["source"] != "Entered in the app" else "entered in the app"
    )
    due = notice.get("review_due")
    if not isinstance(due, date) or pd.isna(due):
        when = "no review date"
    elif due < today:
        when = f"review overdue by {(today - due).days} days (due {due:%d %b %Y})"
    else:
        when = f"review in {(due - today).days} days ({due:%d %b %Y})"
    return f"{what} ({source}) issued {notice['date']}: {when}"


def band(row: dict, open_notices: pd.DataFrame, year_label: str) -> None:
    """The summary at the top of the drill-down."""
    today = date.today()
    with st.container(border=True, key="summary_band"):
        words = category_words(row["category"], row.get("rank_in_category"))
        st.markdown(f"**Support category {md_escape(year_label)}: {md_escape(words)}**. "
                    f"{md_escape(priority.why(row))}")  # fmt: skip
        for flag in row.get("watch_flags") or []:
            st.markdown("⚑ Watch: " + md_escape(flag))
        left, mid, right = st.columns(3)
        left.markdown(f"**Latest inspection:** {md_escape(support.inspection_text(row))}")
        visit = priority.last_visit(row.get("last_visit")) or "none recorded"
        mid.markdown(f"**Last visit:** {md_escape(visit)}")
        records = open_notices.to_dict("records") if len(open_notices) else []  # most have none
        lines = [notice_line(n, today) for n in records]
        right.markdown("**Open notice:** " + (md_escape("; ".join(lines)) if lines else "none"))
        st.markdown(f"**Recommended action:** {md_escape(row.get('recommended_action'))}")


def _open(name: str) -> None:
    st.session_state[DIALOG] = name


def _close() -> None:
    st.session_state.pop(DIALOG, None)


def buttons(academy: bool) -> None:
    """The forms, one click from the top."""
    a, b, c = st.columns(3)
    a.button("Record a visit", key="open_visit", on_click=_open, args=("visit",), type="primary")
    b.button("Add a note, concern or headteacher change", key="open_note", on_click=_open,
             args=("note",))  # fmt: skip
    label = "Record a concern raised with the DfE" if academy else "Issue a notice of concern"
    c.button(label, key="open_notice", on_click=_open, args=("notice",))


@st.dialog("Record a visit", width="large", on_dismiss=_close)
def _visit(identity: Identity, urn: int, name: str) -> None:
    st.caption(md_escape(name))
    notice_workflow.visit_form(identity, urn)


@st.dialog("Add a note, concern or headteacher change", width="large", on_dismiss=_close)
def _note(identity: Identity, urn: int, name: str, kinds: dict[str, str]) -> None:
    st.caption(md_escape(name))
    notice_workflow.note_form(identity, urn, kinds)


@st.dialog("Notice of concern or concern raised with the DfE", width="large", on_dismiss=_close)
def _notice(identity: Identity, urn: int, name: str, academy: bool) -> None:
    st.caption(md_escape(name))
    notice_workflow.issue_form(identity, urn, academy)


def dialogs(identity: Identity, urn: int, name: str, academy: bool, kinds: dict[str, str]) -> None:
    """Open the dialog the user asked for (it stays open until saved or dismissed)."""
    which = st.session_state.get(DIALOG)
    if which == "visit":
        _visit(identity, urn, name)
    elif which == "note":
        _note(identity, urn, name, kinds)
    elif which == "notice":
        _notice(identity, urn, name, academy)
