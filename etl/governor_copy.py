"""A copy of the current warehouse for a governor deployment, holding no soft intelligence at all.

A council can serve governors from a separate machine whose warehouse never contained the
intelligence workbook's records, confidential reasons or rejected workbook cells. The copy keeps
every published figure, inspection, category and the governor wording of the reasons, so a
governor sees exactly what the full deployment shows them. Pupil-level rows (issue 9) are removed
too; the school and group aggregates made from them stay, suppressed by the app for governors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from warehouse import contract
from warehouse.connection import (
    builds_dir,
    create_build,
    open_in_memory,
    resolve_build,
    swap_pointer,
)
from warehouse.sql_files import load_sql


class CopyRefused(RuntimeError):
    """The scrubbed copy failed its checks; the governor warehouse was left as it was."""


def make_governor_copy(source_warehouse: Path, target_warehouse: Path) -> Path:
    """Copy the build ``source_warehouse`` points at, scrub it, check it, point ``target_warehouse`` at it."""
    source_build = resolve_build(source_warehouse)
    run_id = datetime.now(UTC).strftime("governor-%Y%m%dT%H%M%S%fZ")
    target_build = builds_dir(target_warehouse) / f"{run_id}.duckdb"
    con = open_in_memory()
    try:
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(source_build)])
        create_build(con, target_build, alias="dst")
        con.execute("COPY FROM DATABASE src TO dst")
        con.execute("DETACH src")
        con.execute("USE dst")
        con.execute(load_sql("governor_copy/scrub"))
        failures = contract.check(con) + _leaks(con)
        if failures:
            raise CopyRefused("The governor copy failed its checks:\n- " + "\n- ".join(failures))
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        target_build.unlink(missing_ok=True)
        raise
    con.close()
    swap_pointer(target_warehouse, target_build)
    return target_build


def _leaks(con) -> list[str]:
    """Anything confidential still in the copy (a second line of defence after the scrub)."""
    checks = {
        "intelligence rows remain": "SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM concerns)"
        " + (SELECT count(*) FROM visits) + (SELECT count(*) FROM leadership_changes)"
        " + (SELECT count(*) FROM notices_of_concern) + (SELECT count(*) FROM dfe_concerns)",
        "confidential reasons remain": "SELECT count(*) FROM support_reasons WHERE confidential",
        "reasons differ from the governor wording": "SELECT count(*) FROM support_category"
        " WHERE reasons IS DISTINCT FROM governor_reasons",
        "summaries or watch signals differ from the governor wording": "SELECT count(*)"
        " FROM support_category WHERE summary IS DISTINCT FROM governor_summary"
        " OR watch_flags IS DISTINCT FROM governor_watch_flags",
        "pupil-level rows remain": "SELECT (SELECT count(*) FROM pupil_results)"
        " + (SELECT count(*) FROM pupil_progress) + (SELECT count(*) FROM stg_pupils)",
    }
    return [name for name, sql in checks.items() if con.execute(sql).fetchone()[0]]
