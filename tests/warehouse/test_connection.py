"""The warehouse pointer: a rerun always opens the build the pointer names now, however often it
asks (the answer is remembered only while the pointer itself is unchanged)."""

from __future__ import annotations

import pytest

from warehouse.connection import resolve_build, swap_pointer


def test_the_pointer_names_the_build_swapped_in_last(tmp_path):
    builds = tmp_path / "builds"
    builds.mkdir()
    first, second = builds / "first.duckdb", builds / "second.duckdb"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    pointer = tmp_path / "warehouse.duckdb"
    swap_pointer(pointer, first)
    assert resolve_build(pointer) == first.resolve()
    assert resolve_build(pointer) == first.resolve()  # asked again: the same, remembered
    swap_pointer(pointer, second)
    assert resolve_build(pointer) == second.resolve()
    swap_pointer(pointer, first)  # back again (a rollback)
    assert resolve_build(pointer) == first.resolve()


def test_a_missing_pointer_or_build_is_said_so(tmp_path):
    pointer = tmp_path / "warehouse.duckdb"
    with pytest.raises(FileNotFoundError, match="No warehouse at"):
        resolve_build(pointer)
    build = tmp_path / "builds" / "gone.duckdb"
    build.parent.mkdir()
    build.write_bytes(b"x")
    swap_pointer(pointer, build)
    assert resolve_build(pointer) == build.resolve()
    build.unlink()  # the build removed behind the pointer: never the remembered answer
    with pytest.raises(FileNotFoundError, match="No warehouse at"):
        resolve_build(pointer)
