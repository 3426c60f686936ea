"""``python -m etl.templates [PATH]``: write the empty intelligence workbook (default: the shipped copy)."""

from __future__ import annotations

import sys
from pathlib import Path

from etl.templates import TEMPLATE_PATH, write_template

if __name__ == "__main__":
    out = write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH)
    print(f"wrote {out}")
