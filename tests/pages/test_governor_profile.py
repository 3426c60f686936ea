"""The governor's profile (issue 5) on the fixture county built by the real ETL and model: each
governor sees only their own school(s), nothing confidential, no small group as a number, the
warehouse's own figures, and a PDF with the same headline numbers."""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard import access, profile_pdf
from dashboard.access import GOVERNOR, identity_for
from dashboard.components.format import fmt_measure
from dashboard.data_access import governor
from dashboard.store import audit, notes, notices, users
from tests.pages.helpers import login, open_sections, page_text
from warehouse.connection import open_read_only, resolve_build

NOTE_TEXT = "Zanzibar-quokka confidential note about the head"
LINE = (
    "The council also took into account information it holds in confidence; your school "
    "improvement adviser can discuss it with you"
)


@pytest.fixture
def county(county_env, fixture_warehouse):  # noqa: ARG001 (county_env sets the environment)
    con = open_read_only(resolve_build(fixture_warehouse))
    try:
        schools = con.execute("SELECT urn, name FROM schools").df()
        yield {
            "con": con,
            "names": dict(zip(schools["urn"].astype(int), schools["name"], strict=True)),
        }
    finally:
        con.close()


def _governors() -> list:
    return [
        identity_for(u.username, u.display_name, u.role, u.urns)
        for u in users.list_users()
        if u.role == GOVERNOR
    ]


def _tables(at) -> list[pd.DataFrame]:
    return [t.value for t in at.table] + [d.value for d in at.dataframe]


def _clean(v) -> str:
    return str(v).replace("\\", "")


def test_each_governor_sees_only_their_schools_and_other_urns_are_refused(county):
    names = county["names"]
    govs = _governors()
    assert len(govs) == 3 and any(len(g.allowed_urns) == 2 for g in govs)
    for gov in govs:
        at = open_sections(login(gov.username))  # the home page is the profile; all of it open
        own = sorted(gov.allowed_urns)
        assert _clean(at.title[0].value) == names[own[0]]
        if len(own) > 1:
            assert at.selectbox(key="profile_urn").options == [f"{names[u]} ({u})" for u in own]
        others = sorted(set(names) - gov.allowed_urns)
        for other in [None, *others[:3]]:
            if other is not None:
                at.query_params["urn"] = str(other)
                at.run()
                assert at.warning, "a refused URN says so"
                assert at.query_params["urn"] == [str(own[0])] or at.query_params["urn"] == str(
                    own[0]
                )
            assert not at.exception
            text = _clean(page_text(at))
            for u in others:
                assert str(u) not in text
                if not any(names[u] in names[o] for o in own):
                    assert names[u] not in text
        with pytest.raises(PermissionError):
            governor.my_schools(identity_for("b", "B", access.BRIEFING, []))
        assert governor.school_profile(gov, others[0]) is None
        seen = audit.entries(username=gov.username, action="view_school")
        assert {e["urn"] for e in seen if e["detail"] is None} <= gov.allowed_urns
        assert any(e["urn"] == others[0] and e["detail"] for e in seen)  # refusals are audited


def test_no_soft_intelligence_only_the_single_confidential_line(county):
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))
    soon = date.today() - timedelta(days=3)
    for kind in ("concern", "concern", "notice_of_concern", "note", "visit"):
        notes.add_note(urn, "officer", kind, f"{NOTE_TEXT} ({kind})", on=soon)
    notes.add_visit(urn, "officer", on=soon, officer="Officer Quetzal", visit_type="support",
                    summary=f"{NOTE_TEXT} (visit note)", rag="red",
                    actions=[{"action": f"{NOTE_TEXT} action", "due": date.today()}])  # fmt: skip
    notice = notices.issue_notice(urn, "officer", issued_on=soon, concerns=f"{NOTE_TEXT} notice")
    notices.record_meeting(notice, 1, "officer", met_on=soon, head_present=True,
                           chair_present=True, notes=f"{NOTE_TEXT} meeting")  # fmt: skip
    con = county["con"]
    workbook = pd.concat(
        [
            con.execute("SELECT concern_type AS what, raised_date AS d, notes FROM concerns").df(),
            con.execute("SELECT category AS what, received_date AS d, notes FROM complaints").df(),
        ]
    )
    assert len(workbook), "the fixture county's workbook holds concerns and complaints"
    at = open_sections(login(gov.username))  # every section open (it asserts no exception)
    text = _clean(page_text(at))
    assert NOTE_TEXT not in text and "Zanzibar" not in text and "Quetzal" not in text
    assert text.count(LINE) == 1  # app-entered concerns and a notice: one generic line, no detail
    assert "entered in the app" not in text and "Notice of concern issued" not in text
    for row in workbook.itertuples():
        if isinstance(row.notes, str) and len(row.notes) > 12:
            assert row.notes not in text
        if not pd.isna(row.d):
            d = pd.Timestamp(row.d)
            assert d.strftime("%Y-%m-%d") not in text and d.strftime("%d %B %Y") not in text
    profile = governor.school_profile(gov, urn)
    assert profile.support.category == "intensive" and profile.support.reasons[-1] == LINE
    assert not any(NOTE_TEXT in r for r in profile.support.reasons)


