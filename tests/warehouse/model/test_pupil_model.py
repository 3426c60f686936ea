"""The pupil-level model (warehouse/sql/model/pupils) on ten pupils whose progress and value added are
worked out by hand below, plus the small rules around them (KS4 scale, files in two places)."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.sql_files import run_folder

URN = 991001
TP = 202223

# The few core/model tables the pupil model reads, with the columns it uses.
CORE = """
CREATE TABLE schools (urn INTEGER, la_code INTEGER);
CREATE TABLE home_la (la_code INTEGER, la_name VARCHAR, chosen_by VARCHAR);
CREATE TABLE school_measures (urn INTEGER, time_period INTEGER, measure VARCHAR, pupil_group VARCHAR,
    value DOUBLE, status_code VARCHAR, cohort INTEGER);
CREATE TABLE national_reference (time_period INTEGER, key_stage VARCHAR, measure VARCHAR,
    pupil_group VARCHAR, phase_scope VARCHAR, value DOUBLE);
"""

# KS2 estimates: three prior-attainment groups, [from, to).
ESTIMATES = [
    # subject, group, from, to, estimate
    ("reading", 1, 0, 12, 95.0),
    ("reading", 2, 12, 16, 101.0),
    ("reading", 3, 16, 30, 106.0),
]

# Ten pupils of one school (reading results; writing and maths left out so each figure is one
# subject's). prior 16 sits on the boundary of groups 2 and 3: ranges include their start.
#   key   prior  group est  reading  progress  exceeds  disadv  sex  rwm
PUPILS = [
    ("P01", 10.0, 98.0, True, "F", True),  #  g1  95   98   +3   yes   Y  F  Y
    ("P02", 11.5, 93.0, True, "M", False),  # g1  95   93   -2   no    Y  M  N
    ("P03", 13.0, 104.0, False, "F", True),  # g2 101  104   +3   yes   N  F  Y
    ("P04", 14.0, 101.0, False, "M", False),  # g2 101 101    0   no (equal is not beating it)
    ("P05", 15.5, 99.0, True, "F", False),  # g2 101   99   -2   no    Y  F  N
    ("P06", 17.0, 110.0, False, "M", True),  # g3 106  110   +4   yes   N  M  Y
    ("P07", 18.0, 105.0, False, "F", True),  # g3 106  105   -1   no    N  F  Y
    ("P08", 20.0, 109.0, False, "M", True),  # g3 106  109   +3   yes   N  M  Y
    ("P09", None, 100.0, True, "F", False),  # no prior attainment: no progress   Y  F  N
    ("P10", 16.0, None, False, "M", False),  # g3, absent: no result, no progress  N  M  N
]
# Reading progress, pupils with progress P01-P08 (8):
#   all:               (3 - 2 + 3 + 0 - 2 + 4 - 1 + 3) / 8 = 8 / 8 = 1.0; beat estimate P01 P03 P06 P08 = 4/8 = 50%
#   disadvantaged:     P01 P02 P05 -> (3 - 2 - 2) / 3 = -1/3; beat 1/3 = 33.3%; cohort P01 P02 P05 P09 = 4
#   non-disadvantaged: P03 P04 P06 P07 P08 -> (3 + 0 + 4 - 1 + 3) / 5 = 9/5 = 1.8; beat 3/5 = 60%; cohort 6
#   boys:              P02 P04 P06 P08 -> (-2 + 0 + 4 + 3) / 4 = 1.25; beat 2/4 = 50%
#   girls:             P01 P03 P05 P07 -> (3 + 3 - 2 - 1) / 4 = 0.75; beat 2/4 = 50%; cohort 5 (P09 too)
# % meeting the expected standard in RWM (every pupil counts): all 5/10 = 50%; disadvantaged 1/4 = 25%;
#   non-disadvantaged 4/6 = 66.67%.
# National (published): reading progress disadvantaged -0.5, non-disadvantaged 0.3, so the school's
#   disadvantaged pupils are -1/3 - 0.3 = -0.6333 against national non-disadvantaged pupils and
#   -1/3 + 0.5 = +0.1667 against national disadvantaged pupils.


def _pupil_row(key, prior, reading, dis, sex, rwm, urn=URN, tp=TP, ks="ks2", a8=None, file="p.csv"):
    return (key, urn, tp, ks, prior, dis, sex, reading, rwm, a8, file)


def _insert_pupils(con, rows):
    con.executemany(
        "INSERT INTO stg_pupils (pupil_key, urn, time_period, key_stage, prior_attainment,"
        " disadvantaged, sex, reading, rwm_expected, attainment8, source_file, key_from_upn,"
        " source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, 2)",
        rows,
    )


@pytest.fixture(scope="module")
def ten():
    con = duckdb.connect(":memory:")
    run_folder(con, "staging")
    con.execute(CORE)
    con.execute("INSERT INTO schools VALUES (?, 991)", [URN])
    con.execute("INSERT INTO home_la VALUES (991, 'Eastmoor', 'test')")
    con.executemany(
        "INSERT INTO stg_pupil_estimates (time_period, key_stage, subject, prior_group, prior_from,"
        " prior_to, estimate, source_file) VALUES (?, 'ks2', ?, ?, ?, ?, ?, 'e.csv')",
        [(TP, *e) for e in ESTIMATES],
    )
    _insert_pupils(con, [_pupil_row(*p) for p in PUPILS])
    con.executemany(
        "INSERT INTO national_reference VALUES (?, 'ks2', ?, ?, 'all', ?)",
        [
            (TP, "ks2_reading_progress", "disadvantaged", -0.5),
            (TP, "ks2_reading_progress", "non_disadvantaged", 0.3),
            (TP, "ks2_rwm_expected_pct", "disadvantaged", 45.0),
            (TP, "ks2_rwm_expected_pct", "non_disadvantaged", 66.0),
        ],
    )
    con.executemany(
        "INSERT INTO school_measures VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (URN, TP, "ks2_reading_progress", "all", 1.0, None, 10),  # reconciles
            (URN, TP, "ks2_rwm_expected_pct", "all", 50.0, None, 10),  # reconciles
            (URN, TP, "ks2_reading_progress", "disadvantaged", -0.3, None, 4),  # -1/3 to 1 dp
            (URN, TP, "ks2_rwm_expected_pct", "non_disadvantaged", 67.0, None, 6),  # 66.67 -> 67
            (URN, TP, "ks2_reading_progress", "non_disadvantaged", 1.9, None, 7),  # one pupil more
            (URN, TP, "ks2_reading_progress", "girls", 0.9, None, 5),  # differs
            (URN, TP, "ks2_reading_progress", "boys", None, "SUPP", 5),  # suppressed
        ],
    )
    run_folder(con, "model/pupils")
    yield con
    con.close()


def _agg(con, measure, group):
    return con.execute(
        "SELECT value, pupils, cohort, pupils_exceeding, value_added_pct, national_disadvantaged,"
        " national_non_disadvantaged, gap_vs_national_disadvantaged,"
        " gap_vs_national_non_disadvantaged FROM pupil_group_aggregates"
        " WHERE urn = ? AND time_period = ? AND measure = ? AND pupil_group = ?",
        [URN, TP, measure, group],
    ).fetchone()


def test_each_pupil_is_measured_against_their_prior_attainment_groups_estimate(ten):
    got = ten.execute(
        "SELECT pupil_key, prior_group, estimate, progress, exceeds_estimate, progress_note"
        " FROM pupil_progress WHERE subject = 'reading' ORDER BY pupil_key"
    ).fetchall()
    assert got == [
        ("P01", 1, 95.0, 3.0, True, None),
        ("P02", 1, 95.0, -2.0, False, None),
        ("P03", 2, 101.0, 3.0, True, None),
        ("P04", 2, 101.0, 0.0, False, None),
        ("P05", 2, 101.0, -2.0, False, None),
        ("P06", 3, 106.0, 4.0, True, None),
        ("P07", 3, 106.0, -1.0, False, None),
        ("P08", 3, 106.0, 3.0, True, None),
        ("P09", None, None, None, None, "no prior attainment: excluded from progress"),
        ("P10", 3, 106.0, None, None, "no result in this subject"),
    ]


@pytest.mark.parametrize(
    "group, value, pupils, cohort, beat, va_pct",
    [
        ("all", 1.0, 8, 10, 4, 50.0),
        ("disadvantaged", -1 / 3, 3, 4, 1, 100 / 3),
        ("non_disadvantaged", 1.8, 5, 6, 3, 60.0),
        ("boys", 1.25, 4, 5, 2, 50.0),
        ("girls", 0.75, 4, 5, 2, 50.0),
    ],
)
def test_progress_and_value_added_by_group_match_the_hand_worked_figures(
    ten, group, value, pupils, cohort, beat, va_pct
):
    got = _agg(ten, "ks2_reading_progress", group)
    assert got[0] == pytest.approx(value)
    assert got[1:4] == (pupils, cohort, beat)
    assert got[4] == pytest.approx(va_pct)


def test_expected_standard_counts_every_pupil_with_a_result(ten):
    assert _agg(ten, "ks2_rwm_expected_pct", "all")[:3] == (50.0, 10, 10)
    assert _agg(ten, "ks2_rwm_expected_pct", "disadvantaged")[:3] == (25.0, 4, 4)
    assert _agg(ten, "ks2_rwm_expected_pct", "non_disadvantaged")[0] == pytest.approx(400 / 6)
    assert _agg(ten, "ks2_rwm_expected_pct", "all")[4] is None  # value added is for progress only


def test_disadvantaged_pupils_are_compared_with_national_disadvantaged_and_non_disadvantaged(ten):
    *_, nat_dis, nat_non, gap_dis, gap_non = _agg(ten, "ks2_reading_progress", "disadvantaged")
    assert (nat_dis, nat_non) == (-0.5, 0.3)
    assert gap_dis == pytest.approx(-1 / 3 + 0.5)
    assert gap_non == pytest.approx(-1 / 3 - 0.3)
    assert _agg(ten, "ks2_reading_progress", "all")[7:] == (None, None)


def test_reconciliation_says_which_published_figures_are_reproduced_and_why_not(ten):
    got = {
        (r[0], r[1]): r[2:]
        for r in ten.execute(
            "SELECT measure, pupil_group, status, reason FROM pupil_reconciliation"
            " WHERE measure IN ('ks2_reading_progress', 'ks2_rwm_expected_pct')"
        ).fetchall()
    }
    assert got[("ks2_reading_progress", "all")] == ("reconciles", None)
    assert got[("ks2_rwm_expected_pct", "all")] == ("reconciles", None)
    assert got[("ks2_reading_progress", "disadvantaged")] == ("reconciles", None)
    assert got[("ks2_rwm_expected_pct", "non_disadvantaged")] == ("reconciles", None)
    assert got[("ks2_reading_progress", "girls")] == (
        "differs",
        "differs beyond the published rounding",
    )
    assert got[("ks2_reading_progress", "non_disadvantaged")] == (
        "differs",
        "the pupil file has 6 pupils in this group; the published figure covers 7",
    )
    assert got[("ks2_reading_progress", "boys")] == (
        "cannot reconcile",
        "published figure suppressed (SUPP: a small group)",
    )
    assert got[("ks2_rwm_expected_pct", "boys")] == (
        "cannot reconcile",
        "not published for this group",
    )


def test_progress_8_is_the_attainment_8_difference_over_ten():
    con = duckdb.connect(":memory:")
    run_folder(con, "staging")
    con.execute(CORE)
    con.execute(
        "INSERT INTO stg_pupil_estimates (time_period, key_stage, subject, prior_group, prior_from,"
        " prior_to, estimate, source_file) VALUES (?, 'ks4', 'attainment8', 1, 20, 30, 45.5, 'e.csv')",
        [TP],
    )
    # 52.5 - 45.5 = 7 -> +0.7; 40.0 - 45.5 = -5.5 -> -0.55; mean (0.7 - 0.55) / 2 = 0.075; A8 46.25
    _insert_pupils(
        con,
        [
            _pupil_row("K1", 25.0, None, True, "F", None, ks="ks4", a8=52.5),
            _pupil_row("K2", 28.0, None, False, "M", None, ks="ks4", a8=40.0),
        ],
    )
    run_folder(con, "model/pupils")
    got = con.execute(
        "SELECT measure, value, value_added_pct FROM pupil_group_aggregates"
        " WHERE pupil_group = 'all' ORDER BY measure"
    ).fetchall()
    assert got[0] == ("ks4_attainment8", 46.25, None)
    assert got[1][0] == "ks4_progress8"
    assert got[1][1] == pytest.approx(0.075) and got[1][2] == 50.0
    con.close()


def test_a_pupil_in_two_files_keeps_the_later_file_and_rejects_the_other():
    con = duckdb.connect(":memory:")
    run_folder(con, "staging")
    con.execute(CORE)
    con.executemany(
        "INSERT INTO load_files (file_name, kind, manifest_order, action) VALUES (?, 'pupils', ?, 'loaded')",
        [("old.csv", 1), ("new.csv", 2)],
    )
    _insert_pupils(
        con,
        [
            _pupil_row("P1", 10.0, 90.0, True, "F", False, file="new.csv"),
            _pupil_row("P1", 10.0, 99.0, True, "F", False, file="old.csv"),
        ],
    )
    run_folder(con, "model/pupils")
    assert con.execute("SELECT reading, source_file FROM pupil_results").fetchall() == [
        (90.0, "new.csv")
    ]
    assert con.execute("SELECT file_name, column_name, value, reason FROM rejects").fetchall() == [
        (
            "old.csv",
            "pupil_key",
            None,
            "the same pupil, year and key stage is also in new.csv, which is kept",
        )
    ]
    con.close()


def test_overlapping_estimate_ranges_the_lowest_group_wins_and_each_pupil_counts_once():
    con = duckdb.connect(":memory:")
    run_folder(con, "staging")
    con.execute(CORE)
    # groups 1 [0, 15) and 2 [10, 20) overlap on [10, 15); 2024/25 has no estimates at all
    con.executemany(
        "INSERT INTO stg_pupil_estimates (time_period, key_stage, subject, prior_group, prior_from,"
        " prior_to, estimate, source_file) VALUES (?, 'ks2', 'reading', ?, ?, ?, ?, 'e.csv')",
        [(TP, 2, 10, 20, 102.0), (TP, 1, 0, 15, 96.0)],
    )
    _insert_pupils(
        con,
        [
            _pupil_row("A", 12.0, 100.0, True, "F", False),  # in both: group 1, 100 - 96 = +4
            _pupil_row("B", 17.0, 100.0, True, "F", False),  # group 2 only: -2
            _pupil_row("C", 25.0, 100.0, True, "F", False),  # in no range
            _pupil_row("D", 12.0, 100.0, True, "F", False, tp=202425),  # a year without estimates
        ],
    )
    run_folder(con, "model/pupils")
    got = con.execute(
        "SELECT pupil_key, prior_group, estimate, progress, progress_note FROM pupil_progress"
        " WHERE subject = 'reading' ORDER BY pupil_key"
    ).fetchall()
    assert got == [
        ("A", 1, 96.0, 4.0, None),
        ("B", 2, 102.0, -2.0, None),
        ("C", None, None, None, "prior attainment outside every range of the estimates"),
        ("D", None, None, None, "no estimates loaded for this year"),
    ]
    con.close()
