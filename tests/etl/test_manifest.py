import pytest

from etl.manifest import (
    ManifestError,
    missing_year_message,
    parse_time_period,
    read_manifest,
    resolve_time_period,
    time_period_from_name,
)
from tests.shared_data import REAL_DATA

REAL = REAL_DATA


@pytest.mark.parametrize(
    "name, tp",
    [
        ("2018-2019_ks2.csv", 201819),
        ("201819_ks2final.csv", 201819),
        ("ks2/ks2_2018-19.csv", 201819),
        ("2018_2019_census.csv", 201819),
        ("2016_850_ks2final.csv", None),  # 2016/17 in fact: a lone year is ambiguous
        ("815_2019_census.csv", None),  # 2018/19 in fact
        ("20220420_gias.csv", None),  # a date, not a year
        ("england_abs.csv", None),
        ("2018-2020_x.csv", None),  # not consecutive
        ("201819_vs_201920.csv", None),  # two years
    ],
)
def test_time_period_from_name(name, tp):
    assert time_period_from_name(name) == tp


def test_parse_time_period():
    assert parse_time_period("201819") == 201819
    assert parse_time_period("2018/19") == 201819
    assert parse_time_period("2018-2019") == 201819
    assert parse_time_period("") is None
    with pytest.raises(ValueError):
        parse_time_period("201820")


def test_real_manifest():
    if not REAL.is_dir():
        pytest.skip(f"real published data not present at {REAL}")
    m = read_manifest(REAL)
    e = m.lookup("ks2/2016_850_ks2final.csv")
    assert (e.time_period, e.status) == (201617, "final")
    assert m.lookup("ks4/815_2019_ks4provisional.csv").status == "provisional"
    assert m.lookup("gias/20220420_gias.csv").status is None


def test_globs_exact_and_order(tmp_path):
    (tmp_path / "manifest.csv").write_text(
        "file,time_period,status\nks2/*.csv,201718,final\nks2/2018_*.csv,2018/19,revised\nks2/a.csv,201617,\n"
    )
    m = read_manifest(tmp_path)
    assert m.lookup("ks2/2016_x.csv").time_period == 201718
    assert m.lookup("ks2/2018_x.csv").time_period == 201819  # later glob wins
    assert m.lookup("ks2/a.csv").time_period == 201617  # exact name beats globs
    assert m.lookup("census/a.csv") is None
    assert resolve_time_period("census/201819_census.csv", m)[3] == "name"
    assert resolve_time_period("census/x.csv", m)[3] == "unknown"
    assert read_manifest(tmp_path / "nowhere").entries == ()


def test_bad_manifest_names_the_line(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,time_period,status\na.csv,201819,draft\n")
    with pytest.raises(ManifestError, match="line 2"):
        read_manifest(tmp_path)


def test_missing_year_message_shows_the_row():
    msg = missing_year_message("census/815_2019_census.csv", "census")
    assert "census/815_2019_census.csv" in msg
    assert "file,time_period,status" in msg
    assert "census/815_2019_census.csv,201819,final" in msg
