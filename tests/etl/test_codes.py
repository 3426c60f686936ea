import duckdb
import pytest

from etl.codes import CODE_MEANINGS, install_macros, parse_cell


@pytest.fixture
def c():
    con = duckdb.connect()
    install_macros(con)
    return con


@pytest.mark.parametrize(
    "cell, value, status, invalid",
    [
        ("72%", 72.0, None, False),
        ("5.9%", 5.9, None, False),
        ("SUPP", None, "SUPP", False),
        ("abc", None, None, True),
        ("0", 0.0, None, False),
        ("0%", 0.0, None, False),
        (" 1,234 ", 1234.0, None, False),
        ("-0.5", -0.5, None, False),
        ("NA", None, "NA", False),
        ("na", None, "NA", False),
        ("LOWCOV", None, "LOWCOV", False),
        ("NE", None, "NE", False),
        ("NEW", None, "NEW", False),
        ("NP", None, "NP", False),
        ("DNS", None, "DNS", False),
        ("SP", None, "SP", False),
        ("c", None, "c", False),
        ("x", None, "x", False),
        ("z", None, "z", False),
        ("low", None, "low", False),
        ("u", None, "u", False),
        (":", None, ":", False),
        ("", None, None, False),
        (" ", None, None, False),
        ("NULL", None, None, False),
        (None, None, None, False),
        ("nan", None, None, True),
        ("inf", None, None, True),
        ("12abc", None, None, True),
        ("%", None, None, True),
    ],
)
def test_parse_cell(c, cell, value, status, invalid):
    assert parse_cell(c, cell) == (value, status, invalid)


def test_codes_are_never_zero(c):
    for code in CODE_MEANINGS:
        v, s, bad = parse_cell(c, code)
        assert v is None and s == code and not bad


def test_macros_are_set_based(c):
    rows = c.execute(
        "SELECT parse_value(x), parse_status(x), is_invalid(x) FROM (VALUES ('72%'), ('SUPP'), ('abc')) t(x) ORDER BY x"
    ).fetchall()
    assert rows == [(72.0, None, False), (None, "SUPP", False), (None, None, True)]


def test_every_code_has_a_meaning():
    for code in ["SUPP", "NE", "NEW", "NP", "LOWCOV", "NA", "DNS", "SP", "c", "x", "z", "low", "u"]:
        assert CODE_MEANINGS[code]


def test_a_schools_count_of_pupils_is_limited_where_the_contract_limits_it():
    """The readers reject a school's count of pupils above SCHOOL_PUPILS_MAX with the file, line and
    column; the contract refuses a build with one. Both must say the same number, or a damaged cell
    would pass the readers and refuse the whole load with no file named."""
    from etl.codes import SCHOOL_PUPILS_MAX, measure_range
    from warehouse import contract

    tables = {t.name: t.spec for t in contract.load_contract()[1]}
    assert tables["schools"]["columns"]["pupils"]["range"]["max"] == SCHOOL_PUPILS_MAX
    assert tables["school_measures"]["columns"]["cohort"]["range"]["max"] == SCHOOL_PUPILS_MAX
    assert measure_range("pupils_on_roll", school=True) == (0, SCHOOL_PUPILS_MAX)
    assert measure_range("ks2_cohort", school=True) == (0, SCHOOL_PUPILS_MAX)
    assert measure_range("pupils_on_roll") == (0, None)  # an LA or England has far more
    assert measure_range("fsm_pct", school=True) == (0, 100)


def test_a_cells_code_tests_are_expressions_not_joins(c):
    """DuckDB plans an IN list of five or more values as a MARK join, which tests every cell before
    any CASE around it could skip it (and costs planning in every statement); the code list is a
    CASE, and a code in another spelling is found by its position in a list, so parsing and
    checking a cell plans no join and names the stripping regex once."""
    c.execute("CREATE TABLE t (x VARCHAR)")
    sql = "SELECT parse_value(x), parse_status(x), is_invalid(x) FROM t"
    plan = "\n".join(r[1] for r in c.execute("EXPLAIN " + sql).fetchall())
    assert "Join" not in plan and "MARK" not in plan
    c.execute("SET disabled_optimizers = 'common_subexpressions'")  # count mentions as written
    status = "\n".join(r[1] for r in c.execute("EXPLAIN SELECT parse_status(x) FROM t").fetchall())
    assert status.count("^[\\s\\x{00A0}]+|[\\s\\x{00A0}]+$") <= 1


def test_possible_confidence_limits_are_the_range_widened_by_its_width_each_side():
    from etl.codes import limit_range

    assert limit_range("ks2_reading_progress") == (-90, 90)  # -30 - 60, 30 + 60
    assert limit_range("ks4_progress8") == (-30, 30)  # -10 - 20, 10 + 20
    assert limit_range("ks2_rwm_expected_pct") == (-100, 200)
    assert limit_range("pupils_on_roll") == (None, None)  # unbounded above: no limit check
