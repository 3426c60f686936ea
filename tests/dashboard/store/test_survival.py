"""App entries live in the operational store, apart from the warehouse: an ETL reload (a new build
and a pointer swap) and a restart of the app leave every entry, and its effect on the support
category, exactly as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.access import identity_for
from dashboard.data_access import manager
from dashboard.store import db, notes, notices
from warehouse.connection import resolve_build

ROOT = Path(__file__).resolve().parents[3]


def _dump(store: Path | str) -> list[tuple]:
    with db.connect(store) as con:
        return [tuple(r) for r in con.execute("SELECT * FROM records ORDER BY 1, 2")]


@pytest.fixture(scope="module")
def own_warehouse(fixture_warehouse, tmp_path_factory):
    """A warehouse of this module's own (the test reloads it), for both backends: a copy of the
    session's fixture county build (the same load, not run again)."""
    folder = tmp_path_factory.mktemp("survival") / "data"
    shutil.copytree(fixture_warehouse.parent, folder, symlinks=True)
    return folder / fixture_warehouse.name


@pytest.fixture
def county(own_warehouse, monkeypatch, store):
    """The warehouse, and the store (either backend) named by the settings, as in the app."""
    warehouse = own_warehouse
    store_setting = (
        ("SID_STORE_URL", store) if isinstance(store, str) else ("SID_STORE_PATH", store)
    )
    for key, value in (("SID_WAREHOUSE", warehouse), store_setting, ("SID_DEPLOYMENT", "full")):
        monkeypatch.setenv(key, str(value))
    return warehouse, store


def _category(urn: int) -> str:
    """The category the app shows for a school now (warehouse + store, decision 12)."""
    boss = identity_for("manager", "M", "manager", [])
    ctx = manager.context(boss)
    return manager.schools(boss, ctx, ctx.latest).set_index("urn").loc[urn, "category"]


def test_entries_and_their_effect_survive_an_etl_reload_and_a_restart(county, fixture_source):
    warehouse, store = county
    boss = identity_for("manager", "M", "manager", [])
    ctx = manager.context(boss)
    schools = manager.schools(boss, ctx, ctx.latest)
    urn = int(schools[(schools["category"] == "universal") & ~schools["is_academy"]]["urn"].iloc[0])
    nid = notices.issue_notice(urn, "manager", issued_on=date.today() - timedelta(days=3),
                               concerns="Safeguarding records incomplete")  # fmt: skip
    notes.add_visit(urn, "officer", on=date.today(), officer="Officer One",
                    visit_type="monitoring_visit", summary="Records checked", rag="red",
                    actions=[{"action": "Update the records", "due": date.today()}])  # fmt: skip
    assert _category(urn) == "intensive"
    before, build_before = _dump(store), resolve_build(warehouse)

    reload = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(fixture_source), "--warehouse", str(warehouse)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert reload.returncode == 0, reload.stderr
    assert resolve_build(warehouse) != build_before  # a new build is being served
    assert _dump(store) == before  # the reload did not touch a single entry
    assert _category(urn) == "intensive"  # and the notice still counts, on the next rerun

    restarted = subprocess.run(  # a new process: what a restarted app reads
        [sys.executable, "-c", "import json, sys; from dashboard.store import notes; "
         "print(json.dumps(notes.notes_for([int(sys.argv[1])]), default=str))", str(urn)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert restarted.returncode == 0, restarted.stderr
    seen = json.loads(restarted.stdout)
    assert {(e["id"], e["kind"]) for e in seen} == {(nid, "notice_of_concern"), (nid + 1, "visit")}
    assert next(e for e in seen if e["kind"] == "visit")["actions"][0]["action"] == (
        "Update the records"
    )
