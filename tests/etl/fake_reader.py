"""A tiny reader for loader tests: files whose header is exactly URN,NAME,SCORE. It writes each
row's SCORE as the measure ks2_rwm_expected_pct and a bad SCORE cell to rejects."""

from __future__ import annotations

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
    res.add(
        "stg_measures",
        con.execute(
            """INSERT INTO stg_measures (level, urn, la_code, time_period, source_kind, measure, pupil_group, value,
                                     source_file, source_field, source_line, file_status)
           SELECT 'school', CAST(URN AS INTEGER), 999, ?, 'ks2', 'ks2_rwm_expected_pct', 'all',
                  CAST("SCORE" AS DOUBLE), ?, 'SCORE', __line, ?
           FROM _fake_raw WHERE TRY_CAST("SCORE" AS DOUBLE) IS NOT NULL""",
            [src.time_period, src.name, src.file_status],
        ).fetchone()[0],
    )
    con.execute("DROP TABLE _fake_raw")
    return res


def reader_for(header):
    import sys

    return sys.modules[__name__] if recognise(header) else None
