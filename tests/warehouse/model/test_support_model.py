"""Decision 11 (revised), worked by hand on a scenario of its own: intensive / targeted / watch, independent
signals, special schools, "stuck" schools, coverage, not categorised, the one-sentence summary and the
order within a category.

LA 900, KS2 2016/17 (Y1), 2017/18 (Y2), 2018/19 (Y3). National RWM 60% every year with a national cohort
of 1,000,000, so the distribution is the loaded schools' (decision 8). The latest year is judged as at
2019-08-31 (reference date), earlier years at the 31 August that ends them. Absence only for 2017/18.

Y3 values (RWM %, mean progress, upper confidence limit), same in Y1 and Y2 unless said:
  F1 80 +2 +4 | F2 78 +2 +4 | F3 76 +1 +3 | F4 74 +1 +3 | F5 72 +1 +3 | P7 73 +1 +3 | P8 71 +1 +3
  FALLING 54 0 +2 (Y1 62, Y2 58: relative +2, -2, -6)   ABOVE 70 0 +2 (Y1 80, Y2 75: +20, +15, +10)
  PROG2 70 -4 -1 (both years)   LOW 45 0 +2   LOW_PROG1 50 -3 -0.5 (Y1, Y2: 0, +2)
Achievement Y3 (0.6 z attainment + 0.4 z progress over the 12 schools; attainment mean 67.75, sd 10.99;
progress mean 0.167, sd 1.772): LOW_PROG1 -1.69, LOW -1.28, PROG2 -0.82, FALLING -0.79, then the rest
> 0, so percentiles 100 x (rank - 1) / 11: LOW_PROG1 0, LOW 9.1, PROG2 18.2, FALLING 27.3.
Progress Y3: PROG2 -4 (percentile 0), LOW_PROG1 -3 (9.1), the zeros share rank 3 (18.2) but their upper
limit +2 is not below 0, so the progress concerns are PROG2 (Y2 and Y3) and LOW_PROG1 (Y3 only).
"""

from __future__ import annotations

import pytest

from tests.warehouse.model.conftest import rows
from tests.warehouse.model.core_fixture import (
    create_core,
    inspection,
    ks2,
    measure,
    national,
    school,
)
from warehouse import model_settings
from warehouse.connection import open_in_memory

F1, F2, F3, F4, F5 = 801, 802, 803, 804, 805
FALLING, ABOVE, PROG2, LOW, LOW_PROG1, HEAD_ONLY, PREV_RI = 811, 812, 814, 815, 816, 817, 818
STUCK, NOTICE, NEW = 819, 820, 821
CONVERTED, CENSUS_ONLY = 822, 823  # an academy that replaced URN 700 in 2018/19; a census-only row
SPECIAL, SPECIAL2 = 830, 831
Y1, Y2, Y3 = 201617, 201718, 201819

RWM = {F1: 80, F2: 78, F3: 76, F4: 74, F5: 72, HEAD_ONLY: 73, PREV_RI: 71, FALLING: 54, ABOVE: 70,
       PROG2: 70, LOW: 45, LOW_PROG1: 50}  # fmt: skip
PROG = {F1: (2, 4), F2: (2, 4), F3: (1, 3), F4: (1, 3), F5: (1, 3), HEAD_ONLY: (1, 3), PREV_RI: (1, 3),
        FALLING: (0, 2), ABOVE: (0, 2), PROG2: (-4, -1), LOW: (0, 2), LOW_PROG1: (-3, -0.5)}  # fmt: skip


