"""Linked periods solved: the joint answer read back as one Result per period, the rules
across periods with their prices, and (optionally) the sequential answer beside it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from landalloc.formulations.allocation import achieved_table
from landalloc.formulations.horizon import HorizonLP
from landalloc.results.result import Result, Solved, _num, achieved_fields, label
from landalloc.solver.base import RawSolution
from landalloc.solver.sensitivity import Analysis


@dataclass
class HorizonResult(Solved):
    horizon: HorizonLP
    raw: RawSolution
    analysis: Analysis | None
    mode: str = "joint"
    record: dict[str, Any] = field(default_factory=dict)
    sequential: dict[str, Any] | None = None  # {status, objective, per_period, x}

    @property
    def lp(self):
        return self.horizon.lp


    @property
    def max_violation(self) -> float | None:
        return None if self.raw.x is None else self.lp.max_violation(self.raw.x)

    def carry(self) -> list[dict[str, Any]]:
        if self.raw.x is None:
            return []
        p = self.horizon.periods
        return [{"from": p[k], "to": p[k + 1], "hectares": float(v)}
                for k, v in enumerate(self.horizon.carry(self.raw.x))]

    def periods(self) -> dict[str, Result]:
        """One Result per period, read out of the joint solution."""
        h, x = self.horizon, self.raw.x
        out = {}
        for k, p in enumerate(h.periods):
            block = h.block_for(k, x) if x is not None else h.blocks[k]
            if x is None:
                raw = RawSolution(self.raw.status, message=self.raw.message)
            else:
                xk = x[h.period_cols(k)]
                rows = h.period_rows(k)
                raw = RawSolution(self.raw.status, float(block.c @ xk), xk, block.A @ xk,
                                  None if self.raw.row_dual is None else
                                  self.raw.row_dual[rows],
                                  None if self.raw.col_dual is None else
                                  self.raw.col_dual[h.period_cols(k)],
                                  backend=self.raw.backend)
            an = None
            if self.analysis is not None and len(self.analysis.rules):
                r = self.analysis.rules
                mine = r[r["period"] == p].copy()
                mine["name"] = mine["base_name"]
                bounds = pd.Series(block.row_lower, index=block.rows["name"])
                mine["lower"] = mine["name"].map(bounds)
                mine["upper"] = mine["name"].map(pd.Series(block.row_upper,
                                                           index=block.rows["name"]))
                an = replace(self.analysis, rule_columns=mine.reset_index(drop=True),
                             cell_columns=pd.DataFrame(), solution=raw)
            out[p] = label(h.instances[k], block, raw,
                           self.record.get("per_period", {}).get(p, {}), an)
        return out

    def rules(self) -> pd.DataFrame:
        """The rules across periods (carry-over, horizon caps and totals, stock targets,
        rules over several periods), with prices and achieved values."""
        if self.analysis is None or not len(self.analysis.rules):
            df = self.lp.rows.copy()
            df["lower"], df["upper"] = self.lp.row_lower, self.lp.row_upper
            df = df.assign(**achieved_table(self.lp.meta.get("measures") or {}, df["name"],
                                            self.raw.x))
            df = df[df["period"] == ""]
            return df.assign(activity=np.nan, shadow_price=np.nan, binding=False,
                             price_unique=False)
        df = self.analysis.rules
        return df[df["period"] == ""].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.horizon.instances[0].name,
            "periods_linked": self.horizon.periods,
            "mode": self.mode,
            "status": self.status,
            "objective": _num(self.objective),
            "objective_unit": self.lp.objective_unit,
            "max_violation": _num(self.max_violation),
            "carry_over": self.carry(),
        }
        out["periods"] = {p: r.to_dict() for p, r in self.periods().items()}
        rules = self.rules()
        out["rules"] = [
            {"name": r["name"], "kind": r["kind"],
             "label": f"{r['label_zh']} / {r['label_en']}",
             "activity": _num(r.get("activity")), "lower": _num(r["lower"]),
             "upper": _num(r["upper"]), "dual": _num(r.get("shadow_price")),
             "price_unique": bool(r.get("price_unique", False)),
             "value_one_more_ha": _num(r.get("value_one_more_ha")),
             "value_one_less_ha": _num(r.get("value_one_less_ha")),
             "unit": r.get("unit"), "meaning": r.get("meaning"),
             "binding": bool(r.get("binding", False)), "source": r["source"],
             **achieved_fields(r)}
            for _, r in rules.iterrows()]
        totals: dict[str, dict[str, float]] = {"sector": {}, "district": {}, "zone": {}}
        for doc in out["periods"].values():
            for kind, items in (doc.get("totals") or {}).items():
                for k, v in items.items():
                    totals[kind][k] = totals[kind].get(k, 0.0) + v
        out["horizon_totals"] = totals
        if self.sequential is not None:
            seq = {k: v for k, v in self.sequential.items() if k != "x"}
            out["sequential"] = seq
            if seq.get("objective") is not None and self.objective is not None:
                out["value_of_joint_planning"] = float(self.objective - seq["objective"])
        return out
