"""Alternative allocations in the plan's words: check a table, ranges of every cell, as
different allocations as possible, and why a cell gets what it gets.

The mathematics is in landalloc.solver.alternatives (pure on the LinearProgram); this module
reads allocation tables, resolves names, and words every figure with the rule's labels and
source.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landalloc.analysis.linked import implied_carry
from landalloc.errors import InputError
from landalloc.errors import Problem as InputProblem
from landalloc.formulations.rule_kinds import SHARES_OF_TOTAL, figure_path
from landalloc.plan.choices import DEFAULT_UNIT
from landalloc.problem.build import Problem
from landalloc.solver import alternatives as al
from landalloc.solver.base import Status, tolerance_of

#: Below this many hectares a cell counts as unchanged.
HA_EPS = 1e-6


def _num(v: float | None) -> float | None:
    if v is None or not math.isfinite(v):
        return None
    return float(v)


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return "∞" if v > 0 else "-∞"
    return f"{v:,.0f}" if abs(v - round(v)) < 0.05 else f"{v:,.1f}"


# ------------------------------------------------------------------ names
class Names:
    """Sector and district ids from ids, Chinese or English names, or 'zh en' labels."""

    def __init__(self, problem: Problem) -> None:
        inst = problem.instance
        self.lp = problem.lp
        self.inst = inst
        #: linked periods: the joint LP's periods (its sectors read `<sector>@<period>`)
        self.periods: list[str] = list(self.lp.meta.get("periods") or [])
        self.sector: dict[str, str] = {}
        self.district: dict[str, str] = {}
        horizon = getattr(problem, "horizon", None)
        # linked periods: a sector or district of any period (one may exist only later;
        # the first period's names win)
        for one in reversed(horizon.instances if horizon is not None else [inst]):
            for table, items in ((self.sector, one.sectors), (self.district, one.districts)):
                for k, v in items.items():
                    for key in (k, v.zh, v.en, f"{v.zh} {v.en}", f"{v.zh} / {v.en}",
                                f"{v.zh}/{v.en}"):
                        if key:
                            table[_norm(key)] = k
        self.zone_members = {z: [d for d, v in inst.districts.items() if v.zone == z]
                             for z in inst.zones}
        self.zone: dict[str, str] = {}
        for k, v in inst.zones.items():
            for key in (k, v.zh, v.en):
                if key:
                    self.zone[_norm(key)] = k

    def sector_of(self, text: str) -> str | None:
        return self.sector.get(_norm(text))

    def district_of(self, text: str) -> str | None:
        return self.district.get(_norm(text))

    def sector_label(self, s: str) -> str:
        v = self.inst.sectors.get(s)
        return s if v is None else f"{v.zh} {v.en}"

    def district_label(self, d: str) -> str:
        v = self.inst.districts.get(d)
        return s_or(d, v)

    def cell_label(self, j: int) -> str:
        k = self.key(j)
        if k.get("period") == "":
            return f"结转用地 carry-over {k['district']}"
        label = f"{self.sector_label(k['sector'])} × {self.district_label(k['district'])}"
        return f"{label} ({k['period']})" if k.get("period") else label

    def cell(self, j: int) -> tuple[str, str]:
        return self.lp.sectors[self.lp.col_sector[j]], self.lp.districts[self.lp.col_district[j]]

    def key(self, j: int) -> dict[str, str]:
        """{sector, district} of column j, and its `period` for linked periods ("" for a
        carry-over column, whose district is the pair `p->q`)."""
        key = self.lp.cell_key(j)
        s, d = key.members
        if not self.periods:
            return {"sector": s, "district": d}
        return {"sector": s, "district": d, "period": key.period}

    def column(self, s: str, d: str, period: str | None = None) -> int | None:
        if not self.periods:
            return self.lp.col_index(s, d)
        if not hasattr(self, "_columns"):  # the joint LP is not one sectors x districts grid
            self._columns = {(k.members[0], k.members[1], k.period): j for j, k in
                             enumerate(map(self.lp.cell_key, range(self.lp.num_col)))}
        return self._columns.get((s, d, period or ""))


def s_or(key: str, item) -> str:
    return key if item is None else f"{item.zh} {item.en}"


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u3000", " ").split()).casefold()


NOT_A_TABLE = ("not an allocation table: give CSV sector,district,hectares or the "
               "district x sector matrix `report` writes (its header names the districts)")
_TOTAL_WORDS = {_norm(w) for w in ("合计", "Total", "合计 Total", "合计 / Total", "总计")}


# ------------------------------------------------------------------ reading a table
def read_table(path: str | Path, problem: Problem) -> np.ndarray:
    """An allocation table -> x (by LP column). Long form (sector, district, hectares) or
    a matrix either way round: the report's workbook (districts down, sectors across; one
    allocation sheet per period for linked periods) or sectors down, as CSV or .xlsx,
    with ids or names. Every problem is named with its file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError.one("no such file", file=str(path))
    names = Names(problem)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = _xlsx_sheets(path, names)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError.one("not a UTF-8 text file (give CSV or .xlsx)",
                                 file=str(path)) from None
        rows = list(csv.reader(text.splitlines()))
        sheets = [(None, rows, [str(i + 1) for i in range(len(rows))])]
    x = np.zeros(names.lp.num_col)
    for period, rows, where in sheets:
        x += _one_table(rows, where, names, str(path), period)
    return x


