"""Administration: users, their roles and (for governors) their schools."""

import streamlit as st

from dashboard import access, auth, data_access

identity = auth.require_identity("admin_users")
st.title("Users")

table = data_access.list_users(identity)
st.dataframe(table, hide_index=True)

schools = data_access.list_schools(identity)
names = dict(zip(schools["urn"].astype(int), schools["name"], strict=True))


def school_label(urn: int) -> str:
    return f"{names.get(urn, 'not in this warehouse')} ({urn})"


with st.expander("Add a user"), st.form("add_user", clear_on_submit=True):
    username = st.text_input("Username", key="new_username")
    display = st.text_input("Full name", key="new_display")
    role = st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.get, key="new_role")
    urns = st.multiselect(
        "Schools (governors only)", list(names), format_func=school_label, key="new_urns"
    )
    password = st.text_input(
        "Password (at least 8 characters)", type="password", key="new_password"
    )
    if st.form_submit_button("Add user"):
        try:
            data_access.create_user(identity, username, display or username, role, password, urns)
            st.success(f"Added {username}.")
        except Exception as exc:  # sqlite IntegrityError for a taken name, ValueError for rules
            st.error(f"Could not add the user: {exc}")

st.subheader("Change a user")
if not table.empty:
    who = st.selectbox("User", list(table["username"]), key="edit_username")
    row = table.set_index("username").loc[who]
    current = [int(u) for u in row["schools"].split(", ") if u]
    with st.form("edit_user"):
        new_role = st.selectbox(
            "Role",
            access.ROLES,
            index=access.ROLES.index(row["role"]),
            format_func=access.ROLE_LABELS.get,
            key="edit_role",
        )
        new_urns = st.multiselect(
            "Schools (governors only)",
            sorted(set(names) | set(current)),
            default=current,
            format_func=school_label,
            key="edit_urns",
        )
        active = st.checkbox("Active (may sign in)", value=bool(row["active"]), key="edit_active")
        new_password = st.text_input(
            "New password (leave blank to keep)", type="password", key="edit_password"
        )
        if st.form_submit_button("Save changes"):
            try:
                data_access.update_user(identity, who, new_role, new_urns, active)
                if new_password:
                    data_access.reset_password(identity, who, new_password)
                st.success(f"Saved {who}.")
            except (ValueError, PermissionError) as exc:
                st.error(f"Could not save: {exc}")
