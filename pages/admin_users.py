"""Administration: users (local accounts and single sign-on e-mails), roles and schools."""

import streamlit as st

from dashboard import access, auth, data_access, user_admin
from dashboard.user_admin import field_error

identity = auth.require_identity("admin_users")
st.title("Users")
user_admin.confirmation()

table = data_access.list_users(identity)
st.dataframe(table, hide_index=True)

# the council's schools and every school's label, made once per list key; Streamlit formats every
# option several times a run: labels looked up by the mapping's own __getitem__
listed, by_urn, known, labels = user_admin.school_choices(identity)

with st.expander(
    "Add a user", expanded=bool(st.session_state.get(user_admin.ERRORS, {}).get("add"))
):
    with st.form("add_user", clear_on_submit=False):
        st.radio(
            "Signs in with",
            ["password", "sso"],
            format_func={
                "password": "A password (local account)",
                "sso": "Council account (single sign-on)",
            }.get,
            key="new_sign_in",
            horizontal=True,
        )
        st.text_input("Username (single sign-on: the e-mail address)", key="new_username")
        field_error("add", "username")
        st.text_input("Full name", key="new_display")
        field_error("add", "display_name")
        st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key="new_role")
        field_error("add", "role")
        st.multiselect(
            "Schools (governors only)", listed, format_func=labels.__getitem__, key="new_urns"
        )
        st.text_input(
            "Password (local accounts: at least 8 characters, not a common password)",
            type="password",
            key="new_password",
        )
        field_error("add", "password")
        st.form_submit_button("Add user", on_click=user_admin.add_user, args=(identity,))

st.subheader("Change a user")
if not table.empty:

    def _row(username: str):  # the user's row (a Series named by username), when needed
        return table.set_index("username").loc[username]

    who = st.selectbox(
        "User",
        list(table["username"]),
        key="edit_username",
        on_change=lambda: user_admin.load_user_into_form(_row(st.session_state["edit_username"])),
    )
    if "edit_role" not in st.session_state:
        user_admin.load_user_into_form(_row(who))
    current = st.session_state.get("edit_urns", [])
    with st.form("edit_user", clear_on_submit=False):
        st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key="edit_role")
        field_error("edit", "role")
        st.multiselect(
            "Schools (governors only)",
            by_urn if known.issuperset(current) else sorted(known | set(current)),
            format_func=labels.__getitem__,
            key="edit_urns",
        )
        st.checkbox("Active (may sign in)", key="edit_active")
        st.text_input(
            "New password (leave blank to keep; local accounts only)",
            type="password",
            key="edit_password",
        )
        field_error("edit", "password")
        field_error("edit", "username")
        st.form_submit_button("Save changes", on_click=user_admin.change_user, args=(identity, who))
    st.caption(
        "Saving a new password, another role or other schools, or deactivating a user ends every "
        "session they have open at once."
    )
