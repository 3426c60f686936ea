"""Charts read in greyscale (WCAG 1.4.1: colour is never the only carrier of a category).

Three checks: (1) colours shown together differ in relative luminance by at least
palette.GREYSCALE_MIN_RATIO; (2) in every chart builder's Vega-Lite spec, each categorical colour
encoding is paired with another channel (shape, stroke dash, text, or position) that names the same
category, over the chart's own data; (3) charts rendered to PNG by vl-convert and turned grey with
Pillow still show each category's marks at distinct grey levels."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterator

import pandas as pd
import pytest
from PIL import Image

from dashboard.components import charts, palette
from tests.dashboard.components.test_charts import GEOJSON, TREND

COLOUR_CHANNELS = ("color", "fill", "stroke")
CARRIERS = ("shape", "strokeDash", "text", "x", "y")  # x, y: only as a category axis
# Pillow's "L" grey (ITU-R 601 luma, 0-255): distinct categories must be this many levels apart.
MIN_GREY_STEP = 20


@pytest.mark.parametrize("group", list(palette.colours_used_together()))
def test_colours_used_together_differ_in_luminance(group):
    for a, b in palette.colours_used_together()[group]:
        assert palette.contrast_ratio(a, b) >= palette.GREYSCALE_MIN_RATIO, (group, a, b)


def test_the_luminance_rule_rejects_the_old_category_colours():
    """The check can fail: Okabe-Ito blue, reddish purple and vermillion (the previous category
    colours) are a fine colour-blind set but two of them are nearly the same grey."""
    old = ["#0072B2", "#CC79A7", "#D55E00"]
    ratios = [palette.contrast_ratio(a, b) for i, a in enumerate(old) for b in old[i + 1 :]]
    assert min(ratios) < palette.GREYSCALE_MIN_RATIO


# ------------------------------------------------------------------ specs


def chart_specs() -> dict[str, dict]:
    """One spec per builder, from small frames with every category / several series."""
    three = pd.concat([TREND, TREND.assign(series="Local authority", value=TREND["value"] - 4)])
    bars = pd.DataFrame(
        {"label": ["This school", "Local authority", "National"], "value": [1.2, 0.3, 0.0]}
    )
    by_district = pd.DataFrame(
        {
            "district": ["A", "A", "A", "B", "B"],
            "category": ["universal", "targeted", "intensive", "universal", "targeted"],
            "schools": [10, 4, 2, 7, 3],
        }
    )
    dist = pd.DataFrame(
        {"urn": range(1, 21), "name": [f"S{i}" for i in range(20)], "achievement_score": range(20)}
    )
    points = pd.DataFrame(
        {
            "name": ["X", "Y", "Z"],
            "latitude": [51.2, 50.7, 51.0],
            "longitude": [-1.2, -1.3, -1.1],
            "category": ["universal", "targeted", "intensive"],
        }
    )
    values = pd.DataFrame({"name": ["North", "South"], "value": [20.0, 60.0]})
    built = {
        "trend_chart": charts.trend_chart(three, title="t", y_title="y"),
        "comparison_bars": charts.comparison_bars(bars, title="t", x_title="x"),
        "category_by_district_chart": charts.category_by_district_chart(by_district),
        "distribution_chart": charts.distribution_chart(dist, title="t", x_title="x", highlight=3),
        "district_map": charts.district_map(GEOJSON, title="t", values=values, schools=points),
    }
    return {name: chart.to_dict() for name, chart in built.items()}


def test_every_public_builder_is_checked():
    builders = {n for n in charts.__all__ if n.endswith(("_chart", "_bars", "_map"))} - {
        "render_chart"
    }
    assert builders == set(chart_specs())


def layers(spec: dict, data: dict | None = None) -> Iterator[tuple[dict, dict | None]]:
    """(unit spec, its data) for every mark of a (layered) spec; layers inherit their parent's data."""
    data = spec.get("data", data)
    if "mark" in spec:
        yield spec, data
    for child in spec.get("layer", []):
        yield from layers(child, data)


def rows_of(spec: dict, data: dict | None) -> list[dict]:
    if data is None:
        return []
    if "values" in data:
        return data["values"]
    return spec_datasets.get(data.get("name"), [])


spec_datasets: dict[str, list] = {}


def names_category(rows: list[dict], carrier: str, field: str) -> bool:
    """Each value of ``carrier`` stands for exactly one value of ``field`` (so the carrier alone
    tells the categories apart), over the rows holding both."""
    seen: dict = defaultdict(set)
    pairs = [(r[carrier], r[field]) for r in rows if carrier in r and field in r]
    for c, f in pairs:
        seen[json.dumps(c, sort_keys=True)].add(json.dumps(f))
    return bool(pairs) and all(len(v) == 1 for v in seen.values())


