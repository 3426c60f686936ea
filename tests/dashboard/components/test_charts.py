"""Every builder returns a valid Vega-Lite spec; trends break at the COVID gap; render_chart works."""

import json

import altair as alt
import pandas as pd
import pytest

from dashboard.components import charts

TREND = pd.DataFrame(
    {
        "series": ["This school"] * 5 + ["National"] * 5,
        "time_period": [201617, 201718, 201819, 202122, 202223] * 2,
        "value": [60, 62, 63, 55, 58, 61, 64, 65, 59, 60],
        "status_code": [None] * 10,
    }
)
SQUARE = lambda x0, y0: [[[x0, y0], [x0 + 0.5, y0], [x0 + 0.5, y0 + 0.5], [x0, y0 + 0.5], [x0, y0]]]  # noqa: E731
GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "North"},
                "geometry": {"type": "Polygon", "coordinates": SQUARE(-1.5, 51.0)},
            },
            {
                "type": "Feature",
                "properties": {"name": "South"},
                "geometry": {"type": "Polygon", "coordinates": SQUARE(-1.5, 50.5)},
            },
        ],
    }
)


def valid(chart) -> dict:
    spec = chart.to_dict(validate=True)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    return spec


def rows(spec: dict) -> list[dict]:
    return [r for values in spec.get("datasets", {}).values() for r in values]


def test_year_arithmetic():
    assert charts.next_year(201819) == 201920
    assert charts.next_year(199900) == 200001 or charts.next_year(199899) == 199900
    assert charts.year_range(201819, 202122) == [201819, 201920, 202021, 202122]


def test_segments_break_at_covid_gap_and_suppressed_years():
    seg = charts.add_segments(TREND)
    school = seg[seg.series == "This school"].set_index("time_period")["segment"]
    assert school[201617] == school[201718] == school[201819]
    assert school[202122] == school[202223] != school[201819]
    supp = TREND.copy()
    supp.loc[1, "value"] = None  # 2017/18 suppressed
    s2 = charts.add_segments(supp)
    s2 = s2[s2.series == "This school"].set_index("time_period")["segment"]
    assert s2[201718] is None and s2[201617] != s2[201819]
    assert s2.dropna().nunique() == 3


def test_trend_chart_spec_has_separate_segments_and_gap_label():
    spec = valid(charts.trend_chart(TREND, title="Results", y_title="% expected", kind="pct"))
    line = next(x for x in spec["layer"] if (x.get("mark") or {}).get("type") == "line")
    assert line["encoding"]["detail"]["field"] == charts.SEGMENT
    data = [r for r in rows(spec) if r.get("series") == "This school"]
    by_year = {r["time_period"]: r[charts.SEGMENT] for r in data}
    assert by_year[201819] != by_year[202122]
    assert len({by_year[y] for y in (201617, 201718, 201819)}) == 1
    labels = {r.get(charts.YEAR_LABEL) for r in rows(spec)}
    assert {"2019/20", "2020/21"} <= labels  # the gap years are on the axis, labelled
    assert "COVID-19" in json.dumps(spec)
    assert any(r.get(charts.DISPLAY) == "60%" for r in data)


def test_trend_without_gap_has_one_segment():
    df = TREND[TREND.time_period <= 201819]
    spec = valid(charts.trend_chart(df, title="t", y_title="y"))
    assert len({r[charts.SEGMENT] for r in rows(spec) if r.get("series") == "National"}) == 1
    assert "COVID-19" not in json.dumps(spec)


def _school(offset: float, suppressed: int | None = None) -> pd.DataFrame:
    """TREND with the school's figures moved by ``offset`` (another school of the same shape)."""
    df = TREND.astype({"value": "float64", "status_code": "object"})
    df.loc[df.series == "This school", "value"] += offset
    if suppressed is not None:
        df.loc[suppressed, ["value", "status_code"]] = [None, "SUPP"]
    return df


def test_trend_spec_is_the_spec_of_trend_chart_for_every_school_of_a_shape():
    """The spec made without Altair (a chart of a shape already drawn, the new data put in) is
    exactly the one Altair makes, and Altair's output is valid Vega-Lite."""
    kw = {"title": "Results, spec test", "y_title": "% expected", "kind": "pct"}
    for df in (
        _school(0),
        _school(3.5),
        _school(-2, suppressed=1),
        TREND[TREND.time_period > 201900],
    ):
        fast = charts.trend_spec(df, **kw)
        slow = charts.vega_lite_spec(charts.trend_chart.__wrapped__(df, **kw))  # not memoised
        assert fast == slow
        valid(charts.trend_chart.__wrapped__(df, **kw))
    first, second = charts.trend_spec(_school(0), **kw), charts.trend_spec(_school(3.5), **kw)
    assert first["datasets"].keys() != second["datasets"].keys()  # each school's own data
    first.pop("datasets")  # what Streamlit does to the spec it is given changes nothing kept
    first["layer"] = []
    assert charts.trend_spec(_school(0), **kw) == charts.vega_lite_spec(
        charts.trend_chart.__wrapped__(_school(0), **kw)
    )


def test_trend_spec_puts_each_charts_titles_in_the_template_of_its_shape():
    """One template serves every title (the districts page's measures, a school's measures); the
    titles are the chart's own, and a memo_key finds the same spec again."""
    for title, y_title, series_title in (
        ("Spread between districts: Reading", "Spread", "Spread"),
        ("Spread between districts: Maths", "Spread", "Spread"),
        ("Attainment 8 (ATT8SCR)", "Attainment 8 score", "Compared with"),
        ("Persistent absence: 10% threshold", "% of pupils", "Compared with"),
    ):
        kw = {"title": title, "y_title": y_title, "kind": "pct", "series_title": series_title}
        slow = charts.vega_lite_spec(charts.trend_chart.__wrapped__(_school(1), **kw))
        fast = charts.trend_spec(_school(1), **kw)
        assert fast == slow
        assert "\x00" not in str({k: v for k, v in fast.items() if k != "datasets"})
        assert charts.trend_spec(_school(1), memo_key=("spec test", title), **kw) == slow
        assert charts.trend_spec(_school(1), memo_key=("spec test", title), **kw) == slow


