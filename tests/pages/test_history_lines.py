"""History across URN changes on the pages (issue 15): the drill-down says "Converted to academy on
DATE; figures before that are for URN N" for a converter of the fixture county and names the latest
inspection of each kind; the data-access function gives another school's line to nobody who may not
see that school."""

from __future__ import annotations

import pytest

from dashboard.access import GOVERNOR, MANAGER, Identity
from dashboard.data_access import history
from tests.pages.helpers import login, open_tab, page_text
from warehouse.connection import open_read_only, resolve_build


@pytest.fixture
def converter(county_env):
    """(urn, predecessor urn) of an academy converter in the fixture county."""
    con = open_read_only(resolve_build(county_env["warehouse"]))
    try:
        row = con.execute(
            "SELECT l.urn, l.predecessor_urn FROM school_lineage l JOIN support_category c USING (urn) "
            "WHERE l.change = 'academy conversion' AND l.generation = 1 ORDER BY l.urn LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row, "the generated county has academy converters with GIAS links"
    return row


def test_the_drill_down_says_which_urn_earlier_figures_are_for(county_env, converter):
    urn, pred = converter
    at = login("manager")
    at.query_params["urn"] = str(urn)
    at.switch_page("../pages/school.py").run()
    assert not at.exception, at.exception
    text = page_text(open_tab(at, "Inspections")).replace("\\", "")  # md_escape's escapes removed
    assert "Converted to academy on " in text
    assert f"; figures before that are for URN {pred}." in text
    assert "Latest inspections:" in text


def test_the_line_is_given_only_for_schools_the_caller_may_see(county_env, converter):
    urn, pred = converter
    manager = Identity("m", "M", MANAGER, None)
    line = history.urn_change_sentence(manager, urn)
    assert line.startswith("Converted to academy on ") and line.endswith(f"URN {pred}.")
    other = Identity("g", "G", GOVERNOR, frozenset({pred}))
    assert history.urn_change_sentence(other, urn) is None
    assert history.latest_inspection_dates(other, urn).empty
    with pytest.raises(PermissionError):
        history.urn_change_sentence(None, urn)
