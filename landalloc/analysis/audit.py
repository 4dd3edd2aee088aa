"""The plan's own arithmetic, checked: rows against totals, shares against bases, rates
against levels, text against tables, periods against each other.

The figures live in data (`instances/<name>/plan-figures.yaml`), each with where it is
printed; the checks are generic (sum, share, growth, growth_base, equal, formula), so another
city's plan is another data file.

A printed number stands for every value that rounds to it: 34.7 means [34.65, 34.75]. All
arithmetic runs on these intervals, and a check fires only when the computed interval and
the stated one do not meet — so rounding within half a unit of the last printed digit is
never reported, however many rounded numbers go into a sum.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from landalloc.errors import InputError, Problem
from landalloc.plan.datafile import validation_problems
from landalloc.plan.locate import INSTANCE_FILE, instances_root
from landalloc.plan.safefile import of_kind
from landalloc.plan.yamlio import Where, read_yaml

FIGURES_FILE = "plan-figures.yaml"
EPS = 1e-9

# ---------------------------------------------------------------- interval numbers


@dataclass(frozen=True)
class Num:
    """A value and the interval of values that print the same (or follow from such)."""

    v: float
    lo: float
    hi: float

    @classmethod
    def exact(cls, v: float) -> Num:
        return cls(v, v, v)

    @classmethod
    def printed(cls, v: float, step: float) -> Num:
        return cls(v, v - step / 2, v + step / 2)

    def __add__(self, o: Num) -> Num:
        return Num(self.v + o.v, self.lo + o.lo, self.hi + o.hi)

    def __sub__(self, o: Num) -> Num:
        return Num(self.v - o.v, self.lo - o.hi, self.hi - o.lo)

    def __neg__(self) -> Num:
        return Num(-self.v, -self.hi, -self.lo)

    def __mul__(self, o: Num) -> Num:
        c = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        return Num(self.v * o.v, min(c), max(c))

    def __truediv__(self, o: Num) -> Num:
        if o.lo <= 0 <= o.hi:
            raise ZeroDivisionError("division by a number that may be zero")
        return self * Num(1 / o.v, 1 / o.hi, 1 / o.lo)

    def __pow__(self, o: Num) -> Num:
        if self.lo < 0:
            raise ValueError("power of a number that may be negative")
        c = [a ** b for a in (self.lo, self.hi) for b in (o.lo, o.hi)]
        return Num(self.v ** o.v, min(c), max(c))

    def meets(self, o: Num) -> bool:
        """Do the intervals overlap (up to float noise)?"""
        tol = EPS * max(1.0, abs(self.v), abs(o.v))
        return self.lo <= o.hi + tol and o.lo <= self.hi + tol


# ---------------------------------------------------------------- the data file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class FigureSpec(_Strict):
    """One printed number: its value as printed, where it is printed, and what it is."""

    value: int | float
    where: str
    label: str | None = None
    unit: str | None = None
    step: float | None = None  # rounding unit; default: the last printed digit
    exact: bool = False  # a definition (e.g. 翻一番 = 100 %), not a rounded number
    note: str | None = None


class RowSpec(_Strict):
    value: int | float
    label: str | None = None
    unit: str | None = None
    share: int | float | None = None
    step: float | None = None


class TableSpec(_Strict):
    """A table: its rows must add up to its total; each share must be row / base."""

    where: str
    title: str | None = None
    unit: str | None = None
    rows: dict[str, RowSpec]
    total: RowSpec | None = None
    share_base: str | None = None  # a figure id; default: the table's total
    exact: bool = False  # the values are decisions (allocations), not rounded numbers
    note: str | None = None


Ref = str | int | float  # a figure id or an exact number


class CheckSpec(_Strict):
    kind: Literal["sum", "share", "growth", "growth_base", "equal", "formula"]
    id: str | None = None
    note: str | None = None
    # sum
    parts: list[Ref] | None = None
    total: Ref | None = None
    # share
    part: Ref | None = None
    base: Ref | None = None
    share: Ref | None = None
    # growth
    start: Ref | None = None
    end: Ref | None = None
    years: Ref | None = None
    rate: Ref | None = None
    decline: bool = False
    # growth_base
    items: list[dict[str, Ref]] | None = None
    base_year: int | None = None
    # equal
    a: Ref | None = None
    b: Ref | None = None
    # formula
    expr: str | None = None
    stated: Ref | None = None

    @model_validator(mode="after")
    def _fields(self) -> CheckSpec:
        need = {"sum": ("parts", "total"), "share": ("part", "base", "share"),
                "growth": ("start", "end", "years", "rate"), "growth_base": ("items",),
                "equal": ("a", "b"), "formula": ("expr", "stated")}[self.kind]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.kind} check needs {', '.join(missing)}")
        return self


class FiguresFile(_Strict):
    name: str
    title: str | None = None
    figures: dict[str, FigureSpec] = {}
    tables: dict[str, TableSpec] = {}
    checks: list[CheckSpec] = []


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    id: str
    value: float
    step: float
    where: str
    label: str = ""
    unit: str = ""

    @property
    def num(self) -> Num:
        return Num.printed(float(self.value), self.step)

    def text(self) -> str:
        return _fmt_printed(self.value, self.step) + (f" {self.unit}" if self.unit else "")


def printed_step(value: int | float) -> float:
    """The unit of the last printed digit: 34.7 -> 0.1, 2300 -> 1, 42.0 -> 0.1."""
    if isinstance(value, int):  # bool is an int too
        return 1.0
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 1.0
    return 10.0 ** -len(text.split(".")[1])


def _fmt_printed(v: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step) + 1e-12)) if step > 0 else 2
    return f"{v:,.{decimals}f}"


def build_figures(spec: FiguresFile) -> dict[str, Figure]:
    """Every number by id: the figures, and each table's rows, shares and total."""
    figs: dict[str, Figure] = {}
    for fid, f in spec.figures.items():
        step = 0.0 if f.exact else (f.step if f.step is not None else printed_step(f.value))
        figs[fid] = Figure(fid, float(f.value), step, f.where, f.label or "", f.unit or "")
    for tid, t in spec.tables.items():
        rows = dict(t.rows)
        if t.total is not None:
            rows["total"] = t.total
        for rid, r in rows.items():
            where = f"{t.where}, {r.label or rid}"
            step = r.step if r.step is not None else 0.0 if t.exact else printed_step(r.value)
            figs[f"{tid}.{rid}"] = Figure(f"{tid}.{rid}", float(r.value), step, where,
                                          r.label or rid, r.unit or t.unit or "")
            if r.share is not None:
                figs[f"{tid}.{rid}.share"] = Figure(
                    f"{tid}.{rid}.share", float(r.share), printed_step(r.share),
                    f"{where} (share)", f"{r.label or rid} share", "%")
    return figs


