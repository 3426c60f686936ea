"""The manager's soft-intelligence timeline for one school: workbook and app entries (each marked
with its source), the open notices of concern (or DfE concerns) entered in the app with their
workflow, withdrawing an entry made in error and every version of every entry. The forms that add
a visit, a note or a notice open in a dialog from the drill-down's summary band
(dashboard/components/school_band.py).

Only for roles that may see intelligence: every call goes through dashboard.data_access (manager and
notices), which checks the role and the school before reading or writing the store.
"""

from __future__ import annotations

import streamlit as st

from dashboard import notice_workflow, render
from dashboard.access import Identity
from dashboard.data_access import manager
from dashboard.data_access import notices as data

COLUMNS = {"date": "Date", "kind": "What", "status": "Status", "rag": "RAG", "detail": "Detail",
           "source": "Source"}  # fmt: skip


def show(identity: Identity, ctx, urn: int) -> None:
    """The drill-down's timeline tab (the forms to add entries open from the summary band)."""
    timeline = manager.intelligence_timeline(identity, ctx, urn)
    if timeline.empty:
        st.caption("No visits, notes, concerns or notices recorded.")
    else:
        timeline["date"] = timeline["date"].dt.date.astype(str)
        shown = timeline[["date", "kind", "status", "rag", "detail", "source"]].fillna("")
        render.safe_table(shown.rename(columns=COLUMNS), hide_index=True)

    entries = data.school_entries(identity, urn)
    open_cases = [e for e in entries if e["kind"] in ("notice_of_concern", "dfe_concern")
                  and e["status"] == "open"]  # fmt: skip
    if open_cases:
        st.subheader("Open notices and concerns")
        for entry in open_cases:
            label = manager.INTELLIGENCE_KINDS[entry["kind"]]
            with st.expander(f"{label} of {entry['date']}", expanded=True):
                notice_workflow.workflow(identity, entry)

    with st.expander("Withdraw an entry made in error"):
        notice_workflow.withdraw_form(identity, urn, entries)
    with st.expander("History of entries (every version)"):
        versions = data.entry_history(identity, urn)
        if versions.empty:
            st.caption("Nothing entered in the app for this school yet.")
        else:
            st.caption("Every version of every entry made in the app, withdrawn ones included.")
            render.safe_table(versions, hide_index=True)
