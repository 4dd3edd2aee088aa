"""Instance (one period) -> LinearProgram. Pure: no solver import.

Columns: every (sector, district) cell, sector-major; a cell the plan does not allow has
upper bound 0, so allowing it later is a bound change, not a rebuild. Rows are built one
rule kind at a time with vectorised numpy (no loop over nonzeros).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from landalloc.formulations.lp import LinearProgram, row_table
from landalloc.formulations.objective import weighted_costs
from landalloc.formulations.sparse import Csc
from landalloc.formulations.tie_break import cell_weights

from landalloc.plan.model import Bound, Instance, Rule, Selection


@dataclass(frozen=True)
class Measure:
    """What a row's figure measures, in its own unit: Σ vals · x[cols] (over Σ x[base] for
    a share), against [lower, upper] in that unit. Columns index the LP's columns."""

    cols: np.ndarray
    vals: np.ndarray | None  # None: all ones
    base: np.ndarray | None  # a share's base columns; None: not a share
    unit: str
    lower: float
    upper: float
    constant: float = 0.0  # added to the sum: e.g. the existing stock under a stock target

    def value(self, x: np.ndarray) -> float:
        v = x[self.cols] if self.vals is None else self.vals * x[self.cols]
        total = float(np.sum(v))
        if self.base is None:
            return self.constant + total
        den = float(np.sum(x[self.base]))
        return total / den if den > 1e-9 else float("nan")

    def shifted(self, offset: int) -> Measure:
        return Measure(self.cols + offset, self.vals,
                       None if self.base is None else self.base + offset,
                       self.unit, self.lower, self.upper, self.constant)


def achieved_table(measures: dict[str, Measure], names, x: np.ndarray | None
                   ) -> dict[str, np.ndarray]:
    """Columns for rows `names`: each row's figure in its own unit (a share as a fraction,
    hectares with any existing stock, a table's unit) at `x`, beside its bounds in that
    unit — what a reader quotes, where the row itself may read Σ_G x − s·Σ x against 0.
    NaN and None where a row has no measure (its figure is the row's own activity, in ha)."""
    got = [measures.get(n) for n in names]
    nan = float("nan")
    return {
        "achieved": np.array([nan if m is None or x is None else m.value(x) for m in got],
                             dtype=float),
        "achieved_unit": np.array([None if m is None else m.unit for m in got], dtype=object),
        "achieved_lower": np.array([nan if m is None else m.lower for m in got], dtype=float),
        "achieved_upper": np.array([nan if m is None else m.upper for m in got], dtype=float),
    }


def select(inst: Instance, sel: Selection, sectors: list[str], districts: list[str]
           ) -> np.ndarray:
    """The (sector, district) cells a selection names, as a boolean (ns, nd) grid: every
    key given must match; `groups` matches a sector in any of them (groups may overlap)."""
    smask = np.array([sel.picks_sector(inst, s) for s in sectors], bool)
    dmask = np.array([sel.picks_district(inst, d) for d in districts], bool)
    return smask[:, None] & dmask[None, :]


def rule_coefficients(inst: Instance, rule: Rule, sectors: list[str], districts: list[str],
                      output: np.ndarray) -> tuple[np.ndarray, str]:
    """Per-cell coefficient grid (ns, nd) of a rule and the unit of its value."""
    table = rule.table()
    if table is not None:
        rows = inst.coefficients.get(table, {})
        grid = np.array([[rows.get(s, {}).get(d, 0.0) for d in districts] for s in sectors],
                        dtype=float).reshape(len(sectors), len(districts))
        return grid, rule.unit or inst.coefficient_units.get(table) or table
    if rule.coef == "output":
        return output, rule.unit or inst.objective_unit
    if rule.coef == "one":
        return np.ones(output.shape), rule.unit or "ha"
    return np.full(output.shape, float(rule.coef)), rule.unit or "ha"


