"""Where the team's shared published files are: ../shared/data beside the checkout (as in CI), else
/work/shared/data, or SID_SHARED_DATA. Tests that need them skip, naming the path, when absent."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _shared_data() -> Path:
    if env := os.environ.get("SID_SHARED_DATA"):
        return Path(env)
    for candidate in (ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "data"


SHARED_DATA = _shared_data()
REAL_DATA = SHARED_DATA / "real"
FORMATS = SHARED_DATA / "formats"
