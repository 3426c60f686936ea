"""Boundaries reader: the real ONS district GeoJSON (296 features) loads, simplified geometry is valid and
smaller; a GeoPackage in British National Grid comes back in WGS84; districts can be limited to the loaded LAs."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from etl.readers import boundaries
from etl.readers.base import SourceFile
from tests.shared_data import REAL_DATA
from warehouse.connection import open_in_memory

REPO = Path(__file__).resolve().parents[3]
REAL = REAL_DATA / "boundaries" / "boundaries.geojson"


@pytest.fixture
def con():
    c = open_in_memory()
    c.execute((REPO / "warehouse" / "sql" / "staging" / "schema.sql").read_text(encoding="utf-8"))
    yield c
    c.close()


def binary_source(path: Path, name: str) -> SourceFile:
    """As the loader builds it for a non-text file: header () and encoding binary."""
    return SourceFile(path=path, name=name, text_path=path, encoding="binary", header=())


def shapes(con):
    return {
        n: shapely.geometry.shape(json.loads(g))
        for n, g in con.execute("SELECT name, geojson FROM stg_boundaries").fetchall()
    }


def test_real_geojson_loads_all_districts_simplified_and_valid(con):
    assert boundaries.recognise_path(REAL)
    raw = json.loads(REAL.read_text(encoding="utf-8"))
    res = boundaries.stage(con, binary_source(REAL, "boundaries/boundaries.geojson"))
    assert res.tables["stg_boundaries"] == len(raw["features"]) == 296
    names = sorted(f["properties"]["name"] for f in raw["features"])
    assert sorted(r[0] for r in con.execute("SELECT name FROM stg_boundaries").fetchall()) == names
    assert con.execute("SELECT DISTINCT kind FROM stg_boundaries").fetchall() == [
        ("district",)
    ]  # LAD -> district

    got = shapes(con)
    assert all(g.is_valid and not g.is_empty for g in got.values())
    raw_coords = sum(
        shapely.get_num_coordinates(shapely.geometry.shape(f["geometry"])) for f in raw["features"]
    )
    assert sum(shapely.get_num_coordinates(g) for g in got.values()) < raw_coords
    total = con.execute("SELECT sum(length(geojson)) FROM stg_boundaries").fetchone()[0]
    assert total < sum(len(json.dumps(f["geometry"])) for f in raw["features"])
    # the shape is kept: area within 2% of the published one
    for f in raw["features"][:20]:
        a, b = shapely.geometry.shape(f["geometry"]).area, got[f["properties"]["name"]].area
        assert abs(a - b) / a < 0.02
    minx, miny, maxx, maxy = shapely.union_all(list(got.values())).bounds
    assert -7 < minx and maxx < 2 and 49 < miny and maxy < 56.5  # England, lon/lat


def test_keep_only_the_loaded_districts(con):
    boundaries.stage(con, binary_source(REAL, "b.geojson"))
    hampshire = [
        "Basingstoke and Deane",
        "New Forest",
        "Test Valley",
        "Havant",
        "East Hampshire",
        "Winchester",
        "Rushmoor",
        "Fareham",
        "Eastleigh",
        "Hart",
        "Gosport",
    ]
    con.execute(
        "INSERT INTO stg_establishments (urn, district, source_file) SELECT 100000 + i, d, 'gias.csv' "
        "FROM (SELECT unnest(?) AS d, generate_subscripts(?, 1) AS i)",
        [hampshire, hampshire],
    )
    deleted = boundaries.keep_loaded_districts(con)
    assert deleted == 296 - 11
    assert sorted(
        r[0] for r in con.execute("SELECT name FROM stg_boundaries").fetchall()
    ) == sorted(hampshire)


def test_geopackage_in_british_national_grid_is_reprojected(con, tmp_path):
    gdf = (
        gpd.read_file(REAL)
        .head(5)
        .rename(columns={"name": "LAD24NM"})
        .drop(columns="kind")
        .to_crs(27700)
    )
    gdf["LAD24CD"] = ["E06000001", "E06000002", "E06000003", "E06000004", "E06000005"]
    path = tmp_path / "districts.gpkg"
    gdf.to_file(path, driver="GPKG")
    assert boundaries.recognise_path(path)
    boundaries.stage(con, binary_source(path, "districts.gpkg"))
    rows = con.execute("SELECT name, kind, la_code FROM stg_boundaries ORDER BY name").fetchall()
    assert [r[0] for r in rows] == sorted(gdf["LAD24NM"]) and {r[1] for r in rows} == {"district"}
    assert all(r[2] is None for r in rows)  # ONS codes are not DfE LA codes
    minx, miny, maxx, maxy = shapely.union_all(list(shapes(con).values())).bounds
    assert -3 < minx < 0 and 54 < miny < 55.5


def test_not_boundaries(tmp_path):
    p = tmp_path / "x.geojson"
    p.write_text('{"type": "Feature", "properties": {}}')
    assert not boundaries.recognise_path(p)
    assert not boundaries.recognise(("URN", "LAESTAB"))
    assert boundaries.recognise(('{"type": "FeatureCollection"',))