def _one_table(rows: list[list], where: list[str], names: Names, file: str,
               period: str | None) -> np.ndarray:
    """One table's x: long form, or a matrix (of `period`, for linked periods)."""
    rows = [[("" if c is None else str(c)).strip() for c in r] for r in rows]
    keep = [(r, w) for r, w in zip(rows, where, strict=True) if any(r)]
    if not keep:
        raise InputError.one("the table is empty", file=file)
    rows, where = [r for r, _ in keep], [w for _, w in keep]
    header = [_norm(c) for c in rows[0]]
    if {"sector", "district", "hectares"} <= set(header):
        if names.periods and "period" not in header:
            raise InputError.one("linked periods: give a table with the columns sector, "
                                 "district, period, hectares (one row per cell and period) "
                                 "or the linked report's workbook", file=file, line=1)
        return _long(rows, where, header, names, file)
    if names.periods and period is None:
        raise InputError.one("linked periods: give a table with the columns sector, district, "
                             "period, hectares (one row per cell and period) or the linked "
                             "report's workbook", file=file, line=1)
    return _wide(rows, where, names, file, period)


#: How the report's workbook names its allocation sheets ("2021-2025 分配矩阵 Allocation"
#: for a period of linked periods).
_SHEET_WORDS = ("allocation", "分配矩阵")


def _xlsx_sheets(path: Path, names: Names) -> list[tuple[str | None, list[list], list[str]]]:
    """The workbook's allocation tables as (period, rows, where): for linked periods the
    sheet of each period; else the sheet of the problem's period, or the one allocation
    sheet, or the first sheet. A table ends at its first blank row (the notes below it
    are not rows)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a bad file
        raise InputError.one(f"not a readable workbook ({type(e).__name__})",
                             file=str(path)) from None
    try:
        alloc = [ws for ws in wb.worksheets
                 if any(w in ws.title.casefold() for w in _SHEET_WORDS)]
        own = names.periods or [names.inst.period]
        by_period = {p: ws for p in own for ws in alloc if ws.title.startswith(p)}
        if names.periods:
            missing = [p for p in names.periods if p not in by_period]
            if missing and alloc:
                raise InputError.one(f"no allocation sheet for period {', '.join(missing)} "
                                     f"(sheets: {', '.join(ws.title for ws in alloc)})",
                                     file=str(path))
            if not alloc:  # a long table with a period column
                return [(None, *_sheet_rows(wb.worksheets[0]))]
            return [(p, *_sheet_rows(by_period[p])) for p in names.periods]
        sheet = by_period.get(own[0]) or (alloc[0] if alloc else wb.worksheets[0])
        return [(None, *_sheet_rows(sheet))]
    finally:
        wb.close()


def _sheet_rows(ws) -> tuple[list[list], list[str]]:
    """A sheet's rows from its first non-blank row to the row before the next blank one."""
    rows: list[list] = []
    where: list[str] = []
    for i, r in enumerate(ws.iter_rows(values_only=True), start=1):
        blank = all(c is None or str(c).strip() == "" for c in r)
        if blank and rows:
            break
        if not blank:
            rows.append(list(r))
            where.append(f"{ws.title}!{i}")
    return rows, where


def _number(text: str, file: str, line: str, key: str, problems: list) -> float | None:
    if text == "":
        problems.append(_where("blank: give a number of hectares (0 for none)", file, line,
                               key))
        return None
    try:
        v = float(text.replace(",", ""))
    except ValueError:
        problems.append(_where(f"'{text[:40]}' is not a number", file, line, key))
        return None
    if not math.isfinite(v):
        problems.append(_where(f"{text[:40]} is not a finite number", file, line, key))
        return None
    if v < 0:
        problems.append(_where(f"{v:g} ha: land cannot be negative", file, line, key))
        return None
    return v


