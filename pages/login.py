"""Sign-in page: the only page a signed-out visitor can reach."""

import streamlit as st

from dashboard import auth, demo_users
from dashboard.store import users

st.title("School improvement dashboard")
st.subheader("Sign in")
if auth.sso_configured():
    auth.sso_button()
    st.caption("Council staff sign in with their council account; governors with a username.")
auth.login_form()
st.page_link(
    "../pages/accessibility.py",
    label="Accessibility statement: how accessible this dashboard is and how to report a problem",
    icon=":material/accessibility:",
)

if users.only_demo_users():
    st.divider()
    st.subheader("Demo accounts")
    st.markdown(
        "This installation holds **only demonstration users**, created by "
        "`python -m dashboard.demo_users`. Every one uses the password "
        f"`{demo_users.DEMO_PASSWORD}`. Replace them with real accounts before real use."
    )
    st.table(demo_users.demo_accounts_table())
