"""The page's editable figures: every rule's figure as a `--set` path, with the plan's value
and source beside it, and every sector x district cell as an allowed toggle."""

from __future__ import annotations

from typing import Any

from landalloc.plan.model import Instance


def _side_fields(path: str, bound: Any, kind: str, zh: str, en: str, natural: str
                 ) -> list[dict[str, Any]]:
    if bound is None:
        return []
    src = bound.source or bound.assumption
    share = kind == "share"
    base = {"kind": kind, "zh": zh, "en": en, "source": src, "unit": "" if share else "ha"}
    lo, hi = bound.min, bound.max
    if lo is not None and hi is not None and lo == hi:
        return [{**base, "path": path, "side": "value", "plan": lo,
                 "slider_max": 1.0 if share else _top(lo)}]
    out = []
    for side, v in (("min", lo), ("max", hi)):
        if v is None:
            continue
        p = path if side == natural else f"{path}.{side}"
        out.append({**base, "path": p, "side": side, "plan": v,
                    "slider_max": 1.0 if share else _top(v)})
    return out


def _top(v: float) -> float:
    return float(max(100.0, round(2.0 * v / 100.0 + 0.5) * 100.0))


def editable(inst: Instance) -> list[dict[str, Any]]:
    """Every figure the page shows as a field and a slider, in the plan's order."""
    out = _side_fields("total_increment", inst.total_increment, "total", "新增工业用地总量",
                       "Total new industrial land", "value")
    for k, s in inst.sectors.items():
        out += _side_fields(f"sectors.{k}.quota", s.quota, "sector", s.zh, s.en, "value")
    for k, d in inst.districts.items():
        out += _side_fields(f"districts.{k}.cap", d.cap, "district", d.zh, d.en, "max")
    for k, z in inst.zones.items():
        out += _side_fields(f"zones.{k}.total", z.total, "zone", z.zh, z.en, "value")
    for k, g in inst.sector_groups.items():
        out += _side_fields(f"sector_groups.{k}.share", g.share, "share", g.zh, g.en, "value")
    return out


def allowed_cells(inst: Instance) -> list[dict[str, Any]]:
    """Each sector x district cell: allowed by the plan or not, and why."""
    out = []
    for s in inst.sectors:
        row = inst.allowed.get(s, {})
        for d in inst.districts:
            out.append({"path": f"allowed.{s}.{d}", "sector": s, "district": d,
                        "plan": d in row, "source": row.get(d)})
    return out


def meta(inst: Instance) -> dict[str, Any]:
    """Names of sectors, districts and zones (中文 and English) for the page."""
    return {
        "name": inst.name, "period": inst.period, "title": inst.title,
        "objective_unit": inst.objective_unit,
        "sectors": [{"id": k, "zh": v.zh, "en": v.en} for k, v in inst.sectors.items()],
        "districts": [{"id": k, "zh": v.zh, "en": v.en, "zone": v.zone}
                      for k, v in inst.districts.items()],
        "zones": [{"id": k, "zh": v.zh, "en": v.en} for k, v in inst.zones.items()],
    }
