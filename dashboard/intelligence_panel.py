"""The manager's soft-intelligence panel for one school: the timeline of workbook and app entries
(each marked with its source), the open notices of concern (or DfE concerns) with their workflow,
and forms to record a visit, a note / concern / headteacher change, a notice, or to withdraw an entry
made in error.

Only for roles that may see intelligence: every call goes through dashboard.data_access (manager and
notices), which checks the role and the school before reading or writing the store.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import notice_workflow, render
from dashboard.access import Identity
from dashboard.components import palette
from dashboard.data_access import manager
from dashboard.data_access import notices as data
from dashboard.store import notes

QUICK_KINDS = ("note", "concern", "headteacher_change")


def show(identity: Identity, ctx, urn: int, academy: bool) -> None:
    st.header("Soft intelligence")
    notice_workflow.flash()
    timeline = manager.intelligence_timeline(identity, ctx, urn)
    if timeline.empty:
        st.caption("No visits, notes, concerns or notices recorded.")
    else:
        timeline["date"] = timeline["date"].dt.date.astype(str)
        render.safe_table(
            timeline[["date", "kind", "status", "rag", "detail", "source"]], hide_index=True
        )

    entries = data.school_entries(identity, urn)
    open_cases = [e for e in entries if e["kind"] in ("notice_of_concern", "dfe_concern")
                  and e["status"] == "open"]  # fmt: skip
    if open_cases:
        st.subheader("Open notices and concerns")
        for entry in open_cases:
            label = manager.INTELLIGENCE_KINDS[entry["kind"]]
            with st.expander(f"{label} of {entry['date']}", expanded=True):
                notice_workflow.workflow(identity, entry)

    visit, quick, notice, withdraw, history = st.tabs(
        [
            "Record a visit",
            "Note, concern or headteacher change",
            "Concern raised with the DfE" if academy else "Issue a notice of concern",
            "Withdraw an entry",
            "History of entries",
        ]  # fmt: skip
    )
    with visit:
        notice_workflow.visit_form(identity, urn)
    with quick:
        _quick_form(identity, urn)
    with notice:
        notice_workflow.issue_form(identity, urn, academy)
    with withdraw:
        notice_workflow.withdraw_form(identity, urn, entries)
    with history:
        versions = data.entry_history(identity, urn)
        if versions.empty:
            st.caption("Nothing entered in the app for this school yet.")
        else:
            st.caption("Every version of every entry made in the app, withdrawn ones included.")
            render.safe_table(versions, hide_index=True)


def _quick_form(identity: Identity, urn: int) -> None:
    with st.form("add_note", clear_on_submit=True):
        kind = st.selectbox(
            "What", QUICK_KINDS, format_func=manager.INTELLIGENCE_KINDS.get, key="note_kind"
        )
        on = st.date_input("Date", value=date.today(), max_value=date.today(), key="note_date")
        rag = st.selectbox("RAG (optional)", [None, "red", "amber", "green"], key="note_rag",
                           format_func=lambda r: "None" if r is None else palette.rag(r).label)  # fmt: skip
        text = st.text_area("Note", key="note_text", max_chars=notes.MAX_TEXT)
        if st.form_submit_button("Save", type="primary"):
            if not text.strip():
                st.error("Please write a note.")
            else:
                manager.add_note(identity, urn, kind, text, on, rag)
                notice_workflow.saved("Saved. It counts toward the support category from now on.")