def test_small_groups_suppressed_and_figures_match_the_warehouse(county):
    con = county["con"]
    threshold = 5
    for gov in _governors():
        at = open_sections(login(gov.username))  # every table, the sections' too
        urn = sorted(gov.allowed_urns)[0]
        for df in _tables(at):
            if "Pupils" in df.columns:
                counts = pd.to_numeric(
                    df["Pupils"].map(_clean).str.replace(",", ""), errors="coerce"
                )
                assert (counts.dropna() > threshold).all(), df
        measures = con.execute(
            "SELECT * FROM school_measures WHERE urn = ? AND pupil_group = 'all'", [urn]
        ).df()
        shown = {
            _clean(r["Measure"]): _clean(r["School"])
            for df in _tables(at)
            if "Measure" in df.columns
            for _, r in df.iterrows()
        }
        checked = 0
        for ks in ("ks2", "ks4", "census", "absence"):
            m = measures[measures["key_stage"] == ks]
            if m.empty:
                continue
            latest = m[m["time_period"] == m["time_period"].max()]
            for r in latest.itertuples():
                from dashboard.components.measures import label

                if label(r.measure) in shown and (
                    ks in ("census", "absence") or r.measure in profile_pdf.HEADLINES[ks]
                ):
                    want = fmt_measure(r.measure, r.value, r.status_code)
                    if not pd.isna(r.cohort) and r.cohort <= threshold:
                        want = access.SUPPRESSED
                    assert shown[label(r.measure)] == want, (r.measure, urn)
                    checked += 1
        assert checked >= 8


def _streams(b: bytes) -> bytes:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", b, flags=re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return b"\n".join(out)


def test_pdf_has_the_pages_headline_numbers(county):
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))
    at = open_sections(login(gov.username))
    assert at.get("download_button")  # the page offers the PDF
    profile = governor.school_profile(gov, urn)
    b = profile_pdf.build_pdf(profile, compress=False, font_dir=None)
    assert b.startswith(b"%PDF")
    content = _streams(b)
    page = _clean(page_text(at))
    ks = profile_pdf.key_stages(profile)[0]
    table = profile_pdf.headline_table(profile, ks)
    for figure in table["School"].head(3):
        assert figure.replace("\u2212", "-").encode("latin-1") in content
        assert figure in page
    # the footer wraps the data's date (decision 25: long) over lines: its opening is on one line
    assert b"Data as at" in content
    assert profile.data_date[:25].encode() in content
    assert profile.school["name"].encode("latin-1") in content
    assert NOTE_TEXT.encode() not in content
    for line in profile_pdf.summary(profile):  # the same 'what stands out' as the page
        start = line[:24].replace("\u2212", "-")
        assert start.encode("latin-1") in content.replace(b"\\(", b"(").replace(b"\\)", b")")
        assert line[:24] in page
    assert b"Code not recognised" not in content


@pytest.mark.parametrize("role_user", ["manager", "officer", "briefing", "admin", "governor1"])
def test_method_page_for_every_role(county, role_user):
    at = login(role_user, page="method")
    assert not at.exception
    text = page_text(at)
    assert "How schools are banded" in text and "Achievement score" in text
    assert at.get("download_button")


def test_every_governor_query_refuses_other_schools_in_sql(county):
    from warehouse.queries import governor as q

    con = county["con"]
    own, other = sorted(county["names"])[:2]
    for name in [
        "school",
        "measures",
        "achievement",
        "group_gaps",
        "trends",
        "inspections",
        "support",
    ]:
        fn = getattr(q, name)
        assert len(fn(con, allowed=[own], urn=own)) > 0 or name == "inspections", name
        assert fn(con, allowed=[own], urn=other).empty, name
    assert q.support_reasons(con, allowed=[own], urn=other, time_period=202425).empty
    assert q.workbook_event_dates(con, allowed=[own], urn=other).empty
    reasons = q.support_reasons(con, allowed=None, urn=own, time_period=202425)
    assert reasons.loc[reasons["confidential"], "reason"].isna().all()