def _where(msg: str, file: str, line: str, key: str | None) -> InputProblem:
    ln = int(line) if line.isdigit() else None
    f = file if ln is not None else f"{file} [{line}]"
    return InputProblem(msg, f, key, ln)


def _long(rows, where, header, names: Names, file: str) -> np.ndarray:
    lp = names.lp
    i_s, i_d, i_h = (header.index(k) for k in ("sector", "district", "hectares"))
    i_p = header.index("period") if "period" in header else None
    one = None if names.periods else names.inst.period  # one period: read only its rows
    x = np.zeros(lp.num_col)
    seen: dict[tuple[str, ...], str] = {}
    problems: list = []
    for r, w in zip(rows[1:], where[1:], strict=True):
        r = r + [""] * (len(header) - len(r))
        s, d = names.sector_of(r[i_s]), names.district_of(r[i_d])
        p = None
        if one is not None and i_p is not None:
            if r[i_p] != one:
                continue
        elif i_p is not None:
            p = r[i_p]
            if p not in names.periods:
                problems.append(_where(f"unknown period '{p[:40]}' (linked: "
                                       f"{', '.join(names.periods)})", file, w, "period"))
                p = s = None
        if r[i_s] == "":
            problems.append(_where("blank sector", file, w, "sector"))
        elif s is None:
            problems.append(_where(f"unknown sector '{r[i_s][:40]}'", file, w, "sector"))
        if r[i_d] == "":
            problems.append(_where("blank district", file, w, "district"))
        elif d is None:
            problems.append(_where(f"unknown district '{r[i_d][:40]}'", file, w, "district"))
        v = _number(r[i_h], file, w, "hectares", problems)
        if s is None or d is None or v is None:
            continue
        cell = (s, d) if p is None else (s, d, p)
        if cell in seen:
            problems.append(_where(f"{' × '.join(cell)} given twice (first on line "
                                   f"{seen[cell]})", file, w, "sector,district"))
            continue
        seen[cell] = w
        j = names.column(s, d, p)
        if j is None:
            problems.append(_where(f"{s} × {d} is no cell of period {p}", file, w, "sector"))
            continue
        x[j] = v
    if problems:
        raise InputError(problems)
    return x


#: A cell the report marks as not allowed by the plan: no land.
FORBIDDEN = "×"


def _wide(rows, where, names: Names, file: str, period: str | None = None) -> np.ndarray:
    """A matrix, either way round: the header names districts (sectors down, the CSV form)
    or sectors (districts down, as the report's workbook and the screen show it)."""
    lp = names.lp
    head = rows[0]
    across = [(k, text) for k, text in enumerate(head[1:], start=1)
              if _norm(text) not in _TOTAL_WORDS]
    n_s = sum(names.sector_of(t) is not None for _, t in across)
    n_d = sum(names.district_of(t) is not None for _, t in across)
    sectors_across = n_s > n_d
    col_kind, row_kind = ("sector", "district") if sectors_across else ("district", "sector")
    col_of = names.sector_of if sectors_across else names.district_of
    row_of = names.district_of if sectors_across else names.sector_of
    problems: list = []
    cols: dict[int, str] = {}
    for k, text in across:
        c = col_of(text)
        if text == "":
            problems.append(_where(f"blank {col_kind} name in column {k + 1}", file,
                                   where[0], None))
        elif c is None:
            problems.append(_where(f"unknown {col_kind} '{text[:40]}' (column {k + 1}); give "
                                   "a sector,district,hectares table or the report's matrix",
                                   file, where[0], None))
        elif c in cols.values():
            problems.append(_where(f"{col_kind} '{text[:40]}' given twice", file, where[0],
                                   None))
        else:
            cols[k] = c
    if not cols:  # no name of the plan across: not an allocation table, nothing of it quoted
        raise InputError.one(NOT_A_TABLE, file=file)
    if problems:
        raise InputError(problems)
    x = np.zeros(lp.num_col)
    seen: dict[str, str] = {}
    for r, w in zip(rows[1:], where[1:], strict=True):
        label = r[0] if r else ""
        if _norm(label) in _TOTAL_WORDS:
            continue
        own = row_of(label)
        if label == "":
            problems.append(_where(f"blank {row_kind} name", file, w, None))
            continue
        if own is None:
            problems.append(_where(f"unknown {row_kind} '{label[:40]}'", file, w, None))
            continue
        if own in seen:
            problems.append(_where(f"{row_kind} '{label[:40]}' given twice (first on "
                                   f"{seen[own]})", file, w, None))
            continue
        seen[own] = w
        for k, c in cols.items():
            s, d = (c, own) if sectors_across else (own, c)
            text = r[k] if k < len(r) else ""
            if text == FORBIDDEN:
                continue
            v = _number(text, file, w, f"{s}.{d}", problems)
            if v is None:
                continue
            j = names.column(s, d, period)
            if j is not None:
                x[j] = v
            elif v > 0:
                problems.append(_where(f"{s} × {d} is no cell of period {period}", file, w,
                                       None))
    if not seen and not problems:
        problems.append(_where(f"no {row_kind} rows", file, where[0], None))
    if problems:
        raise InputError(problems)
    return x


