"""Numbers an instance derives from the plan rather than reads from it.

Output per hectare: Table 2-2 investment intensity of a sector's industry classes, for the
district's area class, times the city factor, times an output-to-investment ratio r chosen
so that the quota-weighted mean over allowed cells equals the plan's output per hectare.
District capacity 2026-2035: the period file carries capacities-2026-2035.csv (made by
scripts/derive_capacities.py); the earlier even-split rule (each sector's quota split evenly
over its allowed districts, times a headroom) lives on as a scenario whose caps are checked
here. Inputs and reasons live in the instance's derivation.yaml and DERIVATION.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from landalloc.plan.model import Instance
from landalloc.plan.yamlio import read_yaml


def sector_intensity(folder: Path, spec: dict) -> pd.DataFrame:
    """Mean Table 2-2 intensity (万元/ha) per sector and area class."""
    table = pd.read_csv(folder / spec["table_2_2"]["file"])
    rows = []
    for sector, s in spec["sector_classes"].items():
        sel = table[table["class_code"].isin(s["classes"])]
        missing = set(s["classes"]) - set(sel["class_code"])
        if missing:
            raise ValueError(f"sector_classes.{sector}: classes {sorted(missing)} not in Table 2-2")
        rows.append({"sector": sector, "urban": sel["intensity_urban"].mean(),
                     "other": sel["intensity_other"].mean()})
    return pd.DataFrame(rows).set_index("sector")


def _quota_weight(inst: Instance, sector: str) -> float:
    q = inst.sectors[sector].quota
    if q is None:
        return 0.0
    if q.min is None or q.max is None:  # one-sided: the plan's one number
        return q.max if q.min is None else q.min
    return (q.min + q.max) / 2


def output_per_ha(folder: Path, inst: Instance) -> pd.DataFrame:
    """sector, district, output_per_ha (output unit/ha) for every allowed cell."""
    spec = read_yaml(folder / "derivation.yaml")
    intensity = sector_intensity(folder, spec)
    factor = spec["zhengzhou_factor"]["value"]
    cal = spec["calibration"][inst.period]
    target = cal["output"]["value"] / cal["land"]["value"]  # output unit / ha
    cells = [(s, d) for s in inst.sectors for d in inst.allowed.get(s, {})]
    base = np.array([factor * intensity.loc[s, inst.districts[d].area_class] / 1e4
                     for s, d in cells])  # investment per ha, the city's standard
    weights = {s: _quota_weight(inst, s) for s in inst.sectors}
    mean_by_sector = pd.Series(base).groupby([s for s, _ in cells]).mean()
    weighted = sum(weights[s] * mean_by_sector[s] for s in mean_by_sector.index)
    ratio = target * sum(weights[s] for s in mean_by_sector.index) / weighted
    return pd.DataFrame({
        "period": inst.period,
        "sector": [s for s, _ in cells],
        "district": [d for _, d in cells],
        "intensity_wan_per_ha": [intensity.loc[s, inst.districts[d].area_class]
                                 for s, d in cells],
        "output_to_investment": round(ratio, 6),
        "output_per_ha": np.round(base * ratio, 6),
    })


def even_split_capacity(inst: Instance, headroom: float, round_to: float) -> dict[str, float]:
    """Each sector's quota split evenly over its allowed districts, summed, times headroom."""
    cap = dict.fromkeys(inst.districts, 0.0)
    for s in inst.sectors:
        where = list(inst.allowed.get(s, {}))
        if not where:
            continue
        share = _quota_weight(inst, s) / len(where)
        for d in where:
            cap[d] += share
    return {d: math.ceil(v * headroom / round_to - 1e-9) * round_to for d, v in cap.items()
            if v > 0}


def _period_instance(folder: Path, period: str, layout: dict | None = None) -> Instance:
    from landalloc.plan.loading import read_instance
    from landalloc.plan.overrides import normalise

    data = normalise(read_instance(folder / "instance.yaml", period, {}, {}))
    if layout:
        data["layout"] = {**(data.get("layout") or {}), **layout}
    data["output"] = {s: dict.fromkeys(row, 0.0) for s, row in data["allowed"].items()}
    return Instance.model_validate(data)


def _scenario_caps(path: Path) -> dict[str, float]:
    from landalloc.plan.scenario import flatten_set

    block = (read_yaml(path) or {}).get("set") or {}
    paths = [(".".join(k).split("."), v) for k, v in flatten_set(block)]
    return {keys[1]: float(v) for keys, v in paths
            if len(keys) == 3 and keys[0] == "districts" and keys[2] == "cap"}


def _csv_caps(path: Path) -> dict[str, float]:
    return {r.district: float(r.cap) for r in pd.read_csv(path).itertuples()}


def derived_tables(folder: Path) -> tuple[pd.DataFrame, dict]:
    """output.csv content for every period, and {name: (rule caps, file caps)}.

    Names: a period (its file's caps against the CSV its rule names, `capacities`) and a
    scenario file (`even_split.scenario`: its caps against the even-split rule applied to the
    period's cells narrowed by `even_split.layout`)."""
    folder = Path(folder)
    spec = read_yaml(folder / "derivation.yaml")
    base = read_yaml(folder / "instance.yaml")
    frames, caps = [], {}
    for period in base["periods"]:
        inst = _period_instance(folder, period)
        frames.append(output_per_ha(folder, inst))
        rule = spec.get(f"capacity_{period.replace('-', '_')}")
        if not rule:
            continue
        have = {d: v.cap.max for d, v in inst.districts.items() if v.cap is not None}
        if "capacities" in rule:
            caps[period] = (_csv_caps(folder / rule["capacities"]), have)
        for key in ("even_split", "strict"):
            sub = rule.get(key)
            if not sub:
                continue
            scen = folder / sub["scenario"]
            if key == "even_split":
                narrowed = _period_instance(folder, period, sub.get("layout"))
                want = even_split_capacity(narrowed, sub["headroom"], sub["round_to"])
            else:
                want = _csv_caps(folder / sub["capacities"])
            caps[scen.stem] = (want, _scenario_caps(scen))
    return pd.concat(frames, ignore_index=True), caps
