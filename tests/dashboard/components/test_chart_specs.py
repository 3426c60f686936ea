"""Specs filled with new data (dashboard/components/chart_specs.py) are the specs Altair builds."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.components import chart_specs, charts


def _altair(df: pd.DataFrame, title: str) -> dict:
    return charts.kept_spec(
        charts.vega_lite_spec(charts.category_by_district_chart.__wrapped__(df, title=title))
    )


def _same(a: dict, b: dict) -> bool:
    """The same spec and the same data; the one dataset's name may differ (a filled spec keeps the
    name its shape was first built with)."""
    (name_a,), (name_b,) = a["datasets"], b["datasets"]
    if a["datasets"][name_a] != b["datasets"][name_b]:
        return False
    body_b = charts._renamed({k: v for k, v in b.items() if k != "datasets"}, name_b, name_a)
    body_a = {k: v for k, v in a.items() if k != "datasets"}
    return json.dumps(body_a, sort_keys=True, default=repr) == json.dumps(
        body_b, sort_keys=True, default=repr
    )


def _body(spec: dict) -> str:
    """What the browser compiles: the spec without its data (Streamlit sends datasets apart)."""
    return json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)


def test_a_category_chart_filled_with_new_data_is_the_chart_altair_builds_for_it():
    first = pd.DataFrame({"district": ["A", "A", "B"], "category": ["intensive", "universal", "universal"],
                          "schools": [1, 10, 4]})  # fmt: skip
    second = pd.DataFrame({"district": ["North"] * 3, "category": ["targeted", "intensive", "universal"],
                           "schools": [3, 2, 20]})  # fmt: skip
    for df in (first, second, first):
        spec = chart_specs.category_by_district(df, title="Schools by support category")
        assert _same(spec, _altair(df, "Schools by support category"))
    # other figures of one shape: the same spec with other data, so the browser's chart only
    # swaps its data instead of compiling a new view
    a, b = (chart_specs.category_by_district(df, title="Schools by support category")
            for df in (first, second))  # fmt: skip
    assert _body(a) == _body(b) and list(a["datasets"]) == list(b["datasets"])
    assert a["datasets"] != b["datasets"]
    # another title is another shape: never the first title's spec
    other = chart_specs.category_by_district(second, title="Another")
    assert other["title"] != chart_specs.category_by_district(second, title="Schools")["title"]


def test_a_filled_spec_shares_nothing_a_caller_could_change_with_the_next_one():
    df = pd.DataFrame({"district": ["A"], "category": ["universal"], "schools": [3]})
    a = chart_specs.category_by_district(df, title="T")
    a["layer"][0]["mark"]["type"] = "changed"
    a["datasets"].clear()
    b = chart_specs.category_by_district(df, title="T")
    assert b["layer"][0]["mark"]["type"] != "changed" and len(b["datasets"]) == 1


def test_a_distribution_filled_with_new_data_is_the_chart_altair_builds_for_it():
    def schools(scores):
        return pd.DataFrame({"urn": range(len(scores)), "name": [f"S{i}" for i in range(len(scores))],
                             "achievement_score": scores})  # fmt: skip

    for df in (schools([0.1, -1.2, None, 2.0]), schools([0.5] * 7), schools([-3.0, 1.0])):
        spec = chart_specs.distribution(df, title="Scores", x_title="Achievement score")
        built = charts.distribution_chart.__wrapped__(
            df, title="Scores", x_title="Achievement score"
        )
        assert _same(spec, charts.kept_spec(charts.vega_lite_spec(built)))


def test_a_kept_spec_is_made_once_per_key_and_never_served_for_another_key():
    made = []

    def make(n):
        def build():
            made.append(n)
            return {"title": f"view {n}", "datasets": {f"d{n}": b"x"}}

        return build

    a = chart_specs.kept(("test", "view a"), make("a"))
    a["datasets"].clear()  # Streamlit moves the datasets out of what it is given
    a["title"] = "changed"
    again = chart_specs.kept(("test", "view a"), make("a"))
    assert made == ["a"] and again == {"title": "view a", "datasets": {"da": b"x"}}
    b = chart_specs.kept(("test", "view b"), make("b"))
    assert made == ["a", "b"] and b["title"] == "view b"
