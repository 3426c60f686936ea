"""The accessibility statement says what the tests do: the axe-core version they run, the contrast
thresholds they hold, and the sections of the UK public sector model statement."""

import re
from pathlib import Path

import axe_playwright_python

from dashboard import accessibility
from dashboard.components import palette

SECTIONS = (
    "How accessible this dashboard is",
    "Feedback and contact information",
    "Reporting accessibility problems with this dashboard",
    "Enforcement procedure",
    "Technical information about this dashboard's accessibility",
    "Non-accessible content",
    "Preparation of this accessibility statement",
    "How we tested this dashboard",
)


def test_statement_has_the_model_sections_and_no_html():
    text = accessibility.statement_markdown()
    for section in SECTIONS:
        assert re.search(rf"^#+ {re.escape(section)}$", text, re.M), section
    assert "<" not in text and not text.startswith("# ")
    assert "Equality and Human Rights Commission" in text and "ECNI" in text
    assert re.search(r"prepared on \d{1,2} \w+ \d{4}", text)


def test_statement_quotes_the_bundled_axe_version_and_the_thresholds():
    bundled = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()[:300]
    version = re.search(r"axe v(\d+\.\d+\.\d+)", bundled).group(1)
    text = accessibility.statement_markdown()
    assert f"axe-core {version}" in text
    assert "4.5:1" in text and f"{palette.PROJECTOR_THEME['min_text_contrast']:g}:1" in text
    assert f"{palette.GREYSCALE_MIN_RATIO}:1" in text
