"""The app shell's page objects and sidebar links (dashboard/app.py draws them on every run).

This is an imported module, not the script Streamlit re-executes on each run, so what is made once
here stays made for the life of the server process.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"

APP_TITLE = "School improvement"
SIGN_IN_TITLE = "Sign in"  # the signed-out home page (dashboard/app.py), not in access.PAGES


def document_title(page_title: str) -> str:
    """The browser tab's title of a page: the page's own name first, then the app's, so every page
    has a title of its own (WCAG 2.4.2: screen readers announce it, tabs and history list it)."""
    return f"{page_title} · {APP_TITLE}"


# Streamlit 1.67 draws a page link's keyboard focus only as a background of 15% darkened grey,
# the same background it gives the current page's link: focused, the current page's link looked
# exactly as it did unfocused (WCAG 2.4.7). A 3 px ring in the theme's primary colour (6:1 on the
# sidebar's grey, WCAG 1.4.11 asks 3:1) marks the focused link, current or not. A constant given
# to st.html: no data in it.
FOCUS_CSS = """<style>
.st-key-page_nav a:focus-visible { outline: 3px solid #0B5CAD; outline-offset: 1px; }
</style>"""


def fresh_page(
    file: str, title: str, url_path: str, *, icon: str | None = None, default: bool = False
) -> st.Page:
    """This run's own st.Page for a file in pages/.

    st.Page resolves the file's path and checks it is a file: a system call per path component,
    each of which gives up the GIL, so with many sessions every rerun waited behind the others for
    each one. The page is made once per process and each run gets a shallow copy: a Page carries
    the flag st.navigation sets on the page it returns (and run() clears), so the object itself is
    never shared between sessions or runs."""
    return copy.copy(_page_made_once(file, title, url_path, icon, default))


@functools.cache
def _page_made_once(
    file: str, title: str, url_path: str, icon: str | None, default: bool
) -> st.Page:
    return st.Page(
        str(PAGES_DIR / file), title=title, icon=icon, url_path=url_path, default=default
    )


def navigation_links(sections: dict[str, list[st.Page]]) -> None:
    """The sidebar's page links, one labelled group per section.

    Streamlit's own sectioned navigation puts each section's <li> items inside a <div> inside the
    <ul>, which axe-core reports as serious "list"/"listitem" violations (WCAG 1.3.1: a screen
    reader announces a list with no items). Plain page links under a bold section name carry the
    same structure without the broken list markup.
    """
    with st.container(key="page_nav"):
        st.html(FOCUS_CSS)
        for section, pages in sections.items():
            st.markdown(f"**{section}**")
            for link in pages:
                st.page_link(link, label=link.title, icon=link.icon or None)
