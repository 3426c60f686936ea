"""The app shell (dashboard/components/navigation.py) makes each page's st.Page once per process and gives every run its own copy,
so the flag st.navigation sets on the page it returns is never shared between sessions."""

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from dashboard.components.navigation import fresh_page

    a = fresh_page("accessibility.py", "Accessibility statement", "accessibility")
    b = fresh_page("accessibility.py", "Accessibility statement", "accessibility")
    login = fresh_page("login.py", "Sign in", "login", default=True)
    chosen = st.navigation([login, a], position="hidden")
    st.session_state["copies_differ"] = a is not b
    st.session_state["b_untouched"] = b._can_be_called is False
    st.session_state["chosen_may_run"] = chosen._can_be_called is True
    st.session_state["same_file"] = str(a._page) == str(b._page) and a.url_path == "accessibility"


def test_every_run_gets_its_own_page_objects():
    at = AppTest.from_function(_script).run()
    assert not at.exception, at.exception
    for key in ("copies_differ", "b_untouched", "chosen_may_run", "same_file"):
        assert at.session_state[key], key
