"""World country outlines for maps, simplified from Natural Earth 1:110m (public domain)."""

import json
import math
from pathlib import Path

from after_fukushima.maintainers.sources.schema import NATURAL_EARTH, PUBLIC_DOMAIN

TOLERANCE = 0.1  # degrees: about 11 km, invisible on a world map
DECIMALS = 2


def simplify(points: list[list[float]], tolerance: float = TOLERANCE) -> list[list[float]]:
    """Douglas-Peucker: keep the points that stray more than `tolerance` from the line between kept ones."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1)

    def distance(point):
        x, y = point
        if length == 0:
            return math.hypot(x - x1, y - y1)
        return abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length

    farthest = max(range(1, len(points) - 1), key=lambda i: distance(points[i]))
    if distance(points[farthest]) <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: farthest + 1], tolerance)[:-1] + simplify(points[farthest:], tolerance)


def simplify_ring(ring: list[list[float]]) -> list[list[float]]:
    """A closed ring, simplified in two halves so that its first and last point (the same point) stay fixed."""
    middle = len(ring) // 2
    kept = simplify(ring[: middle + 1])[:-1] + simplify(ring[middle:])
    kept = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in kept]
    kept = [point for n, point in enumerate(kept) if n == 0 or point != kept[n - 1]]
    if len(kept) < 4:  # too small to simplify: keep the original shape, rounded
        kept = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring]
    return kept


def country_outlines(sources: Path):
    raw = json.loads((sources / "natural_earth" / "ne_110m_admin_0_countries_trimmed.geojson").read_text("utf-8"))
    features = []
    for feature in raw["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        simplified = [[simplify_ring(ring) for ring in polygon] for polygon in polygons]
        properties = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": properties["NAME"],
                    "iso_code": properties["iso_a3_fixed"],
                    "continent": properties["CONTINENT"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": simplified},
            }
        )
    features.sort(key=lambda f: f["properties"]["iso_code"])
    description = (
        "World country outlines (177 countries and territories) for maps, from Natural Earth 1:110m v4.0.0, "
        f"simplified (Douglas-Peucker, tolerance {TOLERANCE} degrees; coordinates rounded to {DECIMALS} decimals). "
        "Natural Earth gives France and Norway the code -99; here iso_code is fixed (FRA, NOR), as are Kosovo "
        "(KOS), Northern Cyprus (CYN) and Somaliland (SOL). Boundaries and names are those of 2017 and show "
        "de facto control; small island states are missing at this scale."
    )
    return {"type": "FeatureCollection", "features": features}, {
        "name": "country_outlines",
        "title": "World country outlines, simplified",
        "description": description,
        "format": "geojson",
        "mediatype": "application/geo+json",
        "sources": [NATURAL_EARTH],
        "licenses": [PUBLIC_DOMAIN],
    }
