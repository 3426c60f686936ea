"""Notices of concern and DfE concerns: each workflow step is a new version, dates are checked with
messages that name the field, and closed records cannot change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.store import notes, notices, records

TODAY = date.today()
ISSUED = TODAY - timedelta(days=70)  # ten weeks ago: the default review (6 weeks) is 4 weeks late


def _notice(store, **kw) -> int:
    return notices.issue_notice(100, "manager", issued_on=ISSUED, concerns="Safeguarding records",
                                path=store, **kw)  # fmt: skip


def test_a_notice_reviews_six_weeks_after_issue_unless_a_date_in_the_window_is_chosen(store):
    n = notes.get_note(_notice(store), path=store)
    assert n["review_due"] == (ISSUED + timedelta(days=42)).isoformat()
    assert (n["status"], n["rag"], n["kind"]) == ("open", "red", "notice_of_concern")
    chosen = notes.get_note(_notice(store, review_due=ISSUED + timedelta(days=56)), path=store)
    assert chosen["review_due"] == (ISSUED + timedelta(days=56)).isoformat()
    with pytest.raises(ValueError, match="6 to 8 weeks"):
        _notice(store, review_due=ISSUED + timedelta(days=57))
    with pytest.raises(ValueError, match="6 to 8 weeks"):
        _notice(store, review_due=ISSUED + timedelta(days=41))
    with pytest.raises(ValueError, match="Date issued"):
        notices.issue_notice(1, "m", issued_on=TODAY + timedelta(days=1), concerns="x", path=store)
    with pytest.raises(ValueError, match="concerns is required"):
        notices.issue_notice(1, "m", issued_on=TODAY, concerns="  ", path=store)


def test_the_workflow_walks_meeting_actions_review_each_a_new_version(store):
    nid = _notice(store)
    n = notices.record_meeting(nid, 1, "officer", met_on=ISSUED + timedelta(days=7),
                               head_present=True, chair_present=True, notes="Agreed plan",
                               path=store)  # fmt: skip
    assert notices.stage(n, TODAY) == "Review overdue by 28 days"  # 70 - 42 days
    assert notices.stage(n, ISSUED + timedelta(days=8)) == "Meeting held; actions to agree"
    n = notices.agree_actions(
        nid, 2, "officer",
        [{"action": "Audit the single central record", "owner": "Head",
          "due": ISSUED + timedelta(days=21)}], path=store)  # fmt: skip
    assert notices.stage(n, ISSUED + timedelta(days=22)) == "Actions agreed; awaiting review"
    n = notices.record_review(nid, 3, "manager", reviewed_on=ISSUED + timedelta(days=42),
                              outcome="extended", summary="Progress, not yet secure",
                              next_review_due=ISSUED + timedelta(days=42 + 49), path=store)  # fmt: skip
    assert n["status"] == "open" and n["review_due"] == (ISSUED + timedelta(days=91)).isoformat()
    assert notices.days_overdue(n, TODAY) == 0
    n = notices.record_review(nid, 4, "manager", reviewed_on=TODAY, outcome="lifted",
                              summary="Resolved", path=store)  # fmt: skip
    assert (n["status"], n["outcome"], n["closed_by"]) == ("closed", "lifted", "manager")
    assert notices.stage(n, TODAY).startswith("Closed: Lifted")
    assert [v.version for v in records.history(nid, path=store)] == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="closed"):
        notices.agree_actions(nid, 5, "m", [{"action": "x", "due": TODAY}], path=store)


def test_workflow_steps_check_their_dates(store):
    nid = _notice(store)
    with pytest.raises(ValueError, match="before the notice was issued"):
        notices.record_meeting(nid, 1, "o", met_on=ISSUED - timedelta(days=1), head_present=True,
                               chair_present=False, notes="x", path=store)  # fmt: skip
    with pytest.raises(ValueError, match="Action 1 is due"):
        notices.agree_actions(nid, 1, "o", [{"action": "x", "due": ISSUED - timedelta(days=1)}],
                              path=store)  # fmt: skip
    with pytest.raises(ValueError, match="Agree at least one action"):
        notices.agree_actions(nid, 1, "o", [], path=store)
    with pytest.raises(ValueError, match="Unknown outcome"):
        notices.record_review(nid, 1, "o", reviewed_on=TODAY, outcome="forgotten", summary="x",
                              path=store)  # fmt: skip
    with pytest.raises(ValueError, match="Next review date"):
        notices.record_review(nid, 1, "o", reviewed_on=TODAY - timedelta(days=1),
                              outcome="extended", summary="x",
                              next_review_due=TODAY + timedelta(days=90), path=store)  # fmt: skip
    assert len(records.history(nid, path=store)) == 1  # nothing refused was written


def test_two_managers_recording_the_same_step_do_not_overwrite_each_other(store):
    nid = _notice(store)
    meeting = dict(met_on=ISSUED, head_present=True, chair_present=True)
    notices.record_meeting(nid, 1, "alice", notes="Alice's notes", path=store, **meeting)
    with pytest.raises(records.ConflictError, match="alice"):
        notices.record_meeting(nid, 1, "bob", notes="Bob's notes", path=store, **meeting)
    assert notes.get_note(nid, path=store)["meeting"]["notes"] == "Alice's notes"


def test_a_dfe_concern_follows_up_and_closes(store):
    cid = notices.raise_with_dfe(200, "manager", raised_on=ISSUED, raised_with="DfE regions group",
                                 concerns="Falling outcomes", path=store)  # fmt: skip
    c = notices.follow_up_dfe(cid, 1, "manager", on=ISSUED + timedelta(days=14),
                              text="Regions group visiting", path=store)  # fmt: skip
    assert notices.stage(c, TODAY) == "Raised with DfE regions group; 1 follow-up(s)"
    assert notices.days_overdue(c, TODAY) == 0  # the council sets no review for an academy
    c = notices.follow_up_dfe(cid, 2, "manager", on=TODAY, text="Trust improvement plan agreed",
                              close=True, path=store)  # fmt: skip
    assert (c["status"], c["outcome"]) == ("closed", "Trust improvement plan agreed")
    with pytest.raises(ValueError, match="Raised with"):
        notices.raise_with_dfe(1, "m", raised_on=TODAY, raised_with="Ofsted", concerns="x",
                               path=store)  # fmt: skip
    with pytest.raises(LookupError):
        notices.follow_up_dfe(_notice(store), 1, "m", on=TODAY, text="x", path=store)


def test_a_notice_entered_before_the_workflow_reviews_six_weeks_after_its_date(store):
    nid = notes.add_note(1, "o", "notice_of_concern", "Old style", on=ISSUED, path=store)
    assert notices.review_due(notes.get_note(nid, path=store)) == ISSUED + timedelta(days=42)
    assert notices.days_overdue(notes.get_note(nid, path=store), TODAY) == 28
