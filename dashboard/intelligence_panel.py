"""The manager's soft-intelligence panel for one school: the timeline of workbook and app entries
(each marked with its source), a Close control for open app notices, and the form to record a
visit, note, concern, notice of concern (DfE/RSC concern for an academy) or headteacher change.

Only for roles that may see intelligence: every call goes through dashboard.data_access.manager,
which checks the role and the school before reading or writing the store.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import render
from dashboard.access import Identity
from dashboard.components import palette
from dashboard.components.safe import md_escape
from dashboard.data_access import manager


def show(identity: Identity, ctx, urn: int, academy: bool) -> None:
    st.header("Soft intelligence")
    timeline = manager.intelligence_timeline(identity, ctx, urn)
    if timeline.empty:
        st.caption("No visits, notes, concerns or notices recorded.")
    else:
        timeline["date"] = timeline["date"].dt.date.astype(str)
        render.safe_table(
            timeline[["date", "kind", "status", "rag", "detail", "source"]], hide_index=True
        )
        for note_id, label in manager.closable_notes(timeline):
            words, close = st.columns([5, 1])
            words.caption(md_escape(label))
            if close.button("Close", key=f"close_note_{note_id}", help="After its review meeting"):
                manager.close_note(identity, urn, note_id)
                st.rerun()

    st.subheader("Record a visit, note or concern")
    kinds = ["visit", "note", "concern", "dfe_concern" if academy else "notice_of_concern",
             "headteacher_change"]  # fmt: skip
    with st.form("add_note", clear_on_submit=True):
        kind = st.selectbox(
            "What", kinds, format_func=manager.INTELLIGENCE_KINDS.get, key="note_kind"
        )
        on = st.date_input("Date", value=date.today(), max_value=date.today(), key="note_date")
        rag = st.selectbox("RAG (optional)", [None, "red", "amber", "green"], key="note_rag",
                           format_func=lambda r: "None" if r is None else palette.rag(r).label)  # fmt: skip
        text = st.text_area("Note", key="note_text", max_chars=4000)
        if st.form_submit_button("Save", type="primary"):
            if not text.strip():
                st.error("Please write a note.")
            else:
                manager.add_note(identity, urn, kind, text, on, rag)
                st.session_state["note_saved"] = True
                st.rerun()
    if st.session_state.pop("note_saved", False):
        st.success("Saved. It counts toward the support category from now on.")