def uncarried_colour_fields(spec: dict) -> list[str]:
    """Categorical colour fields that no other channel of the chart also shows."""
    spec_datasets.clear()
    spec_datasets.update(spec.get("datasets", {}))
    units = list(layers(spec))
    missing = []
    for unit, _data in units:
        for channel in COLOUR_CHANNELS:
            enc = unit.get("encoding", {}).get(channel, {})
            field = enc.get("field")
            if not field or enc.get("type") not in ("nominal", "ordinal"):
                continue  # a fixed colour, or a quantitative ramp (light to dark: greyscale-safe)
            carried = False
            for other, other_data in units:
                rows = rows_of(other, other_data)
                for carrier in CARRIERS:
                    other_enc = other.get("encoding", {}).get(carrier, {})
                    other_field = other_enc.get("field")
                    if carrier in ("x", "y") and other_enc.get("type") not in (
                        "nominal",
                        "ordinal",
                    ):
                        continue  # a continuous position tells points apart, not categories
                    if other_field == field and (other is unit or carrier in ("text", "x", "y")):
                        carried = True
                    elif other_field and names_category(rows, other_field, field):
                        carried = True
            if not carried:
                missing.append(f"{channel}:{field}")
    return missing


@pytest.mark.parametrize("name", list(chart_specs()))
def test_every_colour_encoding_is_paired_with_another_channel(name):
    assert uncarried_colour_fields(chart_specs()[name]) == []


def test_the_pairing_check_fails_a_colour_only_chart():
    import altair as alt

    df = pd.DataFrame({"x": [1, 2, 3], "y": [1, 2, 3], "group": ["a", "b", "c"]})
    colour_only = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q", color="group:N")
    assert uncarried_colour_fields(colour_only.to_dict()) == ["color:group"]
    with_shape = colour_only.encode(shape="group:N")
    assert uncarried_colour_fields(with_shape.to_dict()) == []


# ------------------------------------------------------------------ rendered


def grey_levels(chart, colours: list[str]) -> dict[str, list[int]]:
    """Render ``chart`` with vl-convert, turn it grey, and return for each colour the grey levels
    of the pixels drawn in exactly that colour (the marks' interiors; edges are anti-aliased)."""
    image = Image.open(io.BytesIO(charts.to_png(chart, scale=1))).convert("RGB")
    grey = image.convert("L")
    wanted = {tuple(int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)): c for c in colours}
    found: dict[str, list[int]] = defaultdict(list)
    for rgb, level in zip(image.get_flattened_data(), grey.get_flattened_data(), strict=True):
        if rgb in wanted:
            found[wanted[rgb]].append(level)
    return found


def assert_distinct_greys(found: dict[str, list[int]], colours: list[str]) -> None:
    for c in colours:
        assert len(found.get(c, [])) >= 20, f"no marks drawn in {c}"
    levels = sorted(round(sum(found[c]) / len(found[c])) for c in colours)
    steps = [b - a for a, b in zip(levels, levels[1:], strict=False)]
    assert min(steps) >= MIN_GREY_STEP, (levels, colours)


def test_rendered_support_categories_stay_apart_in_greyscale():
    by_district = pd.DataFrame(
        {
            "district": ["A", "A", "A", "B", "B", "B"],
            "category": ["universal", "targeted", "intensive"] * 2,
            "schools": [10, 6, 5, 7, 5, 4],
        }
    )
    colours = [e.colour for e in palette.CATEGORIES.values()]
    found = grey_levels(charts.category_by_district_chart(by_district), colours)
    assert_distinct_greys(found, colours)


def test_rendered_trend_series_stay_apart_in_greyscale():
    three = pd.concat(
        [
            TREND,
            TREND.assign(series="Local authority", value=TREND["value"] - 8),
            TREND.assign(series="England", value=TREND["value"] + 8),
        ]
    )
    colours = palette.SERIES_COLOURS[:3]
    found = grey_levels(charts.trend_chart(three, title="t", y_title="y"), colours)
    assert_distinct_greys(found, colours)


def test_rendered_check_fails_for_colours_of_one_grey():
    """Two colours with the same luminance draw at the same grey: the rendered check sees it."""
    bars = pd.DataFrame({"label": ["a", "b"], "value": [3.0, 2.0]})
    chart = charts.comparison_bars(bars, title="t", x_title="x")
    spec = chart.to_dict()
    same = ["#D55E00", "#0096A0"]  # vermillion and a teal of near-equal luma
    spec["layer"][0]["encoding"]["color"]["scale"]["range"] = same
    found = grey_levels(spec, same)
    with pytest.raises(AssertionError):
        assert_distinct_greys(found, same)
