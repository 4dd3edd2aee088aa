"""Linked periods: one LP over x[sector, district, period].

Each period keeps its own rules — the single-period formulation (`formulate`) per period,
stacked block-diagonally — and rules across periods are added below the blocks:

* horizon caps per district, totals per zone and per sector (Σ over every period);
* stock targets: existing stock + the new land of every period up to and including p
  within the target of p (the row is Σ_{q ≤ p} x_q within target − existing);
* carry-over: a slack c_k ≥ 0 per pair of consecutive periods (k, k+1) that lowers period
  k's total and raises period k+1's (Σ x_k + c_k = T_k, Σ x_{k+1} − c_k = T_{k+1}), within
  the row `carry_over[k->k+1]`: 0 ≤ c_k ≤ carry_over.max (0 by default: periods stay exact);
* custom rules with `periods:` naming several periods (or `all`): one row over them.

Row names of a period's own rules are `<period>:<name>`; the `period` column of the rows
table names the period ("" for a rule across periods), `base_name` the single-period name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from landalloc.formulations.allocation import Measure, formulate, rule_rows
from landalloc.formulations.lp import LinearProgram, row_table

from landalloc.plan.model import Bound, Instance


@dataclass
class HorizonLP:
    """The stacked LP and how to read each period back out of it."""

    lp: LinearProgram
    periods: list[str]
    instances: list[Instance]
    blocks: list[LinearProgram]  # each period's own LP (its rules as formulated alone)
    col_offset: list[int]  # first column of each period
    row_offset: list[int]  # first row of each period
    carry_cols: list[int]  # column of c_k (between periods k and k+1)
    col_period: np.ndarray  # period index of each column (c_k: period k)

    def period_cols(self, k: int) -> slice:
        return slice(self.col_offset[k], self.col_offset[k] + self.blocks[k].num_col)

    def period_rows(self, k: int) -> slice:
        return slice(self.row_offset[k], self.row_offset[k] + self.blocks[k].num_row)

    def carry(self, x: np.ndarray) -> list[float]:
        return [float(x[j]) for j in self.carry_cols]

    def block_for(self, k: int, x: np.ndarray) -> LinearProgram:
        """Period k's own LP with its total moved by the carry-over of x (what the period
        had to place once land was carried in or out)."""
        b = self.blocks[k]
        shift = (x[self.carry_cols[k - 1]] if k > 0 else 0.0) \
            - (x[self.carry_cols[k]] if k < len(self.carry_cols) else 0.0)
        if shift == 0.0:
            return b
        lo, hi = b.row_lower.copy(), b.row_upper.copy()
        total = np.flatnonzero(b.rows["kind"].to_numpy() == "total")
        lo[total] += shift
        hi[total] += shift
        return replace(b, row_lower=lo, row_upper=hi)


def _src(b: Bound | None, fallback: str = "") -> str:
    if b is None:
        return fallback
    parts = [p for p in (b.source, b.assumption and f"assumption: {b.assumption}") if p]
    return "; ".join(parts) or fallback


class _Rows:
    """The joint LP's rows as they are made: each period's own (stacked), then the rules
    across periods, with their metadata, period and measure."""

    def __init__(self, instances: list[Instance], blocks: list[LinearProgram],
                 col_offset: list[int]) -> None:
        self.instances, self.blocks, self.col_offset = instances, blocks, col_offset
        self.periods = [i.period for i in instances]
        self.meta: list[tuple] = []
        self.period_of: list[str] = []
        self.base_name: list[str] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.measures: dict[str, Measure] = {}
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        for k, b in enumerate(blocks):
            p = self.periods[k]
            for row in b.rows.itertuples(index=False):
                self.meta.append((f"{p}:{row.name}", row.kind, row.members, row.label_zh,
                                  f"{row.label_en} ({p})", row.source, row.part))
                self.period_of.append(p)
                self.base_name.append(row.name)
            self.lo += list(b.row_lower)
            self.hi += list(b.row_upper)
            for name, m in (b.meta.get("measures") or {}).items():
                self.measures[f"{p}:{name}"] = m.shifted(col_offset[k])

    def add(self, cols, vals, low: float, high: float, row_meta: tuple,
            measure: Measure | None = None) -> None:
        """One rule across periods."""
        cols = np.asarray(cols, dtype=np.int64)
        self.r.append(np.full(cols.size, len(self.lo), dtype=np.int64))
        self.c.append(cols)
        self.v.append(np.broadcast_to(np.asarray(vals, float), cols.shape).copy())
        self.lo.append(low)
        self.hi.append(high)
        self.meta.append(row_meta)
        self.period_of.append("")
        self.base_name.append(row_meta[0])
        self.measures[row_meta[0]] = measure or Measure(
            cols, None if np.ndim(vals) == 0 else np.asarray(vals, float), None, "ha", low, high)

    def cols_where(self, pred_sector=None, pred_district=None, upto: int | None = None
                   ) -> np.ndarray:
        """Columns of every period (up to `upto`) whose sector and district match. Cells a
        period does not allow stay in (at 0 ha they add nothing), so the rule reads the
        same cells as each period's total and an IIS needs no x = 0."""
        out = []
        for k, b in enumerate(self.blocks[:None if upto is None else upto + 1]):
            keep = np.ones(b.num_col, bool)
            if pred_sector is not None:
                keep &= np.array([pred_sector(s) for s in b.sectors], bool)[b.col_sector]
            if pred_district is not None:
                keep &= np.array([pred_district(self.instances[k], d) for d in b.districts],
                                 bool)[b.col_district]
            out.append(np.flatnonzero(keep) + self.col_offset[k])
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def matrix(self, stacked: sp.spmatrix, n: int) -> sp.csc_matrix:
        A = stacked.tocsr()
        if self.r:
            E = sp.csr_matrix((np.concatenate(self.v), (np.concatenate(self.r) - A.shape[0],
                                                        np.concatenate(self.c))),
                              shape=(len(self.lo) - A.shape[0], n))
            A = sp.vstack([A, E], format="csc")
        else:
            A = A.tocsc()
        A.sum_duplicates()
        return A


