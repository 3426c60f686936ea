"""Missing-value codes of the DfE / GSS publications, and turning a published cell into (value, status).

A published cell is one of:
  * a number, possibly with a ``%`` sign at the end, thousands commas (in groups of three) or spaces
    ("72%", "5.9%", "1,234", "1 234") -> value DOUBLE, status NULL. A comma anywhere else ("12,5": a
    decimal comma) makes the cell INVALID rather than silently 125
  * a known code (SUPP, NE, NA, LOWCOV, c, x, ...)  -> value NULL, status = the code (never a zero)
  * blank: empty, spaces only, the literal ``NULL``  -> value NULL, status NULL (nothing published)
  * anything else: INVALID                           -> value NULL, status NULL, and the cell goes to
    ``rejects`` (the reader does that; ``is_invalid(x)`` says which cells)

Conversion happens inside DuckDB through SQL macros, never in a Python loop over cells:
``install_macros(con)`` creates ``parse_value(x)``, ``parse_status(x)``, ``is_blank(x)`` and
``is_invalid(x)`` as TEMP macros on the connection (so nothing is written into a build file).
"""

from __future__ import annotations

import duckdb

# code -> plain-English meaning, for legends. Performance-tables codes are from the DfE
# "Abbreviations used in the csv and excel Download Data files" (abbreviations.xlsx beside each
# download) and the KS2 field list (NEW); GSS symbols from the Government Statistical Service
# guidance on symbols in tables.
CODE_MEANINGS: dict[str, str] = {
    "SUPP": "Suppressed: usually because 5 or fewer pupils are covered by the measure",
    "NE": "No entries: the school did not enter any pupils for the qualifications covered by the measure",
    "NEW": "New institution: a new school with no eligible pupils",
    "NP": "Not published: for example progress is not published for independent schools",
    "LOWCOV": "Low coverage: fewer than 50% of pupils are included in the progress measure",
    "NA": "Not applicable: not available for this year, or the measure does not apply to this school",
    "DNS": "Did not submit: the school did not submit the data",
    "SP": "Small percentage: the figure is between 0% and 0.5%",
    "RE": "Redacted: not a reliable estimate, so not a fair measure of performance",
    ":": "Not available",
    "c": "Confidential: withheld to protect confidentiality",
    "x": "Unavailable",
    "z": "Not applicable",
    "low": "Rounds to zero, but is not zero",
    "u": "Low reliability",
}

# Spellings treated as "nothing published" (value NULL, status NULL, no reject).
BLANKS: tuple[str, ...] = ("", "NULL")

# After removing whitespace: sign, digits (commas only between groups of three), decimals,
# exponent, and a % only at the end.
# The common case, a subset of _NUMBER_RE that DuckDB's cast reads exactly (at most 15 digits
# either side of the point, so never infinite).
_PLAIN_RE = r"-?[0-9]{1,15}(\.[0-9]{1,15})?"
_NUMBER_RE = r"^[+-]?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?%?$"


# The possible range of each canonical measure (inclusive; None = unbounded). A published value outside
# it cannot be true (a typo, a shifted column): the cell goes to ``rejects`` naming the range. The
# limits are wide on purpose: they catch impossible values, not unusual schools.
#   percentages 0-100; KS2 progress: pupils' scaled scores run 80-120, so a school's mean progress
#   cannot pass +-30; Progress 8: +-10 (pupil scores sit within about +-6); KS2 scaled scores 80-120;
#   Attainment 8: 0-90 (ten slots, grade 9 at most); EBacc average point score 0-9; counts of pupils >= 0.
RANGES: tuple[tuple[str, float | None, float | None], ...] = (
    ("%_pct", 0, 100),
    ("ks2_%_progress", -30, 30),
    ("ks4_progress8", -10, 10),
    ("ks2_%_scaled_score", 80, 120),
    ("ks4_attainment8", 0, 90),
    ("ks4_ebacc_aps", 0, 9),
    ("ks4_prior_ks2_aps", 0, 40),
    ("%_cohort", 0, None),
    ("pupils_on_roll", 0, None),
)

# The most pupils one school can have. The largest schools in England have about 4,000, so a larger
# count for one school is a damaged cell (a digit added or a column shifted), not an unusual school.
# LA and national rows have no such limit. warehouse/contract.yml says the same of schools.pupils
# and school_measures.cohort; tests/etl/test_codes.py ties the two together.
SCHOOL_PUPILS_MAX = 10_000
_COUNTS = ("%_cohort", "pupils_on_roll")


def measure_range(measure: str, *, school: bool = False) -> tuple[float | None, float | None]:
    """(low, high) possible values of a canonical measure; (None, None) when unbounded. For one
    school (``school=True``) a count of pupils is at most SCHOOL_PUPILS_MAX."""
    import fnmatch

    for pattern, lo, hi in RANGES:
        if fnmatch.fnmatchcase(measure, pattern.replace("%", "*")):
            if school and pattern in _COUNTS:
                hi = SCHOOL_PUPILS_MAX
            return lo, hi
    return None, None


def limit_range(measure: str) -> tuple[float | None, float | None]:
    """(low, high) possible confidence limits of a canonical measure: its range widened by its own
    width on each side (KS2 progress -30 to 30: limits -90 to 90); (None, None) when the measure is
    unbounded either way. A small cohort's interval can pass the measure's range, never by this much:
    a limit beyond it is a damaged cell (e.g. -9999999999999999), rejected, its value kept."""
    lo, hi = measure_range(measure)
    if lo is None or hi is None:
        return None, None
    return lo - (hi - lo), hi + (hi - lo)


