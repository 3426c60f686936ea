"""The Schools page's picker: every school when there are few; over PICKER_LIMIT, the schools a
search finds (cached per key of the rows and search, so one user's list never serves another's)."""

from types import MappingProxyType

import pytest

from dashboard.components import schools_table


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(schools_table, "PICKER_LIMIT", 3)
    return 3


def _picker(*names_by_urn):
    return MappingProxyType({u: f"{n} ({u})" for u, n in names_by_urn})


def test_few_schools_are_all_listed_whatever_is_typed(limit):
    picker = _picker((1, "Ash"), (2, "Birch"))
    assert schools_table.picker_options(("few",), picker, "zzz", None) == ((1, 2), 2)


def test_many_schools_are_listed_by_search_of_name_or_urn(limit):
    picker = _picker((101, "Ash Primary"), (102, "Birch Primary"), (103, "Cedar Academy"),
                     (104, "Ash Grove"), (205, "Ashby Infant"), (206, "Oak"))  # fmt: skip
    key = ("many",)
    assert schools_table.picker_options(key, picker, "", None) == ((), 0)  # nothing before a search
    assert schools_table.picker_options(key, picker, "  aSh ", None) == ((101, 104, 205), 3)
    assert schools_table.picker_options(key, picker, "10", None) == ((101, 102, 103), 4)  # capped
    assert schools_table.picker_options(key, picker, "(206)", None) == ((206,), 1)
    # the school open (from the URL) stays listed; a school not in the picker never is
    assert schools_table.picker_options(key, picker, "cedar", 206) == ((206, 103), 1)
    assert schools_table.picker_options(key, picker, "cedar", 999) == ((103,), 1)


def test_a_search_cached_for_one_users_rows_never_lists_another_users_schools(limit):
    everyone = _picker(*((u, f"School {u}") for u in range(1, 10)))
    mine = _picker((3, "School 3"), (4, "School 4"), (5, "School 5"), (6, "School 6"))
    wide = schools_table.picker_options(("build", None), everyone, "school", None)
    assert len(wide[0]) == 3 and wide[1] == 9
    narrow = schools_table.picker_options(("build", (3, 4, 5, 6)), mine, "school", None)
    assert set(narrow[0]) <= set(mine) and narrow[1] == 4
    assert schools_table.picker_options(("build", (3, 4, 5, 6)), mine, "school 1", 1) == ((), 0)
