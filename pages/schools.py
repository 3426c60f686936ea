"""Schools: the schools you may see, filtered by district, phase and type (filters in the URL)."""

import streamlit as st

from dashboard import access, auth, data_access, render
from dashboard.components import exports, frames, schools_table
from dashboard.data_access.provenance import provenance

identity = auth.require_identity("schools")
st.title("Schools")

if not access.may_name_schools(identity):
    st.caption("Aggregate view: schools are not named on a briefing screen.")
    render.safe_table(data_access.school_counts(identity), hide_index=True)
    st.stop()

FILTERS = [("district", "District"), ("phase", "Phase"), ("school_type", "Type")]
whole = data_access.list_schools_keyed(identity)  # a filter's rows are taken from its table
options = data_access.filter_options(identity)
menus = schools_table.filter_choices(whole[1], options, tuple(p for p, _ in FILTERS))
chosen: dict[str, str | None] = {}
for column, (param, label) in zip(st.columns(len(FILTERS)), FILTERS, strict=True):
    choices = menus[param]
    from_url = st.query_params.get(param)  # user input: only used if it is one of the choices
    index = choices.index(from_url) if from_url in choices else 0
    value = column.selectbox(label, choices, index=index, key=f"filter_{param}")
    chosen[param] = None if value == "All" else value
    if chosen[param] is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value

schools, key = data_access.list_schools_keyed(identity, **chosen)
shown, picker = schools_table.tables(key, schools, whole)  # once per key, not every rerun
sources = provenance(identity, ("gias", "spine", "census"))
st.caption(
    f"{len(shown)} school{'' if len(shown) == 1 else 's'} (every school you may see, open or "
    f"closed). Data as at: {sources.as_at}"
)

as_table = st.toggle("Show as table", key="as_table", value=st.query_params.get("view") == "table")
if as_table:
    st.query_params["view"] = "table"
    st.table(schools_table.escaped_table(key, shown), hide_index=True)  # render.safe_table, cached
else:
    st.query_params.pop("view", None)
    st.dataframe(frames.arrow("schools list", key, shown), hide_index=True)  # once per key

st.download_button(
    "Download these schools (CSV)",
    # made once per key, before the click: a file made on click (data=callable) failed in the
    # browser after a filter change (a click during a rerun asks for a dropped file id)
    exports.keyed_csv_bytes("schools list", key, shown, sources),
    file_name="schools.csv",
    mime="text/csv",
    key="download_schools",
    on_click=data_access.record_export,
    args=(identity, "schools list", None, len(shown)),
)

st.header("One school")
raw_urn = st.query_params.get("urn")  # user input: parsed here, checked by data_access
urn = int(raw_urn) if raw_urn and raw_urn.isdigit() else None
st.session_state["open_urn"] = urn if urn in picker else None  # the URL leads, the widget follows


def _opened() -> None:
    chosen = st.session_state["open_urn"]
    if chosen is None:
        st.query_params.pop("urn", None)
    else:
        st.query_params["urn"] = str(chosen)


find = ""
if len(picker) > schools_table.PICKER_LIMIT:
    find = st.text_input("Find a school to open (part of its name or URN)", key="find_school")
listed, matches = schools_table.picker_options(key, picker, find, urn if urn in picker else None)
if len(picker) > schools_table.PICKER_LIMIT and find.strip():
    st.caption(f"{matches} school{'' if matches == 1 else 's'} found"
               + (f"; the first {len(listed)} are listed" if matches > len(listed) else ""))  # fmt: skip
st.selectbox(
    "Open a school",
    [None, *listed],
    key="open_urn",
    on_change=_opened,
    format_func=lambda u: "Choose a school" if u is None else picker.get(u, f" ({u})"),
)
if urn is not None:
    profile = data_access.school_profile(identity, urn)
    if profile is None:
        st.warning("That school is not available to you.")
    else:
        facts, figures, legend = schools_table.one_school(profile)  # once per school and key
        render.heading(profile.school["name"], level=3)
        render.safe_table(facts, hide_index=True)
        if figures is None:
            st.info("No published measures are loaded for this school.")
        else:
            render.safe_table(figures, hide_index=True)
            if legend:
                st.caption(legend)
