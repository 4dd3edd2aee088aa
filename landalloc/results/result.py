"""RawSolution + the LP's index -> a Result labelled with the plan's names."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landalloc.formulations.columns import Columns
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


def achieved_fields(r: Any) -> dict[str, Any]:
    """A rule's achieved value and bounds in its own unit (see achieved_table), JSON-safe;
    empty when the row has no measure."""
    unit = r.get("achieved_unit")
    if not isinstance(unit, str):  # None (or NaN in a table): no measure
        return {}
    return {"achieved": _num(r.get("achieved")), "achieved_unit": unit,
            "achieved_lower": _num(r.get("achieved_lower")),
            "achieved_upper": _num(r.get("achieved_upper"))}


def rule_figure(r: Any) -> tuple[float | None, float | None, float | None, str]:
    """A rule's figure as a reader quotes it: (value, lower, upper, unit). In the rule's own
    unit (a share as a fraction) where the row has a measure, else the row's activity and
    bounds in hectares; an infinite or missing bound is None."""
    got = achieved_fields(r)
    if got:
        return (got["achieved"], got["achieved_lower"], got["achieved_upper"],
                got["achieved_unit"])
    return _num(r.get("activity")), _num(r.get("lower")), _num(r.get("upper")), "ha"


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


    def grid(self) -> np.ndarray:
        """Hectares as a (sectors, districts) array (zeros where nothing goes)."""
        x = self.raw.x if self.raw.x is not None else np.zeros(self.lp.num_col)
        return np.where(np.abs(x) < self.tolerance.ha, 0.0, x).reshape(len(self.lp.sectors),
                                                                      len(self.lp.districts))

    def matrix(self) -> Any:
        """Hectares, sectors x districts, as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.grid(), index=pd.Index(self.lp.sectors, name="sector"),
                            columns=pd.Index(self.lp.districts, name="district"))

    def allocation(self) -> Any:
        """Long format: sector, district, hectares (non-zero cells only), a DataFrame."""
        long = self.matrix().stack().rename("hectares").reset_index()
        return long[long["hectares"] > self.tolerance.ha].reset_index(drop=True)

    def allocated_cells(self) -> list[tuple[str, str, float]]:
        """(sector, district, hectares) of every cell with land, sector-major."""
        g = self.grid()
        return [(s, d, float(g[i, j])) for i, s in enumerate(self.lp.sectors)
                for j, d in enumerate(self.lp.districts) if g[i, j] > self.tolerance.ha]

    def totals_rows(self, kind: str) -> list[dict[str, Any]]:
        """Hectares per sector, district or zone beside the plan's figure, a dict per item."""
        inst, g = self.instance, self.grid()
        if kind == "sector":
            got = dict(zip(self.lp.sectors, g.sum(axis=1), strict=True))
            items = inst.sectors
            bound = {k: v.quota for k, v in items.items()}
        elif kind == "district":
            got = dict(zip(self.lp.districts, g.sum(axis=0), strict=True))
            items = inst.districts
            bound = {k: v.cap for k, v in items.items()}
        elif kind == "zone":
            got = dict.fromkeys(inst.zones, 0.0)
            for d, ha in zip(self.lp.districts, g.sum(axis=0), strict=True):
                zone = inst.districts[d].zone
                if zone in got:  # a district outside every zone counts in none
                    got[zone] += ha
            items = inst.zones
            bound = {k: v.total for k, v in items.items()}
        else:
            raise ValueError(f"unknown totals kind '{kind}'")
        whole = float(g.sum())
        rows = []
        for k, item in items.items():
            b = bound[k]
            share = getattr(item, "share", None)  # a zone's share of the period's total
            cited = b if b is not None else share
            ha = float(got.get(k, 0.0))
            rows.append({"id": k, "zh": item.zh, "en": item.en,
                         "hectares": ha,
                         "plan_min": None if b is None else b.min,
                         "plan_max": None if b is None else b.max,
                         "share": ha / whole if whole > 0 else None,
                         "plan_share_min": None if share is None else share.min,
                         "plan_share_max": None if share is None else share.max,
                         "source": None if cited is None
                         else (cited.source or cited.assumption),
                         # the plan's own figure where the scenario changed it; whether the
                         # figure is an assumption rather than the plan's text
                         "plan_figure": None if cited is None else cited.plan,
                         "assumed": bool(cited is not None and cited.assumption)})
        return rows

    def totals(self, kind: str) -> Any:
        """`totals_rows` as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.totals_rows(kind))

    def rule_columns(self) -> Columns:
        """One row per rule, read from the analysis: activity, bounds, binding, the shadow
        price where it is unique (NaN where not), the measured value of one more and one
        less unit, ranging. `dual` is the shadow price's old name."""
        if self.analysis is not None and len(self.analysis.rule_columns):
            cols = self.analysis.rule_columns
            return cols.with_columns(dual=cols["shadow_price"])
        m = self.lp.num_row
        nan = np.full(m, np.nan)
        return self.lp.row_info.with_columns(
            lower=self.lp.row_lower, upper=self.lp.row_upper,
            **{c: nan.copy() for c in ("activity", "dual", "shadow_price",
                                       "value_one_more_ha", "value_one_less_ha",
                                       "range_lower", "range_upper")},
            binding=np.zeros(m, bool), price_unique=np.zeros(m, bool))

    def rules(self) -> Any:
        """`rule_columns` as a pandas DataFrame."""
        return self.rule_columns().frame  # a new table each call (made from new columns)

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
            {"sector": sec, "district": dis, "hectares": ha, **role_of(sec, dis)}
            for sec, dis, ha in self.allocated_cells()]
        out["plan_fit"] = self.plan_fit()
        out["totals"] = {kind: {r["id"]: float(r["hectares"]) for r in self.totals_rows(kind)}
                         for kind in ("sector", "district", "zone")}
        an = self.analysis
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
             **achieved_fields(r)}
            for r in self.rule_columns().records()]
        out["groups"] = self.groups()
        return out

    def groups(self) -> dict[str, dict[str, Any]]:
        """Each sector group's hectares and achieved share of the period's new land (groups
        may overlap: a sector counts in every group it belongs to), beside its bounds."""
        if self.raw.x is None:
            return {}
        inst = self.instance
        by_sector = dict(zip(self.lp.sectors, self.grid().sum(axis=1), strict=True))
        total = float(sum(by_sector.values()))
        out = {}
        for g, grp in inst.sector_groups.items():
            members = [s for s in inst.sectors if g in inst.groups_of(s)]
            ha = float(sum(by_sector.get(s, 0.0) for s in members))
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
