"""Forms for visit notes, notices of concern and DfE concerns, shared by the school drill-down and the
notices page.

Concurrency: an edit form remembers the version it was opened on (session state, per record) and
saves against it, so if another manager saved in the meantime the store refuses with a
ConflictError and this user is told who changed it; nothing is overwritten. After a save or a
conflict the remembered version is dropped, so the next render starts from the newest version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import render
from dashboard.access import Identity
from dashboard.components import palette
from dashboard.components.safe import md_escape
from dashboard.data_access import notices as data
from dashboard.store import notes, notices
from dashboard.store.records import ConflictError


def saved(message: str) -> None:
    """Remember a success message for the next rerun, and rerun."""
    st.session_state["workflow_saved"] = message
    st.rerun()


def flash() -> None:
    """Show the message of the save that caused this rerun."""
    if message := st.session_state.pop("workflow_saved", None):
        st.success(message)


def _attempt(action: Callable[[], object], done: str, base_key: str | None = None) -> None:
    """Run one write; show the store's own message if it is refused."""
    try:
        action()
    except ConflictError as err:
        st.session_state.pop(base_key, None)
        st.error(f"Not saved: {md_escape(str(err))}")
        return
    except ValueError as err:
        st.error(f"Not saved: {md_escape(str(err))}")
        return
    if base_key:
        st.session_state.pop(base_key, None)
    saved(done)


def _base(entry: dict) -> tuple[str, int]:
    """The version this user opened the record on (kept across reruns until they save)."""
    key = f"base_version_{entry['id']}"
    return key, int(st.session_state.setdefault(key, int(entry["version"])))


def _actions_editor(key: str, current: list[dict] | None = None) -> pd.DataFrame:
    rows = pd.DataFrame(current or [], columns=["action", "owner", "due"])
    start = pd.DataFrame({"action": rows["action"].astype("str"),
                          "owner": rows["owner"].astype("str"),
                          "due": pd.to_datetime(rows["due"])})  # fmt: skip
    return st.data_editor(
        start,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "action": st.column_config.TextColumn("Action", max_chars=500),
            "owner": st.column_config.TextColumn("Who", max_chars=100),
            "due": st.column_config.DateColumn("Due by"),
        },
    )


def _action_rows(df: pd.DataFrame) -> list[dict]:
    rows = df.dropna(how="all").to_dict("records")
    return [
        {**r, "due": None if pd.isna(r.get("due")) else pd.Timestamp(r["due"]).date()}
        for r in rows
        if any(str(v).strip() for v in r.values() if not pd.isna(v))
    ]


def visit_form(identity: Identity, urn: int) -> None:
    """Record a visit: date, officer, type, summary, RAG and follow-up actions with due dates."""
    with st.form("add_visit", clear_on_submit=True):
        left, mid, right = st.columns(3)
        on = left.date_input(
            "Visit date", value=date.today(), max_value=date.today(), key="visit_on"
        )
        officer = mid.text_input(
            "Officer", value=identity.display_name, max_chars=100, key="visit_officer"
        )
        kind = right.selectbox(
            "Type", list(notes.VISIT_TYPES), format_func=notes.VISIT_TYPES.get, key="visit_type"
        )
        summary = st.text_area("Summary", max_chars=notes.MAX_TEXT, key="visit_summary")
        rag = st.selectbox("RAG", ["green", "amber", "red"], index=None, key="visit_rag",
                           format_func=lambda r: palette.rag(r).label)  # fmt: skip
        st.caption("Follow-up actions (one per row, each with a due date)")
        actions = _actions_editor("visit_actions")
        if st.form_submit_button("Save visit", type="primary"):
            _attempt(
                lambda: data.add_visit(
                    identity,
                    urn,
                    on=on,
                    officer=officer,
                    visit_type=kind,
                    summary=summary,
                    rag=rag,
                    actions=_action_rows(actions),
                ),  # fmt: skip
                "Visit saved.",
            )