def rule_rows(inst: Instance, rule: Rule, sectors: list[str], districts: list[str],
              output: np.ndarray) -> list[tuple]:
    """A custom rule's rows: (meta, cols, vals, lo, hi, Measure); columns are sector-major
    over `sectors` x `districts`. A share gives one row per bound side."""
    chosen = select(inst, rule, sectors, districts).ravel()
    label = rule.label or rule.name
    source = rule.source or (rule.assumption and f"assumption: {rule.assumption}") \
        or "scenario"
    if rule.share_of is None:
        coef, unit = rule_coefficients(inst, rule, sectors, districts, output)
        cols = np.flatnonzero(chosen)
        vals = coef.ravel()[cols]
        lo = -np.inf if rule.min is None else rule.min
        hi = np.inf if rule.max is None else rule.max
        return [((f"rule[{rule.name}]", "rule", rule.name, label, label, source),
                 cols, vals, lo, hi, Measure(cols, vals, None, unit, lo, hi))]
    base = select(inst, rule.share_of, sectors, districts).ravel()
    cols = np.flatnonzero(chosen | base)
    out = []
    for side, share in (("min", rule.min), ("max", rule.max)):
        if share is None:
            continue
        # sum_sel x - share * sum_base x  >= 0 (min),  <= 0 (max)
        vals = chosen[cols].astype(float) - share * base[cols].astype(float)
        lo, hi = (0.0, np.inf) if side == "min" else (-np.inf, 0.0)
        suffix = "" if rule.min is None or rule.max is None else f"_{side}"
        measure = Measure(np.flatnonzero(chosen), None, np.flatnonzero(base), "share",
                          *((share, np.inf) if side == "min" else (-np.inf, share)))
        out.append(((f"rule_share{suffix}[{rule.name}]", "rule_share", rule.name, label,
                     f"{label} share {side} {share:g}", source, side),
                    cols, vals, lo, hi, measure))
    return out


