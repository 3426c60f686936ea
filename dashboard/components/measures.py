"""What each canonical measure is: a short label, how its numbers are written, and which way is better.

A view of the figure definitions (warehouse/figures.toml, decision 23) for pages, charts and exports,
so "persistent absence" is never shown with an arrow that treats a rise as good and no label is
written twice. Names are the `measure` values of `school_measures` and the score columns of the
model tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse import figures as _figures


@dataclass(frozen=True)
class Measure:
    label: str  # short plain-English name for axes, table headers and headings
    kind: str  # how numbers are written: see format.KINDS
    higher_is_better: bool | None  # None: context, neither better nor worse


MEASURES: dict[str, Measure] = {
    name: Measure(f.label, f.kind, f.higher_is_better) for name, f in _figures.figures().items()
}


def measure(name: str) -> Measure:
    """The Measure for a name; an unknown name gets its own name as label and plain numbers."""
    return MEASURES.get(name, Measure(name.replace("_", " "), "number", None))


def label(name: str, source_field: object = None) -> str:
    """Short plain-English label (persistent absence names its threshold given its source field)."""
    if name not in MEASURES:
        return measure(name).label
    return _figures.label(name, source_field)


def higher_is_better(name: str) -> bool | None:
    """True if a higher figure is better, False if lower is better, None for context figures."""
    return measure(name).higher_is_better
