"""The governor's profile PDF as it prints, on the fixture county (real ETL and model): read back with
pdfplumber, not only counted. The summary (what stands out, key figures against the local authority
and national, the support category and its reasons) fills the first page or two and the detail
starts after it; every figure the page shows is in the PDF; the council's pupil data is there,
suppressed as on the page; every page carries the school, the source, the data's date and "Page n of
N"; no word is broken in two; a table that runs onto a second page repeats its header there; the
document names its language and title. Pages are rendered to PNG (test-artifacts/profile-pdf/)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from dashboard import demo_users, profile_pdf
from dashboard.access import GOVERNOR, identity_for
from dashboard.components import pdf
from dashboard.data_access import governor, pupils, similar
from dashboard.store import users
from tests.pages.helpers import login, open_sections

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "profile-pdf"
FIGURE = re.compile(r"^[−+-]?\d[\d,.]*%?$|^SUPP|^[−+-]?\d+(st|nd|rd|th)$")


def _norm(text: str) -> str:
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def printed(fixture_warehouse, tmp_path_factory):
    """The PDF of the governor school with the most pupil data, read back, and that governor's page."""
    import pdfplumber

    store = tmp_path_factory.mktemp("profile_store") / "store.sqlite"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SID_WAREHOUSE", str(fixture_warehouse))
        mp.setenv("SID_STORE_PATH", str(store))
        mp.setenv("SID_DEPLOYMENT", "full")
        demo_users.create_demo_users(fixture_warehouse, store)
        govs = [
            identity_for(u.username, u.display_name, u.role, u.urns)
            for u in users.list_users()
            if u.role == GOVERNOR and len(u.urns) == 1
        ]
        best = max(govs, key=lambda g: len(pupils.school_group_figures(g, min(g.allowed_urns))))
        urn = min(best.allowed_urns)
        profile = governor.school_profile(best, urn)
        figures = pupils.school_group_figures(best, urn)
        comparison = similar.comparison(best, urn)
        data = profile_pdf.build_pdf(profile, pupil_figures=figures, similar=comparison)
        at = open_sections(login(best.username))  # every section of the profile, opened
        page_tables = [t.value for t in at.table]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(
        "page-*.png"
    ):  # last run's pages (a shorter document leaves none behind)
        old.unlink(missing_ok=True)
    (ARTIFACTS / "profile.pdf").write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / "profile.pdf"),
             str(ARTIFACTS / "page")], check=True, timeout=120,
        )  # fmt: skip
    doc = pdfplumber.open(io.BytesIO(data))
    texts = [_norm(p.extract_text()) for p in doc.pages]
    words = [[w["text"] for w in p.extract_words()] for p in doc.pages]
    yield {
        "profile": profile,
        "figures": figures,
        "doc": doc,
        "texts": texts,
        "words": words,
        "page_tables": page_tables,
        "sections": pdf.expand(
            profile_pdf.sections(profile, pupil_figures=figures, similar=comparison)
        ),
    }
    doc.close()


def test_summary_comes_first_and_fits_two_pages(printed):
    profile, texts = printed["profile"], printed["texts"]
    detail = next(i for i, t in enumerate(texts) if "The detail" in t)
    assert detail in (0, 1), "the summary must take one or two pages"
    summary = " ".join(texts[: detail + 1]).split("The detail")[0]
    assert "What stands out" in summary
    for line in profile_pdf.summary(profile):
        assert _norm(line)[:40] in summary
    key = profile_pdf.key_figures(profile)
    assert len(key) >= 3
    for row in key.itertuples(index=False):
        for cell in (row.School, row._3, row.National):  # School, Local authority, National
            assert _norm(cell) in summary, (row.Measure, cell)
    if profile.support is not None:
        assert "Support from the council" in summary
        for reason in profile.support.reasons:
            assert _norm(reason)[:40] in summary


def test_every_figure_the_page_shows_is_in_the_pdf(printed):
    """The page's tables (read from the running page in AppTest), figure by figure."""
    everything = " ".join(printed["texts"])
    seen = 0
    for table in printed["page_tables"]:
        for col in table.columns:
            for cell in table[col].astype(str):
                cell = cell.replace("\\", "")
                if FIGURE.match(cell.strip()):
                    assert cell.strip() in everything, (col, cell)
                    seen += 1
    assert seen >= 20


