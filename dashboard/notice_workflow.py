"""Forms for visit notes, notices of concern and DfE concerns, shared by the school drill-down and the
notices page.

Concurrency: an edit form remembers the version it was opened on (session state, per record) and
saves against it, so if another manager saved in the meantime the store refuses with a
ConflictError and this user is told who changed it; nothing is overwritten. After a save or a
conflict the remembered version is dropped, so the next render starts from the newest version.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import render
from dashboard.access import Identity
from dashboard.components import forms, palette
from dashboard.components.safe import md_escape
from dashboard.data_access import notices as data
from dashboard.store import notes, notices

saved = forms.saved  # the notices page and the drill-down call these by this module's name
flash = forms.flash


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


def _keys(*names: str) -> tuple[str, ...]:
    return names


VISIT_KEYS = _keys("visit_on", "visit_officer", "visit_type", "visit_summary", "visit_rag",
                   "visit_actions")  # fmt: skip


def visit_form(identity: Identity, urn: int) -> None:
    """Record a visit: date, officer, type, summary, RAG and follow-up actions with due dates.
    Nothing is chosen for the user (date, type and RAG start empty); a refused save keeps it all."""
    with st.form("add_visit", clear_on_submit=False):
        slots = forms.Slots()
        left, mid, right = st.columns(3)
        with left:
            on = st.date_input("Visit date", value=None, max_value=date.today(), key="visit_on")
            slots.add("Visit date")
        with mid:
            officer = st.text_input(
                "Officer", value=identity.display_name, max_chars=100, key="visit_officer"
            )
            slots.add("Officer")
        with right:
            kind = st.selectbox("Type", list(notes.VISIT_TYPES), index=None, key="visit_type",
                                format_func=notes.VISIT_TYPES.get, placeholder="Choose the type")  # fmt: skip
            slots.add("Type", "Unknown visit type")
        summary = st.text_area("Summary", max_chars=notes.MAX_TEXT, key="visit_summary")
        slots.add("Summary")
        rag = st.selectbox("RAG", ["green", "amber", "red"], index=None, key="visit_rag",
                           format_func=lambda r: palette.rag(r).label)  # fmt: skip
        slots.add("Unknown RAG")
        st.caption("Follow-up actions (one per row, each with a due date)")
        actions = _actions_editor("visit_actions")
        slots.add("Action")
        if st.form_submit_button("Save visit", type="primary"):
            forms.save(
                slots,
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
                required=[
                    ("Visit date", on, "Visit date: choose the date of the visit"),
                    ("Type", kind, "Type: choose the type of visit"),
                    ("Summary", summary, "Summary is required"),
                ],  # fmt: skip
                keys=VISIT_KEYS,
            )


NOTE_KINDS = ("note", "concern", "headteacher_change")
NOTE_KEYS = _keys("note_kind", "note_date", "note_rag", "note_text")


def note_form(identity: Identity, urn: int, kinds: dict[str, str]) -> None:
    """A note, a concern or a headteacher change (``kinds``: kind -> words)."""
    from dashboard.data_access import manager

    with st.form("add_note", clear_on_submit=False):
        slots = forms.Slots()
        kind = st.selectbox("What", NOTE_KINDS, index=None, format_func=kinds.get, key="note_kind",
                            placeholder="Choose what to record")  # fmt: skip
        slots.add("What", "Unknown kind")
        on = st.date_input("Date", value=None, max_value=date.today(), key="note_date")
        slots.add("Date")
        rag = st.selectbox("RAG (optional)", [None, "red", "amber", "green"], key="note_rag",
                           format_func=lambda r: "None" if r is None else palette.rag(r).label)  # fmt: skip
        slots.add("Unknown RAG")
        text = st.text_area("Note", key="note_text", max_chars=notes.MAX_TEXT)
        slots.add("The note")
        if st.form_submit_button("Save", type="primary"):
            forms.save(
                slots,
                lambda: manager.add_note(identity, urn, kind, text, on, rag),
                "Saved. It counts toward the support category from now on.",
                required=[
                    ("What", kind, "What: choose what you are recording"),
                    ("Date", on, "Date: choose the date"),
                    ("The note", text, "The note is required: please write it"),
                ],  # fmt: skip
                keys=NOTE_KEYS,
            )


def issue_form(identity: Identity, urn: int, academy: bool) -> None:
    """Issue a notice of concern (maintained) or record a concern raised with the DfE (academy)."""
    if academy:
        st.caption("An academy: the council records the concern it raised with the DfE.")
        with st.form("raise_dfe", clear_on_submit=False):
            slots = forms.Slots()
            on = st.date_input("Date raised", value=None, max_value=date.today(), key="dfe_on")
            slots.add("Date raised")
            who = st.selectbox("Raised with", notices.DFE_CONTACTS, index=None, key="dfe_with",
                               placeholder="Choose who it was raised with")  # fmt: skip
            slots.add("Raised with")
            text = st.text_area("The concerns", max_chars=notes.MAX_TEXT, key="dfe_text")
            slots.add("The concerns")
            if st.form_submit_button("Save concern raised with the DfE", type="primary"):
                forms.save(
                    slots,
                    lambda: data.raise_with_dfe(
                        identity, urn, raised_on=on, raised_with=who, concerns=text
                    ),  # fmt: skip
                    "Concern raised with the DfE saved; it is open until its outcome.",
                    required=[
                        ("Date raised", on, "Date raised: choose the date"),
                        ("Raised with", who, "Raised with: choose who"),
                        ("The concerns", text, "The concerns are required"),
                    ],  # fmt: skip
                    keys=("dfe_on", "dfe_with", "dfe_text"),
                )
        return
    with st.form("issue_notice", clear_on_submit=False):
        slots = forms.Slots()
        on = st.date_input("Date issued", value=None, max_value=date.today(), key="notice_on")
        slots.add("Date issued")
        due = st.date_input("Review date (6 to 8 weeks after issue; empty: 6 weeks)", value=None,
                            key="notice_review_due")  # fmt: skip
        slots.add("Review date")
        text = st.text_area("The concerns", max_chars=notes.MAX_TEXT, key="notice_text")
        slots.add("The concerns")
        if st.form_submit_button("Issue notice of concern", type="primary"):
            forms.save(
                slots,
                lambda: data.issue_notice(
                    identity, urn, issued_on=on, concerns=text, review_due=due
                ),  # fmt: skip
                "Notice of concern saved. It counts toward the support category (intensive) "
                "while it is open.",
                required=[
                    ("Date issued", on, "Date issued: choose the date"),
                    ("The concerns", text, "The concerns are required"),
                ],  # fmt: skip
                keys=("notice_on", "notice_review_due", "notice_text"),
            )


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
    forget = lambda: st.session_state.pop(key, None)  # noqa: E731
    if entry["kind"] == notices.DFE:
        _follow_up_form(nid, step, forget, key)
        return
    # Every step's form stays on the page while the notice is open (a later save corrects an
    # earlier one), so a second editor's submit always reaches the store and meets the conflict check.
    meeting = entry.get("meeting") or {}
    with st.form(f"meeting_{nid}"):
        slots = forms.Slots()
        st.caption("Meeting with the headteacher and chair of governors"
                   + (" (saving again corrects it)" if meeting else ""))  # fmt: skip
        held = date.fromisoformat(meeting["date"]) if meeting.get("date") else None
        on = st.date_input("Meeting date", value=held, max_value=date.today(),
                           key=f"meeting_on_{nid}")  # fmt: skip
        slots.add("Meeting date")
        head = st.checkbox("Headteacher present", value=meeting.get("head_present", False),
                           key=f"meeting_head_{nid}")  # fmt: skip
        chair = st.checkbox("Chair of governors present", value=meeting.get("chair_present", False),
                            key=f"meeting_chair_{nid}")  # fmt: skip
        text = st.text_area("Meeting notes", value=meeting.get("notes", ""),
                            max_chars=notes.MAX_TEXT, key=f"meeting_text_{nid}")  # fmt: skip
        slots.add("Meeting notes")
        if st.form_submit_button("Save meeting"):
            forms.save(slots, lambda: step("meeting", met_on=on, head_present=head,
                                           chair_present=chair, notes=text),  # fmt: skip
                       "Meeting saved.", required=[("Meeting date", on, "Meeting date: choose the date")],
                       keys=(key, f"meeting_on_{nid}", f"meeting_head_{nid}", f"meeting_chair_{nid}",
                             f"meeting_text_{nid}"), on_conflict=forget)  # fmt: skip
    with st.form(f"actions_{nid}"):
        slots = forms.Slots()
        st.caption("Actions agreed with the school (one per row, each with a due date)")
        actions = _actions_editor(f"notice_actions_{nid}", entry.get("actions"))
        slots.add("Action", "Agree")
        if st.form_submit_button("Save agreed actions"):
            forms.save(slots, lambda: step("actions", actions=_action_rows(actions)),
                       "Agreed actions saved.", keys=(key, f"notice_actions_{nid}"), on_conflict=forget)  # fmt: skip
    _review_form(nid, step, forget, key)


def _review_form(nid: int, step, forget, key: str) -> None:
    """The review and its outcome: nothing pre-selected (no outcome, no dates)."""
    with st.form(f"review_{nid}"):
        slots = forms.Slots()
        on = st.date_input("Review date", value=None, max_value=date.today(),
                           key=f"review_on_{nid}")  # fmt: skip
        slots.add("Review date")
        outcome = st.selectbox("Outcome", list(notices.OUTCOMES), index=None,
                               format_func=notices.OUTCOMES.get, key=f"review_outcome_{nid}",
                               placeholder="Choose the outcome")  # fmt: skip
        slots.add("Outcome", "Unknown outcome")
        nxt = st.date_input("Next review (if extended: 6 to 8 weeks on; empty: 6 weeks)",
                            value=None, key=f"review_next_{nid}")  # fmt: skip
        slots.add("Next review date")
        text = st.text_area("Review summary", max_chars=notes.MAX_TEXT, key=f"review_text_{nid}")
        slots.add("Review summary")
        if st.form_submit_button("Save review"):
            forms.save(
                slots,
                lambda: step(
                    "review",
                    reviewed_on=on,
                    outcome=outcome,
                    summary=text,
                    next_review_due=nxt if outcome == "extended" else None,
                ),  # fmt: skip
                "Review saved.",
                required=[
                    ("Review date", on, "Review date: choose the date of the review"),
                    ("Outcome", outcome, "Outcome: choose the outcome of the review"),
                ],  # fmt: skip
                keys=(
                    key,
                    f"review_on_{nid}",
                    f"review_outcome_{nid}",
                    f"review_next_{nid}",
                    f"review_text_{nid}",
                ),
                on_conflict=forget,
            )


def _follow_up_form(nid: int, step, forget, key: str) -> None:
    with st.form(f"follow_up_{nid}"):
        slots = forms.Slots()
        on = st.date_input("Date", value=None, max_value=date.today(), key=f"fu_on_{nid}")
        slots.add("Follow-up date", "Date")
        text = st.text_area("Follow-up or outcome", max_chars=notes.MAX_TEXT, key=f"fu_text_{nid}")
        slots.add("Follow-up")
        close = st.checkbox("This is the outcome: close the concern", key=f"fu_close_{nid}")
        if st.form_submit_button("Save follow-up"):
            forms.save(slots, lambda: step("follow_up", on=on, text=text, close=close),
                       "Follow-up saved.", required=[("Date", on, "Date: choose the date")],
                       keys=(key, f"fu_on_{nid}", f"fu_text_{nid}", f"fu_close_{nid}"),
                       on_conflict=forget)  # fmt: skip


def withdraw_form(identity: Identity, urn: int, entries: list[dict]) -> None:
    """Withdraw an entry made in error (it stays in the history, marked withdrawn)."""
    if not entries:
        st.caption("Nothing entered in the app for this school to withdraw.")
        return
    labels = {e["id"]: f"{e['date']} {notes.VISIT_TYPES.get(e.get('visit_type'), e['kind'])}: "
                       f"{str(e['text'])[:60]}" for e in entries}  # fmt: skip
    with st.form("withdraw_entry", clear_on_submit=False):
        slots = forms.Slots()
        chosen = st.selectbox(
            "Entry", list(labels), format_func=labels.get, index=None, key="withdraw_entry_id"
        )
        slots.add("Entry")
        reason = st.text_input("Why it is withdrawn", max_chars=500, key="withdraw_reason")
        slots.add("Why", "Withdrawn reason", "Reason")
        if st.form_submit_button("Withdraw entry"):
            version = next((e["version"] for e in entries if e["id"] == chosen), None)
            forms.save(slots, lambda: data.withdraw(identity, urn, chosen, version, reason),
                       "Entry withdrawn. It no longer counts; its history is kept.",
                       required=[("Entry", chosen, "Entry: choose the entry to withdraw")],
                       keys=("withdraw_entry_id", "withdraw_reason"))  # fmt: skip
