"""The visit plan page's pieces: capacity against the plan, picking schools from the priority list,
the plan as a table (shown, exported to CSV, Excel and a calendar file: one frame for all), and the
forms that mark a visit done (optionally writing its visit note), cancel it or move its date.

Every write goes through dashboard.data_access.visits (role and officer checks there) and names the
version the editor had ON SCREEN: the versions shown by the previous run are kept in session state,
so if another manager saved in between, the store refuses with ConflictError and the page says who
changed it, instead of overwriting their change.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard import data_access, terms
from dashboard.access import Identity
from dashboard.components import calendar, exports, palette
from dashboard.components.safe import md_escape
from dashboard.data_access import visits
from dashboard.data_access.core import cached
from dashboard.store import notes, records

SHOWN = "_visit_plan_shown"  # record key -> version on screen after the previous run
FLASH = "_visit_plan_flash"  # messages to show after the rerun that follows a save
STATUS_WORDS = {"planned": "○ Planned", "done": "✓ Done", "cancelled": "✕ Cancelled"}
OVER = "⚠ Over capacity"


# --- versions on screen ---------------------------------------------------------------------------


class Shown:
    """The versions on screen in the previous run (what the editor started from) and this run's."""

    def __init__(self) -> None:
        self.before: dict[str, int] = dict(st.session_state.get(SHOWN, {}))
        self.now: dict[str, int] = {}

    def see(self, key: str, version: int | None) -> None:
        self.now[key] = int(version or 0)

    def base(self, key: str) -> int | None:
        """The version the editor started from (0 = nothing existed): None when not yet set."""
        version = self.before.get(key, self.now.get(key, 0))
        return version or None

    def keep(self) -> None:
        st.session_state[SHOWN] = self.now


class FieldErrors:
    """Places under a form's fields for its refusals: the store's messages start with the field's
    name ("Summary is required", "Planned date (...) is outside ..."), so each is shown under the
    field it is about; any other refusal is shown under the form's button."""

    def __init__(self) -> None:
        self.slots: dict[str, object] = {}

    def under(self, *names: str) -> None:
        """A place for the errors of the field(s) just drawn."""
        slot = st.empty()
        for name in names:
            self.slots[name] = slot

    def show(self, message: object) -> None:
        text = str(message)
        for name, slot in self.slots.items():
            if text.startswith(name):
                slot.error(md_escape(text))
                return
        st.error(md_escape(text))


def reset_after_save(form: str, keys: list[str]) -> None:
    """Empty a form's fields on the run after it saved (a form that fails keeps what was typed:
    forms here never clear on submit). Called before the form's widgets are drawn."""
    if st.session_state.pop(f"_saved_{form}", False):
        for key in keys:
            st.session_state.pop(key, None)


