"""A tiny reader for loader tests: files whose header is exactly URN,NAME,SCORE. It writes each
row's SCORE as the measure ks2_rwm_expected_pct and a bad SCORE cell to rejects."""

from __future__ import annotations

from etl.readers._dfe import add_measure_fields, add_measure_file
from etl.readers.base import SourceFile, StageResult
from etl.readers.csv_source import read_raw

KIND = "fake"
NEEDS_TIME_PERIOD = True
HEADER = ("URN", "NAME", "SCORE")


def recognise(header) -> bool:
    return tuple(h.upper() for h in header) == HEADER


def stage(con, src: SourceFile) -> StageResult:
    res = StageResult()
    res.rows_read = read_raw(con, src.text_path, "_fake_raw", src.header, src.delimiter)
    bad = con.execute(
        """INSERT INTO rejects SELECT ?, __line, 'SCORE', "SCORE", 'not a number'
           FROM _fake_raw WHERE TRY_CAST("SCORE" AS DOUBLE) IS NULL""",
        [src.name],
    ).fetchone()[0]
    res.rows_rejected = bad
    res.add(
        "stg_named_schools",
        con.execute(
            "INSERT INTO stg_named_schools SELECT CAST(URN AS INTEGER), NAME, 999, NULL, 'Primary', ?, ? FROM _fake_raw",
            [src.time_period, src.name],
        ).fetchone()[0],
    )
    # the staged figures name their file and field by number (warehouse/sql/staging/measure_cells.sql)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _fake_fields AS
           SELECT 1 AS i, 'ks2_rwm_expected_pct' AS m, 'all' AS g, 'SCORE' AS f"""
    )
    field_id = add_measure_fields(con, "_fake_fields") + 1
    file_id = add_measure_file(con, src.name, src.time_period, "ks2", src.file_status)
    res.add(
        "stg_measures",
        con.execute(
            """INSERT INTO stg_measure_cells (level, urn, la_code, file_id, field_id, value, source_line)
           SELECT 'school', CAST(URN AS INTEGER), 999, ?, ?, CAST("SCORE" AS DOUBLE), __line
           FROM _fake_raw WHERE TRY_CAST("SCORE" AS DOUBLE) IS NOT NULL""",
            [file_id, field_id],
        ).fetchone()[0],
    )
    con.execute("DROP TABLE _fake_fields")
    con.execute("DROP TABLE _fake_raw")
    return res


def reader_for(header):
    import sys

    return sys.modules[__name__] if recognise(header) else None
