"""'Data as at' is the data's own period and dates from its files, never the load date (decision 25)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.domain import provenance as P

FILES = pd.DataFrame(
    [
        ("ks2/2018_850_ks2final.csv", "ks2", 201819, "final"),
        ("ks2/2016_850_ks2final.csv", "ks2", 201617, "final"),
        ("gias/20220420_gias.csv", "gias", 202122, None),
        (
            "ofsted/maintained-schools-and-academies-inspections-and-outcomes-as-at-31-december-2017-oxfordshire.csv",
            "ofsted",
            201718,
            None,
        ),
        ("intelligence.xlsx", "intelligence", 202627, None),
    ],
    columns=["file_name", "kind", "time_period", "file_status"],
)


def test_dates_come_from_the_file_names_that_state_them():
    assert P.file_date("gias/20220420_gias.csv") == date(2022, 4, 20)
    assert P.file_date("edubasealldata20251101.csv") == date(2025, 11, 1)
    assert P.file_date("x_as_at_31_Aug_2024.csv") == date(2024, 8, 31)
    assert P.file_date("ks2/2018_850_ks2final.csv") is None


def test_as_at_names_period_status_and_dates_not_the_load():
    p = P.build(FILES)
    assert p.period == "2016/17 to 2018/19"
    assert p.as_at.startswith("Figures for 2016/17 to 2018/19 (latest: KS2 final 2018/19)")
    assert "GIAS extract of 20 April 2022" in p.as_at
    assert "Ofsted outcomes as at 31 December 2017" in p.as_at
    assert "no publication date" in p.as_at


def test_confidential_sources_are_left_out_by_default():
    p = P.build(FILES)
    assert all(f.kind != "intelligence" for f in p.files)
    assert "intelligence.xlsx" not in " ".join(p.file_lines)
    assert list(p.frame().columns) == ["File", "Source", "Year", "Status", "Published or extracted"]