def build(con) -> None:
    create_core(con)
    for urn in RWM:
        school(con, urn, f"School {urn}")
    school(con, STUCK, "Stuck Primary")
    school(con, NOTICE, "Notice Primary")
    school(con, NEW, "New Primary", open_date="2019-06-01")
    school(con, SPECIAL, "Hazel Special", phase="Special")
    school(con, SPECIAL2, "Oak Special", phase="Special")
    school(con, CONVERTED, "Elm Academy", is_academy=True, open_date="2019-02-01")
    con.execute(
        "INSERT INTO school_lineage VALUES (?, 700, ?, 1, 'Predecessor', DATE '2019-02-01', "
        "'academy conversion', 'Elm Primary School')",
        [CONVERTED, CONVERTED],
    )
    # named only by a census file (no GIAS row): its pupil numbers are not results
    school(con, CENSUS_ONLY, None, in_gias=False, status=None, school_type="Independent school")
    measure(con, CENSUS_ONLY, Y3, "census", "fsm_pct", 10.0)
    for tp in (Y1, Y2, Y3):
        national(con, tp, "ks2", "ks2_rwm_expected_pct", 60.0, cohort=1_000_000)
        for urn, rwm in RWM.items():
            p, hi = PROG[urn]
            if urn == FALLING:
                rwm = {Y1: 62, Y2: 58, Y3: 54}[tp]
            if urn == ABOVE:
                rwm = {Y1: 80, Y2: 75, Y3: 70}[tp]
            if urn == LOW_PROG1 and tp != Y3:
                p, hi = 0, 2
            ks2(con, urn, tp, rwm, (p, p, p), [(p - 2, hi)] * 3)
        # The special school: 10%, 5%, 0% and progress -10 (upper limit -8): would be declining standards
        # and a progress concern for any other school.
        ks2(
            con, SPECIAL, tp, {Y1: 10, Y2: 5, Y3: 0}[tp], (-10, -10, -10), [(-12, -8)] * 3, cohort=8
        )
    # Absence 2017/18 only: the special schools (compared with each other, phase group 'special').
    measure(con, SPECIAL, Y2, "absence", "persistent_absence_pct", 40.0)
    measure(con, SPECIAL2, Y2, "absence", "persistent_absence_pct", 10.0)
    # Inspections.
    inspection(con, F1, "F1a", "legacy", "2017-02-01", overall=2, safeguarding="Yes")
    inspection(con, FALLING, "FA1", "legacy", "2018-03-01", overall=3, safeguarding="Yes")
    inspection(con, PREV_RI, "PR1", "legacy", "2014-05-01", overall=3, safeguarding="Yes")
    inspection(con, PREV_RI, "PR2", "legacy", "2017-06-01", overall=2, safeguarding="Yes")
    inspection(con, STUCK, "ST1", "legacy", "2015-01-10", overall=3, safeguarding="Yes")
    inspection(con, STUCK, "ST2", "legacy", "2018-01-10", overall=3, safeguarding="Yes")
    # Intelligence.
    for urn, d in ((HEAD_ONLY, "2019-01-15"), (LOW, "2019-02-01")):
        con.execute(
            "INSERT INTO leadership_changes VALUES (?, ?, 'Headteacher', 'New', NULL, 'wb.xlsx', 2, 'workbook')",
            [urn, d],
        )
    con.execute(
        "INSERT INTO complaints VALUES (?, DATE '2019-03-01', 'Council', 'standards', 'Open', NULL, 'wb.xlsx', 3, 'workbook')",
        [PREV_RI],
    )
    con.execute(
        "INSERT INTO notices_of_concern VALUES (?, DATE '2019-05-01', NULL, 'Open', 'standards', 'wb.xlsx', 4, 'workbook')",
        [NOTICE],
    )


@pytest.fixture(scope="module")
def m():
    s = model_settings.load()
    ref = s["as_at_reference_date"]
    s["as_at_reference_date"] = type(ref)(ref.section, ref.key, "2019-08-31", ref.help, ref.type)
    con = open_in_memory()
    build(con)
    model_settings.run_model(con, settings=s)
    yield con
    con.close()


def cat(con, urn, tp=Y3):
    [r] = rows(con, "SELECT * FROM support_category WHERE urn = ? AND time_period = ?", [urn, tp])
    return r


def fired(con, urn, tp=Y3):
    return {
        r["rule_id"]
        for r in rows(
            con, "SELECT rule_id FROM support_reasons WHERE urn = ? AND time_period = ?", [urn, tp]
        )
    }