# ------------------------------------------------------------------ shared pieces
def allocation_records(problem: Problem, x: np.ndarray) -> list[dict[str, Any]]:
    """The cells with land (linked periods: with their period; carry-over columns are not
    land and are left out)."""
    names = Names(problem)
    return [{**k, "hectares": float(x[j])} for j in np.flatnonzero(np.abs(x) > HA_EPS)
            if (k := names.key(j)).get("period") != ""]


def allocation_frame(problem: Problem, x: np.ndarray) -> pd.DataFrame:
    cols = ["sector", "district", *(["period"] if problem.lp.meta.get("periods") else []),
            "hectares"]
    return pd.DataFrame(allocation_records(problem, x), columns=cols)


def moves(problem: Problem, frm: np.ndarray, to: np.ndarray) -> list[dict[str, Any]]:
    """Cells whose hectares differ, largest change first."""
    names = Names(problem)
    d = to - frm
    idx = np.flatnonzero(np.abs(d) > 1e-4)
    idx = idx[np.argsort(-np.abs(d[idx]), kind="stable")]
    out = []
    for j in idx:
        out.append({**names.key(j), "label": names.cell_label(j),
                    "from": float(frm[j]), "to": float(to[j]), "change": float(d[j])})
    return out


def _first(problem: Problem):
    first = al.optimum(problem.lp, problem.options)
    if first.status is Status.INFEASIBLE:
        raise Infeasible("the scenario's rules cannot all be met: run `landalloc diagnose`")
    if first.status is not Status.OPTIMAL:
        raise NotSolved(f"not solved: {first.message}")
    return first


class Infeasible(Exception):
    """The scenario itself has no feasible allocation (exit 3)."""


class NotSolved(Exception):
    """The solver stopped without an answer (exit 4)."""


def _base_x(problem: Problem) -> np.ndarray:
    """The solve's allocation (both stages), as `landalloc solve` gives it."""
    from landalloc.solver.sensitivity import analyse

    an = analyse(problem.lp, problem.options, probe=False)
    if an.solution is None or an.solution.x is None:
        raise NotSolved("not solved")
    x = an.solution.x
    return np.where(np.abs(x) < tolerance_of(problem.options).ha, 0.0, x)


# ------------------------------------------------------------------ check
@dataclass
class CheckReport:
    feasible: bool
    violations: list[dict[str, Any]]
    not_allowed: list[dict[str, Any]]
    objective: float
    optimum: float
    nearest: dict[str, Any] | None
    nearest_optimal: dict[str, Any] | None
    objective_unit: str = DEFAULT_UNIT
    source: str = ""

    @property
    def gap(self) -> float:
        return self.optimum - self.objective

    @property
    def above_optimum(self) -> bool:
        """A table that breaks rules may score above the optimum (which is the best of the
        tables that break none): beyond the tie tolerance (a relative 1e-6)."""
        return self.objective - self.optimum > 1e-6 * max(1.0, abs(self.optimum))

    def sentences(self) -> list[str]:
        return [v["sentence"] for v in self.violations] + [c["sentence"]
                                                           for c in self.not_allowed]

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.source, "feasible": self.feasible,
                "violations": [{k: v[k] for k in ("rule", "label", "source", "side", "limit",
                                                  "value", "excess", "sentence")}
                               for v in self.violations],
                "cells_not_allowed": self.not_allowed,
                "objective": self.objective, "optimum": self.optimum, "gap": self.gap,
                "above_optimum": self.above_optimum,
                "gap_share": self.gap / abs(self.optimum) if self.optimum else None,
                "objective_unit": self.objective_unit,
                "nearest": self.nearest, "nearest_optimal": self.nearest_optimal}


