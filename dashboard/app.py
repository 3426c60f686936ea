"""The dashboard's entry point, the only file given to `streamlit run`: navigation by role.

The file is read twice. `streamlit run dashboard/app.py` finds the ``app = st.App(...)`` below and
serves it (Streamlit's own server, with the session-cookie middleware of dashboard/web.py added);
the server then runs this same file as the script of every session, where ``__name__`` is
"__main__" and ``run()`` draws the page. AppTest runs it as a script too.
"""

from __future__ import annotations

import sys
from pathlib import Path

# __file__ is absolute when Streamlit runs the script; no resolve() (a system call per path part on
# every run).
ROOT = Path(__file__).absolute().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import access, auth, heap, timing  # noqa: E402
from dashboard.components.navigation import (  # noqa: E402
    SIGN_IN_TITLE,
    document_title,
    fresh_page,
    navigation_links,
)
from dashboard.components.safe import md_escape  # noqa: E402
from dashboard.store import records  # noqa: E402


def run() -> None:
    with timing.script_run() as run_info:  # a no-op unless SID_TIMING_LOG is set (benchmarks)
        try:
            _run(run_info)
        finally:  # st.rerun and st.stop end a run by raising
            heap.settle_after_run()


def _run(run_info: dict) -> None:
    # The tab's title is set once the page is known (document_title, below).
    st.set_page_config(page_icon=":material/school:", layout="wide")
    identity = auth.current_identity()
    if identity is None:
        # Signed out: the login page, and the accessibility statement it links to (public sector
        # bodies must publish one); any other URL path falls back to the login page.
        login = fresh_page("login.py", SIGN_IN_TITLE, "login", default=True)
        statement = fresh_page("accessibility.py", "Accessibility statement", "accessibility")
        page = st.navigation([login, statement], position="hidden")
        st.set_page_config(page_title=document_title(page.title))
        run_info.update(
            page="accessibility" if page.title == statement.title else "login", role=None
        )
        page.run()
        return
    sections: dict[str, list[st.Page]] = {}
    ids: dict[str, str] = {}  # page title -> PageSpec id (the default page's url_path is "")
    for i, spec in enumerate(access.pages_for(identity.role)):
        page = fresh_page(spec.file, spec.title, spec.id, icon=spec.icon or None, default=(i == 0))
        sections.setdefault(spec.section, []).append(page)
        ids[spec.title] = spec.id
    page = st.navigation(sections, position="hidden")
    st.set_page_config(page_title=document_title(page.title))
    with st.sidebar:
        st.caption(  # a display name is user input: shown as text, never as Markdown
            f"Signed in as {md_escape(identity.display_name)} ({access.ROLE_LABELS[identity.role]})"
        )
        auth.logout_button()
        navigation_links(sections)
    run_info.update(page=ids.get(page.title, page.url_path), role=identity.role)
    # The page's require_identity reuses this check, and each question to the store's records is
    # read once in the run (writes in the run are read back: dashboard/store/records.py).
    with auth.checked_for_run(identity), records.read_once_per_run():
        page.run()


if __name__ == "__main__":  # a session's script run (Streamlit names the script __main__)
    run()
else:  # imported by `streamlit run` (or uvicorn) to find the server application
    from starlette.middleware import Middleware  # noqa: E402

    from dashboard.web import SessionCookieMiddleware  # noqa: E402

    heap.map_large_blocks()  # a sign-in's 19 MiB hash goes back to the system once freed
    heap.preload()  # every page's modules imported once, then the heap frozen (dashboard/heap.py)
    app = st.App(__file__, middleware=[Middleware(SessionCookieMiddleware)])
