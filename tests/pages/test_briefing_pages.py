"""Briefing, district comparison and inspection readiness pages on the fixture county (real ETL)."""

import io
import re

import pytest

from dashboard import briefing_slides
from dashboard.access import identity_for
from dashboard.components import slides
from dashboard.data_access import briefing, readiness
from tests.pages.helpers import login, page_text


@pytest.fixture
def county_env(county_env):
    """The shared fixture county (tests/pages/conftest.py), as the list of its schools."""
    manager = identity_for("manager", "M", "manager", [])
    from dashboard import data_access

    return data_access.list_schools(manager)


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


@pytest.mark.parametrize(
    ("page", "users"),
    [
        ("briefing", ["briefing", "manager", "officer"]),
        ("districts", ["briefing", "manager", "officer"]),
        ("readiness", ["manager", "officer", "admin"]),
    ],
)
def test_pages_render_for_their_roles_and_not_for_governors(county_env, page, users):
    for user in users:
        at = login(user, page=page)
        assert not at.exception, (user, at.exception)
        assert "not available to your role" not in page_text(at)
    at = login("governor1")  # the page is not in a governor's navigation at all
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"../pages/{page}.py")


def test_briefing_role_sees_no_names_no_intelligence_no_small_cohorts(county_env):
    names = [n for n in county_env["name"].astype(str) if len(n) > 8]
    at = login("briefing", page="briefing")
    for area in [
        "county",
        *sorted(briefing.areas(identity_for("b", "B", "briefing", []))["district"]),
    ][:3]:
        at.query_params["area"] = area
        for n in range(1, 7):
            at.query_params["slide"] = str(n)
            at.run()
            assert not at.exception
            text = page_text(at)
            assert not [x for x in names if x in text], "a school is named"
            for word in ("complaint", "concern raised", "notice of concern", "visit note"):
                assert word not in text.lower()
            for metric in at.metric:
                assert metric.label.lower().find("cohort") < 0
    b = identity_for("b", "B", "briefing", [])
    m = briefing.measures(b, None)
    shown = m[m["cohort"].notna()]
    assert (shown["cohort"] > 5).all()
    with pytest.raises(PermissionError):
        briefing.named_intensive(b, None)


def test_next_and_previous_move_the_slide_in_the_url(county_env):
    at = login("briefing", page="briefing")
    assert at.query_params["slide"] == ["1"] or at.query_params["slide"] == "1"
    first = _titles(at)
    at.button(key="briefing_next").click().run()
    assert str(at.query_params["slide"]).strip("[]'") == "2"
    assert _titles(at) != first
    at.button(key="briefing_prev").click().run()
    assert str(at.query_params["slide"]).strip("[]'") == "1"
    assert _titles(at) == first


def test_pptx_has_the_titles_of_the_screen(county_env):
    from pptx import Presentation

    at = login("manager", page="briefing")
    screen = []
    for n in range(1, 7):
        at.query_params["slide"] = str(n)
        at.run()
        screen += _titles(at)
    m = identity_for("m", "M", "manager", [])
    deck = briefing_slides.build_slides(
        briefing.areas(m)["la_name"].iloc[0],
        None,
        briefing.glance(m, None),
        briefing.measures(m, None),
        briefing.categories(m, None),
        briefing.named_intensive(m, None),
    )
    prs = Presentation(io.BytesIO(slides.briefing_pptx(briefing_slides.to_deck(deck))))
    titles = [s.shapes.title.text for s in prs.slides]
    # points that do not fit beside a chart continue on a slide of their own, right after it
    for i, t in enumerate(titles):
        if t.endswith(" (continued)"):
            assert titles[i - 1] == t.removesuffix(" (continued)")
    kept = [t for t in titles if not t.endswith(" (continued)")]
    assert kept == [re.sub(r"\\(.)", r"\1", t) for t in screen]


def test_readiness_drill_down_lists_the_schools_behind_a_trigger(county_env):
    m = identity_for("m", "M", "manager", [])
    triggers = readiness.triggers(m)
    year = int(triggers["time_period"].max())
    behind = readiness.trigger_schools(m, "T4_attainment", "primary", year)
    at = login("manager", page="readiness")
    at.selectbox(key="ready_trigger").set_value("T4_attainment").run()
    at.selectbox(key="ready_phase").set_value("primary").run()
    assert str(at.query_params["trigger"]).strip("[]'") == "T4_attainment"
    assert not at.exception
    text = page_text(at)
    assert f"{len(behind)} primary school" in text
    for name in behind["name"].head(3):
        assert re.sub(r"([^\w\s])", r"\\\1", name) in text or name in text
    with pytest.raises(PermissionError):
        readiness.trigger_schools(
            identity_for("a", "A", "admin", []), "T7_ofsted_complaints", "primary", year
        )