def violation_records(problem: Problem, tc: al.TableCheck) -> tuple[list, list]:
    lp, rows = problem.lp, problem.lp.rows
    out = []
    for i in np.flatnonzero(tc.row_excess):
        e = float(tc.row_excess[i])
        r = rows.iloc[i]
        over = e > 0
        offset = plan_offset(problem, r)  # a stock target reads existing + new land
        limit = float(lp.row_upper[i] if over else lp.row_lower[i]) + offset
        value = float(tc.activity[i]) + offset
        exact = lp.row_lower[i] == lp.row_upper[i]
        sign = "=" if exact else ("≤" if over else "≥")
        unit = "ha (beyond the share)" if r["kind"] in SHARES_OF_TOTAL else "ha"
        sentence = (f"{r['label_zh']} {r['label_en']} {sign} {_fmt(limit)} — {r['source']}: "
                    f"the table puts {_fmt(value)} {unit} there, {_fmt(abs(e))} "
                    f"{'over' if over else 'short'}")
        m = (lp.meta.get("measures") or {}).get(r["name"])
        share = None
        if r["kind"] == "rule_share" and m is not None and m.base is not None:
            sel, base = float(tc.x[m.cols].sum()), float(tc.x[m.base].sum())
            bound = m.upper if over else m.lower
            share = {"bound": float(bound), "selected_ha": sel, "base_ha": base,
                     "share": sel / base if base > 0 else None}
            got = f"{sel / base:.1%}" if base > 0 else "no base land"
            sentence = (f"{r['label_zh']} {r['label_en']}: share {'≤' if over else '≥'} "
                        f"{bound:.1%} — {r['source']}: the table gives {got} "
                        f"({_fmt(sel)} of {_fmt(base)} ha), {_fmt(abs(e))} ha "
                        f"{'over' if over else 'short'}")
        out.append({"rule": r["name"], "label": f"{r['label_zh']} / {r['label_en']}",
                    "source": r["source"], "side": "over" if over else "under",
                    "exact": bool(exact), "limit": limit, "value": value,
                    "excess": abs(e), "share": share, "sentence": sentence})
    names = Names(problem)
    cells = []
    for j in np.flatnonzero(tc.col_excess):
        k = names.key(j)
        allowed = lp.col_upper[j] > 0
        why = "the plan does not allow this cell" if not allowed else \
            f"the cell's bound is {_fmt(lp.col_upper[j])} ha"
        cells.append({**k, "hectares": float(tc.x[j]),
                      "sentence": f"{names.cell_label(j)}: {why}; the table puts "
                                  f"{_fmt(float(tc.x[j]))} ha there"})
    return out, cells


def plan_offset(problem: Problem, row) -> float:
    """What the plan's figure adds to a row's LP value: the existing stock for a stock
    target (its row holds only the new land), else 0."""
    if row["kind"] != "stock_target":
        return 0.0
    return float(problem.instance.horizon.existing_stock or 0.0)


def check_problem(problem: Problem, table: str | Path | np.ndarray) -> CheckReport:
    """What an allocation table breaks, its output against the optimum, and the nearest
    feasible (and, if it is feasible, the nearest optimal) allocation. Linked periods: the
    table gives every period's cells; the land it leaves to the next period is read as
    carried over (within carry_over.max)."""
    lp, tol = problem.lp, tolerance_of(problem.options)
    x = table if isinstance(table, np.ndarray) else read_table(table, problem)
    if getattr(problem, "horizon", None) is not None and not isinstance(table, np.ndarray):
        x = implied_carry(problem.horizon, x)
    first = _first(problem)
    tc = al.table_check(lp, x, tol)
    violations, not_allowed = violation_records(problem, tc)

    def block(nr: al.Nearest) -> dict[str, Any] | None:
        if nr.x is None:
            return None
        return {"allocation": allocation_records(problem, nr.x), "moved_ha": nr.moved_ha,
                "added_ha": nr.added, "removed_ha": nr.removed,
                "objective": float(lp.c @ nr.x), "moves": moves(problem, x, nr.x)}

    near = block(al.nearest(lp, x, problem.options, tol))
    near_opt = None
    if tc.feasible:
        near_opt = block(al.nearest(al.near_optimal(lp, first, 0.0, tol), x, problem.options,
                                    tol))
    return CheckReport(tc.feasible, violations, not_allowed, tc.objective,
                       float(first.objective), near, near_opt, lp.objective_unit,
                       "" if isinstance(table, np.ndarray) else str(table))


# ------------------------------------------------------------------ ranges
@dataclass
class RangesReport:
    slack: float
    optimum: float
    cells: pd.DataFrame  # sector, district, label, hectares, min, max, room
    solves: int = 0
    objective_unit: str = DEFAULT_UNIT

    def to_dict(self) -> dict[str, Any]:
        return {"slack": self.slack, "optimum": self.optimum,
                "objective_unit": self.objective_unit,
                "cells": [{"sector": r.sector, "district": r.district,
                           **({"period": r.period} if "period" in self.cells else {}),
                           "hectares": float(r.hectares), "min": _num(r.min),
                           "max": _num(r.max)} for r in self.cells.itertuples()]}


