"""The figure definitions (warehouse/figures.toml): one entry per figure a person sees (decision 23).

Loaded once; warehouse queries, the dashboard's formatters, statements and exports all read it, so
a label, a published precision, a direction or a comparison threshold is written in one place.
``shown(name, value)`` rounds a value half-up to the figure's published precision: every comparison
("above", "better", ties) is made on that, never on the raw float.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

FIGURES_PATH = Path(__file__).with_name("figures.toml")

# kind -> published decimals (the formatter's KINDS use the same numbers; a test pins them equal)
DECIMALS: dict[str, int] = {
    "pct": 0,
    "pct1": 1,
    "progress": 1,
    "progress2": 2,
    "scaled": 1,
    "score": 1,
    "score2": 2,
    "z": 2,
    "gap": 1,
    "count": 0,
    "percentile": 0,
    "number": 2,
}

# Persistent absence: the published field says the threshold (decision on issue 16, item 5)
PA_THRESHOLDS: dict[str, int] = {"PPERSABS10": 10, "PPERSABS15": 15}


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    kind: str
    higher_is_better: bool | None = None
    threshold: float = 0.0
    units: str = ""
    suppression: str = "none"
    source: str = ""
    help: str = ""
    comparison: str = ""

    @property
    def decimals(self) -> int:
        return DECIMALS[self.kind]


@dataclass(frozen=True)
class Count:
    name: str
    label: str
    help: str


_KEYS = {f for f in Figure.__dataclass_fields__} - {"name"}


@cache
def _load() -> tuple[dict[str, Figure], dict[str, Count]]:
    data = tomllib.loads(FIGURES_PATH.read_text(encoding="utf-8"))
    figures: dict[str, Figure] = {}
    for name, entry in data["figures"].items():
        unknown = set(entry) - _KEYS
        if unknown:
            raise ValueError(
                f"{FIGURES_PATH.name}: figure {name} has unknown keys {sorted(unknown)}"
            )
        if entry["kind"] not in DECIMALS:
            raise ValueError(f"{FIGURES_PATH.name}: figure {name} has unknown kind {entry['kind']}")
        figures[name] = Figure(name=name, **entry)
    counts = {n: Count(name=n, **e) for n, e in data.get("counts", {}).items()}
    return figures, counts


@cache
def _group_tables() -> tuple[dict[str, str], dict[str, str]]:
    data = tomllib.loads(FIGURES_PATH.read_text(encoding="utf-8"))
    labels, words = dict(data.get("groups", {})), dict(data.get("group_words", {}))
    if set(labels) != set(words):
        raise ValueError(
            f"{FIGURES_PATH.name}: [groups] and [group_words] name different groups: "
            f"{sorted(set(labels) ^ set(words))}"
        )
    return labels, words


def group_label(group: Any) -> str:
    """The label of a pupil group in a table, filter or chart ('boys' -> 'Boys')."""
    if is_missing(group):
        return "All pupils"
    return _group_tables()[0].get(str(group), str(group).replace("_", " ").capitalize())


def group_words(group: Any) -> str:
    """The words a sentence uses for a pupil group ('eal' -> 'pupils with English as an
    additional language')."""
    if is_missing(group):
        return "all pupils"
    return _group_tables()[1].get(str(group), str(group).replace("_", " "))


def group_labels(groups: Iterable[str]) -> dict[str, str]:
    """{group: label} for these groups, in this order (a filter's options)."""
    return {g: group_label(g) for g in groups}


def figures() -> dict[str, Figure]:
    """Every defined figure by name."""
    return _load()[0]


def counts() -> dict[str, Count]:
    """Every defined count of schools by name (open, categorised, in_districts)."""
    return _load()[1]


def figure(name: str) -> Figure:
    """The Figure for a name; an unknown name gets its own words as label and plain numbers."""
    found = figures().get(name)
    if found is not None:
        return found
    return Figure(name=name, label=name.replace("_", " ").capitalize(), kind="number")


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return value != value  # NaN (and pandas NA raises, below)
    except TypeError:
        return True


def round_half_up(value: Any, decimals: int) -> float | None:
    """``value`` rounded half-up (as the published tables round), or None if missing."""
    try:
        if is_missing(value):
            return None
    except Exception:  # pandas NA
        return None
    d = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return float(d) + 0.0  # + 0.0 turns -0.0 into 0.0


def shown(name: str, value: Any) -> float | None:
    """The value as it is published and shown (rounded to the figure's precision)."""
    return round_half_up(value, figure(name).decimals)


def pa_threshold(source_field: Any = None) -> int | None:
    """10 or 15 from the field persistent absence was read from; None when it is not known."""
    if is_missing(source_field):
        return None
    for field, pct in PA_THRESHOLDS.items():
        if field in str(source_field).upper():
            return pct
    return None


def label(name: str, source_field: Any = None) -> str:
    """The label; persistent absence names its threshold when the source field is given."""
    f = figure(name)
    if name == "persistent_absence_pct":
        t = pa_threshold(source_field)
        if t is not None:
            return f"{f.label} ({t}% threshold)"
    return f.label


def help_text(name: str, source_field: Any = None) -> str:
    """Help for a tooltip or footnote, with the persistent-absence threshold filled in."""
    f = figure(name)
    text = f.help
    if "{threshold}" in text:
        t = pa_threshold(source_field)
        text = text.replace(
            "{threshold}", str(t) if t is not None else "10 (or, before 2015/16, 15)"
        )
    return text