def test_comparison_bars_name_suppressed_figures():
    df = pd.DataFrame(
        {
            "label": ["This school", "Local authority", "National"],
            "value": [None, 0.3, 0.0],
            "status_code": ["SUPP", None, None],
        }
    )
    spec = valid(
        charts.comparison_bars(df, title="Progress", x_title="Reading progress", kind="progress")
    )
    labels = [r["bar_label"] for r in rows(spec) if "bar_label" in r]
    assert labels == ["This school: SUPP", "Local authority: +0.3", "National: 0.0"]


def test_distribution_marks_school():
    df = pd.DataFrame(
        {
            "urn": range(50),
            "name": [f"School {i}" for i in range(50)],
            "achievement_score": [(i - 25) / 10 for i in range(50)],
        }
    )
    spec = valid(charts.distribution_chart(df, title="Achievement", x_title="Score", highlight=30))
    assert any(r.get("marker") == "School 30: +0.50" for r in rows(spec))
    assert valid(charts.distribution_chart(df, title="A", x_title="S"))


def test_category_by_district_labels_carry_symbols():
    df = pd.DataFrame(
        {
            "district": ["A", "A", "B"],
            "category": ["universal", "Intensive", "targeted"],
            "schools": [10, 2, 4],
        }
    )
    spec = valid(charts.category_by_district_chart(df))
    assert {r["segment_label"] for r in rows(spec)} == {"● 10", "▲ 2", "◆ 4"}
    per_school = pd.DataFrame({"district": ["A", "A", "B"], "category": ["universal"] * 3})
    assert {
        r["schools"] for r in rows(valid(charts.category_by_district_chart(per_school, count=None)))
    } == {1, 2}


def test_counts_of_schools_are_whole_numbers_on_the_axis():
    """One school in a filter: the axis counts 0, 1 (no 0.05, 0.1 ... ticks)."""
    one = pd.DataFrame({"district": ["A"], "category": ["universal"], "schools": [1]})
    spec = valid(charts.category_by_district_chart(one))
    axes = [layer["encoding"]["x"].get("axis", {}) for layer in spec["layer"]]
    assert {"tickMinStep": 1, "format": "d"}.items() <= axes[0].items()


def test_category_by_district_draws_an_empty_chart_when_no_school_has_a_category():
    # every school of a filter "not categorised" (no inspection data): an empty chart, no error
    df = pd.DataFrame({"district": ["A"], "category": ["not categorised"], "schools": [3]})
    assert rows(valid(charts.category_by_district_chart(df))) == []
    assert rows(valid(charts.category_by_district_chart(df.iloc[0:0]))) == []


def test_map_from_geojson_text_without_tiles():
    schools = pd.DataFrame(
        {
            "name": ["X", "Y"],
            "latitude": [51.2, 50.7],
            "longitude": [-1.2, -1.3],
            "category": ["universal", "intensive"],
        }
    )
    values = pd.DataFrame(
        {"name": ["North", "South"], "value": [0.2, None], "status_code": [None, "SUPP"]}
    )
    spec = valid(
        charts.district_map(GEOJSON, title="Districts", values=values, schools=schools, kind="z")
    )
    text = json.dumps(spec)
    assert "geoshape" in text and "http" not in text.replace(spec["$schema"], "")
    geo = spec["layer"][0]
    assert geo["data"]["values"][0]["properties"]["name"] == "North"
    ring = geo["data"]["values"][0]["geometry"]["coordinates"][0]
    assert charts._signed_area(ring) < 0  # rewound clockwise for d3-geo
    pts = spec["layer"][1]["encoding"]
    assert pts["shape"]["field"] == pts["color"]["field"] == "Support category"
    df_bounds = pd.DataFrame(
        {
            "name": ["North"],
            "geojson": [json.dumps({"type": "Polygon", "coordinates": SQUARE(0, 0)})],
        }
    )
    assert charts.features_from(df_bounds)[0]["properties"]["name"] == "North"


def test_projector_and_png():
    chart = charts.projector(charts.trend_chart(TREND, title="t", y_title="y"))
    spec = valid(chart)
    assert spec["config"]["axis"]["labelFontSize"] >= 20
    png = charts.to_png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


APP = """
import pandas as pd
from dashboard.components.charts import comparison_bars, render_chart
df = pd.DataFrame({"label": ["This school", "National"], "value": [1.5, 0.0]})
render_chart(comparison_bars(df, title="Progress", x_title="Score"), df, key="cmp", title="Progress *now*")
"""


@pytest.fixture
def app_file(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(APP)
    return path


def test_render_chart_toggle_and_download(app_file, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.syspath_prepend(str(charts.__file__).rsplit("/dashboard/", 1)[0])
    at = AppTest.from_file(str(app_file)).run(timeout=30)
    assert not at.exception
    assert at.subheader[0].value == r"Progress \*now\*"
    toggle = at.toggle(key="cmp__table")
    assert toggle.value is False and len(at.dataframe) == 0
    toggle.set_value(True).run(timeout=30)
    assert not at.exception
    assert list(at.dataframe[0].value["value"]) == [1.5, 0.0]


def test_altair_version():
    assert alt.__version__.startswith("6.")
