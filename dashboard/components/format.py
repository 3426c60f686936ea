"""Numbers as people read them: "72%", "+1.3", "−0.8", "104.2", "1,234", and codes ("SUPP") for gaps.

The dashboard stores a missing published figure as value NULL plus ``status_code`` (SUPP, NE, NP, ...):
a code is shown as the code itself, never as 0 or a blank, and ``code_legend`` explains it in plain
English. Trends are said in words ("better" / "worse"), with a symbol that follows the word, never
the direction of the number: a rise in persistent absence is "▼ worse".

Rounding is half-up, as in the published tables (Python's own formatting rounds 1.25 to 1.2).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from dashboard.components.measures import measure as _measure

MINUS = "\u2212"  # a real minus sign: "−0.8", read as "minus" by screen readers
NO_DATA = "no data"  # nothing published and no code either

# Codes in the published files, with plain-English meanings. Performance-table codes follow the DfE
# "abbreviations" file that comes with each download (SP there is "small percentage", not a small
# cohort); GSS symbols follow the Government Statistical Service guidance on symbols in tables.
CODE_MEANINGS: dict[str, str] = {
    "SUPP": "Suppressed by the DfE before publication (its rule: usually where 5 or fewer pupils are covered by the measure, and in other cases it judges disclosive)",
    "NE": "No entries: no pupils were entered for these qualifications",
    "NP": "Not published for this school or group",
    "NA": "Not applicable: not available for this year, or does not apply to this school",
    "LOWCOV": "Low coverage: fewer than half of pupils are included, so not published",
    "NEW": "New school: no results yet",
    "DNS": "Did not submit: the school did not send in its data",
    "SP": "Small percentage: between 0% and 0.5%",
    "RE": "Redacted: not a reliable figure, so not published",
    ":": "Not available",
    "c": "Confidential: withheld to protect confidentiality",
    "x": "Unavailable",
    "z": "Not applicable",
    "low": "Rounds to zero, but is not zero",
    "u": "Low reliability: treat with caution",
}
_OUR_SUPPRESSION = "SUPP (small group)"  # dashboard.access.SUPPRESSED (ours, not the DfE's)
UNKNOWN_CODE = "Code not recognised: see the notes published with the source file"

BETTER, WORSE, NO_CLEAR_CHANGE = "better", "worse", "no clear change"
SYMBOL_BETTER, SYMBOL_WORSE, SYMBOL_SAME = "▲", "▼", "●"

# kind -> (decimals, suffix, always show a sign). Kinds are named in measures.MEASURES.
KINDS: dict[str, tuple[int, str, bool]] = {
    "pct": (0, "%", False),  # 72%
    "pct1": (1, "%", False),  # 5.9% (census and absence are published to 1 decimal place)
    "progress": (1, "", True),  # +1.3 / −0.8 (KS2 progress scores)
    "progress2": (2, "", True),  # +0.45 (Progress 8 is published to 2 decimal places)
    "scaled": (1, "", False),  # 104.2
    "score": (1, "", False),  # Attainment 8: 46.3
    "score2": (2, "", False),  # EBacc average point score: 4.07
    "z": (2, "", True),  # +0.45 (z-scores and achievement)
    "gap": (1, "", True),  # +3.0 / −12.5 (school minus national, in the measure's own units)
    "count": (0, "", False),  # 1,234
    "percentile": (0, "", False),  # 37 (the 37th percentile)
    "number": (2, "", False),
}


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _code(status: Any) -> str | None:
    if is_missing(status):
        return None
    s = str(status).strip()
    return s or None


def _round(value: float, decimals: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )


def format_number(
    value: Any,
    *,
    decimals: int = 0,
    suffix: str = "",
    sign: bool = False,
    status: Any = None,
) -> str:
    """The one formatter the others call.

    A status code wins over the value (a coded cell has value NULL anyway); a missing value with no
    code is ``NO_DATA``. Thousands are separated with commas; negatives use a real minus sign; with
    ``sign`` a positive figure gets "+", and a figure that rounds to zero gets no sign at all.
    """
    code = _code(status)
    if code is not None:
        return code
    if is_missing(value):
        return NO_DATA
    v = float(value)
    if math.isinf(v):
        return NO_DATA
    d = _round(v, decimals)
    if d == 0:
        d = abs(d)  # "0.0", never "−0.0" or "+0.0"
    text = f"{abs(d):,.{decimals}f}"
    if d < 0:
        text = MINUS + text
    elif sign and d > 0:
        text = "+" + text
    return text + suffix


def fmt_kind(value: Any, kind: str, status: Any = None) -> str:
    """Format by kind (a key of KINDS: "pct", "progress", "scaled", "z", "count", ...)."""
    decimals, suffix, sign = KINDS[kind]
    return format_number(value, decimals=decimals, suffix=suffix, sign=sign, status=status)


def fmt_pct(value: Any, status: Any = None, decimals: int = 0) -> str:
    """72 -> "72%" (values are stored 0-100)."""
    return format_number(value, decimals=decimals, suffix="%", status=status)


def fmt_progress(value: Any, status: Any = None, decimals: int = 1) -> str:
    """1.25 -> "+1.3", -0.8 -> "−0.8", 0 -> "0.0"."""
    return format_number(value, decimals=decimals, sign=True, status=status)


def fmt_scaled(value: Any, status: Any = None, decimals: int = 1) -> str:
    """104.23 -> "104.2"."""
    return format_number(value, decimals=decimals, status=status)


def fmt_z(value: Any, status: Any = None, decimals: int = 2) -> str:
    """0.449 -> "+0.45" (z-scores and achievement scores)."""
    return format_number(value, decimals=decimals, sign=True, status=status)


def fmt_count(value: Any, status: Any = None) -> str:
    """1234 -> "1,234"."""
    return format_number(value, decimals=0, status=status)


def fmt_measure(measure: str, value: Any, status: Any = None) -> str:
    """Format a value of a canonical measure the way that measure is published."""
    return fmt_kind(value, _measure(measure).kind, status)


def fmt_year(time_period: Any) -> str:
    """201819 -> "2018/19" (the DfE six-digit academic year)."""
    if is_missing(time_period):
        return NO_DATA
    s = str(int(time_period))
    return f"{s[:4]}/{s[4:]}" if len(s) == 6 else s


def display_column(
    df: pd.DataFrame,
    *,
    kind: str | None = None,
    value: str = "value",
    status: str = "status_code",
    measure: str = "measure",
) -> pd.Series:
    """A text column of formatted values for a table or tooltip.

    The kind comes from ``kind`` or, per row, from the ``measure`` column. A frame without a status
    column is treated as having no codes.
    """
    statuses = df[status] if status in df.columns else pd.Series([None] * len(df), index=df.index)
    if kind is not None:
        out = [fmt_kind(v, kind, s) for v, s in zip(df[value], statuses, strict=True)]
    else:
        out = [
            fmt_measure(m, v, s) for m, v, s in zip(df[measure], df[value], statuses, strict=True)
        ]
    return pd.Series(out, index=df.index, dtype="object")


def code_legend(codes: Any) -> list[tuple[str, str]]:
    """(code, meaning) for each distinct code present, in order of first appearance.

    Accepts any iterable (a status_code column, a list); None/NaN and blanks are skipped.
    """
    seen: dict[str, str] = {}
    for c in codes if codes is not None else []:
        code = _code(c)
        if code is None or code in seen:
            continue
        if code == _OUR_SUPPRESSION:
            from dashboard.access import suppressed_meaning  # settings-dependent; imported late

            seen[code] = suppressed_meaning()
        else:
            seen[code] = CODE_MEANINGS.get(code, UNKNOWN_CODE)
    return list(seen.items())


def direction_words(
    delta: Any, higher_is_better: bool | None, threshold: float = 0.0
) -> tuple[str, str]:
    """("better" | "worse" | "no clear change", "▲" | "▼" | "●") for a change ``delta``.

    ``delta`` is new minus old. The symbol follows the word, not the number: with
    ``higher_is_better=False`` a rise is ("worse", "▼"). A change no bigger than ``threshold`` in
    size, a missing delta, or a context measure (``higher_is_better=None``) is "no clear change".
    """
    if is_missing(delta) or higher_is_better is None or abs(float(delta)) <= threshold:
        return NO_CLEAR_CHANGE, SYMBOL_SAME
    improved = (float(delta) > 0) == bool(higher_is_better)
    return (BETTER, SYMBOL_BETTER) if improved else (WORSE, SYMBOL_WORSE)


def describe_change(
    delta: Any, higher_is_better: bool | None, kind: str = "number", threshold: float = 0.0
) -> str:
    """One phrase: "▲ better (up 2.1)", "▼ worse (down 3%)", "● no clear change"."""
    word, symbol = direction_words(delta, higher_is_better, threshold)
    if word == NO_CLEAR_CHANGE or is_missing(delta):
        return f"{symbol} {word}"
    decimals, suffix, _ = KINDS[kind]
    if suffix == "%":
        suffix = " percentage points"
    size = format_number(abs(float(delta)), decimals=decimals, suffix=suffix)
    return f"{symbol} {word} ({'up' if float(delta) > 0 else 'down'} {size})"


def ordinal(n: Any) -> str:
    """1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd" (missing: "no data")."""
    if is_missing(n):
        return NO_DATA
    n = int(round(float(n)))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def fmt_text(value: Any) -> str:
    """Any cell as text for people: missing -> "no data", 104.0 -> "104", 57.0000 -> "57",
    codes with underscores -> words ("new_permanent" -> "new permanent")."""
    if is_missing(value):
        return NO_DATA
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isinf(value):
            return NO_DATA
        if value.is_integer():
            return f"{int(value):,}"
        return format_number(value, decimals=2).rstrip("0").rstrip(".")
    return humanise(str(value))


def humanise(text: str) -> str:
    """A code or column name as words: "gap_vs_national_same_group" -> "gap vs national same group"."""
    return text.replace("_", " ").strip()
