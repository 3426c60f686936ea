"""The shared filter bar: filters rendered from their options and kept in the URL (st.query_params).

A URL parameter is user input: it is accepted only when it is one of the filter's options, else the
default is used. The URL leads and the widget follows (its session-state value is set from the URL
before the widget is drawn); a change writes the URL back in the widget's callback, so any view can
be shared as a link and reopens identically. A value equal to the default is left out of the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

ALL = None  # the "every value" choice of an optional filter, as returned to pages
_ALL_TOKEN = (
    "__all__"  # the same choice inside the widget (a None value would show as "no selection")
)


@dataclass(frozen=True)
class Filter:
    param: str  # URL parameter, also the key of the returned dict
    label: str
    options: Sequence[Any]  # accepted values (ALL is added in front when ``optional``)
    default: Any = ALL
    optional: bool = True  # offer "All"
    format: Callable[[Any], str] = field(default=str)
    help: str | None = None
    all_label: str = "All"

    @property
    def choices(self) -> list[Any]:
        return [_ALL_TOKEN, *self.options] if self.optional else list(self.options)

    def parse(self, raw: str | None) -> Any:
        """The option whose text form is ``raw`` (URL values are strings), else the default."""
        if raw is None:
            return self.default
        for option in self.choices:
            if option != _ALL_TOKEN and str(option) == raw:
                return option
        return self.default

    def label_of(self, value: Any) -> str:
        return self.all_label if value is ALL or value == _ALL_TOKEN else self.format(value)


def key(f: Filter, prefix: str) -> str:
    return f"{prefix}_{f.param}"


def read(filters: Sequence[Filter]) -> dict[str, Any]:
    """The filter values the URL asks for, validated against the options."""
    return {f.param: f.parse(st.query_params.get(f.param)) for f in filters}


def write(values: dict[str, Any], filters: Sequence[Filter]) -> None:
    """Put values in the URL (defaults removed)."""
    for f in filters:
        value = values.get(f.param, f.default)
        if value == f.default or value is ALL:
            st.query_params.pop(f.param, None)
        else:
            st.query_params[f.param] = str(value)


def _changed(f: Filter, prefix: str) -> None:
    value = st.session_state[key(f, prefix)]
    write({f.param: ALL if value == _ALL_TOKEN else value}, [f])


def filter_bar(
    filters: Sequence[Filter], *, prefix: str = "filter", columns: int = 4, container=None
) -> dict[str, Any]:
    """Draw the filters (``columns`` per row), URL first; returns {param: value} (None = all)."""
    values = read(filters)
    write(values, filters)  # drop invalid or default parameters from the URL
    target = container or st
    for start in range(0, len(filters), columns):
        row = filters[start : start + columns]
        for col, f in zip(target.columns(columns), row, strict=False):
            k = key(f, prefix)
            value = values[f.param]
            st.session_state[k] = _ALL_TOKEN if value is ALL else value  # the URL leads
            col.selectbox(
                f.label,
                f.choices,
                key=k,
                format_func=f.label_of,
                on_change=_changed,
                args=(f, prefix),
                help=f.help,
            )
    return values


def describe(values: dict[str, Any], filters: Sequence[Filter]) -> str:
    """One line naming the chosen filters (for captions and export notes)."""
    parts = [f"{f.label}: {f.label_of(values.get(f.param, f.default))}" for f in filters]
    return "; ".join(parts)


def manager_filters(
    options: dict[str, list],
    group_labels: dict[str, str],
    *,
    latest: int,
    only: Sequence[str] | None = None,
) -> list[Filter]:
    """The improvement manager's filters (district, phase, type, category, pupil group, year)."""
    from dashboard.components.format import fmt_year
    from dashboard.components.palette import CATEGORIES

    def category_label(c: str) -> str:
        return CATEGORIES[c].label if c in CATEGORIES else c.capitalize()

    specs = [
        Filter("district", "District", options["district"]),
        Filter("phase", "Phase", options["phase"]),
        Filter("school_type", "School type", options["school_type"]),
        Filter("category", "Support category", options["category"], format=category_label),
        Filter(
            "group",
            "Pupil group",
            options["group"],
            default="all",
            optional=False,
            format=lambda g: group_labels.get(g, g),
        ),
        Filter("year", "Year", options["year"], default=latest, optional=False, format=fmt_year),
    ]
    return [s for s in specs if only is None or s.param in only]
