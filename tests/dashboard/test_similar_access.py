"""Similar schools through the data-access layer (issue 22), on the warehouse the real ETL builds from the
generated county: governors get their school's comparison (the group's size and average) and NEVER the
names of the schools in the group; managers can list the group; the briefing role gets neither."""

from __future__ import annotations

import pytest

from dashboard.access import identity_for
from dashboard.data_access import similar
from dashboard.store import audit, users
from tests.dashboard.fixtures import demo_store
from warehouse.connection import open_read_only, resolve_build


@pytest.fixture
def env(fixture_warehouse, tmp_path, monkeypatch):
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SID_WAREHOUSE", str(fixture_warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "true")
    demo_store(fixture_warehouse, store)
    con = open_read_only(resolve_build(fixture_warehouse))
    names = dict(con.execute("SELECT urn, name FROM schools").fetchall())
    groups = con.execute(
        "SELECT urn, time_period, key_stage, list(similar_urn ORDER BY rank) FROM similar_school_groups GROUP BY ALL"
    ).fetchall()
    con.close()
    return {"names": names, "groups": groups, "store": store}


def who(username):
    u = users.get_user(username)
    return identity_for(u.username, u.display_name, u.role, u.urns)


def _group_of(env, urn):
    return [g for g in env["groups"] if g[0] == urn]


def test_governor_sees_count_and_average_never_the_names(env):
    for username in ("governor1", "governor2", "federation"):
        gov = who(username)
        for urn in gov.allowed_urns:
            df = similar.comparison(gov, urn)
            groups = _group_of(env, urn)
            if not groups:
                continue
            assert len(df) and (df["group_size"] == 30).all() and df["group_mean"].notna().any()
            # nothing in what a governor receives names or numbers another school
            others = {u for g in groups for u in g[3]}
            text = " ".join(str(v) for v in df.astype(str).to_numpy().ravel())
            for other in others:
                assert str(other) not in text
                assert env["names"][other] not in text
            assert not {"similar_urn", "name", "urn"} & set(df.columns)
            with pytest.raises(PermissionError):
                similar.group(gov, urn, groups[0][1], groups[0][2])


def test_governor_gets_nothing_for_another_school(env):
    gov = who("governor1")
    other = next(g[0] for g in env["groups"] if g[0] not in gov.allowed_urns)
    assert similar.comparison(gov, other).empty
    with pytest.raises(PermissionError):
        similar.group(gov, other, 201819, "ks2")


def test_briefing_gets_neither(env):
    briefing = who("briefing")
    urn, tp, ks, _ = env["groups"][0]
    with pytest.raises(PermissionError):
        similar.comparison(briefing, urn)
    with pytest.raises(PermissionError):
        similar.group(briefing, urn, tp, ks)


def test_manager_lists_the_group_with_names_and_it_is_audited(env):
    manager = who("manager")
    urn, tp, ks, members = env["groups"][-1]
    g = similar.group(manager, urn, tp, ks)
    assert list(g["urn"]) == [urn, *members]  # the school first, then nearest first
    assert list(g["name"]) == [env["names"][u] for u in [urn, *members]]
    assert g["rank"].tolist() == list(range(len(members) + 1))
    seen = audit.entries(username="manager", urn=urn, path=env["store"])
    assert any("similar schools" in (e["detail"] or "") for e in seen)


def test_comparison_figures_equal_a_recomputation_from_the_stored_group(env, fixture_warehouse):
    manager = who("manager")
    urn, tp, ks, members = env["groups"][0]
    row = similar.comparison(manager, urn)
    row = row[(row["time_period"] == tp) & (row["key_stage"] == ks)].iloc[0]
    g = similar.group(manager, urn, tp, ks)
    measure = row["measure"]
    others = g[g["rank"] > 0][measure].dropna()
    assert row["group_n"] == len(others)
    assert row["group_mean"] == pytest.approx(round(others.mean(), 2), abs=0.006)
    mine = g[g["rank"] == 0][measure].iloc[0]
    lower, equal = (others < mine).sum(), (others == mine).sum()
    assert row["position"] == pytest.approx(round(100 * (lower + equal / 2) / len(others), 1))