class _Rows:
    """Accumulates rows as COO triplets plus their labels."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.meta: list[tuple] = []

    def add(self, cols: np.ndarray, vals: np.ndarray | float, lo: float, hi: float,
            meta: tuple) -> None:
        i = len(self.lo)
        cols = np.asarray(cols, dtype=np.int64)
        self.r.append(np.full(cols.size, i, dtype=np.int64))
        self.c.append(cols)
        self.v.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape).copy())
        self.lo.append(lo)
        self.hi.append(hi)
        self.meta.append(meta)

    def add_block(self, row_of_col: np.ndarray, bounds: list[tuple[float, float]],
                  metas: list[tuple], vals: np.ndarray | float = 1.0) -> None:
        """Many rows at once: column j goes to row row_of_col[j] (-1: none)."""
        base = len(self.lo)
        keep = row_of_col >= 0
        cols = np.flatnonzero(keep)
        self.r.append(row_of_col[keep].astype(np.int64) + base)
        self.c.append(cols.astype(np.int64))
        v = np.broadcast_to(np.asarray(vals, dtype=float), row_of_col.shape)[keep]
        self.v.append(np.array(v, dtype=float))
        for (lo, hi), meta in zip(bounds, metas, strict=True):
            self.lo.append(lo)
            self.hi.append(hi)
            self.meta.append(meta)


def _src(b: Bound, fallback: str | None = None) -> str:
    parts = [p for p in (b.source, b.assumption and f"assumption: {b.assumption}") if p]
    return "; ".join(parts) or (fallback or "")


def _share_rows(rows: _Rows, measures: dict[str, Measure], kind: str, member_id: str,
                item, member: np.ndarray) -> None:
    """A group's or zone's share of the period's increment, one row per side given:
    Σ_member x − share · Σ x ≥ 0 (min), ≤ 0 (max); its Measure reads the share itself."""
    every = np.arange(member.size)
    for side, share in (("min", item.share.min), ("max", item.share.max)):
        if share is None:
            continue
        lo, hi = (0.0, np.inf) if side == "min" else (-np.inf, 0.0)
        suffix = "" if item.share.min is None or item.share.max is None else f"_{side}"
        name = f"{kind}{suffix}[{member_id}]"
        rows.add(every, member.astype(float) - share, lo, hi,
                 (name, kind, member_id, f"{item.zh}占比", f"{item.en} share {side} {share:.1%}",
                  _src(item.share), side))
        measures[name] = Measure(np.flatnonzero(member), None, every, "share",
                                 *((share, np.inf) if side == "min" else (-np.inf, share)))


def formulate(inst: Instance) -> LinearProgram:
    """Build the period's LP: maximise projected output subject to the plan's quotas."""
    sectors = list(inst.sectors)
    districts = list(inst.districts)
    ns, nd = len(sectors), len(districts)
    n = ns * nd
    col_sector = np.repeat(np.arange(ns), nd)
    col_district = np.tile(np.arange(nd), ns)

    allowed = np.zeros((ns, nd), dtype=bool)
    output = np.zeros((ns, nd))
    d_index = {d: j for j, d in enumerate(districts)}
    for i, s in enumerate(sectors):
        for d in inst.allowed.get(s, {}):
            allowed[i, d_index[d]] = True
        for d, v in inst.output.get(s, {}).items():
            output[i, d_index[d]] = v
    c = np.where(allowed, output, 0.0).ravel()
    col_upper = np.where(allowed.ravel(), np.inf, 0.0)
    col_lower = np.zeros(n)

    rows = _Rows()
    measures: dict[str, Measure] = {}
    every = np.arange(n)
    t = inst.total_increment
    rows.add(every, 1.0, t.lower, t.upper,
             ("total_increment", "total", "", "新增工业用地总规模", "total new industrial land",
              _src(t)))

    # sector quotas: one row per sector with a quota
    with_q = [i for i, s in enumerate(sectors) if inst.sectors[s].quota is not None]
    row_of_sector = np.full(ns, -1)
    row_of_sector[with_q] = np.arange(len(with_q))
    rows.add_block(
        row_of_sector[col_sector],
        [(inst.sectors[sectors[i]].quota.lower, inst.sectors[sectors[i]].quota.upper)
         for i in with_q],
        [(f"sector_quota[{sectors[i]}]", "sector_quota", sectors[i],
          f"{inst.sectors[sectors[i]].zh}新增用地", f"{inst.sectors[sectors[i]].en} quota",
          _src(inst.sectors[sectors[i]].quota)) for i in with_q])

    # sector groups: totals and shares of the period's increment (groups may overlap)
    for g, grp in inst.sector_groups.items():
        in_group = np.array([g in inst.groups_of(s) for s in sectors], dtype=bool)
        member = in_group[col_sector]
        if not member.any():
            continue
        if grp.total is not None:
            rows.add(np.flatnonzero(member), 1.0, grp.total.lower, grp.total.upper,
                     (f"sector_group_total[{g}]", "sector_group_total", g,
                      f"{grp.zh}新增用地", f"{grp.en} total", _src(grp.total)))
        if grp.share is not None:
            _share_rows(rows, measures, "sector_group_share", g, grp, member)

    # district caps
    with_cap = [j for j, d in enumerate(districts) if inst.districts[d].cap is not None]
    row_of_district = np.full(nd, -1)
    row_of_district[with_cap] = np.arange(len(with_cap))
    rows.add_block(
        row_of_district[col_district],
        [(inst.districts[districts[j]].cap.lower, inst.districts[districts[j]].cap.upper)
         for j in with_cap],
        [(f"district_cap[{districts[j]}]", "district_cap", districts[j],
          f"{inst.districts[districts[j]].zh}新增用地上限",
          f"{inst.districts[districts[j]].en} cap", _src(inst.districts[districts[j]].cap))
         for j in with_cap])

    # zone totals
    zones = [z for z, zone in inst.zones.items() if zone.total is not None]
    zone_row = {z: k for k, z in enumerate(zones)}
    row_of_dzone = np.array([zone_row.get(inst.districts[d].zone, -1) for d in districts])
    rows.add_block(
        row_of_dzone[col_district],
        [(inst.zones[z].total.lower, inst.zones[z].total.upper) for z in zones],
        [(f"zone_total[{z}]", "zone_total", z, f"{inst.zones[z].zh}新增用地",
          f"{inst.zones[z].en} total", _src(inst.zones[z].total)) for z in zones])

    for z, zone in inst.zones.items():
        in_zone = np.array([inst.districts[d].zone == z for d in districts], dtype=bool)
        if zone.share is not None and in_zone.any():
            _share_rows(rows, measures, "zone_share", z, zone, in_zone[col_district])

    # custom rules (a rule over several periods together is the horizon's)
    for rule in inst.rules:
        if not rule.applies_to(inst.period):
            continue
        for meta, cols, vals, lo, hi, measure in rule_rows(inst, rule, sectors, districts,
                                                             output):
            rows.add(cols, vals, lo, hi, meta)
            measures[meta[0]] = measure

    # the named-base reading: at least plan_fit.base_minimum.ha in every named base
    for rule in named_base_rules(inst):
        for meta, cols, vals, lo, hi, measure in rule_rows(inst, rule, sectors, districts,
                                                             output):
            rows.add(cols, vals, lo, hi, meta)
            measures[meta[0]] = measure

    tie = plan_fit_weights(inst, sectors, districts) + cell_weights(sectors, districts)

    m = len(rows.lo)
    A = Csc.from_coo(np.concatenate(rows.r), np.concatenate(rows.c), np.concatenate(rows.v),
                     (m, n))
    weighted = inst.objective.weighted
    cost = weighted_costs(c, sectors, districts, col_sector, col_district, inst.objective)
    unit = f"{inst.objective_unit} (weighted)" if weighted else inst.objective_unit
    return LinearProgram(
        c=cost, matrix=A, row_lower=np.array(rows.lo, float), row_upper=np.array(rows.hi, float),
        col_lower=col_lower, col_upper=col_upper,
        row_info=row_table(rows.meta),
        sectors=sectors, districts=districts, col_sector=col_sector, col_district=col_district,
        objective_unit=unit, name=f"{inst.name} {inst.period}",
        output=c if weighted else None, tie_break=tie, meta={"measures": measures})


def named_base_rules(inst: Instance) -> list[Rule]:
    """One rule `<sector>.<district>` (x ≥ plan_fit.base_minimum.ha) per allowed cell
    whose role names a base; [] without roles or a minimum. Rules, so every output shows,
    prices and cites them as it does a scenario's rules; the minimum is an assumption, and
    `--set plan_fit.base_minimum.ha=0` gives the optimum without it."""
    bm = inst.plan_fit.base_minimum if inst.roles else None
    if bm is None:
        return []
    why = bm.assumption or bm.source or "plan_fit.base_minimum"
    out = []
    for s, row in inst.allowed.items():
        for d in row:
            r = inst.role(s, d)
            if r is None or r.role not in bm.roles:
                continue
            sec, dis = inst.sectors[s], inst.districts[d]
            out.append(Rule(
                name=f"{s}.{d}", label=f"{dis.zh}{sec.zh}基地下限",
                sectors=[s], districts=[d], min=bm.ha,
                source=f"{r.source.split('; ')[0]}; assumption: at least {bm.ha:g} ha in every "
                       f"named base ({why})",
                assumption=f"every named base gets at least {bm.ha:g} ha: {why}"))
    return out


def plan_fit_weights(inst: Instance, sectors: list[str] | None = None,
                     districts: list[str] | None = None) -> np.ndarray:
    """Plan-fit weight per ha of every cell, sector-major like the LP's columns:
    `plan_fit.weights[role]`, `weights.none` where the plan names no role (0 by default).
    An instance without roles gives zeros: the tie-break is then the hash weight alone."""
    sectors = list(inst.sectors) if sectors is None else sectors
    districts = list(inst.districts) if districts is None else districts
    if not inst.roles:
        return np.zeros(len(sectors) * len(districts))
    pf = inst.plan_fit
    return np.array([pf.weight(r.role if (r := inst.role(s, d)) is not None else None)
                     for s in sectors for d in districts], dtype=float)
