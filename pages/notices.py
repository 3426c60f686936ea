"""Notices of concern and concerns raised with the DfE across the county: where each has got to,
overdue reviews first, and the form for the next step of the one chosen."""

from datetime import date

import streamlit as st

from dashboard import auth, notice_workflow, render
from dashboard.data_access import notices as data

identity = auth.require_identity("notices")
st.title("Notices of concern")
st.caption(
    "Maintained schools: notice issued, meeting with the headteacher and chair of governors, agreed "
    "actions, review 6 to 8 weeks after issue, outcome. Academies: the concern raised with the DfE "
    "and its follow-up. Open notices count toward the support category (intensive). Entries made in "
    "the app only; the council workbook's notices are on each school's drill-down."
)
notice_workflow.flash()
table = data.county_notices(identity)
is_open = table["status"].eq("open")
overdue = is_open & table["days_overdue"].gt(0)
a, b, c = st.columns(3)
a.metric("Open notices of concern", int((is_open & table["kind"].eq("notice_of_concern")).sum()))
b.metric("Reviews overdue", int(overdue.sum()))
c.metric("Open concerns with the DfE", int((is_open & table["kind"].eq("dfe_concern")).sum()))
if not st.toggle("Show closed ones too", key="show_closed"):
    table = table[is_open]
if table.empty:
    st.info("No open notices of concern or DfE concerns entered in the app.")
    st.stop()
shown = table.assign(
    what=table["kind"].map(
        {"notice_of_concern": "Notice of concern", "dfe_concern": "Concern raised with DfE"}
    ),  # fmt: skip
    overdue=[f"⚠ Overdue {d} days" if d else "" for d in table["days_overdue"]],
)[["name", "urn", "district", "what", "date", "stage", "review_due", "overdue"]]
render.safe_table(
    shown.rename(
        columns={
            "name": "School",
            "urn": "URN",
            "district": "District",
            "what": "What",
            "date": "Issued or raised",
            "stage": "Where it is",
            "review_due": "Review due",
            "overdue": "Overdue",
        }
    ),  # fmt: skip
    hide_index=True,
)
labels = {
    int(i): f"{n} ({u}): {w} of {d}"
    for i, n, u, w, d in zip(
        table["id"], shown["name"], shown["urn"], shown["what"], shown["date"], strict=True
    )  # fmt: skip
}
chosen = st.selectbox("Work on", list(labels), format_func=labels.get, index=None,
                      key="notice_chosen", placeholder="Choose a notice or concern")  # fmt: skip
if chosen is not None:
    urn = int(table.loc[table["id"] == chosen, "urn"].iloc[0])
    entry = next(e for e in data.school_entries(identity, urn) if e["id"] == chosen)
    st.subheader(labels[chosen])
    notice_workflow.workflow(identity, entry)
st.caption(f"As at {date.today():%d %B %Y}.")
