"""The accessibility statement, kept as reviewed Markdown in docs/accessibility-statement.md.

The page (pages/accessibility.py) only renders what this returns, so the statement is changed and
reviewed like any other document, and a test can check it against what the browser tests measure
(the axe-core version, the contrast thresholds).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

STATEMENT = Path(__file__).resolve().parents[1] / "docs" / "accessibility-statement.md"


@cache
def statement_markdown() -> str:
    """The statement as written, without its first-level title (the page sets its own) and
    without HTML comments (Markdown only: raw HTML is never rendered)."""
    text = STATEMENT.read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    return re.sub(r"\A# .*\n", "", text.lstrip()).lstrip()
