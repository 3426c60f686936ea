"""Administration: the audit log (sign-ins, schools viewed, exports, user changes)."""

import streamlit as st

from dashboard import auth, data_access
from dashboard.components import exports
from dashboard.store.audit import ACTIONS

identity = auth.require_identity("admin_audit")
st.title("Audit log")

left, middle, right = st.columns(3)
username = left.text_input("Username", key="audit_username").strip() or None
action = middle.selectbox(
    "Action", [None, *ACTIONS], format_func=lambda a: a or "All", key="audit_action"
)
urn_text = right.text_input("URN", key="audit_urn").strip()
urn = int(urn_text) if urn_text.isdigit() else None

entries = data_access.audit_entries(identity, username=username, action=action, urn=urn)
st.caption(f"{len(entries)} entries, newest first (at most 1,000)")
st.dataframe(entries, hide_index=True)
st.download_button(
    "Download the audit log (CSV)",
    lambda: exports.to_csv_bytes(entries),  # made only when pressed
    file_name="audit_log.csv",
    mime="text/csv",
    key="download_audit",
    on_click=data_access.record_export,
    args=(identity, "audit log", None, len(entries)),
)
