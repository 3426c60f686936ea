"""The Schools page's "Open a school" picker on the fixture county: a manager, who may see more
schools than the picker lists at once, finds a school by name and opens it; the school open from
the URL stays listed."""

from dashboard.access import identity_for
from dashboard.components import schools_table
from dashboard.data_access import list_schools_keyed
from tests.pages.helpers import login, page_text


def test_a_manager_finds_a_school_by_name_and_opens_it(county_env, monkeypatch):
    m = identity_for("m", "M", "manager", [])
    schools, _ = list_schools_keyed(m)
    monkeypatch.setattr(schools_table, "PICKER_LIMIT", min(50, len(schools) - 1))
    at = login("manager", page="schools")
    assert at.selectbox(key="open_urn").options == ["Choose a school"]  # nothing before a search
    row = schools.iloc[len(schools) // 2]
    name, urn = str(row["name"]), int(row["urn"])
    at.text_input(key="find_school").input(name.upper()).run()
    options = at.selectbox(key="open_urn").options
    assert f"{name} ({urn})" in options and len(options) - 1 <= schools_table.PICKER_LIMIT
    assert all(name.casefold() in o.casefold() for o in options[1:])
    at.selectbox(key="open_urn").set_value(urn).run()
    assert str(at.query_params["urn"]).strip("[]'") == str(urn)
    at.text_input(key="find_school").input("").run()  # the open school stays listed and shown
    assert at.selectbox(key="open_urn").value == urn
    assert at.table and name.split()[0] in page_text(at)
