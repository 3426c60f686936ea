"""The consistency harness's fixtures: the default-county fixture and the real published files
(/work/shared/data/real, loaded once per run: tests/conftest.py), each with a store of demo users plus one
governor who holds the schools the harness reads, and a recorder of what each download offers."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator

from dashboard import demo_users
from dashboard.store import users
from tests.pages.helpers import PASSWORD
from warehouse.connection import open_read_only, resolve_build

READER = (
    "harness_governor"  # a governor holding the schools read (suppression on, as governors see)
)
REAL_SAMPLE = 20  # real schools read on every page (the judges read 20)


class Dataset:
    """A built warehouse, its store, the schools the harness reads and a read-only connection
    for the published cells (never the dashboard's own layer)."""

    def __init__(self, name: str, warehouse: Path, store: Path, sample: int | None):
        self.name, self.warehouse, self.store = name, warehouse, store
        self.con = open_read_only(resolve_build(warehouse))
        home = self.con.execute("SELECT la_code FROM home_la").fetchone()[0]
        urns = [
            int(u)
            for (u,) in self.con.execute(
                "SELECT urn FROM county_schools WHERE is_open ORDER BY urn"
            ).fetchall()
        ]
        if sample is not None and len(urns) > sample:
            step = len(urns) / sample
            urns = [urns[int(i * step)] for i in range(sample)]
        self.urns, self.la_code = urns, home
        demo_users.create_demo_users(warehouse, store)
        if users.get_user(READER, store) is None:
            users.create_user(READER, "Harness governor", "governor", PASSWORD, urns, path=store)

    def sql(self, query: str, params=None):
        return self.con.execute(query, params or []).df()


def _env(monkeypatch: pytest.MonkeyPatch, ds: Dataset) -> None:
    monkeypatch.setenv("SID_WAREHOUSE", str(ds.warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(ds.store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "false")


def open_dataset(request, tmp_path_factory, which: str):
    """A generator for a module fixture: ``which`` is "fixture county" (every open school of the
    session's fixture warehouse) or "real files" (the session's real_warehouse, a spread of
    REAL_SAMPLE open schools). Downloads offered while it is open are recorded in ds.downloads."""
    if which == "fixture county":
        warehouse = request.getfixturevalue("fixture_warehouse")
        sample = None
    else:
        warehouse = request.getfixturevalue("real_warehouse")  # loaded once per run
        sample = REAL_SAMPLE
    store = tmp_path_factory.mktemp("store") / "store.sqlite"
    ds = Dataset(which, warehouse, store, sample)
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, ds)
        downloads: dict[str, object] = {}
        real_button = DeltaGenerator.download_button

        def button(self, label, data=None, *args, **kwargs):
            downloads[label] = data  # what the click would send (bytes, text or a callable)
            return real_button(self, label, data, *args, **kwargs)

        mp.setattr(DeltaGenerator, "download_button", button)
        # st.download_button is a method bound to the main container when streamlit is imported
        mp.setattr(streamlit, "download_button", lambda *a, **k: button(streamlit._main, *a, **k))
        ds.downloads = downloads
        yield ds
    ds.con.close()


def published_file(downloads: dict, startswith: str) -> bytes:
    """The bytes a download button whose label starts with ``startswith`` would send."""
    for label, data in downloads.items():
        if label.startswith(startswith):
            data = data() if callable(data) else data
            return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise AssertionError(f"no download button starting {startswith!r}: {list(downloads)}")
