"""The briefing deck as a room will see it: built from the fixture county (real ETL and model) for
the whole county and one district, opened by LibreOffice Impress (headless, one conversion for the
module) and read back from the PDF it renders. Every word LibreOffice draws lies inside the text box,
title or table it belongs to; no word is broken in two; every slide has a real title placeholder, a
source line with the data's year, speaker notes with its figures, and alt text on its chart.
Pages are also rendered to PNG (test-artifacts/briefing-pptx/) to be read by eye."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard import briefing_slides
from dashboard.access import identity_for
from dashboard.components import slides
from dashboard.data_access import briefing, provenance

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "briefing-pptx"
EMU_PER_PT = 12700
TOLERANCE_PT = 2.0  # glyph outlines may sit a hair outside the advance box


def _deck(identity, district: str | None, named=None):
    areas = briefing.areas(identity)
    la_name = str(areas["la_name"].iloc[0])
    return briefing_slides.build_slides(
        district or la_name,
        None if district is None else la_name,
        briefing.glance(identity, district),
        briefing.measures(identity, district),
        briefing.categories(identity, district),
        named,
        lambda topic: provenance.provenance(identity, briefing_slides.TOPIC_KINDS[topic]),
    )


@pytest.fixture(scope="module")
def rendered(fixture_warehouse, tmp_path_factory):
    """{name: (pptx bytes, pdfplumber pages, briefing slides)} for the county and one district."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: run `make setup` (target office-deps)")
    import pdfplumber

    out_dir = tmp_path_factory.mktemp("deck")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SID_WAREHOUSE", str(fixture_warehouse))
        mp.setenv("SID_DEPLOYMENT", "full")
        who = identity_for("b", "B", "briefing", [])
        district = sorted(briefing.areas(who)["district"].astype(str))[0]
        # the county as a manager sees it: schools in intensive support named (a long point)
        boss = identity_for("m", "M", "manager", [])
        decks = {
            "county": _deck(boss, None, briefing.named_intensive(boss, None)),
            "district": _deck(who, district),
        }
    files = []
    for name, deck in decks.items():
        path = out_dir / f"{name}.pptx"
        path.write_bytes(slides.briefing_pptx(briefing_slides.to_deck(deck)))
        files.append(path)
    profile = out_dir / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out_dir), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):  # last run's pages (a shorter document leaves none behind)
        old.unlink(missing_ok=True)
    result = {}
    for name, deck in decks.items():
        pdf_path = out_dir / f"{name}.pdf"
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(pdf_path), str(ARTIFACTS / name)],
                check=True, timeout=120,
            )  # fmt: skip
        doc = pdfplumber.open(pdf_path)
        result[name] = ((out_dir / f"{name}.pptx").read_bytes(), doc.pages, deck)
    return result


def _boxes(slide) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, (x0, top, x1, bottom) in points) of every text-bearing shape; table cells one by one."""
    out = []
    for shape in slide.shapes:
        x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
        if shape.has_text_frame and shape.text_frame.text.strip():
            out.append(
                (
                    shape.text_frame.text,
                    (x, y, x + shape.width / EMU_PER_PT, y + shape.height / EMU_PER_PT),
                )  # fmt: skip
            )
        if shape.has_table:
            top = y
            for row in shape.table.rows:
                left = x
                for col, cell in zip(shape.table.columns, row.cells, strict=True):
                    right = left + col.width / EMU_PER_PT
                    out.append((cell.text, (left, top, right, top + row.height / EMU_PER_PT)))
                    left = right
                top += row.height / EMU_PER_PT
    return out


def _inside(word, box) -> bool:
    x0, top, x1, bottom = box
    t = TOLERANCE_PT
    return (
        word["x0"] >= x0 - t
        and word["x1"] <= x1 + t
        and word["top"] >= top - t
        and word["bottom"] <= bottom + t
    )


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("name", ["county", "district"])
def test_every_word_libreoffice_draws_stays_inside_its_box(rendered, name):
    from pptx import Presentation

    data, pages, deck = rendered[name]
    prs = Presentation(io.BytesIO(data))
    assert len(pages) == len(prs.slides)
    for number, (slide, page) in enumerate(zip(prs.slides, pages, strict=True), start=1):
        assert (round(page.width), round(page.height)) == (960, 540)  # 13.333 x 7.5 in
        boxes = _boxes(slide)
        words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
        assert words, f"slide {number}: LibreOffice drew no text"
        for w in words:
            homes = [text for text, box in boxes if w["text"] in text and _inside(w, box)]
            assert homes, f"{name} slide {number}: {w['text']!r} at {w} is outside every box"
        drawn = " ".join(w["text"] for w in words)
        for text, _box in boxes:
            for word in _words(text):
                assert word in drawn, f"{name} slide {number}: {word!r} not drawn whole"
        # no word broken in two: every drawn word is a word of the deck's text
        deck_words = {x for text, _ in boxes for x in _words(text)}
        broken = [w["text"] for w in words if w["text"] not in deck_words]
        assert not broken, f"{name} slide {number}: words split or hyphenated: {broken}"


@pytest.mark.parametrize("name", ["county", "district"])
def test_titles_sources_notes_and_alt_text(rendered, name):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    data, _pages, deck = rendered[name]
    prs = Presentation(io.BytesIO(data))
    shown = [s for s in prs.slides if not s.shapes.title.text.endswith(" (continued)")]
    assert [s.shapes.title.text for s in shown] == [s.title for s in deck]
    for s, slide in zip(deck, shown, strict=True):
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        footer = [t for t in texts if t.startswith("Source:")]
        # decision 25: the period of the figures and what the files say of their dates
        assert footer and re.search(r"Figures for 20\d\d/\d\d", footer[0]), footer
        notes = slide.notes_slide.notes_text_frame.text
        assert "Source files: " in notes
        assert s.files and all(f.split(": ")[-1] in notes for f in s.files)
        assert s.title in notes and s.source in notes
        for m in s.metrics:
            assert m.value in notes  # the speaker notes carry every figure
        for b in s.bullets:
            assert b in notes
        pictures = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == (1 if s.chart is not None else 0)
        for pic in pictures:
            alt = pic._element.nvPicPr.cNvPr.get("descr")
            assert alt and alt == s.chart_alt
            # drawn at the box's size: 2 x 96 pixels per inch, never stretched
            from PIL import Image

            with Image.open(io.BytesIO(pic.image.blob)) as im:
                w_px, h_px = im.size
            assert abs(w_px / (pic.width / 914400) - 192) < 3
            assert abs(h_px / (pic.height / 914400) - 192) < 3
        sizes = [
            r.font.size.pt
            for sh in slide.shapes
            if sh.has_text_frame and not sh.text_frame.text.startswith("Source:")
            for p in sh.text_frame.paragraphs
            for r in p.runs
        ]
        assert min(sizes) >= 18  # readable from the back of a room