def test_the_hand_worked_percentiles(m):
    got = {
        r["urn"]: round(r["loaded_percentile"], 1)
        for r in rows(
            m,
            "SELECT urn, loaded_percentile FROM achievement"
            " WHERE time_period = ? AND loaded_percentile IS NOT NULL",
            [Y3],
        )
    }
    assert (got[LOW_PROG1], got[LOW], got[PROG2], got[FALLING]) == (0.0, 9.1, 18.2, 27.3)


def test_requires_improvement_with_falling_attainment_below_national_is_intensive(m):
    # relative +2, -2, -6: fell at each step and is now 6 points below national -> T3; with the RI of
    # 2018-03-01 -> I6
    assert fired(m, FALLING) == {
        "T1_requires_improvement",
        "T3_falling_attainment",
        "I6_requires_improvement_declining",
    }
    c = cat(m, FALLING)
    assert c["category"] == "intensive"
    assert c["summary"] == (
        "Requires improvement (Ofsted, March 2018) and KS2 attainment below national and falling"
        " three published years running (6.0 percentage points below in 2018/19)"
    )
    # 2017/18: the RI alone (two published years are not a trend yet)
    assert cat(m, FALLING, Y2)["category"] == "targeted"
    assert cat(m, FALLING, Y2)["summary"] == "Requires improvement (Ofsted, March 2018)"


def test_falling_but_still_above_national_is_not_declining(m):
    assert "T3_falling_attainment" not in fired(m, ABOVE)  # +20, +15, +10
    assert cat(m, ABOVE)["category"] == "universal"


def test_progress_concern_two_years_running_is_targeted_one_year_is_a_watch_signal(m):
    assert "T4_progress_concern_two_years" in fired(m, PROG2)
    assert "W2_progress_concern" not in fired(m, PROG2)
    assert cat(m, PROG2)["category"] == "targeted"
    assert cat(m, PROG2)["summary"] == (
        "KS2 progress significantly below national in 2017/18 and 2018/19"
    )
    # LOW_PROG1: progress concern in 2018/19 only + bottom 20% achievement: two watch signals, both
    # from data (one source) -> not independent, universal
    c = cat(m, LOW_PROG1)
    assert fired(m, LOW_PROG1) == {"W1_low_achievement", "W2_progress_concern"}
    assert c["category"] == "universal" and c["reasons"] == [] and len(c["watch_flags"]) == 2
    assert c["summary"].startswith("Universal support; watch: KS2 achievement in the bottom 20%")


def test_a_watch_signal_alone_never_changes_the_category(m):
    c = cat(m, HEAD_ONLY)
    assert fired(m, HEAD_ONLY) == {"W4_headteacher_change"}
    assert c["category"] == "universal" and c["reasons"] == []
    assert c["watch_flags"] == [
        "Headteacher changed in the last 12 months to 2019-08-31 (Headteacher new 2019-01-15)"
    ]
    assert c["summary"] == "Universal support; watch: headteacher changed January 2019"
    # the governor sees neither the change nor its date
    line = model_settings.load()["actions_confidential_line"].value
    assert c["governor_watch_flags"] == [line] and c["governor_reasons"] == []
    assert "eadteacher" not in c["governor_summary"]


def test_two_independent_signals_from_different_sources_are_targeted(m):
    # LOW: bottom 20% (data, percentile 9.1) + headteacher change (intelligence)
    assert "T5_independent_signals" in fired(m, LOW)
    c = cat(m, LOW)
    assert c["category"] == "targeted"
    assert c["summary"] == (
        "KS2 achievement in the bottom 20% of the 12 schools loaded in 2018/19 (percentile 9) and"
        " headteacher changed February 2019"
    )
    # confidential: the governor gets the category and the generic line, not the headteacher change
    assert "eadteacher" not in c["governor_summary"] and "eadteacher" not in str(
        c["governor_reasons"]
    )
    # PREV_RI: previous inspection RI 2014 (inspection) + one complaint 2019-03-01 (intelligence)
    assert fired(m, PREV_RI) == {
        "W6_previous_inspection",
        "W5_concerns_complaints",
        "T5_independent_signals",
    }
    assert cat(m, PREV_RI)["category"] == "targeted"


