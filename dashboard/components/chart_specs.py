"""Vega-Lite specs made through Altair once per shape, then filled with other data of that shape.

Building a chart in Altair (schema look-ups, deep copies) and converting it costs 20-40 ms; the
memo in charts.py saves that only when the very same data comes again. A chart whose spec depends
on its data only through the data itself (one dataset, no domain or layer taken from the values)
is built through Altair once per shape; for other data of the same shape the spec is that one with
the new data (Arrow) in place of the first, under the first data's name. The result is the spec
charts.vega_lite_spec gives for the Altair chart, but for the dataset's name
(tests/dashboard/components/test_chart_specs.py).

The name is kept, not made from the new data's hash as Altair would, so that a filter change which
changes only a chart's figures sends the browser the same spec with other data: Streamlit's chart
element then replaces the data in the Vega view it has (``updateView``) instead of compiling the
spec into a new view (``createView``: Vega-Lite compile, parse, first render), the most costly
part of redrawing a chart in the browser. Bounded (LRU) and locked: sessions run in threads.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd

from dashboard.components import charts

_SIZE = 64
_shapes: OrderedDict[tuple, tuple[dict, str]] = OrderedDict()  # shape -> (kept spec, data name)
_lock = threading.Lock()


def filled(shape: tuple, data: pd.DataFrame, build: Callable[[], Any]) -> dict:
    """The spec of the Altair chart ``build()`` makes from ``data`` (its only dataset), built
    through Altair only the first time this ``shape`` is asked for. ``shape`` must name
    everything but the data the spec depends on (builder, titles, the data's columns and dtypes).
    A new dict each call (its nested parts too): the caller may keep it or hand it to Streamlit."""
    name, data_bytes = charts._arrow_named(data)  # named as Streamlit names it
    with _lock:
        template = _shapes.get(shape)
        if template is not None:
            _shapes.move_to_end(shape)
    if template is None:
        spec = charts.kept_spec(charts.vega_lite_spec(build()))
        if set(spec.get("datasets") or {}) != {name}:  # not one dataset named as expected
            return charts.handout(spec)
        with _lock:
            _shapes[shape] = template = (spec, name)
            while len(_shapes) > _SIZE:
                _shapes.popitem(last=False)
    model, kept_name = template
    body = copy.deepcopy({k: v for k, v in model.items() if k != "datasets"})
    return {**body, "datasets": {kept_name: data_bytes}}


_kept: OrderedDict[tuple, dict] = OrderedDict()  # a caller's key -> the spec made for it


def kept(key: tuple, make: Callable[[], dict]) -> dict:
    """A copy (charts.handout) of the spec ``make()`` gave for ``key``, made once per key: a
    rerun finds its chart with one dictionary look-up. ``key`` must name everything the spec
    depends on (the cache key of the figures it is drawn from, and which chart)."""
    with _lock:
        spec = _kept.get(key)
        if spec is not None:
            _kept.move_to_end(key)
    if spec is None:
        spec = make()
        with _lock:
            _kept[key] = spec
            while len(_kept) > 2 * _SIZE:
                _kept.popitem(last=False)
    return charts.handout(spec)


def category_by_district(
    df: pd.DataFrame, *, title: str, segments: pd.DataFrame | None = None
) -> dict:
    """``vega_lite_spec(charts.category_by_district_chart(df, title=title))`` (``df``: one row per
    district and category with a ``schools`` count), through Altair once per title. ``segments``:
    ``charts.category_segments(df)[0]`` when the caller has made it already."""
    data = charts.category_segments(df)[0] if segments is None else segments
    shape = ("category_by_district", title, tuple(map(str, df.columns)),
             tuple(map(str, df.dtypes)), tuple(map(str, data.dtypes)))  # fmt: skip
    return filled(shape, data, lambda: charts.category_by_district_chart(df, title=title))


def distribution(df: pd.DataFrame, *, title: str, x_title: str) -> dict:
    """``vega_lite_spec(charts.distribution_chart(df, title=..., x_title=...))`` (no school
    marked), through Altair once per titles and columns."""
    data = charts.distribution_data(df)
    shape = ("distribution", title, x_title, tuple(map(str, data.columns)),
             tuple(map(str, data.dtypes)))  # fmt: skip
    return filled(shape, data, lambda: charts.distribution_chart(df, title=title, x_title=x_title))
