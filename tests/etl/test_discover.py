"""etl.discover: encoding, header, reader, year and status of every file; refusals name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.discover import discover
from etl.report import LoadRefused
from tests.etl import fake_reader


def write(folder: Path, name: str, text: str | bytes) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    (p.write_bytes if isinstance(text, bytes) else p.write_text)(text)
    return p


@pytest.fixture
def src(tmp_path) -> Path:
    d = tmp_path / "src"
    d.mkdir()
    return d


def run(src: Path, tmp_path: Path):
    return discover(src, tmp_path / "work", reader_for=fake_reader.reader_for)


def test_year_and_status_from_manifest_beat_the_name(src, tmp_path):
    write(
        src, "manifest.csv", "file,time_period,status\nscores/2016_scores.csv,201617,provisional\n"
    )
    write(src, "scores/2016_scores.csv", "URN,NAME,SCORE\n100001,A,50\n")
    d = run(src, tmp_path)
    [f] = d.found
    assert (f.src.time_period, f.src.file_status, f.src.manifest_order, f.year_from) == (
        201617,
        "provisional",
        1,
        "manifest",
    )
    assert f.kind == "fake" and f.src.header == fake_reader.HEADER
    assert [s.kind for s in d.skipped] == ["manifest"]


def test_year_from_an_unambiguous_name_and_status_from_the_name(src, tmp_path):
    write(src, "2018-2019_scores_final.csv", "URN,NAME,SCORE\n100001,A,50\n")
    [f] = run(src, tmp_path).found
    assert (f.src.time_period, f.src.file_status, f.year_from) == (201819, "final", "name")


def test_a_year_it_cannot_get_refuses_with_the_manifest_row_to_add(src, tmp_path):
    write(src, "2016_scores.csv", "URN,NAME,SCORE\n100001,A,50\n")
    with pytest.raises(LoadRefused) as e:
        run(src, tmp_path)
    msg = str(e.value)
    assert "2016_scores.csv" in msg and "manifest.csv" in msg and "2016_scores.csv,201819" in msg


def test_metadata_and_documentation_skipped_unrecognised_named(src, tmp_path):
    write(src, "ks2_meta.csv", "Column,FieldName,Label/Description\n1,URN,Unique reference\n")
    write(src, "README.md", "# about\n")
    write(src, "other.csv", "A,B\n1,2\n")
    write(src, "201819_scores.csv", "URN,NAME,SCORE\n100001,A,50\n")
    d = run(src, tmp_path)
    kinds = {s.name: s.kind for s in d.skipped}
    assert kinds == {
        "ks2_meta.csv": "metadata",
        "README.md": "documentation",
        "other.csv": "unrecognised",
    }
    assert [f.src.name for f in d.found] == ["201819_scores.csv"]


def test_empty_file_refuses_naming_it(src, tmp_path):
    write(src, "201819_scores.csv", "")
    write(src, "201718_scores.csv", "\n\n")
    with pytest.raises(LoadRefused) as e:
        run(src, tmp_path)
    assert "201819_scores.csv: the file is empty" in str(e.value)
    assert "201718_scores.csv" in str(e.value)  # every refused file is named at once


def test_listed_in_manifest_but_unrecognised_refuses(src, tmp_path):
    # a key column gone (URN renamed): the file is data by the manifest's word, so it cannot be skipped
    write(src, "manifest.csv", "file,time_period,status\nscores.csv,201819,final\n")
    write(src, "scores.csv", "ID,NAME,SCORE\n100001,A,50\n")
    with pytest.raises(LoadRefused) as e:
        run(src, tmp_path)
    assert "scores.csv" in str(e.value) and "matches no known format" in str(e.value)


def test_cp1252_is_transcoded_to_a_utf8_copy(src, tmp_path):
    write(src, "201819_scores.csv", "URN,NAME,SCORE\n100001,St Mary\u2019s,50\n".encode("cp1252"))
    [f] = run(src, tmp_path).found
    assert f.src.encoding == "cp1252" and f.src.text_path != f.src.path
    assert "St Mary\u2019s" in f.src.text_path.read_text(encoding="utf-8")


def test_utf8_bom_header_is_clean(src, tmp_path):
    write(src, "201819_scores.csv", "\ufeffURN,NAME,SCORE\r\n100001,A,50\r\n")
    [f] = run(src, tmp_path).found
    assert (
        f.src.encoding == "utf-8-sig"
        and f.src.header == fake_reader.HEADER
        and f.src.text_path == f.src.path
    )


def test_xlsx_header_is_its_sheet_names(src, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Visits"
    wb.create_sheet("Concerns")
    wb.save(src / "book.xlsx")
    seen = []

    def reader_for(header):
        seen.append(header)
        return None

    d = discover(src, tmp_path / "w", reader_for=reader_for)
    assert seen == [("Visits", "Concerns")]
    assert d.skipped[0].encoding == "binary" and d.skipped[0].kind == "unrecognised"