def issue_form(identity: Identity, urn: int, academy: bool) -> None:
    """Issue a notice of concern (maintained) or record a concern raised with the DfE (academy)."""
    if academy:
        st.caption("An academy: the council records the concern it raised with the DfE.")
        with st.form("raise_dfe", clear_on_submit=True):
            on = st.date_input(
                "Date raised", value=date.today(), max_value=date.today(), key="dfe_on"
            )
            who = st.selectbox("Raised with", notices.DFE_CONTACTS, key="dfe_with")
            text = st.text_area("The concerns", max_chars=notes.MAX_TEXT, key="dfe_text")
            if st.form_submit_button("Save concern raised with the DfE", type="primary"):
                _attempt(lambda: data.raise_with_dfe(identity, urn, raised_on=on, raised_with=who,
                                                     concerns=text),  # fmt: skip
                         "Concern raised with the DfE saved; it is open until its outcome.")  # fmt: skip
        return
    with st.form("issue_notice", clear_on_submit=True):
        on = st.date_input(
            "Date issued", value=date.today(), max_value=date.today(), key="notice_on"
        )
        due = st.date_input("Review date (6 to 8 weeks after issue)",
                            value=date.today() + timedelta(weeks=6), key="notice_review_due")  # fmt: skip
        text = st.text_area("The concerns", max_chars=notes.MAX_TEXT, key="notice_text")
        if st.form_submit_button("Issue notice of concern", type="primary"):
            _attempt(lambda: data.issue_notice(identity, urn, issued_on=on, concerns=text,
                                               review_due=due),  # fmt: skip
                     "Notice of concern saved. It counts toward the support category (intensive) "
                     "while it is open.")  # fmt: skip


def _history(entry: dict) -> None:
    st.markdown(f"**Concerns:** {md_escape(entry['text'])}")
    if meeting := entry.get("meeting"):
        who = [w for w, here in (("headteacher", meeting["head_present"]),
                                 ("chair of governors", meeting["chair_present"])) if here]  # fmt: skip
        st.markdown(f"**Meeting {meeting['date']}** with {md_escape(' and '.join(who) or 'neither')}"
                    f": {md_escape(meeting['notes'])}")  # fmt: skip
    if entry.get("actions"):
        st.markdown("**Agreed actions**")
        render.safe_table(pd.DataFrame(entry["actions"])[["action", "owner", "due"]],
                          hide_index=True)  # fmt: skip
    for r in entry.get("reviews") or []:
        st.markdown(f"**Review {r['date']}:** {notices.OUTCOMES[r['outcome']]}. "
                    f"{md_escape(r['summary'])}")  # fmt: skip
    for f in entry.get("follow_ups") or []:
        st.markdown(f"**Follow-up {f['date']}:** {md_escape(f['text'])}")


