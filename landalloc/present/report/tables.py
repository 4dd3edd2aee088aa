"""The tables a report shows, computed once from Results so workbook, charts and page agree."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from landalloc.results.result import HA_TOL as TOL  # the tolerance policy's hectares
from landalloc.results.result import Result

#: Totals-against-plan states, in the order of how much they should catch the eye.
AT_PLAN, WITHIN, OUTSIDE, NO_PLAN = "at_plan", "within", "outside", "no_plan"


def _finite(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def plan_gap(allocated: float, lo: float | None, hi: float | None) -> dict[str, Any]:
    """How an allocated total stands against the plan's figure.

    The figure is the exact value, the cap, or the minimum. The difference is allocated
    minus that figure (below a cap: land the district could still take); for a range it is
    the distance outside the range (0 inside). The percentage is of the figure.
    """
    lo, hi = _finite(lo), _finite(hi)
    if lo is None and hi is None:
        return {"figure": None, "diff": None, "pct": None, "state": NO_PLAN}
    tol = TOL * max(1.0, abs(allocated))
    if lo is not None and hi is not None and abs(hi - lo) > tol:
        figure = None
        diff = min(0.0, allocated - lo) + max(0.0, allocated - hi)
    else:
        figure = hi if hi is not None else lo
        diff = allocated - figure
    outside = (lo is not None and allocated < lo - tol) or (hi is not None and allocated > hi + tol)
    if outside:
        state = OUTSIDE
    elif abs(diff) <= tol:
        state = AT_PLAN
    else:
        state = WITHIN
    base = figure if figure is not None else (hi if diff > 0 else lo)
    pct = diff / base if base else None
    return {"figure": figure, "diff": diff, "pct": pct, "state": state}


def totals_table(result: Result, kind: str) -> pd.DataFrame:
    """Result.totals(kind) with the plan figure, difference, % and state beside it."""
    df = result.totals(kind)
    gaps = [plan_gap(r.hectares, r.plan_min, r.plan_max) for r in df.itertuples()]
    return pd.concat([df.reset_index(drop=True), pd.DataFrame(gaps)], axis=1)


def rules_table(result: Result, ranging: pd.DataFrame | None = None) -> pd.DataFrame:
    """Result.rules() with slack and, when given, ranging (columns range_lower/upper).

    Ranging only means something for a binding rule; elsewhere it is left blank.
    """
    df = result.rules().drop(columns=["members"], errors="ignore").reset_index(drop=True)
    act = df["activity"].to_numpy(dtype=float)
    lo = df["lower"].to_numpy(dtype=float)
    hi = df["upper"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        slack = np.fmin(np.where(np.isfinite(hi), hi - act, np.inf),
                        np.where(np.isfinite(lo), act - lo, np.inf))
    df["slack"] = np.where(np.isfinite(slack), np.maximum(slack, 0.0), np.nan)
    if ranging is not None and len(ranging):
        rg = ranging.set_index("name")
        names = df["name"]
        for col in ("range_lower", "range_upper"):
            if col in rg.columns:
                df[col] = names.map(rg[col]).astype(float)
        df.loc[~df["binding"].astype(bool), ["range_lower", "range_upper"]] = np.nan
    return df


def price_text(r: pd.Series, digits: int = 4, lang: str = "en") -> str:
    """A rule's price as the analysis knows it: the shadow price where it is unique, else
    the measured value of one more and one less unit (never one of several duals)."""
    if not r["binding"]:
        return f"{0:.{digits}f}"
    if r["price_unique"]:
        return f"{r['shadow_price']:+.{digits}f}"

    def one(v: float, word: str) -> str:
        return word if not np.isfinite(v) else f"{v:+.{digits}f}"

    more, less = r["value_one_more_ha"], r["value_one_less_ha"]
    zh = f"不唯一（实测）：+1 {one(more, '不可行')}，−1 {one(less, '不可行')}"
    en = f"not unique: +1 {one(more, 'infeasible')}, −1 {one(less, 'infeasible')}"
    return {"zh": zh, "en": en}.get(lang, f"{zh} / {en}")


def binding_prices(result: Result) -> pd.DataFrame:
    """Binding rules with a non-zero value, largest effect first: `value` is the unique
    shadow price, or, where it is not unique, the measured value of one more unit
    (`measured` True); rules whose move alone is infeasible are left out."""
    df = result.rules()
    df = df[df["binding"].astype(bool)].copy()
    df["measured"] = ~df["price_unique"].astype(bool)
    df["value"] = np.where(df["measured"], df["value_one_more_ha"], df["shadow_price"])
    df = df[np.isfinite(df["value"].astype(float)) & (df["value"].abs() > 1e-9)]
    df["abs"] = df["value"].abs()
    return df.sort_values("abs", ascending=False).drop(columns=["abs"]).reset_index(drop=True)


def output_matrix(result: Result) -> pd.DataFrame:
    """Output per ha (output unit/ha), sectors x districts, 0 where the plan gives none."""
    m = result.matrix()
    out = result.instance.output
    return pd.DataFrame([[float(out.get(s, {}).get(d, 0.0)) for d in m.columns] for s in m.index],
                        index=m.index, columns=m.columns)


def cells_table(result: Result) -> pd.DataFrame:
    """Non-zero cells: sector, district, zone, hectares, output per ha and output."""
    df = result.allocation()
    inst = result.instance
    df["zone"] = [inst.districts[d].zone for d in df["district"]]
    df["output_per_ha"] = [float(inst.output.get(s, {}).get(d, 0.0))
                           for s, d in zip(df["sector"], df["district"], strict=True)]
    df["output"] = df["hectares"] * df["output_per_ha"]
    return df[["sector", "district", "zone", "hectares", "output_per_ha", "output"]]


def zone_matrix(result: Result) -> pd.DataFrame:
    """Hectares, sectors x zones."""
    m = result.matrix()
    zone_of = {d: result.instance.districts[d].zone for d in m.columns}
    z = m.T.groupby(pd.Series(zone_of)).sum().T
    return z.reindex(columns=list(result.instance.zones), fill_value=0.0)


def scenario_names(results: list[Result]) -> list[str]:
    """A short, distinct name per result: the scenario, else its overrides, else its period."""
    names = []
    for r in results:
        rec = r.record or {}
        if rec.get("scenario"):
            name = str(rec["scenario"])
        elif rec.get("overrides"):
            name = ", ".join(f"{o['path']}={o['new']}" for o in rec["overrides"])
        else:
            name = f"{r.instance.name} {r.instance.period}"
        names.append(name)
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if names.count(n) > 1:
            seen[n] = seen.get(n, 0) + 1
            n = f"{n} ({seen[n]})"
        out.append(n)
    return out


def aligned_matrices(results: list[Result]) -> list[pd.DataFrame]:
    """Every result's hectares over the union of sectors and districts (0 where absent)."""
    sectors: list[str] = []
    districts: list[str] = []
    for r in results:
        sectors += [s for s in r.lp.sectors if s not in sectors]
        districts += [d for d in r.lp.districts if d not in districts]
    return [r.matrix().reindex(index=sectors, columns=districts, fill_value=0.0)
            for r in results]


