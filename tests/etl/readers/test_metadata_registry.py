"""Metadata files are recognised (and skipped); every real data file finds the right reader."""

from pathlib import Path

import openpyxl
import pytest

from etl.readers import csv_source, metadata, registry

KINDS = {
    "absence/england_abs.csv": "absence",
    "census/815_2018_census.csv": "census",
    "census/815_2019_census.csv": "census",
    "census/england_census.csv": "census",
    "gias/20220420_gias.csv": "gias",
    "gias/815_spine.csv": "spine",
    "ks2/2016_850_ks2final.csv": "ks2",
    "ks2/2017_850_ks2final.csv": "ks2",
    "ks2/2018_850_ks2final.csv": "ks2",
    "ks4/815_2018_ks4final.csv": "ks4",
    "ks4/815_2019_ks4provisional.csv": "ks4",
    "ks4/england_ks4provisional.csv": "ks4",
}


def header_of(p: Path):
    return csv_source.read_header(p, csv_source.sniff_encoding(p))[0]


def test_every_data_file_finds_its_reader(real_dir):
    for rel, kind in KINDS.items():
        mod = registry.reader_for(header_of(real_dir / rel))
        assert mod is not None and mod.KIND == kind, rel


def test_all_dfe_metadata_recognised(real_dir):
    files = sorted((real_dir / "dfe-metadata").rglob("*"))
    csvs = [p for p in files if p.suffix == ".csv"]
    assert len(csvs) >= 10
    for p in csvs:
        assert metadata.recognise(header_of(p)), p
        assert registry.reader_for(header_of(p)) is metadata, p
    for p in [p for p in files if p.suffix == ".xlsx"]:
        wb = openpyxl.load_workbook(p, read_only=True)
        first = next(wb.worksheets[0].iter_rows(values_only=True, max_row=1))
        assert metadata.recognise(tuple(str(c) for c in first if c is not None)), p
        assert metadata.is_metadata_name(p.name)


@pytest.mark.parametrize(
    "name, yes",
    [
        ("ks2_meta.csv", True),
        ("README", True),
        ("readme.txt", True),
        ("abbreviations.xlsx", True),
        ("2016_850_ks2final.csv", False),
    ],
)
def test_metadata_names(name, yes):
    assert metadata.is_metadata_name(name) is yes


def test_metadata_stage_writes_nothing(con, real_dir):
    from tests.etl.readers.conftest import make_src

    res = metadata.stage(con, make_src(real_dir, "dfe-metadata/ks2_meta.csv"))
    assert res.tables == {} and "skipped" in res.notes[0]
    assert con.execute("SELECT count(*) FROM stg_measures").fetchone()[0] == 0


def test_unknown_header():
    assert registry.reader_for(("a", "b", "c")) is None
    assert all(
        hasattr(m, k)
        for m in registry.READERS
        for k in ("KIND", "NEEDS_TIME_PERIOD", "recognise", "stage")
    )