def ranges_problem(problem: Problem, slack: float = 0.0) -> RangesReport:
    """For every allowed cell, min and max ha over the allocations of output ≥
    (1 - slack) × optimum (slack 0: the optimal face)."""
    lp, tol = problem.lp, tolerance_of(problem.options)
    first = _first(problem)
    x = _base_x(problem)
    r = al.cell_ranges(al.near_optimal(lp, first, slack, tol), options=problem.options)
    names = Names(problem)
    idx = np.flatnonzero(al.allowed_cells(lp))
    lo = np.where(np.abs(r.lower) < tol.ha, 0.0, r.lower)
    hi = np.where(np.abs(r.upper) < tol.ha, 0.0, r.upper)
    keys = pd.DataFrame([names.key(j) for j in idx])
    df = keys.assign(label=[names.cell_label(j) for j in idx],
                     hectares=x[idx], min=lo[idx], max=hi[idx])
    df["room"] = df["max"] - df["min"]
    df.loc[df["room"] < 1e-6, "room"] = 0.0
    return RangesReport(slack, float(first.objective), df, r.solves, lp.objective_unit)


# ------------------------------------------------------------------ alternatives
@dataclass
class AlternativesReport:
    slack: float
    seed: int
    optimum: float
    base: np.ndarray
    items: list[dict[str, Any]] = field(default_factory=list)
    xs: list[np.ndarray] = field(default_factory=list)
    objective_unit: str = DEFAULT_UNIT

    @property
    def min_pairwise_ha(self) -> float:
        """The least hectares moved between any two of the optimum and the alternatives."""
        pts = [self.base, *self.xs]
        best = math.inf
        for a in range(len(pts)):
            for b in range(a + 1, len(pts)):
                best = min(best, _moved(pts[a], pts[b]))
        return best

    def to_dict(self) -> dict[str, Any]:
        return {"optimum": self.optimum, "slack": self.slack, "seed": self.seed,
                "objective_unit": self.objective_unit,
                "min_pairwise_moved_ha": _num(self.min_pairwise_ha),
                "alternatives": self.items}


