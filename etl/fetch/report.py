"""The fetch report in the load report: what changed since the previous fetch (issue 21).

Kept apart from ``run`` so the loader imports nothing of the HTTP side.
"""

from __future__ import annotations

import json
from pathlib import Path

REPORT_NAME = "fetch_report.json"


def changes_for_load(source_dir: Path) -> list[str]:
    """The changes the last fetch into ``source_dir`` found, for the load report."""
    path = Path(source_dir) / REPORT_NAME
    if not path.exists():
        return []
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return [f"{REPORT_NAME} could not be read"]
    when = report.get("fetched_at", "?")
    changes = report.get("changes") or []
    if not changes:
        return [f"Fetched {when}: no changes since the previous fetch"]
    return [f"Fetched {when}: {c}" for c in changes]