def test_stuck_school_below_good_at_the_last_two_inspections(m):
    assert fired(m, STUCK) == {"T1_requires_improvement", "T6_stuck"}
    [r] = rows(
        m,
        "SELECT reason FROM support_reasons WHERE urn = ? AND time_period = ? AND rule_id = 'T6_stuck'",
        [STUCK, Y3],
    )
    assert r["reason"] == (
        'Below Good at the latest two graded inspections ("stuck"): Requires improvement (Ofsted,'
        " January 2018) and before that Requires improvement (Ofsted, January 2015)"
    )
    # PREV_RI (RI then Good) is not stuck
    assert "T6_stuck" not in fired(m, PREV_RI)


def test_special_school_with_zero_percent_every_year_is_not_judged_on_results(m):
    # 10%, 5%, 0% (falling, below national) and progress -10 (upper limit -8): no data rule at all
    for tp in (Y1, Y2, Y3):
        assert not {r for r in fired(m, SPECIAL, tp) if r[:2] in ("I5", "T3", "T4", "W1", "W2")}
    assert cat(m, SPECIAL)["category"] == "universal"
    assert any(
        s.startswith("attainment, progress and achievement rules not applied: special schools")
        for s in cat(m, SPECIAL)["rules_not_applied"]
    )
    # attendance applies: worst persistent absence of the two special schools in 2017/18
    assert fired(m, SPECIAL, Y2) == {"W3_persistent_absence"}


def test_notice_of_concern_is_intensive_and_the_governor_summary_hides_it(m):
    c = cat(m, NOTICE)
    assert c["category"] == "intensive" and c["summary"] == "Notice of concern open since May 2019"
    line = model_settings.load()["actions_confidential_line"].value
    assert c["governor_summary"] == f"Intensive support: {line}"
    assert c["governor_reasons"] == [line]


def test_coverage_says_which_rules_could_not_be_applied(m):
    # ABOVE: no inspection, no absence file for 2018/19
    assert cat(m, ABOVE)["rules_not_applied"] == [
        "inspection rules not applied: no inspection data loaded for this school (none ended by 31 August 2019)",
        "attendance rule not applied: no absence data loaded for 2018/19",
    ]
    # 2017/18 has an absence file, but not for this school
    assert (
        "attendance rule not applied: no absence figures for this school in 2017/18"
        in (cat(m, ABOVE, Y2)["rules_not_applied"])
    )
    # STUCK has no results
    assert (
        "attainment, progress and achievement rules not applied: no KS2 or KS4 results loaded for this"
        " school for 2018/19" in cat(m, STUCK)["rules_not_applied"]
    )
    # F1 has every input except absence
    assert cat(m, F1)["rules_not_applied"] == [
        "attendance rule not applied: no absence data loaded for 2018/19"
    ]


def test_not_categorised_only_without_any_input_and_never_a_blank_action(m):
    c = cat(m, NEW)
    assert c["category"] == "not categorised"
    assert c["not_categorised_reason"] == (
        "Not categorised: no results, absence figures, inspection or council intelligence are loaded"
        " for this school as at 31 August 2019. It opened on 1 June 2019"
    )
    assert c["summary"] == c["not_categorised_reason"]
    assert c["recommended_action"] == model_settings.load()["actions_not_categorised"].value
    assert rows(m, "SELECT count(*) AS n FROM support_category WHERE urn = ?", [NEW])[0]["n"] == 1
    # Every other school has some input in 2018/19 (SPECIAL2: absence in 2017/18). Earlier years:
    # NOTICE before its notice (2019) and SPECIAL2 before its absence figures had none either.
    nc = rows(m, "SELECT urn, time_period FROM support_category WHERE category = 'not categorised'")
    assert sorted((r["urn"], r["time_period"]) for r in nc) == [
        (NOTICE, Y1), (NOTICE, Y2), (NEW, Y3), (CONVERTED, Y3), (CENSUS_ONLY, Y3), (SPECIAL2, Y1),
    ]  # fmt: skip


