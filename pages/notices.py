"""Notices of concern and concerns raised with the DfE across the county, from the council's workbook
and from the app on one list (each marked with its source), overdue reviews first, and the form for
the next step of an app entry chosen."""

from datetime import date

import streamlit as st

from dashboard import auth, notice_workflow, render
from dashboard.components import notices_table
from dashboard.data_access import notices as data

identity = auth.require_identity("notices")
st.title("Notices of concern")
st.caption(
    "Maintained schools: notice issued, meeting with the headteacher and chair of governors, agreed "
    "actions, review 6 to 8 weeks after issue, outcome. Academies: the concern raised with the DfE "
    "and its follow-up. Open notices count toward the support category (intensive). Both sources "
    "are listed: the council's workbook (as loaded; update it there) and entries made in this app."
)
notice_workflow.flash()
rows, key = data.county_notices_keyed(identity)
view = notices_table.screen(key, rows)
a, b, c = st.columns(3)
a.metric("Open notices of concern", view.open_notices)
b.metric("Reviews overdue", view.overdue)
c.metric("Open concerns with the DfE", view.open_concerns)
listed, labels = view.listed(st.toggle("Show closed ones too", key="show_closed"))
if not len(listed):
    st.info("No open notices of concern or DfE concerns, in the workbook or entered in the app.")
    st.stop()
render.safe_table(listed, hide_index=True)
chosen = st.selectbox("Work on (entries made in the app)", list(labels), format_func=labels.get,
                      index=None, key="notice_chosen", placeholder="Choose a notice or concern")  # fmt: skip
if chosen is not None:
    urn = view.entry_urn[chosen]
    entry = next(e for e in data.school_entries(identity, urn) if e["id"] == chosen)
    st.subheader(labels[chosen])
    notice_workflow.workflow(identity, entry)
st.caption(f"As at {date.today():%d %B %Y}. Days overdue count from the review date.")
