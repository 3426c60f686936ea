"""Pupil groups are named in one place (warehouse/figures.toml [groups] and [group_words]):
every group a build holds has a label and sentence words there, and no page or component keeps
its own wording (there were four, with four different words for the same group)."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard import priority, profile_pdf, pupil_progress
from dashboard.data_access import manager
from warehouse import figures as F
from warehouse.connection import open_read_only, resolve_build

ROOT = Path(__file__).resolve().parents[2]


def test_a_label_for_a_table_and_words_for_a_sentence():
    assert F.group_label("eal") == "Pupils with English as an additional language"
    assert F.group_words("eal") == "pupils with English as an additional language"
    assert F.group_label("disadvantaged").startswith("Disadvantaged pupils (FSM6CLA1A")
    assert F.group_words("non_disadvantaged") == "non-disadvantaged pupils"
    assert F.group_label(None) == "All pupils" and F.group_words(None) == "all pupils"


def test_every_group_in_a_build_has_a_label_and_words(fixture_warehouse):
    con = open_read_only(resolve_build(fixture_warehouse))  # as tests/conftest.py says to
    try:
        groups = {
            r[0]
            for table in ("school_measures", "group_gaps")
            for r in con.execute(f"SELECT DISTINCT pupil_group FROM {table}").fetchall()
        }
    finally:
        con.close()
    labels, words = F._group_tables()
    assert groups and groups <= set(labels), sorted(groups - set(labels))
    assert groups <= set(words)


def test_the_pages_use_the_figures_wording():
    for group, label in manager.PUPIL_GROUPS.items():
        assert label == F.group_label(group)
    for group, label in pupil_progress.GROUP_LABELS.items():
        assert label == F.group_label(group)
    for group, label in profile_pdf.GROUP_NAMES.items():
        assert label == F.group_label(group)
    for group, words in priority.GROUP_WORDS.items():
        assert words == F.group_words(group)


def test_no_module_writes_its_own_group_names():
    """A dict literal mapping a group to words ("non_disadvantaged": "...") in the dashboard is a
    second definition. The glossary of help texts (components/text.py) explains who is in a group;
    it does not name it."""
    literal = re.compile(r'"non_disadvantaged"\s*:\s*"')
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("dashboard", "pages")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "text.py" and literal.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
