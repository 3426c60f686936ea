"""District and county boundaries (GeoJSON or GeoPackage) into stg_boundaries as simplified WGS84
GeoJSON text, one row per feature, for maps drawn without a tile server (Altair ``mark_geoshape``).

Recognition: the loader gives non-text files ``header = ()`` and encoding "binary", so a header says
nothing. ``recognise_path(path)`` looks at the content: a GeoJSON ``"type": "FeatureCollection"``, or a
GeoPackage (SQLite with application id ``GPKG``). ``recognise(header)`` also accepts a GeoJSON whose first
text line the loader happened to split into cells.

Geometry is read with geopandas (pyogrio); DuckDB's spatial extension would be downloaded at run time.
It is simplified in metres in British National Grid (EPSG:27700) with coverage simplification, so
neighbouring districts keep one shared border (no slivers or gaps), then written in WGS84 with six
decimals. Tolerance: ``SIMPLIFY_TOLERANCE_M`` (env ``SID_BOUNDARY_TOLERANCE_M``; 0 turns it off).

Attributes: ``name`` (or an ONS ``LAD..NM``/``CTY..NM`` column); ``kind`` LAD/district -> district,
CTY/CTYUA/UTLA/county -> county; ``la_code`` only when the file has a DfE three-digit LA code (ONS E07...
codes are not LA codes). ``keep_districts`` / ``keep_loaded_districts`` drop districts of other LAs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb

from etl.readers._rows import Rejects, insert_rows, parse_int
from etl.readers.base import SourceFile, StageResult

KIND = "boundaries"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False

SIMPLIFY_TOLERANCE_M = float(os.environ.get("SID_BOUNDARY_TOLERANCE_M", "50"))
_FEATURE_COLLECTION = re.compile(rb'"type"\s*:\s*"FeatureCollection"')
_KINDS = {
    "lad": "district",
    "district": "district",
    "ltla": "district",
    "non-metropolitan district": "district",
    "cty": "county",
    "county": "county",
    "ctyua": "county",
    "utla": "county",
    "cua": "county",
}


def recognise(header: tuple[str, ...]) -> bool:
    """Only a GeoJSON first line split into cells can be recognised from a header; see recognise_path."""
    return any("featurecollection" in h.lower().replace(" ", "") for h in header)


def recognise_path(path: Path) -> bool:
    """True for a GeoJSON FeatureCollection or a GeoPackage, judged by content, not the extension."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if head.startswith(b"SQLite format 3\x00") and len(head) >= 72:
        return head[68:72] == b"GPKG"
    return bool(_FEATURE_COLLECTION.search(head.lstrip(b"\xef\xbb\xbf")))


def _column(columns: Iterable[str], *patterns: str) -> str | None:
    cols = list(columns)
    for p in patterns:
        for c in cols:
            if re.fullmatch(p, c, flags=re.I):
                return c
    return None


def read_boundaries(path: Path, tolerance_m: float | None = None):
    """The features as a GeoDataFrame in WGS84 with columns name, kind, la_code, geometry (simplified).

    Public so a map can be previewed or tests can compare with the raw file without a warehouse.
    """
    import geopandas as gpd
    import shapely

    tolerance = SIMPLIFY_TOLERANCE_M if tolerance_m is None else tolerance_m
    gdf = gpd.read_file(path)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)  # GeoJSON without a crs member is WGS84 by definition (RFC 7946)
    name_col = _column(gdf.columns, "name", r"(lad|lau|cty|ctyua|utla|ltla)\d*nm", r".*name")
    kind_col = _column(gdf.columns, "kind", "type", "level")
    la_col = _column(gdf.columns, "la_code", "la", "lea", "la_code_dfe")
    out = gpd.GeoDataFrame(
        {
            "name": gdf[name_col] if name_col else None,
            "kind_raw": gdf[kind_col] if kind_col else _kind_from_columns(gdf.columns),
            "la_code": gdf[la_col] if la_col else None,
        },
        geometry=gdf.geometry,
        crs=gdf.crs,
    )
    out = out[out.geometry.notna() & ~out.geometry.is_empty]
    if tolerance > 0:
        projected = out.to_crs(27700)
        geoms = (
            projected.geometry.make_valid()
            if not projected.geometry.is_valid.all()
            else projected.geometry
        )
        try:
            simplified = shapely.coverage_simplify(geoms.values, tolerance)
        except Exception:  # not a clean coverage (overlaps): simplify each shape on its own
            simplified = shapely.simplify(geoms.values, tolerance, preserve_topology=True)
        projected = projected.set_geometry(
            gpd.GeoSeries(simplified, index=projected.index, crs=27700)
        )
        out = projected.to_crs(4326)
    elif out.crs.to_epsg() != 4326:
        out = out.to_crs(4326)
    geoms = shapely.set_precision(out.geometry.values, 1e-6)
    geoms = [g if g.is_valid else shapely.make_valid(g) for g in geoms]
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=4326))


