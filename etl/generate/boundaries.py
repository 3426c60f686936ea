"""Invented geography: a county outline and eight districts (Voronoi cells of a random blob), schools placed
inside their district, invented postcodes (area EM for Eastmoor, X?/Q?/V? for the national LAs: no real UK
postcode area starts with X, Q or V) and invented constituencies (codes E14099xxx, not real).

The blob sits in the East Midlands of England in British National Grid metres and is written as WGS84 lon/lat
(6 decimals) in boundaries.geojson. The shape is random: it matches no real boundary.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, Polygon, mapping
from shapely.ops import voronoi_diagram

from . import county as cm
from .fmt import rng_for

CENTRE = (452000.0, 318000.0)
RADIUS = 27000.0
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def _blob(rng: np.random.Generator, centre, radius, k=72) -> Polygon:
    th = np.linspace(0, 2 * np.pi, k, endpoint=False)
    r = radius * (
        1
        + 0.14 * np.sin(2 * th + rng.uniform(0, 6.3))
        + 0.09 * np.sin(3 * th + rng.uniform(0, 6.3))
        + 0.05 * np.sin(7 * th + rng.uniform(0, 6.3))
    )
    r = r * (1 + rng.normal(0, 0.015, k))
    return Polygon(np.c_[centre[0] + r * np.cos(th), centre[1] + 0.8 * r * np.sin(th)]).buffer(0)


def build(c: cm.County) -> None:
    """Make the polygons (c.geometry) and place every school (easting, northing, postcode, constituency)."""
    rng = rng_for(c.seed, "geo")
    outline = _blob(rng, CENTRE, RADIUS)
    minx, miny, maxx, maxy = outline.bounds
    seeds = []
    while len(seeds) < len(c.districts):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if outline.buffer(-6000).contains(p) and all(p.distance(q) > 11000 for q in seeds):
            seeds.append(p)
    cells = voronoi_diagram(MultiPoint(seeds), envelope=outline.buffer(5000))
    districts = {}
    for i, name in enumerate(c.districts):
        cell = next(g for g in cells.geoms if g.contains(seeds[i]))
        districts[name] = cell.intersection(outline)
    c.geometry = {"county": outline, "districts": districts}
    s = c.schools
    n = len(s)
    east = np.zeros(n)
    north = np.zeros(n)
    postcode = [""] * n
    pcon_code = [""] * n
    pcon_name = [""] * n
    la_index = {int(k): i for i, k in enumerate(c.las["la_code"])}
    area = dict(zip(c.las["la_code"].astype(int), c.las["postcode_area"], strict=False))
    used: set[str] = set()
    pred = s["predecessor"].to_numpy()
    by_urn = {int(u): i for i, u in enumerate(s["urn"])}
    for i in range(n):
        la = int(s.at[i, "la_code"])
        if pred[i] == pred[i]:
            continue  # successors share the predecessor's site (filled below)
        if la == cm.LA_CODE:
            d = c.districts.index(s.at[i, "district"])
            poly = districts[s.at[i, "district"]]
            bx0, by0, bx1, by1 = poly.bounds
            while True:
                x, y = rng.uniform(bx0, bx1), rng.uniform(by0, by1)
                if poly.contains(Point(x, y)):
                    break
            outward = f"EM{d * 3 + 1 + int(rng.integers(3))}"
            pcon_code[i] = f"E14099{d + 1:03d}"
            pcon_name[i] = s.at[i, "district"]
        else:
            k = la_index[la]
            cx = 300000 + (k % 8) * 45000
            cy = 120000 + (k // 8) * 55000
            x, y = cx + rng.normal(0, 9000), cy + rng.normal(0, 9000)
            dname = s.at[i, "district"]
            outward = f"{area[la]}{1 + int(rng.integers(9))}"
            pcon_code[i] = f"E14099{100 + k:03d}"
            pcon_name[i] = dname
        while True:
            pc = f"{outward} {int(rng.integers(1, 10))}{_INWARD[rng.integers(20)]}{_INWARD[rng.integers(20)]}"
            if pc not in used:
                used.add(pc)
                break
        east[i], north[i], postcode[i] = round(x), round(y), pc
    for i in range(n):
        if pred[i] == pred[i]:
            k = by_urn[int(pred[i])]
            east[i], north[i], postcode[i] = east[k], north[k], postcode[k]
            pcon_code[i], pcon_name[i] = pcon_code[k], pcon_name[k]
    s["easting"] = east.astype(np.int64)
    s["northing"] = north.astype(np.int64)
    s["postcode"] = postcode
    s["pcon_code"] = pcon_code
    s["pcon_name"] = pcon_name
    order = np.argsort(s["name"].to_numpy().astype(str), kind="stable")
    alpha = np.empty(n, dtype=np.int64)
    alpha[order] = np.arange(1, n + 1) * 3
    s["alphaind"] = alpha


def write(c: cm.County, out_dir: Path) -> str:
    tr = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

    def to_wgs(g):
        return shapely.transform(g, lambda x, y: tr.transform(x, y), interleaved=False)

    feats = []
    for name, poly in c.geometry["districts"].items():
        feats.append(
            {
                "type": "Feature",
                "properties": {"name": name, "kind": "district", "la_code": cm.LA_CODE},
                "geometry": _geo(to_wgs(poly.simplify(80))),
            }
        )
    feats.append(
        {
            "type": "Feature",
            "properties": {"name": cm.LA_NAME, "kind": "county", "la_code": cm.LA_CODE},
            "geometry": _geo(to_wgs(c.geometry["county"].simplify(80))),
        }
    )
    fc = {"type": "FeatureCollection", "features": feats}
    path = out_dir / "boundaries.geojson"
    path.write_text(json.dumps(fc, separators=(",", ":")) + "\n", encoding="utf-8")
    return "boundaries.geojson"


def _geo(g) -> dict:
    m = mapping(g)

    def rnd(x):
        if isinstance(x, (list, tuple)):
            if x and isinstance(x[0], (int, float)):
                return [round(float(v), 6) for v in x]
            return [rnd(v) for v in x]
        return x

    return {"type": m["type"], "coordinates": rnd(m["coordinates"])}


def latlon(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tr = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(easting, northing)
    return np.round(lat, 6), np.round(lon, 6)


def statistical_neighbours(c: cm.County, out_dir: Path) -> str:
    """Eastmoor's ten nearest invented LAs by mean deprivation and FSM (rank 1 = closest)."""
    s = c.schools
    prof = s.groupby("la_code").agg(dep=("dep", "mean"), fsm=("fsm_pct", "mean"))
    me = prof.loc[cm.LA_CODE]
    others = prof.drop(index=cm.LA_CODE)
    dist = ((others["dep"] - me["dep"]) ** 2 + ((others["fsm"] - me["fsm"]) / 10) ** 2).sort_values(
        kind="stable"
    )
    top = dist.index[:10]
    lines = ["la_code,neighbour_la_code,rank"] + [
        f"{cm.LA_CODE},{int(k)},{i + 1}" for i, k in enumerate(top)
    ]
    (out_dir / "statistical_neighbours.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "statistical_neighbours.csv"
