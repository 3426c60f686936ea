"""The hand-worked scenario the model tests assert against. Every number here is used in a comment of a test.

LA 900 (ours) and LA 901 (its statistical neighbour). Years: KS2 2016/17, 2017/18, 2018/19 (a national file:
the five schools' cohorts cover the national cohort), KS2 2023/24 (progress not published), KS4 2018/19 (LA-only,
no national file), KS4 2022/23 (ties), absence 2017/18.
"""

from __future__ import annotations

from tests.warehouse.model.core_fixture import (
    LA,
    OTHER_LA,
    create_core,
    inspection,
    ks2,
    ks4,
    la_measure,
    measure,
    national,
    school,
)

A, B, C, D_, E = 101, 102, 103, 104, 105
PREDECESSOR, CONVERTER = 107, 108
SPECIAL = 201
REPORT_URGENT, REPORT_SAFEGUARDING, NOTICE_OPEN, NOTICE_CLOSED, REPORT_NEEDS = (
    202,
    203,
    204,
    205,
    206,
)
SUB2024 = 207
S1, S2, S3, S4, S_TINY = 301, 302, 303, 304, 305
T1, T2, T3 = 401, 402, 403

# Progress (reading, writing, maths) and CIs for the five KS2 schools, same in every year.
PROGRESS = {
    A: ((0, 0, 0), ((-2, 2), (-2, 2), (-2, 2))),
    B: (
        (-2, -4, -3),
        ((-5, -1), (-6, -2), (-5, 0)),
    ),  # mean -3, mean upper limit (-1 - 2 + 0) / 3 = -1
    C: ((1, 1, 1), ((-1, 3), (-1, 3), (-1, 3))),
    D_: ((-1, -1, -1), ((-3, 1), (-3, 1), (-3, 1))),
    E: ((3, 3, 3), ((1, 5), (1, 5), (1, 5))),
}
RWM = {
    201617: {A: 50, B: 60, C: 70, D_: 90, E: 90},
    201718: {A: 50, B: 60, C: 70, D_: 85, E: 90},
    201819: {A: 50, B: 60, C: 70, D_: 80, E: 90},
}