def _kind_from_columns(columns: Iterable[str]) -> str | None:
    cols = [c.lower() for c in columns]
    if any(re.fullmatch(r"(lad|ltla)\d*cd", c) for c in cols):
        return "LAD"
    if any(re.fullmatch(r"(cty|ctyua|utla)\d*cd", c) for c in cols):
        return "CTY"
    return None


def stage(
    con: duckdb.DuckDBPyConnection, src: SourceFile, tolerance_m: float | None = None
) -> StageResult:
    """One stg_boundaries row per feature; a feature with no name or an unknown kind is rejected."""
    import shapely

    result = StageResult()
    rej = Rejects(src.name)
    gdf = read_boundaries(src.path, tolerance_m)
    rows = []
    for i, (name, kind_raw, la_raw, geom) in enumerate(
        zip(gdf["name"], gdf["kind_raw"], gdf["la_code"], gdf.geometry, strict=True), start=1
    ):
        result.rows_read += 1
        kind = _KINDS.get(str(kind_raw).strip().lower()) if kind_raw is not None else "district"
        la_code = None
        try:
            la_code = parse_int(la_raw) if la_raw is not None else None
        except ValueError:
            rej.add(
                i, "la_code", la_raw, "la_code is not a DfE three-digit LA code; stored without it"
            )
        if name is None or str(name).strip() == "" or kind is None:
            rej.add(
                i,
                "name" if not name else "kind",
                name if not name else kind_raw,
                "feature needs a name and a kind (district or county)",
            )
            result.rows_rejected += 1
            continue
        rows.append(
            {
                "name": str(name).strip(),
                "kind": kind,
                "la_code": la_code,
                "geojson": json.dumps(shapely.geometry.mapping(geom), separators=(",", ":")),
                "source_file": src.name,
            }
        )
    result.add("stg_boundaries", insert_rows(con, "stg_boundaries", rows))
    n = rej.write(con)
    if n:
        result.add("rejects", n)
    result.notes.append(
        f"{len(rows)} boundaries, simplified at {SIMPLIFY_TOLERANCE_M if tolerance_m is None else tolerance_m} m"
    )
    return result


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).split())


def keep_districts(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> int:
    """Delete district rows whose name is not in ``names`` (case, punctuation and '&'/'and' ignored).
    County rows are kept. Returns the number of rows deleted. For a national boundary file where only
    the loaded LAs' districts should be drawn."""
    keep = sorted({_name_key(n) for n in names if n})
    rows = con.execute("SELECT rowid, name FROM stg_boundaries WHERE kind = 'district'").fetchall()
    drop = [rid for rid, name in rows if _name_key(name) not in keep]
    if drop:
        con.execute("DELETE FROM stg_boundaries WHERE list_contains(?, rowid)", [drop])
    return len(drop)


def keep_loaded_districts(con: duckdb.DuckDBPyConnection) -> int:
    """``keep_districts`` with the districts named by stg_establishments (GIAS DistrictAdministrative).
    Does nothing when no establishment names a district, so a load without GIAS keeps every map."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT district FROM stg_establishments WHERE district IS NOT NULL"
        ).fetchall()
    ]
    return keep_districts(con, names) if names else 0