def saved(form: str) -> None:
    st.session_state[f"_saved_{form}"] = True


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault(FLASH, []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop(FLASH, []):
        getattr(st, kind)(md_escape(text))


# --- tables (pure: shown and exported alike) -------------------------------------------------------


def plan_table(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan as shown on the page and written to CSV and Excel."""
    rows = plan.to_dict("records")

    def text(v) -> str:
        return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)

    return pd.DataFrame(
        {
            "Visit": [int(r["id"]) for r in rows],
            "URN": [int(r["urn"]) for r in rows],
            "School": [r["name"] for r in rows],
            "District": [text(r["district"]) for r in rows],
            "Category": [text(r["category"]) for r in rows],
            "Officer": [r["officer"] for r in rows],
            "Term": [r["term"] for r in rows],
            "Planned date": [text(r["planned_date"]) or "not set" for r in rows],
            "Status": [STATUS_WORDS.get(r["status"], r["status"]) for r in rows],
            "Done on": [text(r["done_date"]) for r in rows],
            "Purpose": [r["purpose"] for r in rows],
            "Visit note": [
                "" if pd.isna(r["visit_note_id"]) else f"note {int(r['visit_note_id'])}"
                for r in rows
            ],
            "Cancelled because": [text(r["cancel_reason"]) for r in rows],
            "Planned by": [r["planned_by"] for r in rows],
            "Last changed": [f"{r['updated_at'][:16]} by {r['updated_by']}" for r in rows],
        },
        columns=[
            "Visit",
            "URN",
            "School",
            "District",
            "Category",
            "Officer",
            "Term",
            "Planned date",
            "Status",
            "Done on",
            "Purpose",
            "Visit note",
            "Cancelled because",
            "Planned by",
            "Last changed",
        ],  # fmt: skip
    )


def calendar_rows(plan: pd.DataFrame) -> list[dict]:
    """The plan's visits as the calendar builder reads them (undated visits have no event)."""
    return [
        {
            "id": int(r["id"]),
            "version": int(r["version"]),
            "date": r["planned_date"] if isinstance(r["planned_date"], str) else None,
            "urn": int(r["urn"]),
            "school": r["name"],
            "officer": r["officer"],
            # Calendars sync to phones and shared diaries: the purpose quotes the school's reasons,
            # confidential intelligence included, so it stays in the dashboard and the CSV/Excel.
            "purpose": "see the visit plan in the dashboard (reasons are not copied into calendars)",
            "status": r["status"],
            "term": r["term"],
            "updated_at": r["updated_at"],
            "done_date": r["done_date"],
            "cancel_reason": r["cancel_reason"],
        }
        for r in plan.to_dict("records")
    ]


def capacity_message(row: dict, officer_name: str, term: str) -> tuple[str, str]:
    """(st function name, words) for an officer's capacity against the plan: words and a symbol,
    never colour alone."""
    planned, cap = int(row["planned"]), row["capacity"]
    visits_word = "visit" if planned == 1 else "visits"
    if cap is None or pd.isna(cap):
        return "info", (
            f"ℹ No capacity set for {officer_name} in {term}: {planned} {visits_word} planned. "
            "Set the capacity below so the plan can be checked against it."
        )
    cap = int(cap)
    if planned > cap:
        return "warning", (
            f"{OVER}: {planned} {visits_word} planned for {officer_name} in {term} against a "
            f"capacity of {cap} ({planned - cap} over). Cancel or move visits, or raise the capacity."
        )
    return "success", (
        f"✓ Within capacity: {planned} of {cap} {'visit' if cap == 1 else 'visits'} planned for "
        f"{officer_name} in {term} ({cap - planned} left)."
    )


# --- sections ---------------------------------------------------------------------------------------


def capacity_section(
    identity: Identity, officer: str, officer_name: str, term: str, shown: Shown
) -> None:
    st.subheader("Capacity")
    row = visits.load_of(identity, term, officer, officer_name)
    kind, words = capacity_message(row, officer_name, term)
    getattr(st, kind)(md_escape(words))
    left, mid, right = st.columns(3)
    left.metric("Capacity (visits this term)", "not set" if pd.isna(row["capacity"])
                else int(row["capacity"]))  # fmt: skip
    mid.metric("Planned or done", int(row["planned"]))
    right.metric("Done", int(row["done"]))
    current = visits.capacity(identity, officer, term)
    key = f"capacity:{officer}:{term}"
    shown.see(key, None if current is None else current["version"])
    if not visits.may_plan_for(identity, officer):
        return
    with st.form("visit_capacity"):
        value = st.number_input(
            "Visits this officer can make this term",
            min_value=1,
            max_value=visits.MAX_CAPACITY,
            step=1,
            value=int(current["visits"]) if current else 6,
            key="capacity_value",
        )
        if st.form_submit_button("Save capacity"):
            base = shown.base(key)
            _write(lambda: visits.set_capacity(identity, officer, term, int(value), base),
                   f"Capacity saved: {int(value)} visits in {term}.")  # fmt: skip


PICK_COLUMNS = {"rank": "Rank", "urn": "URN", "name": "School", "category": "Category",
                "reasons": "Reasons"}  # fmt: skip


@cached
def _pick(key: tuple, term: str, *, _pool: pd.DataFrame) -> tuple:
    """What the pick section shows of the candidates of ``key`` (visits.candidates_keyed, which
    names the user's schools): the table as Arrow (its last column named for the term), the
    picker's labels and each school's purpose, made once per key instead of on every rerun."""
    shown = _pool[[*PICK_COLUMNS, "already_planned"]].rename(
        columns={**PICK_COLUMNS, "already_planned": f"Already planned in {term}"}
    )
    labels, purposes = _choices(key, _pool=_pool)  # the same for every term of the key
    return pa.Table.from_pandas(shown, preserve_index=False), labels, purposes


@cached
def _choices(key: tuple, *, _pool: pd.DataFrame) -> tuple:
    """(the picker's labels, each school's purpose) of the candidates of ``key``: the key names
    the planned visits (by digest), so a term with the same visits shares them."""
    columns = ("urn", "rank", "name", "category", "already_planned")
    labels = {
        int(urn): f"{rank}. {name} ({urn}) — {category}"
        + (f" — already planned: {planned}" if planned else "")
        for urn, rank, name, category, planned in zip(*(_pool[c] for c in columns), strict=True)
    }
    purposes = dict(zip(_pool["urn"].astype(int), _pool["purpose"], strict=True))
    return MappingProxyType(labels), MappingProxyType(purposes)


def pick_section(identity: Identity, ctx, officer: str, term: str) -> None:
    st.subheader("Add schools from the priority list")
    pool, key = visits.candidates_keyed(identity, ctx, term)
    table, labels, purposes = _pick(key, term, _pool=pool)
    st.caption(
        "In priority-list order (intensive first, then the most reasons). The purpose of each visit "
        "is taken from the school's reasons, confidential ones included."
    )
    st.dataframe(
        table,
        hide_index=True,
        key="visit_candidates",
        column_config={
            "URN": st.column_config.NumberColumn(format="%d"),
            "Reasons": st.column_config.TextColumn(width="large"),
        },  # fmt: skip
        height=260,
    )
    if not visits.may_plan_for(identity, officer):
        return
    start, end = terms.dates(term)
    reset_after_save("visit_add", ["visit_pick", "visit_planned_date", "visit_second"])
    errors = FieldErrors()
    with st.form("visit_add"):
        picked = st.multiselect(
            "Schools to visit", list(labels), format_func=labels.get, key="visit_pick"
        )
        errors.under("Choose", "Not one of", "Purpose")
        on = st.date_input("Planned date (optional; inside the term)", value=None,
                           min_value=start, max_value=end, key="visit_planned_date")  # fmt: skip
        errors.under("Planned date")
        again = st.checkbox(
            "A second visit in this term on purpose (plan it even if already planned)",
            key="visit_second",
        )
        if st.form_submit_button("Add to the plan", type="primary"):
            if not picked:
                errors.show("Choose at least one school.")
                return
            try:
                added, refused = visits.add_visits(identity, officer, term,
                                                   [(u, purposes[u]) for u in picked],
                                                   planned_date=on, also_if_planned=again)  # fmt: skip
            except (ValueError, PermissionError) as err:
                errors.show(err)  # nothing was saved; the form keeps what was chosen
                return
            saved("visit_add")
            if added:
                flash("success", f"Added {len(added)} visit{'s' if len(added) != 1 else ''} "
                      f"to the plan for {term}.")  # fmt: skip
            for message in refused:
                flash("warning", f"⚠ {message}")
            st.rerun()


def plan_section(identity: Identity, plan: pd.DataFrame, title: str, file_stem: str) -> None:
    st.subheader("The plan")
    if plan.empty:  # the table would be empty too
        st.caption("No visits planned yet.")
        return
    table = plan_table(plan)
    st.dataframe(
        table,
        hide_index=True,
        key="visit_plan_table",
        column_config={
            "URN": st.column_config.NumberColumn(format="%d"),
            "Visit": st.column_config.NumberColumn(format="%d"),
            "Purpose": st.column_config.TextColumn(width="large"),
        },  # fmt: skip
    )
    undated = int((table["Planned date"] == "not set").sum())
    st.caption(
        f"{len(table)} visit{'s' if len(table) != 1 else ''}. The calendar file holds one all-day "
        f"event per dated visit{f' ({undated} without a date left out)' if undated else ''}; "
        "importing it again updates the same events. Purposes may quote confidential reasons: "
        "keep the files within the team."
    )
    one, two, three = st.columns(3)
    one.download_button(
        "Download the plan (Excel)",
        exports.to_excel_bytes(
            table,
            "Visit plan",
            title,
            ["Purposes may quote confidential reasons."],
            source="Visit plan entered in the app",
            data_date=str(date.today()),
        ),  # fmt: skip
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="visit_plan_xlsx",
        on_click=data_access.record_export,
        args=(identity, f"{title} (Excel)", None, len(table)),
    )
    two.download_button(
        "Download the plan (CSV)",
        exports.to_csv_bytes(table),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key="visit_plan_csv",
        on_click=data_access.record_export,
        args=(identity, f"{title} (CSV)", None, len(table)),
    )
    three.download_button(
        "Download the plan (calendar, .ics)",
        calendar.visit_calendar(calendar_rows(plan), title),
        file_name=f"{file_stem}.ics",
        mime="text/calendar",
        key="visit_plan_ics",
        on_click=data_access.record_export,
        args=(identity, f"{title} (calendar)", None, len(table) - undated),
    )


def _write(action, success: str, errors: FieldErrors | None = None, form: str = "") -> None:
    """Run one write; a conflict or a refusal is shown in words (under its field when the message
    names one) and the form keeps what was typed; a success empties the form and shows after the
    rerun. Each write saves everything or nothing (the store's functions check before writing)."""
    errors = errors or FieldErrors()
    try:
        action()
    except records.ConflictError as err:
        errors.show(f"Not saved: {err}")
    except (ValueError, LookupError, PermissionError) as err:
        errors.show(err)
    else:
        if form:
            saved(form)
        flash("success", success)
        st.rerun()


def update_section(identity: Identity, plan: pd.DataFrame, shown: Shown) -> None:
    """Mark done, cancel or move the date of a planned visit this user may change."""
    for visit, version in zip(plan["id"], plan["version"], strict=True):
        shown.see(f"visit:{visit}", version)
    if plan.empty:
        return
    mine = plan[(plan["status"] == "planned") & plan["officer"].map(
        lambda o: visits.may_plan_for(identity, o))]  # fmt: skip
    if mine.empty:
        return
    st.subheader("Update a planned visit")
    labels = {
        int(r.id): f"Visit {r.id}: {r.name} ({r.urn}), {r.officer}, "
        + (r.planned_date if isinstance(r.planned_date, str) else "no date yet")
        for r in mine.itertuples()
    }
    chosen = st.selectbox("Visit", list(labels), format_func=labels.get, key="visit_chosen")
    row = mine[mine["id"] == chosen].iloc[0]
    base = shown.base(f"visit:{chosen}") or int(row["version"])
    done_tab, cancel_tab, move_tab = st.tabs(["Mark done", "Cancel", "Change the date"])
    done_keys = ["visit_done_on", "visit_done_note", "visit_done_type", "visit_done_rag",
                 "visit_done_summary"]  # fmt: skip
    reset_after_save("visit_done", done_keys)
    reset_after_save("visit_cancel", ["visit_cancel_reason"])
    reset_after_save("visit_move", ["visit_move_on"])
    with done_tab, st.form("visit_done"):
        errors = FieldErrors()
        on = st.date_input("Date of the visit", value=date.today(), max_value=date.today(),
                           key="visit_done_on")  # fmt: skip
        errors.under("Done date", "Visit date")
        write_note = st.checkbox("Also write the visit note", key="visit_done_note")
        kind = st.selectbox("Visit type", list(notes.VISIT_TYPES),
                            format_func=notes.VISIT_TYPES.get, key="visit_done_type")  # fmt: skip
        errors.under("Unknown visit type")
        rag = st.selectbox("RAG (optional)", [None, "red", "amber", "green"], key="visit_done_rag",
                           format_func=lambda r: "None" if r is None else palette.rag(r).label)  # fmt: skip
        summary = st.text_area("What was found (the visit note)", key="visit_done_summary",
                               max_chars=notes.MAX_TEXT)  # fmt: skip
        errors.under("Summary")
        if st.form_submit_button("Mark done", type="primary"):
            note = {"visit_type": kind, "summary": summary, "rag": rag} if write_note else None
            _write(lambda: visits.mark_done(identity, chosen, base, on, note),
                   f"Visit {chosen} marked done on {on}"
                   + (" and its visit note saved." if note else "."), errors, "visit_done")  # fmt: skip
    with cancel_tab, st.form("visit_cancel"):
        errors = FieldErrors()
        reason = st.text_input("Why is it cancelled?", key="visit_cancel_reason")
        errors.under("Reason for cancelling")
        if st.form_submit_button("Cancel the visit"):
            _write(lambda: visits.cancel(identity, chosen, base, reason),
                   f"Visit {chosen} cancelled (kept in the plan as cancelled).", errors,
                   "visit_cancel")  # fmt: skip
    with move_tab, st.form("visit_move"):
        errors = FieldErrors()
        start, end = terms.dates(str(row["term"]))
        new = st.date_input("Planned date (empty: no date yet)", value=None, min_value=start,
                            max_value=end, key="visit_move_on")  # fmt: skip
        errors.under("Planned date")
        if st.form_submit_button("Save the date"):
            _write(lambda: visits.reschedule(identity, chosen, base, new),
                   f"Visit {chosen}: planned date {new or 'cleared'}.", errors, "visit_move")  # fmt: skip