def workflow(identity: Identity, entry: dict) -> None:
    """The steps so far and the form for the next one, for one open notice or DfE concern."""
    urn, nid = int(entry["urn"]), int(entry["id"])
    late = notices.days_overdue(entry, date.today())
    st.markdown(f"**{md_escape(notices.stage(entry, date.today()))}**"
                + (f" ⚠ review was due {notices.review_due(entry)}" if late else ""))  # fmt: skip
    _history(entry)
    st.caption(f"Version {entry['version']}, saved by {md_escape(entry['updated_by'])} at "
               f"{entry['updated_at']}")  # fmt: skip
    if entry.get("status") != "open":
        return
    key, base = _base(entry)
    step = lambda name, **kw: data.notice_step(identity, urn, nid, base, name, **kw)  # noqa: E731
    if entry["kind"] == notices.DFE:
        with st.form(f"follow_up_{nid}", clear_on_submit=True):
            on = st.date_input(
                "Date", value=date.today(), max_value=date.today(), key=f"fu_on_{nid}"
            )
            text = st.text_area(
                "Follow-up or outcome", max_chars=notes.MAX_TEXT, key=f"fu_text_{nid}"
            )
            close = st.checkbox("This is the outcome: close the concern", key=f"fu_close_{nid}")
            if st.form_submit_button("Save follow-up"):
                _attempt(lambda: step("follow_up", on=on, text=text, close=close),
                         "Follow-up saved.", key)  # fmt: skip
        return
    # Every step's form stays on the page while the notice is open (a later save corrects an
    # earlier one), so a second editor's submit always reaches the store and meets the conflict check.
    meeting = entry.get("meeting") or {}
    with st.form(f"meeting_{nid}"):
        st.caption("Meeting with the headteacher and chair of governors"
                   + (" (saving again corrects it)" if meeting else ""))  # fmt: skip
        on = st.date_input("Meeting date", value=date.fromisoformat(meeting.get("date",
                           date.today().isoformat())), max_value=date.today(),
                           key=f"meeting_on_{nid}")  # fmt: skip
        head = st.checkbox("Headteacher present", value=meeting.get("head_present", True),
                           key=f"meeting_head_{nid}")  # fmt: skip
        chair = st.checkbox("Chair of governors present", value=meeting.get("chair_present", True),
                            key=f"meeting_chair_{nid}")  # fmt: skip
        text = st.text_area("Meeting notes", value=meeting.get("notes", ""),
                            max_chars=notes.MAX_TEXT, key=f"meeting_text_{nid}")  # fmt: skip
        if st.form_submit_button("Save meeting"):
            _attempt(lambda: step("meeting", met_on=on, head_present=head,
                                  chair_present=chair, notes=text),  # fmt: skip
                     "Meeting saved.", key)  # fmt: skip
    with st.form(f"actions_{nid}"):
        st.caption("Actions agreed with the school (one per row, each with a due date)")
        actions = _actions_editor(f"notice_actions_{nid}", entry.get("actions"))
        if st.form_submit_button("Save agreed actions"):
            _attempt(lambda: step("actions", actions=_action_rows(actions)),
                     "Agreed actions saved.", key)  # fmt: skip
    with st.form(f"review_{nid}"):
        on = st.date_input(
            "Review date", value=date.today(), max_value=date.today(), key=f"review_on_{nid}"
        )
        outcome = st.selectbox(
            "Outcome",
            list(notices.OUTCOMES),
            format_func=notices.OUTCOMES.get,
            key=f"review_outcome_{nid}",
        )
        nxt = st.date_input("Next review (if extended: 6 to 8 weeks on)",
                            value=date.today() + timedelta(weeks=6), key=f"review_next_{nid}")  # fmt: skip
        text = st.text_area("Review summary", max_chars=notes.MAX_TEXT, key=f"review_text_{nid}")
        if st.form_submit_button("Save review"):
            _attempt(lambda: step("review", reviewed_on=on, outcome=outcome, summary=text,
                                  next_review_due=nxt if outcome == "extended" else None),  # fmt: skip
                     "Review saved.", key)  # fmt: skip


def withdraw_form(identity: Identity, urn: int, entries: list[dict]) -> None:
    """Withdraw an entry made in error (it stays in the history, marked withdrawn)."""
    if not entries:
        return
    labels = {e["id"]: f"{e['date']} {notes.VISIT_TYPES.get(e.get('visit_type'), e['kind'])}: "
                       f"{str(e['text'])[:60]}" for e in entries}  # fmt: skip
    with st.form("withdraw_entry", clear_on_submit=True):
        chosen = st.selectbox(
            "Entry", list(labels), format_func=labels.get, index=None, key="withdraw_entry_id"
        )
        reason = st.text_input("Why it is withdrawn", max_chars=500, key="withdraw_reason")
        if st.form_submit_button("Withdraw entry"):
            if chosen is None:
                st.error("Not saved: choose the entry to withdraw")
                return
            version = next(e["version"] for e in entries if e["id"] == chosen)
            _attempt(lambda: data.withdraw(identity, urn, chosen, version, reason),
                     "Entry withdrawn. It no longer counts; its history is kept.")  # fmt: skip
