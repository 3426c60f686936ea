"""The Schools page's one-school tables and filter menus are made once per key (issue 20): the
key holds the build, the user's allowed schools, the school and the suppression rule, so a
manager's unsuppressed figures are never served to a governor of the same school."""

import pandas as pd

from dashboard import render
from dashboard.access import SUPPRESSED, identity_for
from dashboard.components import schools_table
from dashboard.components.figure_table import figures_table
from dashboard.data_access import filter_options, list_schools_keyed, school_profile


def _small_group_school(manager) -> tuple[int, int]:
    """A school whose latest figures have a group of few pupils, and that group's size."""
    schools, _ = list_schools_keyed(manager)
    for urn in schools["urn"].astype(int):
        profile = school_profile(manager, urn)
        cohorts = profile.measures["cohort"].dropna() if profile else pd.Series(dtype=float)
        if len(cohorts) and cohorts.min() < cohorts.max():
            return urn, int(cohorts.min())
    raise AssertionError("no school with groups of different sizes")


def test_a_managers_one_school_tables_are_never_served_to_a_governor(county_env, monkeypatch):
    manager = identity_for("m", "M", "manager", [])
    urn, smallest = _small_group_school(manager)
    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", str(smallest))
    governor = identity_for("g", "G", "governor", [urn])
    mine, theirs = school_profile(manager, urn), school_profile(governor, urn)
    facts, figures, legend = schools_table.one_school(mine)  # the manager's warms the cache
    g_facts, g_figures, g_legend = schools_table.one_school(theirs)
    assert mine.key != theirs.key
    # each is what the page drew before the cache: the escaped figure table of its own measures
    pd.testing.assert_frame_equal(figures.frame, render.escaped(figures_table(mine.measures)))
    pd.testing.assert_frame_equal(g_figures.frame, render.escaped(figures_table(theirs.measures)))
    pd.testing.assert_frame_equal(facts.frame, g_facts.frame)  # the same school's facts
    assert render.escape_md(SUPPRESSED) in set(g_figures.frame["Value"])
    assert render.escape_md(SUPPRESSED) not in set(figures.frame["Value"])
    assert "SUPP (small group)" in g_legend and "SUPP (small group)" not in legend
    assert schools_table.one_school(school_profile(governor, urn))[1] is not None


def test_the_filter_menus_are_every_value_the_user_may_see_sorted(county_env):
    manager = identity_for("m", "M", "manager", [])
    options = filter_options(manager)
    key = list_schools_keyed(manager)[1]
    menus = schools_table.filter_choices(key, options, ("district", "phase", "school_type"))
    for param, menu in menus.items():
        assert list(menu) == ["All", *sorted(options[param].dropna().unique())]
    schools, _ = list_schools_keyed(manager)
    one = schools[schools["district"].notna()].iloc[0]
    governor = identity_for("g", "G", "governor", [int(one["urn"])])
    g_key = list_schools_keyed(governor)[1]
    g_menus = schools_table.filter_choices(g_key, filter_options(governor), ("district",))
    assert g_key != key and g_menus["district"] == ("All", one["district"])  # theirs only