def _moved(a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    return float(max(d[d > 0].sum(), -d[d < 0].sum()))


def direction_vector(problem: Problem, spec: str) -> np.ndarray:
    """'more:NAMES' or 'less:NAMES' (NAMES: district, zone or sector ids or names, comma
    separated) -> the cost vector that maximises (or minimises) the land there."""
    lp = problem.lp
    names = Names(problem)
    word, _, what = spec.partition(":")
    word = word.strip().casefold()
    if word not in ("more", "less") or not what.strip():
        raise InputError.one(f"'{spec[:60]}' is not a direction: give more:NAMES or "
                             "less:NAMES (districts, zones or sectors, comma separated), "
                             "e.g. more:transformation or less:airport", file="--direction")
    d = np.zeros(lp.num_col)
    for token in what.split(","):
        t = token.strip()
        dist, zone, sec = names.district_of(t), names.zone.get(_norm(t)), names.sector_of(t)
        if dist is not None:
            d[lp.col_district == lp.districts.index(dist)] = 1.0
        elif zone is not None:
            for m in names.zone_members[zone]:
                d[lp.col_district == lp.districts.index(m)] = 1.0
        elif sec is not None:
            d[lp.col_sector == lp.sectors.index(sec)] = 1.0
        else:
            raise InputError.one(f"'{t[:40]}' is no district, zone or sector of this plan",
                                 file="--direction")
    return d if word == "more" else -d


def alternatives_problem(problem: Problem, slack: float, n: int, seed: int = 0,
                         directions: list[str] | None = None) -> AlternativesReport:
    """n allocations with output ≥ (1 - slack) × optimum, as different from each other
    (and from the optimum) as possible; named directions first."""
    lp = problem.lp
    first = _first(problem)
    base = _base_x(problem)
    dirs = [(s, direction_vector(problem, s)) for s in (directions or [])]
    res = al.mga(lp, first, base, slack, n, seed, dirs, problem.options)
    rep = AlternativesReport(slack, seed, float(first.objective), base,
                             objective_unit=lp.objective_unit)
    opt = float(first.objective)
    for k, a in enumerate(res.alternatives, start=1):
        rep.xs.append(a.x)
        rep.items.append({
            "id": k, "how": a.how, "objective": a.objective, "loss": opt - a.objective,
            "loss_share": (opt - a.objective) / abs(opt) if opt else None,
            "moved_ha": _moved(base, a.x), "allocation": allocation_records(problem, a.x),
            "changes": moves(problem, base, a.x)})
    return rep


# ------------------------------------------------------------------ explain
@dataclass
class ExplainReport:
    sector: str
    district: str
    label: str
    hectares: float
    output_per_ha: float
    reduced_cost: float
    parts: list[dict[str, Any]]  # {rule, label, source, coefficient, price, part, ...}
    prices_unique: bool
    measured_total: float | None  # c_j - Σ a_ij × measured value, where prices not unique
    curve: pd.DataFrame  # hectares, optimum, loss, loss_per_ha (of the segment ending here)
    marginal_loss_per_ha: float  # output lost per ha forced in beyond the allocation
    optimum: float
    target: float | None = None
    slack: float = 0.0
    forced_loss: float | None = None  # output lost with the cell fixed at the target
    repair: dict[str, float] = field(default_factory=dict)  # set path -> new value
    repair_rows: list[dict[str, Any]] = field(default_factory=list)
    repair_note: str = ""
    repair_verified: bool | None = None
    objective_unit: str = DEFAULT_UNIT
    allowed: bool = True

    def repair_block(self) -> str:
        if not self.repair:
            return ""
        return "set:\n" + "".join(f"  {k}: {_yaml_num(v)}\n" for k, v in self.repair.items())

    def to_dict(self) -> dict[str, Any]:
        return {"sector": self.sector, "district": self.district, "label": self.label,
                "allowed": self.allowed, "hectares": self.hectares,
                "output_per_ha": self.output_per_ha, "reduced_cost": self.reduced_cost,
                "prices_unique": self.prices_unique, "parts": self.parts,
                "measured_total": _num(self.measured_total) if self.measured_total is not None
                else None,
                "optimum": self.optimum, "objective_unit": self.objective_unit,
                "marginal_loss_per_ha": _num(self.marginal_loss_per_ha),
                "curve": [{k: _num(v) for k, v in r.items()}
                          for r in self.curve.to_dict(orient="records")],
                "target": self.target, "slack": self.slack,
                "forced_loss": _num(self.forced_loss) if self.forced_loss is not None
                else None,
                "repair": self.repair, "repair_rows": self.repair_rows,
                "repair_note": self.repair_note, "repair_verified": self.repair_verified}


def _yaml_num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


def explain_problem(problem: Problem, sector: str, district: str, slack: float = 0.0,
                    target: float | None = None) -> ExplainReport:
    """Why cell (sector, district) gets what it gets: its output per ha against the prices
    of the rules it uses, the forcing curve, and the least rule change for `target` ha."""
    from landalloc.solver.sensitivity import analyse

    lp, tol = problem.lp, tolerance_of(problem.options)
    names = Names(problem)
    s, d = names.sector_of(sector), names.district_of(district)
    bad = []
    if s is None:
        bad.append(InputProblem(f"unknown sector '{sector[:40]}'", key="SECTOR"))
    if d is None:
        bad.append(InputProblem(f"unknown district '{district[:40]}'", key="DISTRICT"))
    if bad:
        raise InputError(bad)
    if target is not None and not (math.isfinite(target) and target >= 0):
        raise InputError.one(f"{target:g} is not a number of hectares", file="--target")
    j = lp.col_index(s, d)
    first = _first(problem)
    an = analyse(lp, problem.options, probe=True)
    x = an.solution.x
    xj = float(x[j]) if abs(x[j]) > tol.ha else 0.0
    allowed = bool(lp.col_upper[j] > lp.col_lower[j])
    y = first.row_dual
    col = lp.A[:, j].toarray().ravel()
    rules = an.rules.set_index("name")
    parts = []
    measured = float(lp.c[j])
    unique = True
    for i in np.flatnonzero(col):
        r = lp.rows.iloc[i]
        info = rules.loc[r["name"]]
        a = float(col[i])
        pu = bool(info["price_unique"])
        unique &= pu
        more, less = float(info["value_one_more_ha"]), float(info["value_one_less_ha"])
        # using a ha of the rule is its bound falling by a (a > 0) or rising (a < 0)
        m_price = -less if a > 0 else more
        if np.isfinite(m_price):
            measured -= a * m_price
        parts.append({"rule": r["name"], "label": f"{r['label_zh']} / {r['label_en']}",
                      "source": r["source"], "coefficient": a, "price": float(y[i]),
                      "part": a * float(y[i]), "price_unique": pu,
                      "value_one_more": _num(more), "value_one_less": _num(less),
                      "measured_price": _num(m_price)})
    rc = float(lp.c[j] - col @ y)
    curve = al.forcing_curve(lp, j, problem.options)
    opt = float(first.objective)
    prev = np.r_[np.nan, curve.value[:-1]]
    prev_t = np.r_[np.nan, curve.t[:-1]]
    cdf = pd.DataFrame({"hectares": curve.t, "optimum": curve.value,
                        "loss": opt - curve.value})
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf["loss_per_ha"] = -(curve.value - prev) / (curve.t - prev_t)
    marginal = -curve.slope_right(xj) if curve.t.size > 1 else math.nan
    rep = ExplainReport(s, d, names.cell_label(j), xj, float(lp.c[j]), rc, parts,
                        bool(unique), None if unique else measured, cdf,
                        marginal, opt, target, slack, objective_unit=lp.objective_unit,
                        allowed=allowed)
    if target is not None:
        if curve.t[0] - tol.ha <= target <= curve.t[-1] + tol.ha:
            rep.forced_loss = opt - curve.at(target)
        _repair(problem, rep, j, target, opt - slack * abs(opt))
    return rep


def _repair(problem: Problem, rep: ExplainReport, j: int, target: float, floor: float) -> None:
    """The least change of the plan's figures (ha) that lets cell j hold `target` ha with
    output ≥ floor, as set paths; checked by re-solving the changed scenario."""
    lp = problem.lp
    if not rep.allowed:
        rep.repair_note = ("the plan does not allow this cell; allow it first "
                           f"(allowed.{rep.sector}.{rep.district}: true)")
        return
    movable = (lp.rows["kind"] != "rule").to_numpy()
    e = al.elastic(lp, j, target, floor, movable=movable, options=problem.options)
    if e.status is not Status.OPTIMAL:
        rep.repair_note = f"no change of the plan's figures does it ({e.status.value})"
        return
    if e.cost <= 1e-6:
        rep.repair_note = "no rule needs to change: the plan's figures allow it already"
        rep.repair_verified = True
        return
    total_x = float(e.x.sum())
    for i in np.flatnonzero((e.lower_by > 0) | (e.upper_by > 0)):
        r = lp.rows.iloc[i]
        lo, hi = float(lp.row_lower[i]), float(lp.row_upper[i])
        u, v = float(e.lower_by[i]), float(e.upper_by[i])
        kind = r["kind"]
        if kind in SHARES_OF_TOTAL:
            share = 1.0 - float(lp.A[i, :].toarray().max())
            side = r["part"] or "min"
            new = share - u / total_x if u > 0 else share + v / total_x
            new = math.floor(new * 1e4) / 1e4 if u > 0 else math.ceil(new * 1e4) / 1e4
            path = f"{figure_path(kind, r['members'], r['part'])}"
            old = share
            path = path if path.endswith((".min", ".max")) else f"{path}.{side}"
        else:
            base = figure_path(kind, r["members"], r["part"])
            if base is None:
                continue
            if lo == hi:
                new, path = (lo - u if u > 0 else hi + v), base
                old = lo
            elif u > 0:
                new, old = math.floor((lo - u) * 100) / 100, lo
                path = base if kind == "district_cap" else f"{base}.min"
            else:
                new, old = math.ceil((hi + v) * 100) / 100, hi
                path = base if kind == "district_cap" else f"{base}.max"
        rep.repair[path] = float(round(new, 4))
        rep.repair_rows.append({"rule": r["name"], "label": f"{r['label_zh']} / {r['label_en']}",
                                "source": r["source"], "path": path, "old": old,
                                "new": float(round(new, 4))})
    rep.repair_verified = _verify(problem, j, target, floor, rep.repair)
    if not rep.repair_verified:
        rep.repair_note = "the rounded change was not enough in a re-solve; treat as a guide"


def _verify(problem: Problem, j: int, target: float, floor: float,
            sets: dict[str, float]) -> bool:
    import dataclasses

    from landalloc.problem.build import load_problem

    try:
        changed = load_problem(problem.instance, sets=[f"{k}={v!r}" for k, v in sets.items()])
    except InputError:
        return False
    lp = changed.lp
    cl = lp.col_lower.copy()
    cl[j] = max(cl[j], target)
    raw = al.solve(dataclasses.replace(lp, col_lower=cl), problem.options)
    tol = tolerance_of(problem.options)
    return raw.status is Status.OPTIMAL and raw.objective >= floor - tol.ha * max(1, abs(floor))