def range_text(lo: float | None, hi: float | None) -> str:
    """'0 to 100', 'at least 0', 'at most 9' (for reject reasons)."""

    def f(x: float) -> str:
        return f"{x:g}"

    if lo is not None and hi is not None:
        return f"{f(lo)} to {f(hi)}"
    return f"at least {f(lo)}" if lo is not None else f"at most {f(hi)}"


def code_meaning(code: str | None) -> str | None:
    """The plain-English meaning of a status code (None for None or an unknown code)."""
    if code is None:
        return None
    return CODE_MEANINGS.get(code)


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _status_case(expr: str) -> str:
    # Codes match case-insensitively and come back in their canonical spelling. A lookup by position,
    # not a CASE: DuckDB plans ``CASE x WHEN ...`` as x = ... once per code, each with its own copy of
    # the stripping regex (15 of them in every statement that parses a cell).
    upper = ", ".join(_lit(c.upper()) for c in CODE_MEANINGS)
    canonical = ", ".join(_lit(c) for c in CODE_MEANINGS)
    return f"[{canonical}][list_position([{upper}], upper(sid_strip({expr})))]"


def macro_sql() -> list[str]:
    """The CREATE MACRO statements (TEMP: they live on the connection, not in the build)."""
    blanks = ", ".join(_lit(b) for b in BLANKS)
    exact_whens = " ".join(f"WHEN {_lit(c)} THEN TRUE" for c in CODE_MEANINGS)
    return [
        # the text with all whitespace (incl. no-break space) removed
        r"""CREATE OR REPLACE TEMP MACRO sid_clean_number(x) AS
            regexp_replace(CAST(x AS VARCHAR), '[\s\x{00A0}]', '', 'g')""",
        # 1e999 parses as infinity: not a published figure
        """CREATE OR REPLACE TEMP MACRO sid_finite(v) AS (CASE WHEN isfinite(v) THEN v END)""",
        # outer whitespace of any kind (tab, carriage return, no-break space), not only spaces
        r"""CREATE OR REPLACE TEMP MACRO sid_strip(x) AS
            regexp_replace(CAST(x AS VARCHAR), '^[\s\x{00A0}]+|[\s\x{00A0}]+$', '', 'g')""",
        # Fast paths first: most published cells are a plain number such as 63 or -1.25 (one cheap
        # match, then a cast), and a cell holding a digit is never blank nor a code.
        f"""CREATE OR REPLACE TEMP MACRO sid_plain_number(x) AS
            regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_RE}')""",
        f"""CREATE OR REPLACE TEMP MACRO sid_plain_percent(x) AS
            regexp_full_match(CAST(x AS VARCHAR), '{_PLAIN_RE}%')""",
        """CREATE OR REPLACE TEMP MACRO sid_has_digit(x) AS
            regexp_matches(CAST(x AS VARCHAR), '[0-9]')""",
        f"""CREATE OR REPLACE TEMP MACRO is_blank(x) AS
            (x IS NULL OR (NOT sid_has_digit(x) AND upper(sid_strip(x)) IN ({blanks})))""",
        # a code exactly as published (SUPP, NA, c, ...): no digit, and its own canonical spelling.
        # A CASE, not an IN list: DuckDB plans an IN list of five or more values as a join, which
        # tests every cell (a cell whose interval column is absent too) before any CASE around it
        # could skip it, and costs planning in every statement (a quarter of the DfE unpivot's CPU).
        # FALSE for NULL (IN gives NULL): every caller has tested x IS NULL first.
        f"""CREATE OR REPLACE TEMP MACRO sid_exact_code(x) AS
            (CASE CAST(x AS VARCHAR) {exact_whens} ELSE FALSE END)""",
        f"""CREATE OR REPLACE TEMP MACRO parse_status(x) AS
            (CASE WHEN x IS NULL THEN NULL
                  WHEN sid_exact_code(x) THEN CAST(x AS VARCHAR)
                  WHEN sid_has_digit(x) THEN NULL
                  ELSE {_status_case("CAST(x AS VARCHAR)")} END)""",
        # The cheap tests first: an exact code (half the cells of a national KS2 file are NP or
        # SUPP; DuckDB tests the list for every cell anyway, as a join), a plain number, a plain
        # percentage ("12%", a quarter of the KS2 cells); the three-regex path only for what is left.
        f"""CREATE OR REPLACE TEMP MACRO parse_value(x) AS
            (CASE WHEN x IS NULL THEN NULL
                  WHEN sid_exact_code(x) THEN NULL
                  WHEN sid_plain_number(x) THEN CAST(CAST(x AS VARCHAR) AS DOUBLE)
                  WHEN sid_plain_percent(x) THEN CAST(rtrim(CAST(x AS VARCHAR), '%') AS DOUBLE)
                  WHEN regexp_matches(sid_clean_number(x), '{_NUMBER_RE}')
                  THEN sid_finite(TRY_CAST(regexp_replace(sid_clean_number(x), '[,%]', '', 'g') AS DOUBLE))
                  ELSE NULL END)""",
        """CREATE OR REPLACE TEMP MACRO is_invalid(x) AS
            (NOT is_blank(x) AND parse_status(x) IS NULL AND parse_value(x) IS NULL)""",
    ]


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create parse_value(x) -> DOUBLE, parse_status(x) -> VARCHAR, is_blank(x), is_invalid(x) on ``con``."""
    for sql in macro_sql():
        con.execute(sql)


def parse_cell(
    con: duckdb.DuckDBPyConnection, text: str | None
) -> tuple[float | None, str | None, bool]:
    """(value, status, invalid) for one cell, through the same macros (tests and one-off use)."""
    install_macros(con)
    return con.execute(
        "SELECT parse_value(?::VARCHAR), parse_status(?::VARCHAR), is_invalid(?::VARCHAR)",
        [text, text, text],
    ).fetchone()
