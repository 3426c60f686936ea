"""Academic terms as the visit plan counts them: "2026/27 autumn", "2026/27 spring", "2026/27 summer".

Why fixed month boundaries: every council (and often every school) sets its own term dates, and
Easter moves; a visit plan needs a stable bucket to count an officer's visits against capacity, not
the exact first day back. So a term here is:

- autumn: 1 September to 31 December (first year of the academic year)
- spring: 1 January to 31 March (second year)
- summer: 1 April to 31 July (second year)

August falls in no term (schools are closed); a date in August belongs to no term.
"""

from __future__ import annotations

import re
from datetime import date

TERMS = ("autumn", "spring", "summer")
_LABEL = re.compile(r"^(\d{4})/(\d{2}) (autumn|spring|summer)$")


def label(start_year: int, term: str) -> str:
    """'2026/27 autumn' for the academic year starting in September ``start_year``."""
    if term not in TERMS:
        raise ValueError(f"Term: {term!r} is not one of {', '.join(TERMS)}")
    return f"{start_year}/{(start_year + 1) % 100:02d} {term}"


def parse(term: str) -> tuple[int, str]:
    """(first calendar year of the academic year, term name); ValueError naming the field."""
    m = _LABEL.match(str(term or "").strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(
            f"Term: {term!r} is not an academic term such as '2026/27 autumn' "
            f"(year/next year's last two digits, then {', '.join(TERMS)})"
        )
    return int(m.group(1)), m.group(3)


def dates(term: str) -> tuple[date, date]:
    """The first and last day of a term (both inclusive)."""
    year, name = parse(term)
    if name == "autumn":
        return date(year, 9, 1), date(year, 12, 31)
    if name == "spring":
        return date(year + 1, 1, 1), date(year + 1, 3, 31)
    return date(year + 1, 4, 1), date(year + 1, 7, 31)


def term_of(d: date) -> str | None:
    """The term a date falls in; None in August."""
    if d.month >= 9:
        return label(d.year, "autumn")
    if d.month <= 3:
        return label(d.year - 1, "spring")
    if d.month <= 7:
        return label(d.year - 1, "summer")
    return None


def following(term: str) -> str:
    """The next term ('2026/27 summer' -> '2027/28 autumn')."""
    year, name = parse(term)
    if name == "summer":
        return label(year + 1, "autumn")
    return label(year, TERMS[TERMS.index(name) + 1])


def preceding(term: str) -> str:
    """The term before ('2026/27 autumn' -> '2025/26 summer')."""
    year, name = parse(term)
    if name == "autumn":
        return label(year - 1, "summer")
    return label(year, TERMS[TERMS.index(name) - 1])


def current_or_next(today: date) -> str:
    """The term ``today`` is in, or in August the autumn term about to start."""
    return term_of(today) or label(today.year, "autumn")


def around(today: date, before: int = 1, after: int = 3) -> list[str]:
    """Terms to offer in a picker: ``before`` past terms, the current (or next) one, ``after`` more."""
    now = current_or_next(today)
    out = [now]
    for _ in range(before):
        out.insert(0, preceding(out[0]))
    for _ in range(after):
        out.append(following(out[-1]))
    return out