def cell_changes(base: Result, other: Result) -> pd.DataFrame:
    """Cells whose hectares differ between two results, with the change in output."""
    mb, mo = aligned_matrices([base, other])
    rows = []
    for s in mb.index:
        for d in mb.columns:
            hb, ho = float(mb.loc[s, d]), float(mo.loc[s, d])
            if abs(ho - hb) <= TOL * max(1.0, abs(hb)):
                continue
            ob = hb * float(base.instance.output.get(s, {}).get(d, 0.0))
            oo = ho * float(other.instance.output.get(s, {}).get(d, 0.0))
            rows.append({"sector": s, "district": d, "base_ha": hb, "ha": ho,
                         "change_ha": ho - hb, "base_output": ob, "output": oo,
                         "change_output": oo - ob})
    cols = ["sector", "district", "base_ha", "ha", "change_ha", "base_output", "output",
            "change_output"]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values("change_ha", key=np.abs, ascending=False).reset_index(drop=True)


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dicts/lists -> (dotted path, scalar) pairs, in the --set path style."""
    out: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(data, list):
        if all(not isinstance(v, dict | list) for v in data):
            out.append((prefix, ", ".join(str(v) for v in data)))
        else:
            for i, v in enumerate(data):
                out += flatten(v, f"{prefix}[{i}]")
    else:
        out.append((prefix, data))
    return out
