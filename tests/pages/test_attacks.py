"""A governor tries to reach another school through widgets, URL parameters, session state and
page paths (AppTest). Expected: zero rows of another school, zero soft intelligence, zero
unsuppressed small cohort. Accounts are read from the store, so every governor is tried."""

import itertools

import pandas as pd
import pytest

from dashboard.store import notes, users
from tests.dashboard.tiny_warehouse import NAMES
from tests.pages.helpers import login, page_text, shown_urns

MARKER = {urn: name.split()[0] for urn, name in NAMES.items()}  # Ashby, Brook, Castle, ...
SECRET = "SECRET-INTELLIGENCE"


@pytest.fixture
def governors(dash_env):
    for urn in NAMES:
        notes.add_note(urn, "officer", "concern", f"{SECRET} about {urn}")
    return {u.username: u.urns for u in users.list_users() if u.role == "governor"}


def assert_only_own(at, allowed):
    assert not at.exception, at.exception
    assert shown_urns(at) <= allowed
    text = page_text(at)
    for urn, marker in MARKER.items():
        if urn not in allowed:
            assert marker not in text, f"{marker} ({urn}) shown to a governor of {sorted(allowed)}"
            assert str(urn) not in text
    assert SECRET not in text
    for table in at.table:
        df = table.value
        if "cohort" in df.columns:
            cohorts = pd.to_numeric(df["cohort"], errors="coerce").dropna()
            assert (cohorts > 5).all(), "an unsuppressed small cohort"


def test_there_are_governors_including_a_federation(governors):
    assert len(governors) >= 3 and any(len(urns) >= 2 for urns in governors.values())


def test_widgets(governors):
    for username, allowed in governors.items():
        at = login(username, page="schools")
        assert_only_own(at, allowed)
        filters = [
            at.selectbox(key=f"filter_{p}").options for p in ("district", "phase", "school_type")
        ]
        for combo in itertools.product(*filters):
            for key, value in zip(("district", "phase", "school_type"), combo, strict=True):
                at.selectbox(key=f"filter_{key}").set_value(value)
            at.run()
            assert_only_own(at, allowed)
        for key in ("district", "phase", "school_type"):
            at.selectbox(key=f"filter_{key}").set_value("All")
        at.toggle(key="as_table").set_value(True).run()
        assert_only_own(at, allowed)
        for urn in allowed:  # open each own school: measures shown, small cohorts suppressed
            at.selectbox(key="open_urn").set_value(urn).run()
            assert_only_own(at, allowed)
            assert at.table, "the school's facts and measures are shown"
        assert set(at.selectbox(key="open_urn").options) <= {"Choose a school"} | {
            f"{NAMES[u]} ({u})" for u in allowed
        }


def test_url_parameters(governors):
    for username, allowed in governors.items():
        at = login(username, page="schools")
        for urn in sorted(set(NAMES) - allowed):
            for value in (
                str(urn),
                f"{urn} ",
                f"0{urn}",
                f"{urn}.0",
                f"{sorted(allowed)[0]},{urn}",
            ):
                at.query_params["urn"] = value
                at.run()
                assert_only_own(at, allowed)
        at.query_params.clear()
        for key, value in [
            ("district", "Westfield"),
            ("phase", "Secondary"),
            ("district", "' OR 1=1 --"),
            ("school_type", "Foundation school"),
            ("view", "table"),
        ]:
            at.query_params[key] = value
            at.run()
            assert_only_own(at, allowed)


def test_session_state(governors):
    for username, allowed in governors.items():
        at = login(username, page="schools")
        token = at.session_state["_sid_auth"]["token"]
        other = sorted(set(NAMES) - allowed)[0]
        # (AppTest cannot hold a widget value outside the widget's options, so widget keys are
        # tampered with through the widgets and the URL in the tests above.)
        for key, value in [
            ("role", "manager"),
            ("allowed_urns", None),
            ("identity", "manager"),
            ("urn", other),
            ("allowed", [other]),
            ("_sid_auth_notice", "x"),
        ]:
            at.session_state[key] = value
            at.run()
            assert_only_own(at, allowed)
        # an altered auth record is a signed-out session, never a wider one
        for forged in [
            {"token": token, "username": "manager", "role": "manager", "allowed_urns": None}
            | {"token": token + "x"},
            {"username": "manager", "role": "manager"},
            "manager",
            None,
        ]:
            at.session_state["_sid_auth"] = forged
            at.run()
            assert_only_own(at, allowed)
            assert not at.dataframe and not at.table or at.text_input(key="login_username")


def test_page_paths(governors):
    for username, allowed in governors.items():
        at = login(username, page="schools")
        for page in (
            "admin_users",
            "admin_audit",
            "admin_loads",
            "notices",
            "login",
            "nonexistent",
        ):
            with pytest.raises(ValueError):
                at.switch_page(f"../pages/{page}.py")
        at.switch_page("../pages/schools.py").run()
        assert_only_own(at, allowed)