def build(con) -> None:
    create_core(con)
    for urn, name in [(A, "Ash"), (B, "Birch"), (C, "Cedar"), (D_, "Damson"), (E, "Elm")]:
        school(con, urn, name)
    school(con, PREDECESSOR, "Fir Community Primary", status="Closed", close_date="2019-08-31")
    school(
        con,
        CONVERTER,
        "Fir Academy",
        is_academy=True,
        open_date="2019-09-01",
        school_type="Academy converter",
    )
    school(con, SPECIAL, "Hazel Special", phase="Special")
    for urn in (
        REPORT_URGENT,
        REPORT_SAFEGUARDING,
        NOTICE_OPEN,
        NOTICE_CLOSED,
        REPORT_NEEDS,
        SUB2024,
    ):
        school(con, urn, f"School {urn}")
    for urn in (S1, S2, S3, S4, S_TINY, T1, T2, T3):
        school(con, urn, f"Secondary {urn}", phase="Secondary")
    school(con, 501, "Neighbour Primary", la_code=OTHER_LA)

    # KS2 2016/17-2018/19: national rows (RWM 64%, cohort 150 = the five schools' 5 x 30: a national file).
    for tp, vals in RWM.items():
        national(con, tp, "ks2", "ks2_rwm_expected_pct", 64.0, cohort=150)
        for urn, rwm in vals.items():
            prog, cis = PROGRESS[urn]
            ks2(con, urn, tp, rwm, prog, cis)
    # The special school has KS2 results but is not scored (phase Special); 8 pupils.
    ks2(con, SPECIAL, 201819, 10, (-5, -5, -5), cohort=8)
    # Groups 2018/19: national disadvantaged 50, non-disadvantaged 70 (national gap -20); girls published nationally.
    national(con, 201819, "ks2", "ks2_rwm_expected_pct", 50.0, group="disadvantaged")
    national(con, 201819, "ks2", "ks2_rwm_expected_pct", 70.0, group="non_disadvantaged")
    national(con, 201819, "ks2", "ks2_rwm_expected_pct", 66.0, group="girls")
    measure(con, A, 201819, "ks2", "ks2_rwm_expected_pct", 30.0, group="disadvantaged", cohort=10)
    measure(con, B, 201819, "ks2", "ks2_rwm_expected_pct", 52.0, group="disadvantaged", cohort=10)
    measure(
        con,
        C,
        201819,
        "ks2",
        "ks2_rwm_expected_pct",
        None,
        group="disadvantaged",
        status="SUPP",
        cohort=2,
    )

    # KS2 2023/24: progress not published (setting). A still has progress rows: they must be ignored.
    national(con, 202324, "ks2", "ks2_rwm_expected_pct", 61.0, cohort=180)
    for urn, rwm in {A: 40, B: 50, C: 60, D_: 70, E: 80, CONVERTER: 60}.items():
        ks2(con, urn, 202324, rwm)
    measure(con, A, 202324, "ks2", "ks2_reading_progress", 1.0, cohort=30)

    # KS4 2018/19, LA file only (national cohort 500000: not a national distribution).
    national(con, 201819, "ks4", "ks4_attainment8", 46.0, cohort=500000)
    national(con, 201819, "ks4", "ks4_progress8", 0.0, cohort=500000)
    ks4(
        con, S1, 201819, 40.0, -0.5, (-1.0, 0.2)
    )  # bottom of the progress distribution, NOT significant
    ks4(con, S2, 201819, 44.0, None, p8_status="SUPP")  # progress suppressed -> attainment only
    ks4(con, S3, 201819, 48.0, 0.1, (-0.3, 0.5))
    ks4(con, S4, 201819, 52.0, 0.3, (-0.1, 0.7))
    ks4(con, S_TINY, 201819, 30.0, -2.0, (-4.0, 0.0), cohort=4)  # tiny cohort -> not scored
    # KS4 2022/23: ties (T1 and T2 identical), no national rows at all.
    ks4(con, T1, 202223, 50.0, 0.0, (-0.4, 0.4))
    ks4(con, T2, 202223, 50.0, 0.0, (-0.4, 0.4))
    ks4(con, T3, 202223, 40.0, -1.0, (-1.5, -0.5))

    # Absence 2017/18 (five schools: not national). Persistent absence: A worst.
    for urn, (overall, pa) in {
        A: (7.0, 30.0),
        B: (4.0, 10.0),
        C: (4.5, 12.0),
        D_: (3.5, 8.0),
        E: (3.8, 9.0),
    }.items():
        measure(con, urn, 201718, "absence", "overall_absence_pct", overall)
        measure(con, urn, 201718, "absence", "persistent_absence_pct", pa)
    national(con, 201718, "absence", "persistent_absence_pct", 11.0)

    # Inspections.
    inspection(con, A, "A1", "legacy", "2016-01-10", overall=2, safeguarding="Yes")
    inspection(
        con, SPECIAL, "SP1", "legacy", "2017-03-01", overall=4, category="SM", safeguarding="Yes"
    )
    inspection(con, CONVERTER, "CV1", "legacy", "2023-01-10", overall=3, safeguarding="Yes")
    inspection(con, PREDECESSOR, "PR1", "legacy", "2017-05-01", overall=3, safeguarding="Yes")
    inspection(con, REPORT_URGENT, "RU0", "legacy", "2019-01-10", overall=2, safeguarding="Yes")
    inspection(
        con,
        REPORT_URGENT,
        "RU1",
        "report_card",
        "2024-11-20",
        safeguarding="Met",
        judgements=[("inclusion", "Urgent improvement"), ("achievement", "Expected standard")],
    )
    inspection(
        con,
        REPORT_SAFEGUARDING,
        "RS1",
        "report_card",
        "2024-12-01",
        safeguarding="Not met",
        judgements=[("inclusion", "Expected standard")],
    )
    inspection(
        con,
        REPORT_NEEDS,
        "RN1",
        "report_card",
        "2024-12-05",
        safeguarding="Met",
        judgements=[("achievement", "Needs attention"), ("inclusion", "Strong standard")],
    )
    inspection(
        con,
        SUB2024,
        "SJ1",
        "sub_judgements_2024",
        "2024-10-01",
        safeguarding="Yes",
        judgements=[("quality_of_education", "3"), ("leadership_and_management", "2")],
    )

    # Intelligence (confidential).
    con.execute(
        "INSERT INTO notices_of_concern VALUES (?, DATE '2023-05-01', NULL, 'Open', 'standards', 'wb.xlsx', 2, 'workbook')",
        [NOTICE_OPEN],
    )
    con.execute(
        "INSERT INTO notices_of_concern VALUES (?, DATE '2023-01-10', DATE '2023-03-01', 'Closed', 'finance', 'wb.xlsx', 3, 'workbook')",
        [NOTICE_CLOSED],
    )
    con.execute(
        "INSERT INTO leadership_changes VALUES (?, DATE '2024-06-01', 'Headteacher', 'New', NULL, 'wb.xlsx', 2, 'workbook')",
        [C],
    )
    con.execute(
        "INSERT INTO leadership_changes VALUES (?, DATE '2024-06-01', 'Chair of governors', 'New', NULL, 'wb.xlsx', 3, 'workbook')",
        [D_],
    )
    con.execute(
        "INSERT INTO complaints VALUES (?, DATE '2024-03-01', 'Ofsted', 'SEND', 'Open', NULL, 'wb.xlsx', 2, 'workbook')",
        [E],
    )
    con.execute(
        "INSERT INTO concerns VALUES (?, DATE '2024-05-01', 'HR', 'Medium', 'Open', NULL, 'wb.xlsx', 2, 'workbook')",
        [E],
    )
    con.execute(
        "INSERT INTO complaints VALUES (?, DATE '2024-03-01', 'LA', 'Transport', 'Closed', NULL, 'wb.xlsx', 3, 'workbook')",
        [D_],
    )

    # LA and neighbour figures for the risk triggers.
    la_measure(con, LA, 201718, "ks2", "ks2_rwm_expected_pct", 60.0)
    la_measure(con, LA, 201819, "ks2", "ks2_rwm_expected_pct", 62.0)
    la_measure(con, LA, 201819, "ks2", "ks2_rwm_expected_pct", 45.0, group="disadvantaged")
    la_measure(con, OTHER_LA, 201819, "ks2", "ks2_rwm_expected_pct", 66.0)
    con.execute("INSERT INTO statistical_neighbours VALUES (?, ?, 1)", [LA, OTHER_LA])
    con.execute("INSERT INTO load_info VALUES ('load_date', '2026-11-23')")
