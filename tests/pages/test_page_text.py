"""The attack tests' reader of a page (tests/pages/helpers.py page_text) sees every figure and
sentence, but not Streamlit's generated ids, where a URN's digits can occur by chance."""

from streamlit.testing.v1 import AppTest

from tests.pages.helpers import page_text

SCRIPT = """
import streamlit as st
st.markdown("School 907002 is shown")
st.dataframe({"URN": [904011]})
st.selectbox("School", ["a", "b"], key="pick")
"""


def test_a_urn_in_text_or_a_table_is_seen_and_generated_ids_are_blanked():
    at = AppTest.from_string(SCRIPT).run()
    text = page_text(at)
    assert "907002" in text and "904011" in text
    assert "<id>" in text  # the selectbox's widget id, blanked
    assert not any(
        len(tok) == 32 and all(c in "0123456789abcdef" for c in tok)
        for tok in text.replace('"', " ").replace("-", " ").split()
    )
