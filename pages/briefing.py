"""Briefing: full-screen slides for a district or the county on a projector; area and slide in the URL.

Previous/Next are buttons with keyboard shortcuts (ArrowLeft / ArrowRight); P enters presenting
mode (nothing but the slide) and Escape leaves it (``?present=1`` in the URL). Aggregates only; the
briefing role names schools only where SID_BRIEFING_NAMES_SCHOOLS allows it. The slides are built
by dashboard/briefing_slides.py and drawn by dashboard/briefing_screen.py; the .pptx and .pdf are
made from the same slides, so they match the screen.
"""

import streamlit as st

from dashboard import auth, briefing_screen, briefing_slides, data_access, render
from dashboard.components import slides
from dashboard.components.safe import md_escape, safe_filename
from dashboard.data_access import briefing

identity = auth.require_identity("briefing")
if not briefing.loaded(identity):
    st.title("Briefing")
    st.info(
        "The model tables are not in this warehouse: run a load with the ETL (python -m etl load)."
    )
    st.stop()

areas = briefing.areas(identity)
la_name = str(areas["la_name"].iloc[0]) if len(areas) else "The county"
choices = ["county", *sorted(areas["district"].astype(str))]
area_param = st.query_params.get("area")  # user input: used only if it is one of the choices
st.session_state["briefing_area"] = area_param if area_param in choices else "county"


def _area_changed() -> None:
    st.query_params["area"] = st.session_state["briefing_area"]
    st.query_params["slide"] = "1"


st.sidebar.selectbox(
    "Briefing for",
    choices,
    key="briefing_area",
    on_change=_area_changed,
    format_func=lambda a: f"{la_name} (whole county)" if a == "county" else a,
)
district = None if (chosen := st.session_state["briefing_area"]) == "county" else chosen
area_name = district or la_name

deck = briefing.deck(identity, district, la_name)  # each slide built once per area and role
total = deck.total
raw = st.query_params.get("slide", "1")  # user input: a number within the deck, else slide 1
number = int(raw) if raw.isdigit() and 1 <= int(raw) <= total else 1
presenting = st.query_params.get("present") == "1"  # user input: only "1" means anything
st.query_params["area"] = st.session_state["briefing_area"]
st.query_params["slide"] = str(number)


def _go(step: int) -> None:
    st.query_params["slide"] = str(min(max(number + step, 1), total))


def _present(on: bool) -> None:
    if on:
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)


with st.container(key="briefing_controls", horizontal=True, vertical_alignment="center"):
    st.button("◀ Previous", key="briefing_prev", shortcut="ArrowLeft", on_click=_go, args=(-1,),
              disabled=number == 1)  # fmt: skip
    st.button("Next ▶", key="briefing_next", shortcut="ArrowRight", on_click=_go, args=(1,),
              disabled=number == total)  # fmt: skip
    if presenting:
        st.button("Leave presenting", key="briefing_leave", shortcut="Esc", on_click=_present,
                  args=(False,))  # fmt: skip
    else:
        st.button(
            "Present: nothing but the slide",
            key="briefing_present",
            shortcut="P",
            on_click=_present,
            args=(True,),
        )  # fmt: skip (secondary: 7:1 on a projector)

slide, note = deck.shown(number)  # only the slide shown is built
briefing_screen.show(slide, number, total, presenting=presenting, key=deck.key)
briefing_screen.every_area(deck, number, lambda: briefing.decks(identity, choices[1:], la_name))
if presenting:
    st.stop()

with st.expander("The figures on this slide and the speaker notes"):
    if slide.chart_data is not None:
        figures = briefing_screen.table_of(slide, "chart_data", number, deck.key)  # kept escaped
        render.safe_table(figures, hide_index=True)
    st.markdown(md_escape(note).replace("\n", "  \n"))


def _pdf(full: list) -> bytes:
    source, data_date = briefing_slides.deck_provenance(full)
    return slides.briefing_pdf(briefing_slides.to_deck(full), title=f"Briefing: {area_name}",
                               source=source, data_date=data_date)  # fmt: skip


with st.expander("Take this briefing to a room (no network needed)"):
    stem = safe_filename(f"briefing {area_name}", "")  # the deck and files made when asked for
    st.download_button(
        "Download the slides (PowerPoint .pptx)",
        data=lambda: slides.briefing_pptx(briefing_slides.to_deck(list(deck.slides))),
        file_name=f"{stem}.pptx",
        key="briefing_pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click=data_access.record_export,
        args=(identity, f"briefing deck {area_name} (pptx)"),
    )
    st.download_button(
        "Download the slides (PDF)",
        data=lambda: _pdf(list(deck.slides)),
        file_name=f"{stem}.pdf",
        key="briefing_pdf",
        mime="application/pdf",
        on_click=data_access.record_export,
        args=(identity, f"briefing deck {area_name} (pdf)"),
    )