def _carry_over(rows: _Rows, head: Instance, carry_cols: list[int]) -> None:
    """A column c_k per pair of consecutive periods, within 0 ≤ c_k ≤ carry_over.max."""
    periods, co = rows.periods, head.carry_over
    for k, j in enumerate(carry_cols):
        pair = f"{periods[k]}->{periods[k + 1]}"
        rows.add([j], 1.0, 0.0, co.max,
                 (f"carry_over[{pair}]", "carry_over", pair, f"结转用地 {pair}",
                  f"unused land carried {pair}",
                  _src(co, f"carry_over.max = {co.max:,.0f} ha" + (
                      " (the default: periods exact)" if co.max == 0 else
                      " (set by the scenario; the plan's periods are exact)"))))


def _horizon_totals(rows: _Rows, head: Instance) -> None:
    """Caps per district, totals per zone and per sector, summed over every period."""
    hz, over = head.horizon, ", ".join(rows.periods)
    for d, item in hz.districts.items():
        name = head.districts.get(d)
        rows.add(rows.cols_where(pred_district=lambda _i, dd, d=d: dd == d), 1.0,
                 item.cap.lower, item.cap.upper,
                 (f"horizon_district_cap[{d}]", "horizon_district_cap", d,
                  f"{name.zh if name else d}规划期新增用地上限",
                  f"{name.en if name else d} cap over {over}", _src(item.cap, item.source or "")))
    for z, item in hz.zones.items():
        zone = head.zones.get(z)
        rows.add(rows.cols_where(pred_district=lambda inst, dd, z=z: inst.districts[dd].zone == z),
                 1.0, item.total.lower, item.total.upper,
                 (f"horizon_zone_total[{z}]", "horizon_zone_total", z,
                  f"{zone.zh if zone else z}规划期新增用地",
                  f"{zone.en if zone else z} total over {over}",
                  _src(item.total, item.source or "")))
    for s, item in hz.sectors.items():
        sec = next((i.sectors[s] for i in rows.instances if s in i.sectors), None)
        rows.add(rows.cols_where(pred_sector=lambda ss, s=s: ss == s), 1.0,
                 item.quota.lower, item.quota.upper,
                 (f"horizon_sector_total[{s}]", "horizon_sector_total", s,
                  f"{sec.zh if sec else s}规划期新增用地",
                  f"{sec.en if sec else s} total over {over}",
                  _src(item.quota, item.source or "")))


