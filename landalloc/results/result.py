"""RawSolution + the LP's index -> a Result labelled with the plan's names."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landalloc.formulations.lp import LinearProgram
from landalloc.formulations.tie_break import RULE as TIE_BREAK_RULE
from landalloc.plan.model import Instance
from landalloc.solver.base import RawSolution, Status, Tolerance
from landalloc.solver.sensitivity import Analysis

#: Hectares below this are 0 under the default tolerance policy (a Result uses its own).
HA_TOL = Tolerance().ha


def _num(v: float | None) -> float | None:
    """JSON-safe number: infinities and NaN become None."""
    if v is None or not math.isfinite(v):
        return None
    return float(v)


def achieved_columns(measure, x: np.ndarray | None) -> dict[str, Any]:
    """A rule's achieved value in its own unit (a share as a fraction, ha, a table's unit)
    beside its bounds in that unit; empty when the row has no measure."""
    if measure is None:
        return {}
    value = None if x is None else _num(measure.value(x))
    return {"achieved": value, "achieved_unit": measure.unit,
            "achieved_lower": _num(measure.lower), "achieved_upper": _num(measure.upper)}


class Solved:
    """What every solved thing says of its RawSolution `raw`: status, optimal, objective."""

    raw: RawSolution

    @property
    def status(self) -> str:
        return self.raw.status.value

    @property
    def optimal(self) -> bool:
        return self.raw.status is Status.OPTIMAL

    @property
    def objective(self) -> float | None:
        return self.raw.objective


@dataclass
class Result(Solved):
    """A solved (or unsolvable) period, in plan terms."""

    instance: Instance
    lp: LinearProgram
    raw: RawSolution
    max_violation: float | None
    record: dict[str, Any] = field(default_factory=dict)
    analysis: Analysis | None = None
    tolerance: Tolerance = field(default_factory=Tolerance)  # the solve's own policy


    def matrix(self) -> pd.DataFrame:
        """Hectares, sectors x districts (zeros where nothing goes)."""
        x = self.raw.x if self.raw.x is not None else np.zeros(self.lp.num_col)
        grid = np.where(np.abs(x) < self.tolerance.ha, 0.0, x).reshape(len(self.lp.sectors),
                                                              len(self.lp.districts))
        return pd.DataFrame(grid, index=pd.Index(self.lp.sectors, name="sector"),
                            columns=pd.Index(self.lp.districts, name="district"))

    def allocation(self) -> pd.DataFrame:
        """Long format: sector, district, hectares (non-zero cells only)."""
        long = self.matrix().stack().rename("hectares").reset_index()
        return long[long["hectares"] > self.tolerance.ha].reset_index(drop=True)

    def totals(self, kind: str) -> pd.DataFrame:
        """Hectares per sector, district or zone beside the plan's figure."""
        inst, m = self.instance, self.matrix()
        if kind == "sector":
            got = m.sum(axis=1)
            items = inst.sectors
            bound = {k: v.quota for k, v in items.items()}
        elif kind == "district":
            got = m.sum(axis=0)
            items = inst.districts
            bound = {k: v.cap for k, v in items.items()}
        elif kind == "zone":
            zone_of = pd.Series({d: v.zone for d, v in inst.districts.items()})
            got = m.sum(axis=0).groupby(zone_of).sum().reindex(list(inst.zones), fill_value=0)
            items = inst.zones
            bound = {k: v.total for k, v in items.items()}
        else:
            raise ValueError(f"unknown totals kind '{kind}'")
        rows = []
        for k, item in items.items():
            b = bound[k]
            rows.append({"id": k, "zh": item.zh, "en": item.en,
                         "hectares": float(got.get(k, 0.0)),
                         "plan_min": None if b is None else b.min,
                         "plan_max": None if b is None else b.max,
                         "source": None if b is None else (b.source or b.assumption)})
        return pd.DataFrame(rows)

    def rules(self) -> pd.DataFrame:
        """One row per rule, read from the analysis: activity, bounds, binding, the shadow
        price where it is unique (NaN where not), the measured value of one more and one
        less unit, ranging. `dual` is the shadow price's old name."""
        if self.analysis is not None and len(self.analysis.rules):
            df = self.analysis.rules.copy()
            df["dual"] = df["shadow_price"]
            return df
        df = self.lp.rows.copy()
        df["lower"], df["upper"] = self.lp.row_lower, self.lp.row_upper
        for col in ("activity", "dual", "shadow_price", "value_one_more_ha",
                    "value_one_less_ha", "range_lower", "range_upper"):
            df[col] = np.nan
        df["binding"] = False
        df["price_unique"] = False
        return df

    def plan_fit(self) -> dict[str, Any] | None:
        """The plan-fit block (results/plan_fit.py); None when not optimal."""
        if not self.optimal or self.raw.x is None:
            return None
        from landalloc.results.plan_fit import plan_fit

        return plan_fit(self.instance, self.lp.sectors, self.lp.districts, self.raw.x)

    def to_dict(self) -> dict[str, Any]:
        """The --json document."""
        out: dict[str, Any] = {
            "name": self.instance.name,
            "period": self.instance.period,
            "status": self.status,
            "objective": _num(self.objective),
            "objective_unit": self.lp.objective_unit,
            "max_violation": _num(self.max_violation),
        }
        if not self.optimal:
            return {**out, "allocation": [], "totals": {}, "rules": [],
                    "message": self.raw.message}
        inst = self.instance

        def role_of(s: str, d: str) -> dict[str, Any]:
            r = inst.role(s, d)
            return {"role": None if r is None else r.role,
                    "assumption": None if r is None else r.assumed}

        out["allocation"] = [
            {"sector": r.sector, "district": r.district, "hectares": float(r.hectares),
             **role_of(r.sector, r.district)}
            for r in self.allocation().itertuples()]
        out["plan_fit"] = self.plan_fit()
        out["totals"] = {kind: {r["id"]: float(r["hectares"])
                                for _, r in self.totals(kind).iterrows()}
                         for kind in ("sector", "district", "zone")}
        an = self.analysis
        measures = self.lp.meta.get("measures") or {}
        out["duals_unique"] = None if an is None else bool(an.duals_unique)
        out["allocation_unique"] = None if an is None else bool(an.allocation_unique)
        out["tie_break"] = TIE_BREAK_RULE
        out["notes"] = [] if an is None else list(an.notes)
        out["rules"] = [
            {"name": r["name"], "label": f"{r['label_zh']} / {r['label_en']}",
             "activity": _num(r["activity"]), "lower": _num(r["lower"]),
             "upper": _num(r["upper"]), "dual": _num(r["dual"]),
             "price_unique": bool(r["price_unique"]),
             "value_one_more_ha": _num(r["value_one_more_ha"]),
             "value_one_less_ha": _num(r["value_one_less_ha"]),
             "range_lower": _num(r["range_lower"]), "range_upper": _num(r["range_upper"]),
             "unit": r.get("unit"), "meaning": r.get("meaning"),
             "binding": bool(r["binding"]), "source": r["source"],
             **achieved_columns(measures.get(r["name"]), self.raw.x)}
            for _, r in self.rules().iterrows()]
        out["groups"] = self.groups()
        return out

    def groups(self) -> dict[str, dict[str, Any]]:
        """Each sector group's hectares and achieved share of the period's new land (groups
        may overlap: a sector counts in every group it belongs to), beside its bounds."""
        if self.raw.x is None:
            return {}
        inst, m = self.instance, self.matrix()
        by_sector = m.sum(axis=1)
        total = float(by_sector.sum())
        out = {}
        for g, grp in inst.sector_groups.items():
            members = [s for s in inst.sectors if g in inst.groups_of(s)]
            ha = float(by_sector.reindex(members).fillna(0.0).sum())
            out[g] = {"members": members, "hectares": ha,
                      "share": ha / total if total > 0 else None,
                      "share_min": None if grp.share is None else grp.share.min,
                      "share_max": None if grp.share is None else grp.share.max,
                      "total_min": None if grp.total is None else grp.total.min,
                      "total_max": None if grp.total is None else grp.total.max}
        return out


def label(instance: Instance, lp: LinearProgram, raw: RawSolution,
          record: dict[str, Any] | None = None, analysis: Analysis | None = None,
          tolerance: Tolerance | None = None) -> Result:
    """Check the answer independently (A·x against the bounds) and attach the names."""
    viol = lp.max_violation(raw.x) if raw.x is not None else None
    return Result(instance, lp, raw, viol, record or {}, analysis, tolerance or Tolerance())
