"""Sections of a page made only when opened (issue 20): an expander whose click reruns the page.

A closed section costs the browser one summary line: its tables (each cell drawn as Markdown) and
charts (Vega compiling a spec) are neither sent nor drawn. A click reruns the page with the section
open, and it stays open for the session (its widget key keeps the state), across filter changes and
other schools. Nothing is lost: every table and chart of a section is drawn once it is opened, with
its "Show as table" alternative and its CSV. Tests open them all (tests/pages/helpers.py and
tests/browser/conftest.py ``open_sections``) and pin the same content as before.
"""

from __future__ import annotations

import streamlit as st


def section(which: tuple[str, str]):
    """An expander for ``which`` = (label, widget key); its ``.open`` says whether to make its
    content (``if (box := section(X)).open: with box: ...``)."""
    label, key = which
    return st.expander(label, key=key, on_change="rerun")
