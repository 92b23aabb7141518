"""Country borders for the route map, shipped with the package (works offline, no tile server).

The polygons are Natural Earth's low-resolution ``admin 0`` countries (public domain,
https://www.naturalearthdata.com/about/terms-of-use/), as copied into pyogrio's test fixtures
(``pyogrio/tests/fixtures/naturalearth_lowres``). :func:`extract_borders` re-creates the shipped
``pos2/data/borders_natural_earth.geojson`` from that shapefile; pyogrio is only needed for that.
"""

from __future__ import annotations

import json
import struct
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

BORDERS_FILE = "borders_natural_earth.geojson"
MAP_COUNTRIES = ("Russia", "Mongolia", "China", "Kazakhstan", "North Korea", "South Korea", "Japan")
"""Countries kept in the shipped file: the route's countries and their neighbours in the map window."""


def _parse_wkb(buf: bytes) -> list[list[list[list[float]]]]:
    """Parse a WKB Polygon or MultiPolygon into GeoJSON MultiPolygon coordinates (2D)."""
    off = 0

    def read_polygon(b: bytes, o: int) -> tuple[list[list[list[float]]], int]:
        le = b[o] == 1
        fmt = "<" if le else ">"
        (gtype,) = struct.unpack_from(fmt + "I", b, o + 1)
        if gtype != 3:
            raise ValueError(f"expected a WKB polygon, got type {gtype}")
        (nrings,) = struct.unpack_from(fmt + "I", b, o + 5)
        o += 9
        rings = []
        for _ in range(nrings):
            (npts,) = struct.unpack_from(fmt + "I", b, o)
            o += 4
            pts = struct.unpack_from(fmt + f"{2 * npts}d", b, o)
            o += 16 * npts
            rings.append([[round(pts[2 * i], 3), round(pts[2 * i + 1], 3)] for i in range(npts)])
        return rings, o

    fmt = "<" if buf[0] == 1 else ">"
    (gtype,) = struct.unpack_from(fmt + "I", buf, 1)
    if gtype == 3:
        poly, _ = read_polygon(buf, 0)
        return [poly]
    if gtype == 6:
        (n,) = struct.unpack_from(fmt + "I", buf, 5)
        off = 9
        polys = []
        for _ in range(n):
            poly, off = read_polygon(buf, off)
            polys.append(poly)
        return polys
    raise ValueError(f"unsupported WKB geometry type {gtype}")


def extract_borders(shapefile: Path, out: Path, countries: tuple[str, ...] = MAP_COUNTRIES) -> Path:
    """Write the named countries of a Natural Earth shapefile as a small GeoJSON file.

    Parameters
    ----------
    shapefile
        Path to ``naturalearth_lowres.shp`` (e.g. from pyogrio's test fixtures) [-]
    out
        GeoJSON file to write [-]
    countries
        Country names (Natural Earth ``name`` field) to keep [-]
    """
    from pyogrio.raw import read  # optional: only needed to re-create the shipped file

    meta, _, geoms, fields = read(str(shapefile))
    names = fields[list(meta["fields"]).index("name")]
    features = []
    for name, wkb in zip(names, geoms, strict=True):
        if name in countries:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": str(name)},
                    "geometry": {"type": "MultiPolygon", "coordinates": _parse_wkb(bytes(wkb))},
                }
            )
    doc = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via pyogrio test fixtures",
        "features": features,
    }
    out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return out


@cache
def load_borders() -> dict[str, Any]:
    """The shipped borders as a GeoJSON FeatureCollection (dict)."""
    text = (resources.files("pos2") / "data" / BORDERS_FILE).read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def border_lines() -> dict[str, tuple[list[float | None], list[float | None]]]:
    """Country outlines as lon/lat lists separated by ``None`` (for a plotly line trace)."""
    out: dict[str, tuple[list[float | None], list[float | None]]] = {}
    for f in load_borders()["features"]:
        lons: list[float | None] = []
        lats: list[float | None] = []
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                lons.extend(p[0] for p in ring)
                lats.extend(p[1] for p in ring)
                lons.append(None)
                lats.append(None)
        out[f["properties"]["name"]] = (lons, lats)
    return out