def test_federation_governor_picks_between_their_schools(county):
    names = county["names"]
    fed = next(g for g in _governors() if len(g.allowed_urns) == 2)
    first, second = sorted(fed.allowed_urns)
    at = login(fed.username)
    at.selectbox(key="profile_urn").set_value(second).run()
    assert not at.exception
    assert _clean(at.title[0].value) == names[second]
    assert at.query_params["urn"] in ([str(second)], str(second))


def test_governor_deployment_reads_no_intelligence(county, monkeypatch):
    from warehouse.queries import governor as q

    def refuse(*args, **kwargs):
        raise AssertionError("intelligence read in a governor deployment")

    monkeypatch.setenv("SID_DEPLOYMENT", "governor")
    monkeypatch.setattr(notes, "notes_for", refuse)
    monkeypatch.setattr(q, "workbook_event_dates", refuse)
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    profile = governor.school_profile(gov, next(iter(gov.allowed_urns)))
    assert profile is not None and profile.support is not None
    assert not profile.support.app_entries_counted


def test_app_headteacher_change_reaches_a_governor_only_as_the_confidential_line(county):
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))
    before = governor.school_profile(gov, urn).support
    notes.add_note(urn, "officer", "headteacher_change", NOTE_TEXT, on=date.today())
    after = governor.school_profile(gov, urn).support
    # A headteacher change is a watch signal (decision 11 revised): it never sets a category alone,
    # and a governor sees it only as the one confidential line, in the reasons or the watch signals.
    shown = list(after.reasons) + list(after.watch_flags)
    assert shown.count(LINE) == 1
    assert after.app_entries_counted or before.category != "universal"
    assert not any("eadteacher" in r or NOTE_TEXT in r for r in shown)
    assert after.summary is None or (
        "eadteacher" not in after.summary and NOTE_TEXT not in after.summary
    )
    text = _clean(page_text(open_sections(login(gov.username))))
    assert "entered in the app" not in text and "Zanzibar" not in text and text.count(LINE) == 1


def test_first_paint_holds_the_headline_and_the_sections_open_to_the_rest(county):
    """Signing in draws what a governor reads first and no chart; each section made when opened
    (profile_view.SECTIONS) then draws its tables and charts, each chart with its CSV."""
    from dashboard import profile_view

    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))
    profile = governor.school_profile(gov, urn)
    at = login(gov.username)
    assert not at.exception
    first = _clean(page_text(at))
    assert not at.get("vega_lite_chart")  # no chart until its section is opened
    ks = profile_pdf.key_stages(profile)[0]
    headline = profile_pdf.headline_table(profile, ks)
    assert any(len(df) == len(headline) and "School" in df.columns for df in _tables(at))
    for figure in headline["School"]:
        assert _clean(figure) in first
    for line in profile_pdf.summary(profile):  # what stands out
        assert line[:24] in first
    assert profile.support is not None  # the category and its reasons, on the first paint
    for reason in profile.support.reasons:
        assert reason[:24] in first
    labels = [e.label for e in at.expander]
    assert profile_view.KEY_STAGE_SECTIONS[ks][0] in labels
    assert {profile_view.ATTENDANCE[0], profile_view.CONTEXT[0]} <= set(labels)
    closed = len(_tables(at))

    at = open_sections(at)
    opened = _clean(page_text(at))
    assert len(at.get("vega_lite_chart")) >= 1 and len(_tables(at)) > closed
    csv = [b.proto.label for b in at.get("download_button")]
    assert any("(CSV)" in label for label in csv)
    for line in profile_pdf.summary(profile):
        assert line[:24] in opened
    context = profile_pdf.latest_rows(profile, profile_pdf.CONTEXT)  # drawn once opened

    def is_context(df: pd.DataFrame) -> bool:
        return "Measure" in df.columns and list(df["Measure"].map(_clean)) == list(
            context["Measure"]
        )

    assert not any(is_context(df) for df in _tables(login(gov.username)))
    shown = [df for df in _tables(at) if is_context(df)]
    assert len(shown) == 1 and list(shown[0]["School"].map(_clean)) == list(context["School"])


def test_a_federations_first_view_makes_every_schools_charts_switching_converts_none(
    county, monkeypatch
):
    """Every school's charts (this one's too: they are in closed sections) are converted after
    the first view is drawn, so switching to another school and back converts no chart."""
    from dashboard.components import charts

    fed = next(g for g in _governors() if len(g.allowed_urns) == 2)
    first, second = sorted(fed.allowed_urns)
    at = login(fed.username)  # opens on one of the two schools
    assert not at.exception
    before = set(charts._specs)  # vega_lite_spec's memo: chart id -> (chart, spec)
    for urn in (second, first, second):
        at.selectbox(key="profile_urn").set_value(urn).run()
        assert not at.exception
    assert not [k for k in charts._specs if k not in before]
