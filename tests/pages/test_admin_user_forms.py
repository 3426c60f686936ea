"""The administrator's user forms (issue 18 item 4, issue 19): a refused value saves nothing, the
form keeps what was typed (never a password), the error sits beside its field; the password rule
refuses common passwords."""

from __future__ import annotations

import pytest

from dashboard.store import sessions, users
from tests.pages.helpers import login


def admin_page():
    return login("admin", page="admin_users")


def add(at, **values):
    at.radio(key="new_sign_in").set_value(values.pop("sign_in", "password"))
    for key, value in values.items():
        widget = at.multiselect(key=key) if key == "new_urns" else None
        if widget is not None:
            widget.set_value(value)
        elif key == "new_role":
            at.selectbox(key=key).set_value(value)
        else:
            at.text_input(key=key).input(value)
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert not at.exception, at.exception
    return at


def errors_after(at, label: str) -> list[str]:
    """Error messages drawn between the widget labelled ``label...`` and the next widget."""
    out: list[str] = []
    for form in at.get("form"):
        current = None
        for child in form.children.values():
            if getattr(child, "label", None) is not None:
                current = child.label
            elif child in at.error and current is not None and current.startswith(label):
                out.append(child.value)
    return out


@pytest.mark.parametrize("password", ["12345678", "aaaaaaaa", " " * 8, "password1", "short"])
def test_a_refused_password_saves_nothing_and_keeps_the_form(dash_env, password):
    at = admin_page()
    add(at, new_username="newgov", new_display="New Governor", new_role="governor",
        new_urns=[100001], new_password=password)  # fmt: skip
    assert users.get_user("newgov") is None
    assert at.text_input(key="new_username").value == "newgov"
    assert at.text_input(key="new_display").value == "New Governor"
    assert at.selectbox(key="new_role").value == "governor"
    assert at.multiselect(key="new_urns").value == [100001]
    assert not at.text_input(key="new_password").value
    assert len(at.error) == 1 and errors_after(at, "Password") == [at.error[0].value]
    assert errors_after(at, "Username") == [] and errors_after(at, "Role") == []


def test_a_good_user_is_added_and_the_form_emptied(dash_env):
    at = admin_page()
    add(at, new_username="newgov", new_display="New Governor", new_role="governor",
        new_urns=[100001], new_password="correct horse battery")  # fmt: skip
    user = users.get_user("newgov")
    assert user is not None and user.urns == frozenset({100001}) and user.role == "governor"
    assert not at.text_input(key="new_username").value and "Added newgov" in at.success[0].value


def test_a_taken_username_is_named_beside_the_username(dash_env):
    at = admin_page()
    add(at, new_username="manager", new_display="X", new_role="manager",
        new_password="correct horse battery")  # fmt: skip
    assert errors_after(at, "Username") and "taken" in at.error[0].value


def test_a_single_sign_on_user_needs_no_password(dash_env):
    at = admin_page()
    add(at, sign_in="sso", new_username="Head.Office@Council.example", new_display="Head",
        new_role="officer")  # fmt: skip
    user = users.get_user("head.office@council.example")
    assert user is not None and user.sign_in == "sso" and user.role == "officer"
    assert users.verify_password(user.username, "") is None


def test_a_role_change_with_a_refused_password_saves_nothing(dash_env):
    target = login("manager")
    at = admin_page()
    at.selectbox(key="edit_username").set_value("manager").run()
    at.selectbox(key="edit_role").set_value("officer")
    at.text_input(key="edit_password").input("12345678")
    at.button(key="FormSubmitter:edit_user-Save changes").click().run()
    assert not at.exception
    assert users.get_user("manager").role == "manager"  # nothing saved
    assert at.selectbox(key="edit_role").value == "officer"  # what was chosen is kept
    assert "Nothing was saved" in at.error[0].value and errors_after(at, "New password")
    assert any(b.key == "logout" for b in target.run().button)  # sessions untouched
    at.text_input(key="edit_password").input("a much better passphrase")
    at.button(key="FormSubmitter:edit_user-Save changes").click().run()
    assert users.get_user("manager").role == "officer" and sessions.count_for("manager") == 0
    assert "Every session of this user has ended" in at.success[0].value


def test_the_school_pickers_offer_the_councils_schools_labelled_and_made_once_per_list(
    county_env, monkeypatch
):
    """The forms' school pickers offer the council's schools (the home LA's, not the other LAs'
    the national files name), the add form in the list's order and the change form by URN,
    labelled "name (urn)"; a school of another LA is still named, and a URN not in the warehouse
    says so. Made once per list key, not on every rerun, and the same as the list read afresh."""
    from dashboard import data_access, user_admin
    from dashboard.access import identity_for

    admin = identity_for("admin", "Admin", "admin", [])
    schools = data_access.list_schools(admin)
    home = data_access.home_la_code(admin)
    ours = schools[schools["la_code"].eq(home).to_numpy(dtype=bool)]
    other = schools[~schools["la_code"].eq(home).to_numpy(dtype=bool)].iloc[0]
    assert 0 < len(ours) < len(schools)  # the fixture county has other LAs' schools too
    choices = user_admin.school_choices(admin)
    urns = [int(u) for u in ours["urn"]]
    assert list(choices.listed) == urns and list(choices.by_urn) == sorted(urns)
    assert choices.known == set(urns) and int(other["urn"]) not in choices.known
    assert {int(u): choices.labels[int(u)] for u in schools["urn"]} == {
        int(u): f"{n} ({int(u)})" for u, n in zip(schools["urn"], schools["name"], strict=True)
    }
    assert choices.labels[1] == "not in this warehouse (1)"
    monkeypatch.setattr(user_admin, "Labels", lambda *a: pytest.fail("labels made again"))
    assert user_admin.school_choices(admin) is choices  # a rerun makes nothing
    at = admin_page()
    assert list(at.multiselect(key="new_urns").options) == [choices.labels[u] for u in urns]
    assert list(at.multiselect(key="edit_urns").options) == [
        choices.labels[u] for u in sorted(urns)
    ]
