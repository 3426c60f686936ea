"""Visit plans as an iCalendar (.ics) file that Outlook, Google Calendar and phones import.

Why the icalendar package rather than writing lines: RFC 5545 escaping (commas, semicolons, new
lines in a school's name or a purpose), line folding at 75 octets and date value types are easy to
get subtly wrong by hand, and a wrong file imports silently half-broken.

One VEVENT per visit that has a date: an all-day event (``DTSTART;VALUE=DATE`` and the next day as
``DTEND``), since plans hold a day, not a time. The UID comes from the visit's record id, and the
SEQUENCE from its version, so importing the file again updates the same events instead of adding
copies; a cancelled visit is sent as ``STATUS:CANCELLED`` so the calendar drops it on re-import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

PRODID = "-//School improvement dashboard//Visit plan//EN"
UID_DOMAIN = "school-improvement-dashboard"  # UIDs are ids, not addresses: any fixed domain works
STATUS = {"planned": "CONFIRMED", "done": "CONFIRMED", "cancelled": "CANCELLED"}
STATUS_WORDS = {"planned": "Planned", "done": "Done", "cancelled": "Cancelled"}


def uid(visit_id: int) -> str:
    """The stable UID of a planned visit: the same record always gives the same event."""
    return f"planned-visit-{int(visit_id)}@{UID_DOMAIN}"


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _stamp(value: Any) -> datetime:
    """When the visit's latest version was written, in UTC (DTSTAMP/LAST-MODIFIED)."""
    try:
        when = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return datetime.now(UTC).replace(microsecond=0)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def visit_event(visit: Mapping[str, Any]) -> Event | None:
    """One visit as an all-day event; None when it has no date.

    ``visit`` keys: id, version, date, urn, school, officer, purpose, status, term, updated_at
    (optional: done_date, cancel_reason).
    """
    day = _day(visit.get("date"))
    if day is None:
        return None
    status = str(visit.get("status") or "planned")
    school = str(visit.get("school") or "School")
    event = Event()
    event.add("uid", uid(visit["id"]))
    event.add("sequence", max(int(visit.get("version") or 1) - 1, 0))
    event.add("dtstamp", _stamp(visit.get("updated_at")))
    event.add("last-modified", _stamp(visit.get("updated_at")))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    prefix = "Cancelled: " if status == "cancelled" else ""
    event.add("summary", f"{prefix}School visit: {school} (URN {visit.get('urn')})")
    lines = [
        f"School: {school}",
        f"URN: {visit.get('urn')}",
        f"Officer: {visit.get('officer') or ''}",
        f"Term: {visit.get('term') or ''}",
        f"Status: {STATUS_WORDS.get(status, status)}"
        + (f" on {visit['done_date']}" if status == "done" and visit.get("done_date") else ""),
    ]
    if status == "cancelled" and visit.get("cancel_reason"):
        lines.append(f"Reason cancelled: {visit['cancel_reason']}")
    if visit.get("purpose"):
        lines.append(f"Purpose: {visit['purpose']}")
    event.add("description", "\n".join(lines))
    event.add("status", STATUS.get(status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT")  # an all-day reminder: does not block the day's free time
    event.add("categories", ["School visit"])
    return event


def visit_calendar(visits: Iterable[Mapping[str, Any]], name: str) -> bytes:
    """The .ics bytes of these visits (those without a date are left out: they have no day)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for visit in visits:
        event = visit_event(visit)
        if event is not None:
            cal.add_component(event)
    return cal.to_ical()
