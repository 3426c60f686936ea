"""CSV/Excel round trips, PDF text and fonts, PPTX reopened."""

import io
import re
import zlib

import pandas as pd
import pytest

from dashboard.components import charts, exports, pdf, slides

DF = pd.DataFrame(
    {
        "school": ["St Mary’s £", '=HYPERLINK("http://x")', "-cmd"],
        "value": [72.5, None, -0.8],
        "status_code": [None, "SUPP", None],
        "pupils": [1234, 5, 60],
    }
)


def test_csv_round_trip_and_formula_defused():
    back = pd.read_csv(
        io.BytesIO(exports.to_csv_bytes(DF)),
        encoding="utf-8-sig",
        keep_default_na=False,
        na_values=[""],
    )
    assert (
        back["value"].tolist()[0] == 72.5 and pd.isna(back["value"][1]) and back["value"][2] == -0.8
    )
    assert back["pupils"].tolist() == [1234, 5, 60]
    assert back["school"][0] == "St Mary’s £"
    assert back["school"][1].startswith("'=") and back["school"][2] == "'-cmd"
    assert back["status_code"].tolist()[1] == "SUPP"


def test_excel_round_trip_notes_and_no_formulas():
    from openpyxl import load_workbook

    b = exports.to_excel_bytes(
        DF,
        "KS2 results: 2024/25",
        "Reading results",
        ["Figures are provisional."],
        source="DfE performance tables",
        data_date="2025-12-11",
    )
    wb = load_workbook(io.BytesIO(b))
    ws = wb["KS2 results  2024 25"]
    assert ws["A1"].value == "Reading results"
    assert [c.value for c in ws[3]] == ["school", "value", "status_code", "pupils"]
    assert [ws.cell(r, 2).value for r in (4, 5, 6)] == [72.5, None, -0.8]
    assert [ws.cell(r, 4).value for r in (4, 5, 6)] == [1234, 5, 60]
    assert ws.cell(5, 1).data_type == "s" and ws.cell(5, 1).value.startswith("=HYPERLINK")
    assert ws.freeze_panes == "A4" and ws.column_dimensions["A"].width >= len("St Mary’s £")
    notes = {r[0]: r[1] for r in wb["Notes"].iter_rows(values_only=True)}
    assert notes["Source"] == "DfE performance tables" and notes["Data date"] == "2025-12-11"
    assert notes["Note"] == "Figures are provisional." and notes["Rows"] == "3"


def test_excel_writes_dates_as_dates_and_an_infinite_value_as_an_empty_cell():
    from openpyxl import load_workbook

    df = pd.DataFrame(
        {"when": [pd.Timestamp("2025-01-02"), None], "v": [float("inf"), True], "n": ["+1", "x"]}
    )
    ws = load_workbook(io.BytesIO(exports.to_excel_bytes(df, "S")))["S"]
    assert ws["A2"].is_date and ws["A2"].value.date().isoformat() == "2025-01-02"
    assert ws["B2"].value is None and ws["B2"].data_type != "f"  # never the =1/0 error formula
    assert ws["B3"].value is True
    assert ws["C2"].value == "+1" and ws["C2"].data_type == "s" and ws["C2"].quotePrefix
    assert ws.auto_filter.ref == "A1:C3"


TREND = pd.DataFrame(
    {"series": ["This school"] * 3, "time_period": [201718, 201819, 202122], "value": [60, 62, 55]}
)
SECTIONS = [
    {
        "heading": "Results",
        "text": ["The school’s results – all of them – cost £0 ▲ better."],
        "key_values": {"URN": "123456", "Category": "◆ Targeted"},
    },
    pdf.Table(pd.DataFrame({"Year": ["2023/24"], "Figure": ["SUPP"]}), caption="Reading"),
    pdf.Chart(
        charts.trend_chart(TREND, title="Trend", y_title="%", kind="pct"), "Trend of results"
    ),
]


def streams(b: bytes) -> bytes:
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", b, flags=re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return b"\n".join(out)


def test_profile_pdf_core_font_text_findable():
    b = pdf.profile_pdf(
        "Profile", SECTIONS, source="DfE", data_date="2025-12-11", font_dir=None, compress=False
    )
    assert b.startswith(b"%PDF")
    content = streams(b)
    assert b"The school's results - all of them - cost \xa30" in content  # £ kept, dashes made safe
    assert b"Source: DfE. Data as at 2025-12-11." in content
    assert b"Page 1 of" in content


def test_profile_pdf_dejavu_maps_pound_dash_apostrophe():
    if not pdf.DEJAVU_DIR.joinpath("DejaVuSans.ttf").exists():
        pytest.skip("fonts-dejavu-core not installed")
    b = pdf.profile_pdf("Profile", SECTIONS, source="DfE", data_date="2025", compress=False)
    assert b.startswith(b"%PDF") and b"DejaVu" in b
    cmaps = streams(b).upper()
    for code in (b"<00A3>", b"<2013>", b"<2019>", b"<25B2>", b"<25C6>"):  # £ – ’ ▲ ◆ in ToUnicode
        assert code in cmaps, code


def test_sanitise_core():
    assert pdf.sanitise_core("a – b ’ £ ✓ ▲ 中") == "a - b ' £  ^ ?"


def test_briefing_pptx_reopens_with_titles_and_large_type():
    from pptx import Presentation

    deck = [
        slides.Slide(
            "County results – 2024/25",
            ["Reading ▲ better", "Absence ▼ worse"],
            chart=charts.trend_chart(TREND, title="Trend", y_title="%"),
            chart_alt="Trend",
            notes="Say this.",
        ),
        {
            "title": "Next steps",
            "bullets": ["Visit three schools"],
            "table": pd.DataFrame({"District": ["A", "B"], "Schools": [12, None]}),
        },
    ]
    prs = Presentation(io.BytesIO(slides.briefing_pptx(deck)))
    assert [s.shapes.title.text for s in prs.slides] == ["County results – 2024/25", "Next steps"]
    first = prs.slides[0]
    sizes = [
        r.font.size.pt
        for sh in first.shapes
        if sh.has_text_frame and sh != first.shapes.title
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if not sh.text_frame.text.startswith("Slide ")  # the source line (no source given here)
    ]
    assert sizes and min(sizes) >= slides.BODY_MIN_PT  # measured to fit, never below the floor
    assert (
        min(r.font.size.pt for p in first.shapes.title.text_frame.paragraphs for r in p.runs)
        >= slides.TITLE_MIN_PT
    )
    assert any(sh.shape_type == 13 for sh in first.shapes)  # picture
    assert any(sh.has_table for sh in prs.slides[1].shapes)
    assert first.notes_slide.notes_text_frame.text == "Say this."
    b = slides.briefing_pdf(deck, source="DfE", data_date="2025", font_dir=None, compress=False)
    assert b.startswith(b"%PDF") and b"Visit three schools" in streams(b)
