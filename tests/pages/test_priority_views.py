"""The priority list and the schools list are computed once per key and then served from the
cache: the key must name everything their rows depend on. Pinned here: an entry made in the app
changes the list on the next call (the store's entries are in the key), two users with different
schools never get each other's rows or files, and the cached tables equal a fresh computation."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.access import Identity, identity_for


@pytest.fixture
def county(county_env):
    return county_env


def _manager():
    from dashboard.data_access import manager

    boss = identity_for("manager", "M", "manager", [])
    return boss, manager.context(boss)


def _maintained_universal(ranked: pd.DataFrame) -> int:
    rows = ranked[ranked["category"].eq("universal") & ranked["type_group"].eq("Maintained")
                  & ranked["next_review"].eq("")]  # fmt: skip
    return int(rows["urn"].iloc[0])


def test_a_notice_entered_in_the_app_sets_the_next_review_on_the_next_call(county):
    from dashboard.data_access import manager
    from dashboard.store import notices

    boss, ctx = _manager()
    f = {"year": ctx.latest, "group": "all"}
    before = manager.priority_page(boss, ctx, f)
    urn = _maintained_universal(before.ranked)
    notices.issue_notice(urn, "officer", issued_on=date.today(), concerns="Attendance",
                         path=county["store"])  # fmt: skip
    after = manager.priority_page(boss, ctx, f)
    assert after.key != before.key  # the store's entries are part of the key
    row = after.ranked.set_index("urn").loc[urn]
    assert row["next_review"] == "review in 42 days"  # six weeks after issue
    assert row["category"] == "intensive"  # an open notice of concern, on the next call
    # an older notice: its review (60 - 42 = 18 days ago) is the earliest, so it is the one shown
    notices.issue_notice(urn, "officer", issued_on=date.today() - timedelta(days=60),
                         concerns="Older", path=county["store"])  # fmt: skip
    row = manager.priority_view(boss, ctx, f).set_index("urn").loc[urn]
    assert row["next_review"] == "⚠ review 18 days overdue"


def test_users_with_different_schools_never_share_a_cached_list_or_file(county):
    from dashboard.components import exports
    from dashboard.components import priority_table as view_of
    from dashboard.data_access import manager

    boss, ctx = _manager()
    f = {"year": ctx.latest, "group": "all"}
    everyone = manager.priority_page(boss, ctx, f)
    _, table = view_of.tables(everyone, "all")
    exports.keyed_csv_bytes("visit plan", everyone.key, table)  # cached for the manager first
    two = [int(u) for u in everyone.ranked["urn"].iloc[[3, 7]]]
    limited = Identity("officer2", "O", "officer", frozenset(two))
    mine = manager.priority_page(limited, ctx, f)
    assert mine.key != everyone.key
    assert sorted(mine.ranked["urn"].astype(int)) == sorted(two)
    reading, table = view_of.tables(mine, "all")
    assert len(reading) == 2 and sorted(table["URN"]) == sorted(two)
    csv = pd.read_csv(pd.io.common.BytesIO(exports.keyed_csv_bytes("visit plan", mine.key, table)))
    assert sorted(csv["URN"]) == sorted(two)


def test_the_cached_tables_equal_a_fresh_computation(county):
    from dashboard import db, priority
    from dashboard.components import exports
    from dashboard.components import priority_table as view_of
    from dashboard.data_access import manager

    boss, ctx = _manager()
    options = manager.filter_options(boss, ctx)
    for group in ("all", "disadvantaged"):
        for extra in ({}, {"district": options["district"][0]}, {"category": "targeted"},
                      {"phase": options["phase"][0], "school_type": "Maintained"}):  # fmt: skip
            f = {"year": ctx.latest, "group": group, **extra}
            view = manager.priority_page(boss, ctx, f)
            # filtering the whole list equals filtering first, then ordering (the old way)
            first = manager.priority_list(boss, ctx, f)
            figures = manager._group_figures(db.current_build(), None, ctx.la_code, ctx.latest,
                                             group)  # fmt: skip
            first = priority.with_group(first, figures, group)
            assert list(view.ranked["urn"]) == list(first["urn"]), (group, extra)
            assert list(view.ranked["rank"]) == list(range(1, len(first) + 1))
            reading, table = view_of.tables(view, group)
            pd.testing.assert_frame_equal(reading, view_of.reading_table(view.ranked, group))
            pd.testing.assert_frame_equal(table, view_of.export_table(view.ranked, group))
            fresh = exports.to_csv_bytes(view_of.export_table(view.ranked, group))
            assert exports.keyed_csv_bytes("visit plan", view.key, table) == fresh


def test_a_filter_choice_draws_the_list_without_copying_its_rows(county, monkeypatch):
    """A filter choice makes the reading list and the picker's names from the whole list's cells
    (its rows are copied only when a school is opened or the table of every column is): the
    names are the chosen rows' URNs and names in order, and an officer's are their own."""
    from dashboard.components import priority_table as view_of
    from dashboard.data_access import manager

    boss, ctx = _manager()
    options = manager.filter_options(boss, ctx)
    taken = []
    real = manager._ranked
    monkeypatch.setattr(manager, "_ranked", lambda *a, **k: taken.append(a) or real(*a, **k))
    for district in options["district"]:
        f = {"year": ctx.latest, "group": "all", "district": district}
        view = manager.priority_page(boss, ctx, f)
        view_of.reading_of(view, "all")
        names = dict(view.names)
        assert not taken  # nothing of the wide list copied for the choice
        ranked = view.ranked
        assert taken and view.ranked is ranked  # made when read, once per view
        taken.clear()
        assert names == dict(zip(ranked["urn"].astype(int), ranked["name"], strict=True))
        assert list(names) == [int(u) for u in ranked["urn"]]
    two = [int(u) for u in manager.priority_page(boss, ctx, {"year": ctx.latest, "group": "all"}
                                                 ).ranked["urn"].iloc[[1, 4]]]  # fmt: skip
    officer = Identity("officer2", "O", "officer", frozenset(two))
    mine = manager.priority_page(officer, ctx, {"year": ctx.latest, "group": "all"})
    assert sorted(mine.names) == sorted(two)


def test_the_schools_list_is_cached_per_users_schools(county):
    from dashboard import data_access
    from dashboard.components import schools_table

    boss = identity_for("manager", "M", "manager", [])
    rows, key = data_access.list_schools_keyed(boss)
    shown, picker = schools_table.tables(key, rows)
    pd.testing.assert_frame_equal(shown, schools_table.shown_table(rows))
    one = int(rows["urn"].iloc[5])
    governor = identity_for("gov", "G", "governor", [one])
    rows_g, key_g = data_access.list_schools_keyed(governor)
    shown_g, picker_g = schools_table.tables(key_g, rows_g)
    assert key_g != key and list(picker_g) == [one] and list(shown_g["URN"]) == [str(one)]


def test_a_filtered_schools_list_is_the_query_for_that_filter_and_only_the_users_schools(county):
    """The schools list for a filter value is selected from the user's cached whole list: the same
    rows, order and columns as schools_list.sql run with that filter, for every value of each
    filter and for a user of a few schools (whose whole list is theirs alone)."""
    from dashboard import data_access, db
    from dashboard.data_access.core import allowed_key
    from warehouse.queries import schools as schools_q

    boss, _ = _manager()
    whole = data_access.list_schools(boss)
    few = Identity("gov", "G", "governor", frozenset(int(u) for u in whole["urn"].iloc[::97]))
    for who in (boss, few):
        mine = data_access.list_schools(who)
        for column, param in (("district", "district"), ("phase", "phase"),
                              ("school_type", "school_type")):  # fmt: skip
            for value in sorted(whole[column].dropna().unique())[:6]:
                got, key = data_access.list_schools_keyed(who, **{param: value})
                want = db.run(db.current_build(), schools_q.list_schools,
                              allowed=allowed_key(who), **{param: value})  # fmt: skip
                # a column that is all missing comes back from DuckDB as None (object), from
                # the whole list as its own type's missing value: the same cells
                pd.testing.assert_frame_equal(_cells(got), _cells(want))
                assert set(got["urn"]) <= set(mine["urn"]) and key[1] == allowed_key(who)


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).where(df.notna(), None)


def test_a_pupil_groups_list_equals_the_list_read_for_that_group(county):
    """The list's rows are read and combined once for all pupils and the group's figures set on
    them (manager.with_group_columns): every cell equals the old way, the schools read and combined
    for the group itself, then ordered, re-ranked and given their next review."""
    from dashboard import db, priority
    from dashboard.data_access import manager
    from dashboard.data_access import notices as notices_access

    boss, ctx = _manager()
    entries = manager.app_entries(boss)
    for year in (ctx.latest, ctx.previous(ctx.latest)):
        for group in manager.PUPIL_GROUPS:
            view = manager.priority_view(boss, ctx, {"year": year, "group": group})
            combined = manager._combined(db.current_build(), None, ctx.la_code, year, group,
                                         True, entries.digest, date.today(), entries.frame)  # fmt: skip
            figures = manager._group_figures(db.current_build(), None, ctx.la_code, year,
                                             "all" if group == "send" else group)  # fmt: skip
            want = priority.with_group(priority.order(combined), figures, group)
            notices = notices_access.county_notices(boss, date.today())
            want["next_review"] = priority.next_reviews(want["urn"], notices, date.today())
            assert view["group_ks2_rwm"].notna().any() or group == "send" or year != ctx.latest
            pd.testing.assert_frame_equal(view, want, check_dtype=False, obj=f"{year} {group}")


def test_a_pupil_groups_tables_never_take_cells_of_another_users_list(county):
    """The cells that do not depend on the pupil group are made once per list of every group
    (priority_table._shared_columns), keyed by the user's allowed URNs: a user of two schools
    who chooses a group after the manager did gets their own two schools' rows, equal to a table
    made afresh from their own list."""
    from dashboard.components import exports
    from dashboard.components import priority_table as view_of
    from dashboard.data_access import manager

    boss, ctx = _manager()
    everyone = manager.priority_page(boss, ctx, {"year": ctx.latest, "group": "all"})
    two = [int(u) for u in everyone.ranked["urn"].iloc[[2, 9]]]
    limited = Identity("officer2", "O", "officer", frozenset(two))
    for group in ("disadvantaged", "send", "all"):
        f = {"year": ctx.latest, "group": group}
        view_of.tables(manager.priority_page(boss, ctx, f), group)  # the manager's first
        mine = manager.priority_page(limited, ctx, f)
        reading, table = view_of.tables(mine, group)
        assert sorted(table["URN"]) == sorted(two) and len(reading) == 2
        pd.testing.assert_frame_equal(reading, view_of.reading_table(mine.ranked, group))
        pd.testing.assert_frame_equal(table, view_of.export_table(mine.ranked, group))
        csv = exports.keyed_csv_bytes("visit plan", mine.key, table)
        assert sorted(pd.read_csv(pd.io.common.BytesIO(csv))["URN"]) == sorted(two)


def test_every_groups_figures_are_read_once_and_equal_the_query_for_each_group(county):
    """manager_group_figures.sql is read once per year for every group (pupil_group NULL) and
    sliced per group: each slice equals the query run for that group alone (percentiles and
    counts ranked within the group), and a user of two schools gets their two schools' rows."""
    from dashboard import db
    from dashboard.data_access import manager
    from warehouse.queries import manager as q

    boss, ctx = _manager()
    build = db.current_build()
    whole = manager._group_figures(build, None, ctx.la_code, ctx.latest, "all")
    two = tuple(sorted(int(u) for u in whole["urn"].unique()[:2]))
    for allowed in (None, two):
        for group in ("all", "disadvantaged", "girls", "prior_high"):
            figures = manager._group_figures(build, allowed, ctx.la_code, ctx.latest, group)
            alone = db.run(build, q.group_figures, allowed=allowed, la_code=ctx.la_code,
                           time_period=ctx.latest, pupil_group=group)  # fmt: skip
            assert len(figures) and (alone["pupil_group"] == group).all()
            # a column all missing comes back from DuckDB as None (object), from the slice as
            # its own type's missing value: the same cells
            pd.testing.assert_frame_equal(
                _cells(figures), _cells(alone.drop(columns="pupil_group"))
            )
            if allowed is not None:
                assert set(figures["urn"].astype(int)) <= set(two)
