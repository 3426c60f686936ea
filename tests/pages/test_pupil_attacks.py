"""No pupil-level row reaches a governor or the briefing role (issue 9), on the generated county loaded by
the real ETL (tests/pages/conftest.py `county_env`): not through the data-access layer, not through a
page path, not on the governor's profile, where figures made from pupils appear only suppressed."""

import pandas as pd
import pytest

from dashboard import access
from dashboard.access import BRIEFING, GOVERNOR, MANAGER, SUPPRESSED, identity_for
from dashboard.data_access import pupils
from dashboard.store import users
from tests.pages.helpers import PASSWORD, login, open_sections, page_text
from warehouse.connection import open_read_only, resolve_build


@pytest.fixture
def pupil_env(county_env):
    con = open_read_only(resolve_build(county_env["warehouse"]))
    try:
        keys = {r[0] for r in con.execute("SELECT pupil_key FROM pupil_results").fetchall()}
        # the maintained school with the most pupil groups of 5 or fewer: suppression is exercised
        urn = con.execute(
            "SELECT urn FROM pupil_group_aggregates GROUP BY urn"
            " ORDER BY count_if(pupils BETWEEN 1 AND 5) DESC, urn LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    users.create_user("pupilgov", "Governor of a school with pupil data", GOVERNOR, PASSWORD, [urn])
    return {"keys": keys, "urn": int(urn)}


ROLE = {"pupilgov": GOVERNOR, "briefing": BRIEFING}


def _no_pupil_keys(text: str, keys: set[str]) -> None:
    leaked = [k for k in keys if k in text]
    assert not leaked, f"{len(leaked)} pupil keys shown, e.g. {leaked[0]}"


def test_governors_and_briefing_cannot_ask_for_pupils(pupil_env):
    urn = pupil_env["urn"]
    gov = identity_for("pupilgov", "G", GOVERNOR, [urn])
    brief = identity_for("briefing", "B", BRIEFING, [])
    for who in (gov, brief):
        with pytest.raises(PermissionError):
            pupils.schools_with_pupils(who)
        with pytest.raises(PermissionError):
            pupils.school_distribution(who, urn, 201819, "ks2_reading_progress")
        with pytest.raises(PermissionError):
            pupils.school_reconciliation(who, urn)
    with pytest.raises(PermissionError):
        pupils.school_group_figures(brief, urn)


def test_a_governor_gets_only_suppressed_figures_of_their_own_school(pupil_env):
    urn = pupil_env["urn"]
    gov = identity_for("pupilgov", "G", GOVERNOR, [urn])
    figures = pupils.school_group_figures(gov, urn)
    assert list(figures.columns) == pupils.GOVERNOR_COLUMNS  # no key, cohort or counts of pupils
    shown = figures[figures["status_code"] != SUPPRESSED]
    assert (pd.to_numeric(shown["pupils"]) > 5).all()
    hidden = figures[figures["status_code"] == SUPPRESSED]
    assert len(hidden) and hidden[["pupils", "value", "value_added_pct"]].isna().all().all()
    other = identity_for("pupilgov", "G", GOVERNOR, [urn])
    assert pupils.school_group_figures(other, urn + 1).empty  # not their school


def test_no_pupil_row_on_any_page_a_governor_or_briefing_can_open(pupil_env):
    for username in ("pupilgov", "briefing"):
        at = open_sections(login(username))  # the governor's profile with every section open
        _no_pupil_keys(page_text(at), pupil_env["keys"])
        with pytest.raises(ValueError):  # the page is not in their navigation at all
            at.switch_page("../pages/pupils.py")
        assert not access.can_see_page(identity_for(username, "x", ROLE[username], []), "pupils")
    at = open_sections(login("pupilgov", page="profile"))  # its pupil-data tables drawn
    text = page_text(at)
    assert "Pupil groups from the council" in text
    _no_pupil_keys(text, pupil_env["keys"])
    for table in at.table:
        df = table.value
        if "Pupils" in df.columns:  # a pupil-figures table: each group over 5 pupils or SUPP
            counts = [str(v).replace("\\", "") for v in df["Pupils"]]
            assert all(int(c) > 5 for c in counts if c.isdigit())


def test_a_manager_sees_the_distribution_without_any_pupil_key(pupil_env):
    urn = pupil_env["urn"]
    manager = identity_for("manager", "M", MANAGER, [])
    dist = pupils.school_distribution(manager, urn, 201819, "ks2_reading_progress")
    assert list(dist.points.columns) == ["progress", "exceeds_estimate"]
    at = login("manager", page="pupils")
    assert not at.exception, at.exception
    at.selectbox(key="pupils_urn").set_value(urn).run()
    assert not at.exception, at.exception
    _no_pupil_keys(page_text(at), pupil_env["keys"])
    at.selectbox(key="pupils_dis").set_value("Yes").run()
    assert not at.exception, at.exception
    # the reconciliation is made when its expander opens: open, it shows the school's table
    # (no pupil key in it either); closed, nothing of it is made
    closed = len(at.table)
    at.session_state["pupils_check"] = True
    at.run()
    assert not at.exception, at.exception
    reconciled = pupils.school_reconciliation(manager, urn)
    assert len(reconciled) and len(at.table) == closed + 1
    assert len(at.table[-1].value) == len(reconciled)
    _no_pupil_keys(page_text(at), pupil_env["keys"])
