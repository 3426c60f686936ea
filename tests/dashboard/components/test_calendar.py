"""The visit plan's calendar file, parsed back with icalendar: one all-day event per dated visit,
stable UIDs from record ids, versions as SEQUENCE, cancellations as STATUS:CANCELLED, and text that
needs escaping (commas, semicolons, new lines) read back unchanged."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from dashboard.components import calendar

VISIT = {
    "id": 17,
    "version": 1,
    "date": "2026-11-05",
    "urn": 123456,
    "school": "St Mary's C of E (Aided) School, Westfield; Annexe",
    "officer": "olly",
    "purpose": "Targeted: progress concern in maths;\nheadteacher change",
    "status": "planned",
    "term": "2026/27 autumn",
    "updated_at": "2026-10-01T09:30:00+00:00",
}


def events(ics: bytes) -> list:
    return Calendar.from_ical(ics).walk("VEVENT")


def test_a_dated_visit_is_one_all_day_event_with_school_urn_officer_and_purpose():
    ics = calendar.visit_calendar([VISIT], "Visit plan: olly, 2026/27 autumn")
    cal = Calendar.from_ical(ics)
    assert str(cal["x-wr-calname"]) == "Visit plan: olly, 2026/27 autumn"
    [ev] = events(ics)
    assert ev.decoded("dtstart") == date(2026, 11, 5)  # a date, not a date-time: all day
    assert ev.decoded("dtend") == date(2026, 11, 6)
    assert str(ev["summary"]) == (
        "School visit: St Mary's C of E (Aided) School, Westfield; Annexe (URN 123456)"
    )
    description = str(ev["description"])
    for words in ("URN: 123456", "Officer: olly", "Term: 2026/27 autumn", "Status: Planned",
                  "Purpose: Targeted: progress concern in maths;\nheadteacher change"):  # fmt: skip
        assert words in description
    assert str(ev["status"]) == "CONFIRMED"
    assert b"VALUE=DATE:20261105" in ics and b"\r\n" in ics


def test_uids_come_from_record_ids_so_a_re_import_updates_the_same_event():
    first = events(calendar.visit_calendar([VISIT], "plan"))[0]
    moved = {**VISIT, "version": 3, "date": "2026-11-19", "updated_at": "2026-10-20T08:00:00"}
    again = events(calendar.visit_calendar([moved], "plan"))[0]
    assert str(first["uid"]) == str(again["uid"]) == "planned-visit-17@school-improvement-dashboard"
    assert (first.decoded("sequence"), again.decoded("sequence")) == (0, 2)
    assert again.decoded("dtstart") == date(2026, 11, 19)
    other = events(calendar.visit_calendar([{**VISIT, "id": 18}], "plan"))[0]
    assert str(other["uid"]) != str(first["uid"])


def test_a_cancelled_visit_is_sent_cancelled_and_a_done_visit_says_when():
    cancelled = {**VISIT, "status": "cancelled", "cancel_reason": "school closed", "version": 2}
    done = {**VISIT, "id": 18, "status": "done", "done_date": "2026-11-06"}
    ev_cancelled, ev_done = events(calendar.visit_calendar([cancelled, done], "plan"))
    assert str(ev_cancelled["status"]) == "CANCELLED"
    assert str(ev_cancelled["summary"]).startswith("Cancelled: ")
    assert "Reason cancelled: school closed" in str(ev_cancelled["description"])
    assert "Status: Done on 2026-11-06" in str(ev_done["description"])


def test_visits_without_a_date_are_left_out_and_an_empty_plan_is_a_valid_calendar():
    ics = calendar.visit_calendar([{**VISIT, "date": None}, {**VISIT, "id": 2, "date": ""}], "p")
    assert events(ics) == []
    assert str(Calendar.from_ical(ics)["version"]) == "2.0"