# ---------------------------------------------------------------- results


@dataclass
class CheckResult:
    """One check: the stated number, the number that follows from the others, and whether
    they can be the same once rounding is allowed for."""

    id: str
    kind: str
    fired: bool
    where: list[str]
    stated: Num
    stated_text: str
    computed: Num
    computed_text: str
    message: str
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    message_zh: str = ""  # the message in Chinese (the plan's references as it prints them)

    @property
    def difference(self) -> float:
        return self.computed.v - self.stated.v

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "inconsistent": self.fired,
                "where": self.where, "stated": self.stated.v, "stated_text": self.stated_text,
                "stated_interval": [self.stated.lo, self.stated.hi],
                "computed": self.computed.v, "computed_text": self.computed_text,
                "computed_interval": [self.computed.lo, self.computed.hi],
                "difference": self.difference, "message": self.message,
                "message_zh": self.message_zh, "note": self.note,
                **({"extra": self.extra} if self.extra else {})}


@dataclass
class AuditReport:
    name: str
    file: Path
    results: list[CheckResult]

    @property
    def findings(self) -> list[CheckResult]:
        return [r for r in self.results if r.fired]

    def to_dict(self, include_quiet: bool = False) -> dict[str, Any]:
        out = {"name": self.name, "file": str(self.file), "checks_run": len(self.results),
               "inconsistencies": len(self.findings),
               "findings": [r.to_dict() for r in self.findings]}
        if include_quiet:
            out["quiet"] = [r.to_dict() for r in self.results if not r.fired]
        return out


# ---------------------------------------------------------------- the checks


class _Ctx:
    def __init__(self, figs: dict[str, Figure], check_key: str):
        self.figs = figs
        self.key = check_key
        self.where: list[str] = []

    def num(self, ref: Ref) -> Num:
        if isinstance(ref, int | float) and not isinstance(ref, bool):
            return Num.exact(float(ref))
        if ref not in self.figs:
            raise InputError.one(f"unknown figure '{ref}'", file=FIGURES_FILE, key=self.key)
        f = self.figs[ref]
        if f.where not in self.where:
            self.where.append(f.where)
        return f.num

    def text(self, ref: Ref) -> str:
        if isinstance(ref, int | float):
            return f"{ref:g}"
        return self.figs[ref].text()

    def bare(self, ref: Ref) -> str:
        """The number as printed, without its unit (for formulas)."""
        if isinstance(ref, int | float):
            return f"{ref:g}"
        f = self.figs[ref]
        return _fmt_printed(f.value, f.step).replace(",", "")

    def wh(self, ref: Ref) -> str:
        return self.figs[ref].where if isinstance(ref, str) else "definition"


