"""Every store test runs against both backends: the embedded SQLite file (the default) and a
PostgreSQL database on the session's server (SID_STORE_URL, several app servers)."""

from __future__ import annotations

import pytest

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def store(backend, tmp_path, request):
    """A new, empty store: a SQLite file path, or a postgresql:// URL of a new database."""
    if backend == "sqlite":
        return tmp_path / "store.sqlite"
    return request.getfixturevalue("postgres").new_database()