def test_not_categorised_says_why_where_the_files_say(m):
    """A school that replaced another in the year keeps none of its figures (a new URN): the reason
    names what it replaced; a school only a census file names is not in GIAS: the reason says so."""
    start = (
        "Not categorised: no results, absence figures, inspection or council intelligence are loaded"
        " for this school as at 31 August 2019. "
    )
    assert cat(m, CONVERTED)["not_categorised_reason"] == start + (
        "It opened on 1 February 2019, replacing Elm Primary School (URN 700, academy conversion);"
        " figures from before then are under that URN"
    )
    assert cat(m, CENSUS_ONLY)["not_categorised_reason"] == start + (
        "It is not in the GIAS file loaded, so whether it is open, and its district, are not known"
    )
    # a school open all year with some input has no such sentence (F1: categorised)
    assert cat(m, F1)["not_categorised_reason"] is None


def test_rank_within_category_by_weight_of_evidence(m):
    got = {
        r["urn"]: (r["rank_in_category"], r["evidence_score"])
        for r in rows(
            m,
            "SELECT urn, rank_in_category, evidence_score FROM support_category"
            " WHERE time_period = ? AND category = 'targeted'",
            [Y3],
        )
    }
    # PROG2: T4 4 x 1 (fact 2019-08-31) x (1 + (20 - 0) / 20) = 8 + W1 1 x (1 + (20 - 18.2) / 20) = 1.09
    # LOW: T5 4 + W1 1 x (1 + (20 - 9.1) / 20) = 1.545 + W4 1 x 0.5^(211 days / 30.4375 / 24) = 0.819,
    #      + 2 for a second source = 8.36
    # PREV_RI: T5 4 x 0.5^(183 / 30.4375 / 24) = 3.362 + W5 0.841 + W6 0.5^(1948 / 30.4375 / 24) = 0.157
    #      + 2 = 6.36
    # STUCK: T1 and T6, each 4 x 0.5^(598 / 30.4375 / 24) = 2.268 -> 4.54
    assert got[PROG2] == (1, pytest.approx(9.09, abs=0.011))
    assert got[LOW] == (2, pytest.approx(8.36, abs=0.011))
    assert got[PREV_RI] == (3, pytest.approx(6.36, abs=0.011))
    assert got[STUCK] == (4, pytest.approx(4.54, abs=0.011))
    assert cat(m, FALLING)["rank_in_category"] == 1 and cat(m, NOTICE)["rank_in_category"] == 2


def test_each_list_is_the_school_years_reasons_in_order(m):
    """support_category sorts each school-year's reasons once (list_sort of structs): every list is
    the reasons of its kind in the order (intensive, targeted, watch), evidence descending, rule, key
    stage (no key stage last); governors' lists leave out the confidential ones; rule lists are sorted
    and distinct; a school-year with none has an empty list."""
    reasons = rows(
        m,
        "SELECT urn, time_period, kind, evidence, rule_id, key_stage, reason, confidential"
        " FROM support_reasons",
    )
    order = {"intensive": 0, "targeted": 1}

    def key(r):
        return (order.get(r["kind"], 2), -r["evidence"], r["rule_id"], r["key_stage"] is None,
                r["key_stage"] or "")  # fmt: skip

    got = rows(m, "SELECT * FROM support_category")
    assert got and any(len(c["watch_flags"]) > 1 for c in got)
    assert any(len(c["reasons"]) > 1 for c in got)
    for c in got:
        mine = sorted(
            (r for r in reasons if (r["urn"], r["time_period"]) == (c["urn"], c["time_period"])),
            key=key,
        )
        watch = [r for r in mine if r["kind"] == "watch"]
        other = [r for r in mine if r["kind"] != "watch"]
        assert c["reasons"] == [r["reason"] for r in other]
        assert c["watch_flags"] == [r["reason"] for r in watch]
        assert c["rule_ids"] == sorted({r["rule_id"] for r in other})
        assert c["watch_rule_ids"] == sorted({r["rule_id"] for r in watch})
        open_reasons = [r["reason"] for r in other if not r["confidential"]]
        assert c["governor_reasons"][: len(open_reasons)] == open_reasons
        open_watch = [r["reason"] for r in watch if not r["confidential"]]
        assert c["governor_watch_flags"][: len(open_watch)] == open_watch
