"""GIAS links (issue 15: history across URN changes): the separate links file and the real "with
links" extract's ragged Linked establishments cells become school_links; school_lineage chains them;
the sentence the drill-down and profile show is worked out here by hand."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from dashboard.data_access.history import urn_change_text
from etl.discover import discover
from etl.readers import gias_links
from tests.shared_data import REAL_DATA
from warehouse.connection import open_in_memory
from warehouse.sql_files import run_folder

GIAS = REAL_DATA / "gias" / "20220420_gias.csv"
LINKS_HEADER = "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"


@pytest.fixture
def built(tmp_path):
    """The real Hampshire extract plus a links file, staged and built into core tables."""
    if not GIAS.exists():
        pytest.skip("real data not present")

    def build(links_text: str | None):
        folder = tmp_path / "src"
        folder.mkdir(exist_ok=True)
        shutil.copy(GIAS, folder / GIAS.name)
        if links_text is not None:
            (folder / "links_edubasealldata20220420.csv").write_text(links_text, encoding="utf-8")
        found = discover(folder, tmp_path / "work")
        con = open_in_memory()
        run_folder(con, "staging")
        for f in found.found:
            f.reader.stage(con, f.src)
        run_folder(con, "core")
        return con, found

    return build


def test_the_extracts_linked_establishments_cells_are_read_ragged_rows_included(built):
    con, _ = built(None)
    # counted by hand from the file: 75 Predecessor, 68 Successor, 2 "Merged - change in age range"
    # cells, 24 rows with two or three links (more cells than the header)
    by_type = dict(
        con.execute("SELECT link_type, count(*) FROM stg_school_links GROUP BY 1").fetchall()
    )
    assert by_type == {"Predecessor": 75, "Successor": 68, "Merged - change in age range": 2}
    three = con.execute(
        "SELECT linked_urn, link_type FROM stg_school_links WHERE urn = 131419 ORDER BY linked_urn"
    ).fetchall()
    assert three == [(115896, "Predecessor"), (116287, "Predecessor"), (138509, "Successor")]


def test_the_links_file_loads_with_its_dates_and_rejects_bad_rows(built):
    con, found = built(
        LINKS_HEADER
        + "144882,115930,Weeke Primary,Predecessor,01-09-2017\n"
        + "144882,ABC,Broken,Predecessor,01-09-2017\n"
        + "116018,115961,Weyford Infant,Predecessor - amalgamated,31-02-2017\n"
        + ",,,,\n"
    )
    assert {f.reader for f in found.found} >= {gias_links}
    links = con.execute(
        "SELECT urn, linked_urn, link_type, link_date, date_published FROM school_links "
        "WHERE source_file LIKE '%links_%' ORDER BY urn"
    ).fetchall()
    assert links[0][:3] == (116018, 115961, "Predecessor - amalgamated")
    assert links[0][4] is False  # its date was not a real date: dated by the successor's opening
    assert (144882, 115930, "Predecessor", dt.date(2017, 9, 1), True) in links
    rejects = con.execute(
        "SELECT line, column_name, value FROM rejects WHERE file_name LIKE 'links_%' ORDER BY line"
    ).fetchall()
    assert rejects == [(3, "LinkURN", "ABC"), (4, "LinkEstablishedDate", "31-02-2017")]
    lineage = dict(
        con.execute(
            "SELECT predecessor_urn, change FROM school_lineage WHERE urn = 116018"
        ).fetchall()
    )
    assert lineage[115961] == "amalgamation"


def test_lineage_reads_links_both_ways_and_chains_generations(built):
    con, _ = built(None)
    # 138509 St Columba replaced 131419 Oak Meadow, which replaced 115896 and 116287
    chain = con.execute(
        "SELECT predecessor_urn, via_urn, generation FROM school_lineage WHERE urn = 138509 "
        "ORDER BY generation, predecessor_urn"
    ).fetchall()
    assert chain == [(131419, 138509, 1), (115896, 131419, 2), (116287, 131419, 2)]


def _lineage(*rows):
    return pd.DataFrame(
        rows,
        columns=["urn", "predecessor_urn", "predecessor_name", "change", "link_type", "link_date"],
    )


def test_the_sentence_for_a_conversion_an_amalgamation_and_a_reopening():
    conv = _lineage((137403, 116401, "St Anthony's", "academy conversion", "Predecessor",
                     dt.date(2011, 9, 1)))  # fmt: skip
    assert (
        urn_change_text(conv)
        == "Converted to academy on 1 September 2011; figures before that are for URN 116401."
    )
    amal = _lineage(
        (116026, 115995, "Junior", "amalgamation", "Predecessor", dt.date(2008, 9, 1)),
        (116026, 115996, "Infant", "amalgamation", "Predecessor", dt.date(2008, 9, 1)),
    )
    assert urn_change_text(amal) == (
        "Formed by amalgamation on 1 September 2008; figures before that are for URN 115995 and "
        "URN 115996."
    )
    reop = _lineage((144882, 115930, "Weeke", "re-opening", "Predecessor", None))
    assert (
        urn_change_text(reop) == "Re-opened with a new URN; figures before that are for URN 115930."
    )
    assert urn_change_text(_lineage()) is None