def _fmt(v: float, like_step: float, more: int = 2) -> str:
    decimals = max(0, -math.floor(math.log10(like_step) + 1e-12)) + more if like_step > 0 else 2
    return f"{v:,.{min(decimals, 4)}f}"


def _step_of(ctx: _Ctx, ref: Ref) -> float:
    return ctx.figs[ref].step if isinstance(ref, str) and ctx.figs[ref].step > 0 else 1.0


def check_sum(ctx: _Ctx, c: CheckSpec, cid: str) -> CheckResult:
    parts = [ctx.num(p) for p in c.parts]
    total = ctx.num(c.total)
    got = parts[0]
    for p in parts[1:]:
        got = got + p
    step = _step_of(ctx, c.total)
    fired = not got.meets(total)
    added = _fmt(got.v, step, 1 if step < 1 else 0)
    msg = (f"{ctx.wh(c.total)}: the parts add up to {added}, "
           f"the total printed is {ctx.text(c.total)}")
    zh = f"{ctx.wh(c.total)}：各分项相加为 {added}，所载合计为 {ctx.text(c.total)}"
    return CheckResult(cid, "sum", fired, ctx.where, total, ctx.text(c.total), got,
                       " + ".join(ctx.text(p) for p in c.parts), msg, c.note, message_zh=zh)


def check_share(ctx: _Ctx, c: CheckSpec, cid: str) -> CheckResult:
    part, base, share = ctx.num(c.part), ctx.num(c.base), ctx.num(c.share)
    got = part / base * Num.exact(100.0)
    step = _step_of(ctx, c.share)
    fired = not got.meets(share)
    ratio = f"{ctx.text(c.part)} / {ctx.text(c.base)} = {_fmt(got.v, step)} %"
    msg = f"{ctx.wh(c.share)}: {ctx.text(c.share)} printed; {ratio}"
    zh = f"{ctx.wh(c.share)}：所载 {ctx.text(c.share)}；{ratio}"
    return CheckResult(cid, "share", fired, ctx.where, share, ctx.text(c.share), got,
                       f"{ctx.text(c.part)} / {ctx.text(c.base)}", msg, c.note, message_zh=zh)


def _rate(start: Num, end: Num, years: Num) -> Num:
    one, hundred = Num.exact(1.0), Num.exact(100.0)
    return ((end / start) ** (one / years) - one) * hundred


def check_growth(ctx: _Ctx, c: CheckSpec, cid: str) -> CheckResult:
    start, end, years, rate = ctx.num(c.start), ctx.num(c.end), ctx.num(c.years), ctx.num(c.rate)
    stated = -rate if c.decline else rate
    got = _rate(start, end, years)
    # end / start once, so the interval is exact (start twice would widen it)
    simple = (end / start - Num.exact(1.0)) / years * Num.exact(100.0)
    step = _step_of(ctx, c.rate)
    compounded = got.meets(stated)
    # a plan's "年均" may be the simple average (total change / years): a printed rate the
    # simple average of the printed levels rounds to is that reading, not an inconsistency
    as_simple = not compounded and stated.lo <= simple.v <= stated.hi
    fired = not compounded and not as_simple
    word, word_zh = ("fall", "年均下降") if c.decline else ("growth", "年均增长")
    rate_s, avg = _fmt(got.v, step, 1), _fmt(simple.v, step, 1)
    msg = (f"{ctx.wh(c.rate)}: {word} of {ctx.text(c.rate)} printed; "
           f"{ctx.text(c.start)} -> {ctx.text(c.end)} in {years.v:g} years is "
           f"{rate_s} %/yr compounded")
    zh = (f"{ctx.wh(c.rate)}：所载{word_zh} {ctx.text(c.rate)}；{years.v:g} 年间 "
          f"{ctx.text(c.start)} -> {ctx.text(c.end)}，复合年均 {rate_s} %/年")
    extra = {"simple_average": simple.v, "reading": "compounded" if compounded else
             "simple average" if as_simple else None}
    if as_simple:
        msg += f"; consistent as a simple average (total change / years): {avg} %/yr"
        zh += f"；按简单平均（总变化 / 年数）为 {avg} %/年，与所载相符"
    elif fired and simple.meets(stated):
        msg += (f"; as a simple average {avg} %/yr, which meets the printed"
                " rate only at the edge of rounding")
        zh += f"；按简单平均为 {avg} %/年，仅在舍入边缘与所载相符"
    elif fired:
        msg += (f"; as a simple average {avg} %/yr: neither reading reaches the printed "
                "rate at any rounding of the printed figures")
        zh += f"；按简单平均为 {avg} %/年：两种读法在任何舍入下都达不到所载年率"
    return CheckResult(cid, "growth", fired, ctx.where, stated, ctx.text(c.rate), got,
                       f"({ctx.text(c.end)} / {ctx.text(c.start)})^(1/{years.v:g}) - 1", msg,
                       c.note, extra, message_zh=zh)


