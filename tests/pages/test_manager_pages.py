"""AppTest: the improvement manager's pages (overview, priority list, drill-down) on the fixture county
built by the real ETL: each renders for manager and officer, each filter changes what is shown, the URL
reopens the same view, other roles cannot open them, and the visit plan exports the numbers shown."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.components import priority_table as view_of
from dashboard.store import notes
from tests.pages.helpers import login, open_sections, open_tab, page_text

PAGES = ("overview", "priority", "school")
FILTERS = ("district", "phase", "school_type", "category", "group", "year")


@pytest.fixture
def county(county_env):
    """The shared fixture county (tests/pages/conftest.py): warehouse and store paths."""
    return county_env


def open_page(page: str, username: str = "manager", tab: str | None = None, **params):
    """Open ``page`` with ``params`` in the URL; on the drill-down, then the tab ``tab`` (only the
    open tab's content is computed and shown); on the overview, every section made when opened
    (so its tests see all of it, as before the sections were closed on first paint)."""
    at = login(username)
    for k, v in params.items():
        at.query_params[k] = str(v)
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, at.exception
    if page in ("overview", "priority"):  # their sections made when opened, open
        open_sections(at)
    return open_tab(at, tab) if tab else at


def priority_table(at) -> pd.DataFrame:
    """The sortable table of every school (its section opened first if it is not yet)."""
    if not at.dataframe:
        open_sections(at)
    assert len(at.dataframe) == 1
    return at.dataframe[0].value


def open_dialog(at, which: str):
    """Click the summary band's button that opens the visit, note or notice dialog."""
    at.button(key=f"open_{which}").click().run()
    assert not at.exception, at.exception
    return at


def first_school(county) -> int:
    at = open_page("priority")
    return int(priority_table(at)["URN"].iloc[0])


@pytest.mark.parametrize("username", ["manager", "officer"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_without_exception(county, username, page):
    params = {"urn": first_school(county)} if page == "school" else {}
    at = open_page(page, username, tab="Performance" if page == "school" else None, **params)
    assert at.title and at.title[0].value
    charts = at.get("vega_lite_chart")
    if page != "priority":
        assert len(charts) >= 2, page


def test_the_sortable_table_of_every_school_is_made_when_opened_and_stays_open(county):
    """Closed, the priority list sends no grid (its section: components/priority_table.py); opened,
    the grid holds every school of the list, and a filter change keeps it open with the new list."""
    at = login("manager", page="priority")
    assert not at.exception and not at.dataframe  # the reading list only
    assert [e.label for e in at.expander] == [view_of.EVERY_COLUMN[0], view_of.PLAN_FILES[0]]
    reading = next(t.value for t in at.table if "No." in t.value.columns)
    table = priority_table(at)  # opens the section
    assert len(table) >= len(reading) and {"URN", "Reasons", "Rank"} <= set(table.columns)
    phase = next(v for v in option_values("phase") if v)
    at.selectbox(key="filter_phase").set_value(phase).run()
    assert len(at.dataframe) == 1 and set(at.dataframe[0].value["Phase"]) == {phase}


@pytest.mark.parametrize("username", ["governor1", "briefing"])
def test_other_roles_cannot_open_the_manager_pages(county, username):
    at = login(username)
    for page in PAGES:
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(f"../pages/{page}.py")


def option_values(param: str) -> list:
    from dashboard.access import identity_for
    from dashboard.data_access import manager

    identity = identity_for("manager", "M", "manager", [])
    return manager.filter_options(identity, manager.context(identity))[param]


@pytest.mark.parametrize("param", FILTERS)
def test_each_filter_changes_the_priority_list_and_the_url(county, param):
    at = open_page("priority")
    before = priority_table(at)
    current = at.selectbox(key=f"filter_{param}").value
    for value in option_values(param):
        if value == current:
            continue
        at.selectbox(key=f"filter_{param}").set_value(value).run()
        assert not at.exception, at.exception
        if not priority_table(at).equals(before):
            break
    else:
        pytest.fail(f"no value of {param} changed the list")
    assert at.query_params[param] == [str(value)] or at.query_params[param] == str(value)


@pytest.mark.parametrize("param", ["district", "phase", "group", "year"])
def test_each_filter_changes_the_overview(county, param):
    at = open_page("overview")
    before = page_text(at)
    current = at.selectbox(key=f"filter_{param}").value
    value = next(v for v in option_values(param) if v != current)
    at.selectbox(key=f"filter_{param}").set_value(value).run()
    assert not at.exception, at.exception
    assert page_text(at) != before


def test_drill_down_group_and_year_filters_change_what_is_shown(county):
    urn = first_school(county)
    at = open_page("school", urn=urn, tab="Performance")
    before = page_text(at)
    at.selectbox(key="filter_group").set_value("send").run()
    assert "SEND is shown as context" in page_text(at)
    assert page_text(at) != before
    years = option_values("year")
    at.selectbox(key="filter_year").set_value(years[0]).run()
    assert not at.exception
    assert str(years[0])[:4] in page_text(at)


# What only each tab of the drill-down shows (the band above the tabs is always shown).
TAB_MARKERS = {
    "Reasons": "Achievement:",
    "Performance": "Compared with schools with a similar intake",
    "Pupil groups": "Measures not published for pupil groups",
    "Attendance": "Persistent absence",
    "Inspections": "Graded inspections (to 2024/25)",
    "Timeline": "Withdraw an entry made in error",
}


def test_the_drill_down_computes_only_the_open_tab_and_every_tab_is_one_click_away(county):
    from dashboard.components.school_tabs import TABS

    assert set(TABS) == set(TAB_MARKERS)
    at = open_page("school", urn=first_school(county))
    assert [t.label for t in at.tabs] == list(TABS)
    assert at.session_state["school_tab"] == "Reasons"  # the first tab opens by default
    for label in TABS:
        text = page_text(open_tab(at, label)).replace("\\", "")
        assert TAB_MARKERS[label] in text, label
        hidden = [m for other, m in TAB_MARKERS.items() if other != label and m in text]
        assert not hidden or hidden == ["Persistent absence"], (label, hidden)  # also a reason
        charts = len(at.get("vega_lite_chart"))
        assert charts >= 2 if label in ("Performance", "Attendance") else charts == 0, label
    at.selectbox(key="filter_group").set_value("disadvantaged").run()  # the tab stays open
    assert at.session_state["school_tab"] == "Timeline" and not at.exception


def test_url_reopens_the_same_view(county):
    district = option_values("district")[1]
    first = open_page("priority")
    first.selectbox(key="filter_district").set_value(district).run()
    first.selectbox(key="filter_group").set_value("disadvantaged").run()
    params = {k: first.query_params[k] for k in first.query_params}
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in params.items()}
    assert params == {"district": district, "group": "disadvantaged"}
    again = open_page("priority", **params)
    assert again.selectbox(key="filter_district").value == district
    assert again.selectbox(key="filter_group").value == "disadvantaged"
    pd.testing.assert_frame_equal(priority_table(again), priority_table(first))


def test_url_values_not_among_the_options_are_ignored(county):
    at = open_page("priority", district="<script>", year="1999", group="nobody")
    assert at.selectbox(key="filter_district").value == "__all__"
    assert at.selectbox(key="filter_group").value == "all"
    assert "district" not in at.query_params and "group" not in at.query_params


def test_visit_plan_exports_re_read_give_the_numbers_shown(county):
    from openpyxl import load_workbook

    from dashboard.components import exports

    at = open_page("priority")
    shown = priority_table(at)
    excel = load_workbook(io.BytesIO(exports.to_excel_bytes(shown, "Visit plan", "Visit plan")))
    rows = list(excel["Visit plan"].iter_rows(min_row=3, values_only=True))
    assert list(rows[0]) == list(shown.columns)
    for col in ("URN", "Rank", "Achievement score", "Persistent absence %", "Open intelligence"):
        j = list(shown.columns).index(col)
        got = [r[j] for r in rows[1:]]
        want = [None if pd.isna(v) else v for v in shown[col]]
        assert got == want, col
    csv = pd.read_csv(io.BytesIO(exports.to_csv_bytes(shown)))
    assert list(csv["URN"]) == list(shown["URN"])
    assert (
        csv["Achievement score"].round(2).equals(shown["Achievement score"].astype(float).round(2))
    )


def test_visit_plan_files_are_made_when_their_section_is_opened(county):
    at = login("manager", page="priority")
    assert not at.exception and not at.get("download_button")  # no workbook made while closed
    open_sections(at)
    labels = [b.label for b in at.get("download_button")]
    assert "Download the visit plan (Excel)" in labels and "Download the visit plan (CSV)" in labels
    at.selectbox(key="filter_district").select_index(1).run()  # kept open across a filter change
    assert len(at.get("download_button")) == 2


def _universal_maintained(county) -> int:
    table = priority_table(open_page("priority"))
    universal = table[table["Category"].str.contains("Universal") & (table["Type"] == "Maintained")]
    return int(universal["URN"].iloc[0])


def test_a_notice_issued_in_the_app_makes_the_school_intensive_on_the_next_rerun(county):
    urn = _universal_maintained(county)
    school = open_dialog(open_page("school", urn=urn), "notice")
    school.date_input(key="notice_on").set_value(date.today())
    school.text_area(key="notice_text").input("Notice issued after the visit")
    school.button(key="FormSubmitter:issue_notice-Issue notice of concern").click().run()
    assert not school.exception, school.exception
    [notice] = notes.notes_for([urn], path=county["store"])
    assert (notice["kind"], notice["status"], notice["author"]) == (
        "notice_of_concern",
        "open",
        "manager",
    )
    assert notice["review_due"] == (date.today() + timedelta(weeks=6)).isoformat()
    after = open_page("priority")
    row = priority_table(after).set_index("URN").loc[urn]
    assert "Intensive" in row["Category"] and "entered in the app" in row["Reasons"]
    assert row["Changed by app entries"] == "yes"
    timeline = page_text(open_page("school", urn=urn, tab="Timeline"))
    assert "Entered in the app by manager" in timeline
    assert "meeting with headteacher and chair to hold" in timeline  # text is Markdown-escaped


def test_school_page_offers_dfe_concern_not_notice_for_an_academy(county):
    at = open_page("priority", school_type="Academy or free school")
    urn = int(priority_table(at)["URN"].iloc[0])
    school = open_dialog(open_page("school", urn=urn), "notice")
    assert "Record a concern raised with the DfE" in page_text(school)
    keys = {b.key for b in school.button}
    assert "FormSubmitter:raise_dfe-Save concern raised with the DfE" in keys
    assert not any(k.startswith("FormSubmitter:issue_notice") for k in keys)
    school.date_input(key="dfe_on").set_value(date.today())
    school.selectbox(key="dfe_with").set_value("DfE regions group")
    school.text_area(key="dfe_text").input("Raised falling outcomes with the regions group")
    school.button(key="FormSubmitter:raise_dfe-Save concern raised with the DfE").click().run()
    assert not school.exception
    [c] = notes.notes_for([urn], path=county["store"])
    assert (c["kind"], c["raised_with"]) == ("dfe_concern", "DfE regions group")


def test_a_visit_note_with_actions_is_saved_and_shown_next_to_the_data(county):
    urn = _universal_maintained(county)
    school = open_dialog(open_page("school", urn=urn, tab="Timeline"), "visit")
    school.date_input(key="visit_on").set_value(date.today())
    school.selectbox(key="visit_type").set_value("challenge_meeting")
    school.text_area(key="visit_summary").input("Reading plan reviewed with the head")
    school.selectbox(key="visit_rag").set_value("amber")
    school.button(key="FormSubmitter:add_visit-Save visit").click().run()
    assert not school.exception, school.exception
    [visit] = notes.notes_for([urn], path=county["store"])
    assert (visit["kind"], visit["visit_type"], visit["rag"], visit["officer"]) == (
        "visit",
        "challenge_meeting",
        "amber",
        "Demo improvement manager",
    )
    text = page_text(school)
    assert "Challenge meeting by Demo improvement manager" in text
    assert "Reading plan reviewed" in text
    assert "Visit saved." in text


def test_a_visit_without_a_summary_is_refused_with_a_message_and_nothing_saved(county):
    urn = _universal_maintained(county)
    school = open_dialog(open_page("school", urn=urn), "visit")
    school.button(key="FormSubmitter:add_visit-Save visit").click().run()
    assert "Summary is required" in page_text(school)
    assert notes.notes_for([urn], path=county["store"]) == []


def test_a_refused_visit_keeps_what_was_typed_and_shows_the_error_beside_the_field(county):
    urn = _universal_maintained(county)
    school = open_dialog(open_page("school", urn=urn), "visit")
    school.text_area(key="visit_summary").input("Long notes typed during the visit")
    school.selectbox(key="visit_rag").set_value("amber")
    school.button(key="FormSubmitter:add_visit-Save visit").click().run()
    errors = [e.value.replace("\\", "") for e in school.error]  # Markdown-escaped
    assert any("Visit date: choose the date" in e for e in errors)
    assert any("Type: choose the type" in e for e in errors)
    assert not any("Summary" in e for e in errors)  # the summary was typed
    assert school.text_area(key="visit_summary").value == "Long notes typed during the visit"
    assert school.selectbox(key="visit_rag").value == "amber"
    assert notes.notes_for([urn], path=county["store"]) == []
    # the dialog is still open: completing the form saves it, with what was typed first
    school.date_input(key="visit_on").set_value(date.today())
    school.selectbox(key="visit_type").set_value("monitoring_visit")
    school.button(key="FormSubmitter:add_visit-Save visit").click().run()
    [visit] = notes.notes_for([urn], path=county["store"])
    assert (visit["text"], visit["rag"]) == ("Long notes typed during the visit", "amber")
    assert "FormSubmitter:add_visit-Save visit" not in {b.key for b in school.button}  # closed


def test_every_workflow_form_starts_with_nothing_chosen(county):
    from dashboard.store import notices

    urn = _universal_maintained(county)
    nid = notices.issue_notice(urn, "officer", issued_on=date.today(), concerns="Attendance",
                               path=county["store"])  # fmt: skip
    school = open_page("school", urn=urn, tab="Timeline")
    assert school.selectbox(key=f"review_outcome_{nid}").value is None  # never "Lifted"
    for key in (f"review_on_{nid}", f"review_next_{nid}", f"meeting_on_{nid}"):
        assert school.date_input(key=key).value is None, key
    assert school.checkbox(key=f"meeting_head_{nid}").value is False
    open_dialog(school, "visit")
    assert school.date_input(key="visit_on").value is None
    assert school.selectbox(key="visit_type").value is None
    assert school.selectbox(key="visit_rag").value is None
    at = open_dialog(open_page("school", urn=urn), "note")
    assert (
        at.selectbox(key="note_kind").value is None and at.date_input(key="note_date").value is None
    )
    at = open_dialog(open_page("school", urn=urn), "notice")
    assert at.date_input(key="notice_on").value is None
    assert at.date_input(key="notice_review_due").value is None


def test_a_review_without_an_outcome_is_refused_and_the_notice_is_unchanged(county):
    from dashboard.store import notices

    urn = _universal_maintained(county)
    nid = notices.issue_notice(urn, "officer", issued_on=date.today(), concerns="Attendance",
                               path=county["store"])  # fmt: skip
    school = open_page("school", urn=urn, tab="Timeline")
    school.date_input(key=f"review_on_{nid}").set_value(date.today())
    school.text_area(key=f"review_text_{nid}").input("Summary typed before choosing")
    school.button(key=f"FormSubmitter:review_{nid}-Save review").click().run()
    assert any("Outcome: choose the outcome" in e.value.replace("\\", "") for e in school.error)
    assert school.text_area(key=f"review_text_{nid}").value == "Summary typed before choosing"
    after = notes.get_note(nid, path=county["store"])
    assert (after["status"], after["version"], after["reviews"]) == ("open", 1, [])


def test_a_notice_is_saved_all_or_nothing_and_a_refused_one_keeps_its_text(county):
    urn = _universal_maintained(county)
    school = open_dialog(open_page("school", urn=urn), "notice")
    school.date_input(key="notice_on").set_value(date.today())
    school.date_input(key="notice_review_due").set_value(date.today() + timedelta(weeks=12))
    school.text_area(key="notice_text").input("Concerns about leadership capacity")
    school.button(key="FormSubmitter:issue_notice-Issue notice of concern").click().run()
    errors = [e.value.replace("\\", "") for e in school.error]
    assert any("Review date" in e and "6 to 8 weeks" in e for e in errors), errors
    assert school.text_area(key="notice_text").value == "Concerns about leadership capacity"
    assert notes.notes_for([urn], path=county["store"]) == []  # nothing half-saved


def test_a_notice_walks_its_workflow_on_the_school_page_and_closes_with_its_outcome(county):
    from dashboard.store import notices

    urn = _universal_maintained(county)
    nid = notices.issue_notice(urn, "officer", issued_on=date.today(), concerns="Attendance",
                               path=county["store"])  # fmt: skip
    school = open_page("school", urn=urn, tab="Timeline")
    school.date_input(key=f"meeting_on_{nid}").set_value(date.today())
    school.checkbox(key=f"meeting_chair_{nid}").check()
    school.text_area(key=f"meeting_text_{nid}").input("Head and chair agreed the plan")
    school.button(key=f"FormSubmitter:meeting_{nid}-Save meeting").click().run()
    assert not school.exception, school.exception
    assert notes.get_note(nid, path=county["store"])["meeting"]["chair_present"] is True
    school.date_input(key=f"review_on_{nid}").set_value(date.today())
    school.selectbox(key=f"review_outcome_{nid}").set_value("lifted")
    school.text_area(key=f"review_text_{nid}").input("Attendance back to the county average")
    school.button(key=f"FormSubmitter:review_{nid}-Save review").click().run()
    closed = notes.get_note(nid, path=county["store"])
    assert (closed["status"], closed["outcome"], closed["version"]) == ("closed", "lifted", 3)
    row = priority_table(open_page("priority")).set_index("URN").loc[urn]
    assert "Universal" in row["Category"] and "Notice of concern" not in row["Reasons"]


def test_two_managers_saving_the_same_step_the_second_is_told_and_nothing_is_overwritten(county):
    from dashboard.store import notices

    urn = _universal_maintained(county)
    nid = notices.issue_notice(urn, "officer", issued_on=date.today(), concerns="Attendance",
                               path=county["store"])  # fmt: skip
    first, second = (
        open_page("school", urn=urn, tab="Timeline"),
        open_page("school", urn=urn, tab="Timeline"),
    )
    first.date_input(key=f"meeting_on_{nid}").set_value(date.today())
    first.text_area(key=f"meeting_text_{nid}").input("First manager's notes")
    first.button(key=f"FormSubmitter:meeting_{nid}-Save meeting").click().run()
    second.date_input(key=f"meeting_on_{nid}").set_value(date.today())
    second.text_area(key=f"meeting_text_{nid}").input("Second manager's notes")
    second.button(key=f"FormSubmitter:meeting_{nid}-Save meeting").click().run()
    assert "was changed by manager at" in page_text(second)
    assert notes.get_note(nid, path=county["store"])["meeting"]["notes"] == "First manager's notes"


def test_the_notices_page_lists_overdue_reviews_first_and_works_the_chosen_one(county):
    from dashboard.store import notices

    urns = [_universal_maintained(county)]
    late = notices.issue_notice(urns[0], "officer", issued_on=date.today() - timedelta(days=60),
                                concerns="Overdue one", path=county["store"])  # fmt: skip
    fresh = notices.issue_notice(urns[0], "officer", issued_on=date.today(),
                                 concerns="Fresh one", path=county["store"])  # fmt: skip
    at = open_page("notices")
    table = at.table[0].value
    app = table[table["Source"] == "Entered in the app"]
    assert list(app["Overdue"]) == ["⚠ Overdue 18 days", ""]  # 60 - 42 days
    days = [int(o.split()[2]) if o else 0 for o in table["Overdue"]]
    assert days == sorted(days, reverse=True)  # overdue reviews first, the most overdue at the top
    metrics = [int(m.value) for m in at.metric]
    assert metrics[0] >= 2 and metrics[1] == sum(d > 0 for d in days)
    at.selectbox(key="notice_chosen").set_value(fresh).run()
    keys = {b.key for b in at.button}
    assert f"FormSubmitter:review_{fresh}-Save review" in keys
    assert f"FormSubmitter:review_{late}-Save review" not in keys  # only the chosen one
    assert late != fresh


@pytest.mark.parametrize("role", ["governor", "briefing", "admin"])
def test_data_functions_refuse_other_roles(county, role):
    from dashboard.access import identity_for
    from dashboard.data_access import manager

    boss = identity_for("manager", "M", "manager", [])
    ctx = manager.context(boss)
    other = identity_for("x", "X", role, [ctx.years["time_period"].iloc[0]])
    for call in (
        lambda: manager.context(other),
        lambda: manager.schools(other, ctx, ctx.latest),
        lambda: manager.priority_list(other, ctx, {"year": ctx.latest}),
        lambda: manager.intelligence_timeline(other, ctx, 1),
        lambda: manager.add_note(other, 1, "note", "x", None, None),
    ):
        with pytest.raises(PermissionError):
            call()


def test_a_note_is_closed_only_through_its_own_school_and_never_by_a_governor(county):
    from dashboard import data_access
    from dashboard.access import identity_for
    from dashboard.data_access import manager

    boss = identity_for("manager", "M", "manager", [])
    urns = sorted(int(u) for u in data_access.list_schools(boss)["urn"])[:2]
    note_id = notes.add_note(urns[0], "officer", "notice_of_concern", "N", path=county["store"])
    governor = identity_for("governor1", "G", "governor", [urns[0]])
    with pytest.raises(PermissionError):
        data_access.close_school_note(governor, urns[0], note_id)
    with pytest.raises(PermissionError):
        manager.close_note(governor, urns[0], note_id)
    with pytest.raises(PermissionError):  # the id alone is not trusted: it belongs to urns[0]
        data_access.close_school_note(boss, urns[1], note_id)
    assert notes.get_note(note_id, path=county["store"])["status"] == "open"
    data_access.close_school_note(boss, urns[0], note_id)
    with pytest.raises(ValueError, match="already closed"):
        data_access.close_school_note(boss, urns[0], note_id)


def test_headteacher_change_is_offered_and_counts_on_the_next_rerun(county):
    table = priority_table(open_page("priority"))
    universal = table[table["Category"].str.contains("Universal")]
    urn = int(universal["URN"].iloc[0])
    school = open_dialog(open_page("school", urn=urn), "note")
    assert "Headteacher change" in school.selectbox(key="note_kind").options
    school.selectbox(key="note_kind").set_value("headteacher_change")
    school.date_input(key="note_date").set_value(date.today())
    school.text_area(key="note_text").input("New head started")
    school.button(key="FormSubmitter:add_note-Save").click().run()
    assert not school.exception
    row = priority_table(open_page("priority")).set_index("URN").loc[urn]
    assert "Targeted" in row["Category"] and "(entered in the app)" in row["Reasons"]
    assert "Headteacher changed" in row["Reasons"]


def test_overview_counts_schools_in_each_band_as_the_model_bands_them(county):
    """Every school with a band under a heading is counted once under that heading, this year and
    last, and the change is the difference (checked against school_bands in the build)."""
    from dashboard.access import identity_for
    from dashboard.data_access import manager, overview
    from warehouse.connection import open_read_only, resolve_build

    manager_id = identity_for("manager", "M", "manager", [])
    ctx = manager.context(manager_id)
    counts = overview.overview(manager_id, ctx, {"year": ctx.latest}).bands
    con = open_read_only(resolve_build(county["warehouse"]))
    try:
        want = dict(
            con.execute(
                """SELECT heading, count(*) FROM school_bands b JOIN schools s USING (urn)
                   WHERE s.la_code = ? AND b.time_period = ? AND b.band IS NOT NULL GROUP BY ALL""",
                [ctx.la_code, ctx.latest],
            ).fetchall()
        )
    finally:
        con.close()
    assert counts.groupby("heading")["schools"].sum().to_dict() == want
    assert (counts["change"] == counts["schools"] - counts["last_year"]).all()
    text = page_text(open_page("overview"))
    assert "Schools in each band, against last year" in text and "band 1 of 5" in text


def test_withdrawing_an_entry_stops_it_counting_and_keeps_it_in_the_history(county):
    urn = _universal_maintained(county)
    # a notice of concern (intensive); a headteacher change alone is only a watch signal (decision 11)
    nid = notes.add_note(urn, "officer", "notice_of_concern", "Wrong school", path=county["store"])
    assert (
        "Intensive" in priority_table(open_page("priority")).set_index("URN").loc[urn, "Category"]
    )
    school = open_page("school", urn=urn, tab="Timeline")
    school.selectbox(key="withdraw_entry_id").set_value(nid)
    school.text_input(key="withdraw_reason").input("Entered against the wrong school")
    school.button(key="FormSubmitter:withdraw_entry-Withdraw entry").click().run()
    assert not school.exception, school.exception
    assert notes.notes_for([urn], path=county["store"]) == []
    history = school.table[-1].value
    assert list(history["version"]) == [1, 2] and list(history["withdrawn"]) == ["", "yes"]
    assert (
        "Universal" in priority_table(open_page("priority")).set_index("URN").loc[urn, "Category"]
    )


def _warehouse_rows(county, sql: str, params: list) -> list[tuple]:
    from warehouse.connection import open_read_only, resolve_build

    con = open_read_only(resolve_build(county["warehouse"]))
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_the_notices_page_lists_the_workbooks_notices_with_their_source_and_days_overdue(county):
    at = open_page("notices")
    table = at.table[0].value
    workbook = table[table["Source"] == "Council workbook"].set_index("URN")
    rows = _warehouse_rows(
        county,
        """SELECT n.urn, n.review_date FROM notices_of_concern n JOIN schools s USING (urn)
           JOIN home_la h USING (la_code)
           WHERE lower(n.status) NOT IN ('closed', 'withdrawn', 'lifted', 'ended', 'resolved',
                                         'complete', 'completed')""",
        [],
    )
    assert rows, "the fixture county's workbook should hold an open notice of concern"
    for urn, review in rows:
        late = (date.today() - review).days
        assert workbook.loc[urn, "What"] == "Notice of concern"
        assert workbook.loc[urn, "Overdue"] == (f"⚠ Overdue {late} days" if late > 0 else "")


def _view(county, group: str) -> pd.DataFrame:
    from dashboard.access import identity_for
    from dashboard.data_access import manager

    boss = identity_for("manager", "M", "manager", [])
    ctx = manager.context(boss)
    return manager.priority_view(boss, ctx, {"year": ctx.latest, "group": group}), ctx


def test_the_disadvantaged_filter_shows_the_groups_own_figure_and_re_ranks_by_it(county):
    from dashboard import priority

    at = open_page("priority")
    before = at.table[0].value
    at.selectbox(key="filter_group").set_value("disadvantaged").run()
    after = at.table[0].value
    heading = [c for c in after.columns if c.startswith("Key figure")][0]
    assert "disadvantaged pupils" in heading
    assert list(after.iloc[:, 1]) != list(before.iloc[:, 1])  # the list re-ranked
    view, ctx = _view(county, "disadvantaged")
    ranked = view[view["group_percentile"].notna()]
    assert list(ranked["group_percentile"]) == sorted(ranked["group_percentile"])
    assert list(ranked.index) == list(range(len(ranked)))  # ranked schools first
    small = view[pd.to_numeric(view["group_cohort"], errors="coerce").isna()
                 & view["group_status"].eq("SUPP (small group)")]  # fmt: skip
    assert small["group_value"].isna().all()
    for r in ranked.head(5).to_dict("records"):  # the figures are the warehouse's
        [(value, national)] = _warehouse_rows(
            county,
            """SELECT m.value, n.value FROM school_measures m JOIN national_measures n
               USING (time_period, measure, pupil_group)
               WHERE m.urn = ? AND m.time_period = ? AND m.measure = ? AND m.pupil_group = ?""",
            [int(r["urn"]), ctx.latest, r["measure"], "disadvantaged"],
        )
        assert (r["group_value"], r["group_national"]) == (value, national)
        text = priority.key_figure(r, "disadvantaged")
        assert f"{int(r['group_cohort'])} pupils" in text and "(national " in text


def test_small_groups_are_suppressed_and_never_ranked(county):
    view, _ = _view(county, "disadvantaged")
    counts = pd.to_numeric(view["group_cohort"], errors="coerce")
    assert not (counts <= 5).any()  # the count of a small group is hidden too
    hidden = view[view["group_status"].eq("SUPP (small group)")]
    assert hidden["group_percentile"].isna().all() and hidden["group_value"].isna().all()


def test_every_school_has_a_reason_sentence_and_an_action_never_blank(county):
    from dashboard import priority

    view, _ = _view(county, "all")
    for r in view.to_dict("records"):
        assert str(r["recommended_action"]).strip(), r["urn"]
        assert priority.why(r).strip()
        if r["category"] == "not categorised":
            assert priority.why(r).startswith("Not categorised: ")


def test_overview_first_paint_draws_the_categories_and_opens_every_other_part_on_a_click(county):
    """Signing in draws the categories' totals and their chart; the two tables and the charts
    below the fold are closed sections made when opened. Opened, each part is there with its
    chart's table alternative and CSV, and stays open across a filter change."""
    from dashboard.overview_screen import SECTIONS

    at = login("manager")  # the manager's home page is the overview
    assert [e.label for e in at.expander] == [label for label, _ in SECTIONS]
    assert len(at.metric) >= 3 and len(at.get("vega_lite_chart")) == 1
    assert not at.table  # the long tables are not sent until opened
    closed = page_text(at)
    assert "Schools in each band, against last year" not in closed
    open_sections(at)
    assert (
        len(at.table) == 2 and len(at.get("vega_lite_chart")) >= 5
    )  # categories, scores, 3 trends, map
    opened = page_text(at)
    for words in ("By district and phase, against last year",
                  "Schools in each band, against last year", "Distribution of achievement scores",
                  "Map of districts and schools"):  # fmt: skip
        assert words in opened, words
    toggles = {t.key for t in at.toggle}
    downloads = {b.key for b in at.get("download_button")}
    for chart in ("categories", "distribution", "map"):
        assert f"{chart}__table" in toggles and f"{chart}__csv" in downloads, chart
    district = option_values("district")[0]
    at.selectbox(key="filter_district").set_value(district).run()
    assert not at.exception, at.exception
    assert len(at.table) == 2 and set(at.table[0].value["District"]) == {district}
