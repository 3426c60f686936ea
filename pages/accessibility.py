"""Accessibility statement: for every role, and reachable signed out (linked from the sign-in page)."""

import streamlit as st

from dashboard import accessibility, auth

st.title("Accessibility statement")
if auth.current_identity() is None:
    st.page_link("../pages/login.py", label="Back to sign in", icon=":material/login:")
st.markdown(accessibility.statement_markdown())
