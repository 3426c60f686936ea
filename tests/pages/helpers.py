"""Driving the app in AppTest: sign in through the form, read everything a page shows."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PASSWORD = "eastmoor-demo"


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=120).run()


def login(
    username: str, password: str = PASSWORD, at: AppTest | None = None, page: str | None = None
) -> AppTest:
    """Sign in through the form; then open ``page`` (a file stem in pages/) if given."""
    at = at or new_app()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="FormSubmitter:login-Sign in").click().run()
    if page is not None:
        at.switch_page(f"../pages/{page}.py").run()
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open a tab of the drill-down (what a click on it does: the page reruns with only that tab's
    content computed; st.tabs(key="school_tab", on_change="rerun"))."""
    at.session_state["school_tab"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def open_sections(at: AppTest) -> AppTest:
    """Open every section that is made only when opened, of the overview, the governor's profile
    and the priority list (what clicking each expander does: the page reruns with it open, and it
    stays open for the session; the SECTIONS of dashboard/overview_screen.py, profile_view.py and
    components/priority_table.py)."""
    from dashboard import overview_screen, profile_view
    from dashboard.components import priority_table

    for _label, key in (
        *overview_screen.SECTIONS,
        *profile_view.SECTIONS,
        *priority_table.SECTIONS,
    ):
        at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


# Streamlit's element and widget ids are 32-digit hex hashes; a URN's six digits can occur inside
# one by chance ("f9ba04907002431188c1d5edacf785ae" holds 907002), so they are blanked before a test
# looks for what must not show. No figure, name or sentence the app writes is such a token.
_GENERATED_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def page_text(at: AppTest) -> str:
    """Every element's text and every table's cells, so a test can look for what must not show
    (Streamlit's own generated ids blanked)."""
    parts: list[str] = []

    def walk(node) -> None:
        value = getattr(node, "value", None) if not hasattr(node, "children") else None
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return _GENERATED_ID.sub("<id>", "\n".join(parts))


def shown_urns(at: AppTest) -> set[int]:
    """URNs in every table and data frame on the page."""
    urns: set[int] = set()
    for element in [*at.dataframe, *at.table]:
        df = element.value
        for col in ("URN", "urn", "Value"):  # "Value": the one-school facts table
            if col in df.columns:
                digits = [str(v).replace("\\", "") for v in df[col]]
                urns |= {int(d) for d in digits if d.isdigit() and len(d) == 6}
    return urns