def test_pupil_data_is_there_suppressed_as_on_the_page(printed):
    from dashboard import pupil_progress

    tables = pupil_progress.governor_tables(printed["figures"])
    assert tables, "the fixture governor school should have pupil data"
    everything = " ".join(printed["texts"])
    assert pupil_progress.GOVERNOR_HEADING in everything
    for heading, table in tables:
        assert _norm(heading) in everything
        for cell in table["Pupils"]:
            assert cell in everything
        suppressed = table["Pupils"] == "SUPP"
        for row in table[suppressed].itertuples(index=False):
            assert row[2].startswith("SUPP")  # a small group's figure is the code, never a number


def test_every_page_names_the_school_source_date_and_number(printed):
    profile, texts = printed["profile"], printed["texts"]
    n = len(texts)
    for i, text in enumerate(texts, start=1):
        assert _norm(profile.school["name"]) in text, i
        assert f"Page {i} of {n}" in text
        assert "Source:" in text and _norm(f"Data as at {profile.data_date}")[:60] in text
    assert n <= 9  # summary, detail (similar schools and pupil data included) and sources
    last = printed["doc"].pages[-1]
    assert max(w["bottom"] for w in last.extract_words()[:-3]) > last.height * 0.15  # not empty


def test_no_word_is_broken_in_two(printed):
    corpus: set[str] = set()

    def add(text) -> None:
        corpus.update(str(text).split())

    profile = printed["profile"]
    add(f"{profile.school['name']}: school profile")
    add(f"{profile.school['name']} (URN {profile.school['urn']}): school profile")
    add(f"Source: {profile.short_source}. Data as at {profile.data_date}. Page of")
    for s in printed["sections"]:
        if isinstance(s, (pdf.Heading, pdf.Paragraph)):
            add(s.text)
        elif isinstance(s, pdf.KeyValues):
            for k, v in s.rows if not isinstance(s.rows, dict) else s.rows.items():
                add(k)
                add(v)
        elif isinstance(s, pdf.Table):
            add(" ".join(map(str, s.data.columns)))
            add(" ".join(map(str, s.data.to_numpy().ravel())))
    broken = [w for page in printed["words"] for w in page if w not in corpus and not w.isdigit()]
    assert not broken, f"words not in the text (split across lines?): {broken[:10]}"


def test_a_table_over_a_page_break_repeats_its_header(printed, monkeypatch):
    """Each table drawn is recorded with the pages it spans (the PDF made again, the same way):
    a table on one page is whole; one over a page break has a header, drawn again at the top of
    every page it reaches (its blue header row is on each of those pages, read with pdfplumber)."""
    import pdfplumber

    spans = []
    real = pdf._Doc._draw_table

    def draw(self, p, cells, head, widths, size, bold_first):
        first = p.page
        real(self, p, cells, head, widths, size, bold_first)
        if type(p).__name__ != "FPDFRecorder":  # drawn for real, not measured
            spans.append((first, p.page, head is not None, len(cells)))

    monkeypatch.setattr(pdf._Doc, "_draw_table", draw)
    data = profile_pdf.build_pdf(printed["profile"], pupil_figures=printed["figures"])
    assert len(spans) >= 8
    with pdfplumber.open(io.BytesIO(data)) as doc:
        blue = [
            {round(r["top"]) for r in page.rects if _is_header_fill(r.get("non_stroking_color"))}
            for page in doc.pages
        ]
    for first, last, has_header, rows in spans:
        if first == last:
            continue
        assert has_header, f"a table without a header split over pages {first}-{last} ({rows} rows)"
        for page in range(first, last + 1):
            assert blue[page - 1], f"page {page}: the table's header is not repeated"


def _is_header_fill(colour) -> bool:
    r, g, b = pdf.TABLE_HEADER_FILL
    return (
        colour is not None
        and len(colour) == 3
        and all(abs(c - want / 255) < 0.01 for c, want in zip(colour, (r, g, b), strict=True))
    )


def test_language_and_title(printed):
    doc = printed["doc"]
    catalog = doc.doc.catalog
    assert catalog["Lang"] in (b"en-GB", "en-GB")
    assert doc.metadata["Title"] == f"{printed['profile'].school['name']}: school profile"
    assert pd.notna(doc.metadata.get("Title"))