def _stock_targets(rows: _Rows, head: Instance) -> None:
    """Existing stock + the new land of every period up to p, within the target for p.
    Carry-over out of period k is land not yet built by its end: it counts later."""
    hz = head.horizon
    existing = hz.existing_stock or 0.0
    for p, target in hz.stock_targets.items():
        if p not in rows.periods:
            continue
        cols = rows.cols_where(upto=rows.periods.index(p))
        t = target.total
        rows.add(cols, 1.0, t.lower - existing, t.upper - existing,
                 (f"stock_target[{p}]", "stock_target", p, f"{p}末工业用地总规模",
                  f"industrial land stock at the end of {p} (existing {existing:,.0f} ha + new)",
                  "; ".join(x for x in (_src(t), hz.existing_stock_source and
                                        f"existing stock: {hz.existing_stock_source}") if x)),
                 Measure(cols, None, None, "ha", t.lower, t.upper, constant=existing))


def _linked_rules(rows: _Rows) -> None:
    """Custom rules whose `periods:` name several periods (or `all`): one row over them."""
    periods, seen = rows.periods, set()
    for inst in rows.instances:
        for rule in inst.rules:
            if not rule.linked() or rule.name in seen:
                continue
            seen.add(rule.name)
            over = periods if rule.periods == "all" else [p for p in periods
                                                         if p in rule.periods]
            parts: dict[str, list] = {}
            for p in over:
                k = periods.index(p)
                b = rows.blocks[k]
                output = b.output_per_ha().reshape(len(b.sectors), len(b.districts))
                for row_meta, cols, vals, low, high, m in rule_rows(
                        rows.instances[k], rule, b.sectors, b.districts, output):
                    parts.setdefault(row_meta[0], []).append(
                        (row_meta, cols + rows.col_offset[k], vals, low, high,
                         m.shifted(rows.col_offset[k])))
            for pieces in parts.values():
                _one_linked_row(rows, pieces, over)


def _one_linked_row(rows: _Rows, pieces: list[tuple], over: list[str]) -> None:
    """The pieces of one rule in each period it names, as one row."""
    row_meta, _, _, low, high, m0 = pieces[0]
    shifted = [p[5] for p in pieces]
    measure = Measure(np.concatenate([m.cols for m in shifted]),
                      None if m0.vals is None else np.concatenate([m.vals for m in shifted]),
                      None if m0.base is None else np.concatenate([m.base for m in shifted]),
                      m0.unit, m0.lower, m0.upper)
    kind = "horizon_rule" if row_meta[1] == "rule" else row_meta[1]
    rows.add(np.concatenate([p[1] for p in pieces]), np.concatenate([p[2] for p in pieces]),
             low, high,
             (row_meta[0], kind, row_meta[2], row_meta[3], f"{row_meta[4]} over {', '.join(over)}",
              row_meta[5], row_meta[6] if len(row_meta) > 6 else ""), measure)