def check_growth_base(ctx: _Ctx, c: CheckSpec, cid: str) -> CheckResult:
    """Several (level, average rate, years since a common base): do they share one base?"""
    bases, texts, texts_zh = [], [], []
    for i, it in enumerate(c.items or []):
        if not {"level", "rate", "years"} <= set(it):
            raise InputError.one("each item needs level, rate and years", file=FIGURES_FILE,
                                 key=f"{ctx.key}.items[{i}]")
        level, rate, years = ctx.num(it["level"]), ctx.num(it["rate"]), ctx.num(it["years"])
        one = Num.exact(1.0)
        bases.append(level / (one + rate / Num.exact(100.0)) ** years)
        texts.append(f"{ctx.text(it['level'])} at {ctx.text(it['rate'])} over "
                     f"{years.v:g} years")
        texts_zh.append(f"{ctx.text(it['level'])}，年均 {ctx.text(it['rate'])}，"
                        f"{years.v:g} 年")
    lo = max(b.lo for b in bases)
    hi = min(b.hi for b in bases)
    fired = lo > hi + EPS * max(1.0, abs(lo))
    i_min = min(range(len(bases)), key=lambda i: bases[i].v)
    i_max = max(range(len(bases)), key=lambda i: bases[i].v)
    by = f" in {c.base_year}" if c.base_year else ""
    implied = "; ".join(f"{t} -> {b.v:,.0f}" for t, b in zip(texts, bases, strict=True))
    msg = (f"{ctx.where[0]}: the stated levels and average rates imply different base "
           f"values{by}: {implied}" if fired else
           f"{ctx.where[0]}: the stated levels and rates agree on one base{by}: {implied}")
    by_zh = f" {c.base_year} 年" if c.base_year else ""
    implied_zh = "；".join(f"{t} -> {b.v:,.0f}" for t, b in zip(texts_zh, bases, strict=True))
    zh = (f"{ctx.where[0]}：所载水平与年均增长率推出的{by_zh}基数不一致：{implied_zh}"
          if fired else f"{ctx.where[0]}：所载水平与增长率推出同一{by_zh}基数：{implied_zh}")
    return CheckResult(cid, "growth_base", fired, ctx.where, bases[i_max], texts[i_max],
                       bases[i_min], texts[i_min], msg, c.note,
                       {"bases": [b.v for b in bases]}, message_zh=zh)


def check_equal(ctx: _Ctx, c: CheckSpec, cid: str) -> CheckResult:
    a, b = ctx.num(c.a), ctx.num(c.b)
    fired = not a.meets(b)
    msg = f"{ctx.wh(c.a)} prints {ctx.text(c.a)}; {ctx.wh(c.b)} prints {ctx.text(c.b)}"
    zh = f"{ctx.wh(c.a)} 所载为 {ctx.text(c.a)}；{ctx.wh(c.b)} 所载为 {ctx.text(c.b)}"
    return CheckResult(cid, "equal", fired, ctx.where, a, ctx.text(c.a), b, ctx.text(c.b), msg,
                       c.note, message_zh=zh)


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow}
_ID = re.compile(r"(?<![0-9.])[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")


def evaluate(expr: str, value_of) -> Num:
    """Arithmetic over figure ids (+ - * / ** and parentheses), on intervals."""
    names: dict[str, str] = {}

    def repl(m: re.Match) -> str:
        names.setdefault(m.group(0), f"_v{len(names)}")
        return names[m.group(0)]

    code = _ID.sub(repl, expr)
    back = {v: k for k, v in names.items()}
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError as e:
        raise ValueError(f"cannot read the formula '{expr}': {e.msg}") from None

    def ev(node: ast.AST) -> Num:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return Num.exact(float(node.value))
        if isinstance(node, ast.Name) and node.id in back:
            return value_of(back[node.id])
        raise ValueError(f"only numbers, figure ids and + - * / ** are allowed in '{expr}'")

    return ev(tree)


