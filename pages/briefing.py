"""Briefing: full-screen slides for a district or the county on a projector; area and slide in the URL.

Previous/Next are buttons with keyboard shortcuts (ArrowLeft / ArrowRight). Aggregates only; the
briefing role names schools only where SID_BRIEFING_NAMES_SCHOOLS allows it. The deck downloads as
.pptx and .pdf, built from the same slides (dashboard/briefing_slides.py), so it matches the screen.
PROJECTOR_CSS is a constant (no data in it) passed to st.html: it only enlarges text for the back of
a room and sets it black on white (21:1, above the 7:1 of palette.PROJECTOR_THEME), keyboard
hints and the sidebar's captions included.
"""

import streamlit as st

from dashboard import access, auth, briefing_slides, data_access, render
from dashboard.components import charts, slides
from dashboard.components.safe import md_escape, safe_filename
from dashboard.data_access import briefing

PROJECTOR_CSS = """<style>
[data-testid="stMain"] h1 { font-size: 2.75rem !important; color: #000000 !important; }
[data-testid="stMain"] h2 { font-size: 1.9rem !important; color: #000000 !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] td,
[data-testid="stMain"] th { font-size: 1.6rem !important; color: #000000 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.6rem !important; color: #000000 !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: 3.2rem !important; color: #000000 !important; font-weight: 700 !important; }
[data-testid="stMain"] button p { font-size: 1.4rem !important; }
[data-testid="stMain"] kbd, [data-testid="stSidebar"] [data-testid="stCaptionContainer"],
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] * {
  color: #000000 !important; opacity: 1 !important; }
</style>"""

identity = auth.require_identity("briefing")
st.html(PROJECTOR_CSS)
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
district = (
    None if st.session_state["briefing_area"] == "county" else st.session_state["briefing_area"]
)
area_name = district or la_name

named = briefing.named_intensive(identity, district) if access.may_name_schools(identity) else None
deck = briefing_slides.build_slides(
    area_name,
    None if district is None else la_name,
    briefing.glance(identity, district),
    briefing.measures(identity, district),
    briefing.categories(identity, district),
    named,
)
total = len(deck)
raw = st.query_params.get("slide", "1")  # user input: a number within the deck, else slide 1
number = int(raw) if raw.isdigit() and 1 <= int(raw) <= total else 1
st.query_params["area"] = st.session_state["briefing_area"]
st.query_params["slide"] = str(number)


def _go(step: int) -> None:
    st.query_params["slide"] = str(min(max(number + step, 1), total))


back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
back.button(
    "◀ Previous",
    key="briefing_prev",
    shortcut="ArrowLeft",
    on_click=_go,
    args=(-1,),
    disabled=number == 1,
    width="stretch",
)
where.subheader(f"Slide {number} of {total}")
forward.button(
    "Next ▶",
    key="briefing_next",
    shortcut="ArrowRight",
    on_click=_go,
    args=(1,),
    disabled=number == total,
    width="stretch",
)

slide = deck[number - 1]
st.title(md_escape(slide.title))
st.header(md_escape(slide.message))
if slide.metrics:
    for column, metric in zip(
        st.columns(min(len(slide.metrics), 4)), slide.metrics[:4], strict=False
    ):
        column.metric(md_escape(metric.label), metric.value)
        if metric.note:
            column.markdown(f"**{md_escape(metric.note)}**")
for bullet in slide.bullets:
    st.markdown(f"**{md_escape(bullet)}**")
if slide.chart is not None:
    charts.render_chart(
        briefing_slides.for_projector(slide.chart),
        slide.chart_data,
        f"slide{number}",
        slide.title,
        heading=False,
        description=slide.chart_alt,
    )
elif slide.table is not None:
    render.safe_table(slide.table, hide_index=True)

with st.expander("Take this briefing to a room (no network needed)"):
    pack = briefing_slides.to_deck(deck)
    stem = safe_filename(f"briefing {area_name}", "")
    st.download_button(
        "Download the slides (PowerPoint .pptx)",
        data=lambda: slides.briefing_pptx(pack),
        file_name=f"{stem}.pptx",
        key="briefing_pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click=data_access.record_export,
        args=(identity, f"briefing deck {area_name} (pptx)"),
    )
    st.download_button(
        "Download the slides (PDF)",
        data=lambda: slides.briefing_pdf(pack, title=f"Briefing: {area_name}"),
        file_name=f"{stem}.pdf",
        key="briefing_pdf",
        mime="application/pdf",
        on_click=data_access.record_export,
        args=(identity, f"briefing deck {area_name} (pdf)"),
    )