def formulate_horizon(instances: list[Instance]) -> HorizonLP:
    """One LP over every period of `instances` (in order), linked by the horizon's rules."""
    if not instances:
        raise ValueError("no periods to link")
    periods = [i.period for i in instances]
    blocks = [formulate(i) for i in instances]
    K = len(blocks)
    col_offset = list(np.cumsum([0] + [b.num_col for b in blocks[:-1]]).astype(int))
    row_offset = list(np.cumsum([0] + [b.num_row for b in blocks[:-1]]).astype(int))
    n_cells = sum(b.num_col for b in blocks)
    carry_cols = list(range(n_cells, n_cells + K - 1))
    n = n_cells + K - 1

    A = sp.block_diag([b.A for b in blocks], format="lil")
    A.resize((A.shape[0], n))
    head = instances[0]
    for k, j in enumerate(carry_cols):  # c_k lowers period k's total, raises k+1's
        for kk, sign in ((k, 1.0), (k + 1, -1.0)):
            for r in np.flatnonzero(blocks[kk].rows["kind"].to_numpy() == "total"):
                A[row_offset[kk] + r, j] = sign

    rows = _Rows(instances, blocks, col_offset)
    _carry_over(rows, head, carry_cols)
    _horizon_totals(rows, head)
    _stock_targets(rows, head)
    _linked_rules(rows)
    A = rows.matrix(A, n)
    lo, hi = rows.lo, rows.hi
    measures = rows.measures
    info = row_table(rows.meta).with_columns(period=rows.period_of, base_name=rows.base_name)
    c = np.concatenate([b.c for b in blocks] + [np.zeros(K - 1)])
    out = np.concatenate([b.output_per_ha() for b in blocks] + [np.zeros(K - 1)])
    tie = np.concatenate([b.tie_weights() for b in blocks] + [np.zeros(K - 1)])
    sectors = [f"{s}@{p}" for b, p in zip(blocks, periods, strict=True) for s in b.sectors]
    sector_offset = np.cumsum([0] + [len(b.sectors) for b in blocks[:-1]])
    districts = list(dict.fromkeys(d for b in blocks for d in b.districts))
    d_index = {d: j for j, d in enumerate(districts)}
    pairs = [f"{periods[k]}->{periods[k + 1]}" for k in range(K - 1)]
    col_sector = np.concatenate([b.col_sector + sector_offset[k] for k, b in enumerate(blocks)]
                                + [np.full(K - 1, len(sectors))]).astype(int)
    col_district = np.concatenate(
        [np.array([d_index[d] for d in b.districts])[b.col_district] for b in blocks]
        + [np.arange(len(districts), len(districts) + K - 1)]).astype(int)
    col_period = np.concatenate([np.full(b.num_col, k) for k, b in enumerate(blocks)]
                                + [np.arange(K - 1)]).astype(int)
    lp = LinearProgram(
        c=c, matrix=A, row_lower=np.array(lo, float), row_upper=np.array(hi, float),
        col_lower=np.concatenate([b.col_lower for b in blocks] + [np.zeros(K - 1)]),
        col_upper=np.concatenate([b.col_upper for b in blocks] + [np.full(K - 1, np.inf)]),
        row_info=info, sectors=[*sectors, "carry_over"], districts=[*districts, *pairs],
        col_sector=col_sector, col_district=col_district,
        objective_unit=blocks[0].objective_unit,
        name=f"{head.name} {'+'.join(periods)}",
        output=out if any(b.output is not None for b in blocks) else None, tie_break=tie,
        meta={"measures": measures, "periods": periods,
              # each column's plain sector, district and period (carry-over: its pair)
              "cells": [*((s, d, p) for b, p in zip(blocks, periods, strict=True)
                          for s, d in zip(np.asarray(b.sectors)[b.col_sector],
                                          np.asarray(b.districts)[b.col_district],
                                          strict=True)),
                        *(("carry_over", pair, "") for pair in pairs)]})
    return HorizonLP(lp, periods, instances, blocks, col_offset, row_offset, carry_cols,
                     col_period)


def restricted(h: HorizonLP, upto: int, fixed: np.ndarray | None) -> LinearProgram:
    """The horizon LP as seen by period `upto` planning in turn: earlier periods fixed at
    `fixed` (their sequential answers), later ones empty, and every row that reads a later
    period's column dropped (set free)."""
    lp = h.lp
    col_lower, col_upper = lp.col_lower.copy(), lp.col_upper.copy()
    later = h.col_period > upto
    col_lower[later] = col_upper[later] = 0.0
    if fixed is not None:
        earlier = h.col_period < upto
        col_lower[earlier] = col_upper[earlier] = fixed[earlier]
    reads_later = np.asarray(abs(lp.A[:, np.flatnonzero(later)]).sum(axis=1)).ravel() > 0 \
        if later.any() else np.zeros(lp.num_row, bool)
    row_lower = np.where(reads_later, -np.inf, lp.row_lower)
    row_upper = np.where(reads_later, np.inf, lp.row_upper)
    return replace(lp, row_lower=row_lower, row_upper=row_upper, col_lower=col_lower,
                   col_upper=col_upper, row_info=pd.DataFrame(lp.rows))