def check_formula(ctx: _Ctx, c: CheckSpec, cid: str) -> CheckResult:
    try:
        got = evaluate(c.expr, ctx.num)
    except (ValueError, ZeroDivisionError) as e:
        raise InputError.one(str(e), file=FIGURES_FILE, key=f"{ctx.key}.expr") from None
    stated = ctx.num(c.stated)
    step = _step_of(ctx, c.stated)
    fired = not got.meets(stated)
    shown = _ID.sub(lambda m: ctx.bare(m.group(0)) if m.group(0) in ctx.figs else m.group(0),
                    c.expr)
    value = f"{shown} = {_fmt(got.v, step, 1)}"
    msg = f"{ctx.wh(c.stated)} prints {ctx.text(c.stated)}; {value}"
    zh = f"{ctx.wh(c.stated)} 所载为 {ctx.text(c.stated)}；{value}"
    return CheckResult(cid, "formula", fired, ctx.where, stated, ctx.text(c.stated), got,
                       shown, msg, c.note, {"expr": c.expr}, message_zh=zh)


CHECKS = {"sum": check_sum, "share": check_share, "growth": check_growth,
          "growth_base": check_growth_base, "equal": check_equal, "formula": check_formula}


def table_checks(tid: str, t: TableSpec) -> list[CheckSpec]:
    """What every table promises: rows add to the total, each share is row / base, and the
    shares add to the total share."""
    out = []
    if t.total is not None:
        out.append(CheckSpec(kind="sum", id=f"{tid}.sum", parts=[f"{tid}.{r}" for r in t.rows],
                             total=f"{tid}.total", note=t.note))
    base = t.share_base or (f"{tid}.total" if t.total is not None else None)
    for rid, r in t.rows.items():
        if r.share is not None and base is not None:
            out.append(CheckSpec(kind="share", id=f"{tid}.share.{rid}", part=f"{tid}.{rid}",
                                 base=base, share=f"{tid}.{rid}.share", note=t.note))
    if t.total is not None and t.total.share is not None and all(
            r.share is not None for r in t.rows.values()):
        out.append(CheckSpec(kind="sum", id=f"{tid}.share_sum",
                             parts=[f"{tid}.{r}.share" for r in t.rows],
                             total=f"{tid}.total.share", note=t.note))
    return out


def run_checks(spec: FiguresFile) -> list[CheckResult]:
    figs = build_figures(spec)
    checks: list[tuple[str, CheckSpec]] = []
    for tid, t in spec.tables.items():
        checks += [(f"tables.{tid}", c) for c in table_checks(tid, t)]
    checks += [(f"checks[{i}]", c) for i, c in enumerate(spec.checks)]
    results = []
    for key, c in checks:
        ctx = _Ctx(figs, key)
        cid = c.id or f"{c.kind}-{key}"
        results.append(CHECKS[c.kind](ctx, c, cid))
    return results


# ---------------------------------------------------------------- loading


def resolve_figures(ref: str | Path | None = None) -> Path:
    if ref is None:
        ref = "zhengzhou"
    path = Path(ref)
    if path.is_dir():
        return path / FIGURES_FILE
    if path.name == INSTANCE_FILE:
        return path.parent / FIGURES_FILE
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return instances_root() / str(ref) / FIGURES_FILE


def parse_figures(data: Any, file: str = FIGURES_FILE, where: Where | None = None,
                  found: list[Problem] | None = None) -> FiguresFile:
    """The checked figures file; a file that is not one at all is refused unquoted, then
    `found` (what reading it noted) is raised."""
    of_kind(data, ("figures", "tables", "checks"), file, "a plan-figures file")
    if found:
        raise InputError(found)
    try:
        return FiguresFile.model_validate(data)
    except ValidationError as err:
        raise InputError(validation_problems(err, where or {}, file, FiguresFile)) from None


def audit(ref: str | Path | dict | None = None) -> AuditReport:
    """Run every check of a plan-figures file (a path, an instance name, or the data)."""
    if isinstance(ref, dict):
        spec, file = parse_figures(ref), Path("<data>")
    else:
        file = resolve_figures(ref)
        where: Where = {}
        found: list[Problem] = []  # reported once the file is known to be of its kind
        data = read_yaml(file, where, problems=found)
        spec = parse_figures(data, str(file), where, found)
    return AuditReport(spec.name, file, run_checks(spec))
