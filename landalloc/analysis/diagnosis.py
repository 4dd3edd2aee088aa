"""Infeasibility explained in the plan's terms, and the smallest repair as a `set:` block.

The mathematics (IIS, Farkas certificate, elastic LP) is in `landalloc.solver.diagnose`;
this module puts names on it: the plan's 中文 and English labels, where each rule comes from
(the plan's table, or the scenario file and key that changed it), the arithmetic that shows
the conflict, and the `--set` paths that fix it.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landalloc.errors import InputError
from landalloc.formulations.lp import Key, LinearProgram
from landalloc.formulations.rule_kinds import kind_of, plan_share
from landalloc.plan.model import Instance
from landalloc.plan.overrides import Override, apply, normalise
from landalloc.problem.entry_maps import col_prefix, row_prefix
from landalloc.solver.diagnose import (
    COL,
    DEFAULT_IIS_TIME_LIMIT,
    IIS,
    LOWER,
    ROW,
    UPPER,
    Change,
    Elastic,
    Member,
    certificate,
    elastic,
    find_iis,
    snap,
)

RELAX_KINDS = ("total", "sectors", "groups", "districts", "zones", "rules", "allowed",
               "horizon", "stock", "carry_over")
DEFAULT_RELAX = ("total", "sectors", "groups", "districts", "zones", "rules", "horizon",
                 "stock", "carry_over")
#: Linked periods: the rules across periods first (their `--set` paths name one rule; a
#: period's own figure set by `--set` would move in every linked period).
LINKED_RELAX = ("horizon", "stock", "carry_over", "rules")
#: Row kinds of the rules across periods, named by their labels.
_ACROSS = {"horizon_district_cap", "horizon_zone_total", "horizon_sector_total",
           "stock_target", "carry_over", "horizon_rule"}


# ---------------------------------------------------------------- what may move


def split_names(items: list[str] | str | None) -> list[str]:
    """`sectors,district_cap[airport],allowed[food,etdz]` -> names; commas inside [] stay."""
    if items is None:
        return []
    if isinstance(items, str):
        items = [items]
    out: list[str] = []
    for text in items:
        depth, cur = 0, ""
        for ch in text:
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            if ch == "," and depth == 0:
                out.append(cur.strip())
                cur = ""
            else:
                cur += ch
        out.append(cur.strip())
    return [s for s in out if s]


@dataclass
class RelaxSpec:
    """Which bounds the elastic LP may move, and the price of one hectare of each."""

    kinds: set[str] = field(default_factory=lambda: set(DEFAULT_RELAX))
    names: set[str] = field(default_factory=set)
    weights: dict[str, float] = field(default_factory=dict)  # kind or rule name -> weight

    @classmethod
    def parse(cls, relax: list[str] | str | None, weights: dict[str, float] | list[str] | None,
              lp: LinearProgram | None = None) -> RelaxSpec:
        """From CLI words; unknown kinds or rule names are input errors."""
        items = split_names(relax)
        spec = cls() if not items else cls(kinds=set(), names=set())
        known_names = set(lp.row_names()) if lp is not None else None
        problems = []
        for it in items:
            if it == "all":
                spec.kinds |= set(RELAX_KINDS)
            elif it in RELAX_KINDS:
                spec.kinds.add(it)
            elif it.startswith("allowed[") or known_names is None or it in known_names:
                spec.names.add(it)
            else:
                problems.append(f"'{it}' is neither a kind ({', '.join(RELAX_KINDS)}, all) "
                                f"nor a rule of this plan")
        if isinstance(weights, list):
            parsed: dict[str, float] = {}
            for w in split_names(weights):
                key, eq, val = w.partition("=")
                try:
                    parsed[key.strip()] = float(val)
                    if not eq or parsed[key.strip()] <= 0:
                        raise ValueError
                except ValueError:
                    problems.append(f"expected KIND=WEIGHT with a positive number, got '{w}'")
            weights = parsed
        spec.weights = dict(weights or {})
        if problems:
            raise InputError.one("; ".join(problems), file="--relax/--weight")
        return spec

    def weight(self, lp: LinearProgram, m: Member) -> float | None:
        """Price per unit of slack on bound m, or None if it must stay."""
        if m.structural:
            return None
        name = m.name(lp)
        if m.where == COL:
            key = m.key(lp)
            if key.kind != "allowed" or key.period:
                return None  # x >= 0, or a linked period's cell (no --set for one period)
            kind = "allowed"
        else:
            kind = kind_of(str(lp.rows["kind"].iat[m.index])).relax
        if name not in self.names and kind not in self.kinds:
            return None
        return float(self.weights.get(name, self.weights.get(kind, 1.0)))


# ---------------------------------------------------------------- names and paths


def member_prefix(lp: LinearProgram, m: Member) -> str | None:
    """The path bound m reads from, from the row's kind (or the column's cell)."""
    if m.where == COL:
        return col_prefix(lp, m.index) if m.key(lp).kind == "allowed" else None
    return row_prefix(lp, m.index)


def set_path(lp: LinearProgram, m: Member) -> str | None:
    """The `--set` path that moves bound m, e.g. `sectors.electronics.quota.min`."""
    prefix = member_prefix(lp, m)
    if prefix is None or m.structural:
        return None
    if m.where == COL:
        return prefix  # allowed.s.d: true
    side = "min" if m.side == LOWER else "max"
    kind = lp.rows["kind"].iat[m.index]
    if kind == "carry_over":
        return prefix  # carry_over.max: 500
    if kind in ("district_cap", "horizon_district_cap") and side == "max" \
            and not np.isfinite(lp.row_lower[m.index]):
        return prefix  # a cap is an upper bound: districts.airport.cap: 1300
    return f"{prefix}.{side}"


def _fmt(v: float | None) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    v = snap(v, 6)
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    if abs(v) < 1:
        return f"{v:.4g}"
    return f"{v:,.2f}"


#: The words _old_value may give, in Chinese.
OLD_ZH = {"unset": "未设定", "allowed": "允许", "not allowed": "不允许"}


def _old_value(v: Any) -> str:
    """A bound as a person writes it (= 400, ≤ 1,100, 300–500), never a raw mapping."""
    if isinstance(v, dict):
        lo, hi = v.get("min"), v.get("max")
        if v.get("value") is not None:
            lo = hi = v["value"]
        if lo is not None and lo == hi:
            return _fmt(lo)
        if lo is not None and hi is not None:
            return f"{_fmt(lo)}–{_fmt(hi)}"
        if hi is not None:
            return f"≤ {_fmt(hi)}"
        if lo is not None:
            return f"≥ {_fmt(lo)}"
        return "—"
    if v is None:
        return "unset"
    if isinstance(v, bool):
        return "allowed" if v else "not allowed"
    if isinstance(v, int | float):
        return _fmt(float(v))
    return str(v)


class Namer:
    """Plan labels for rules and cells, from the Instance when there is one."""

    def __init__(self, lp: LinearProgram, instance: Instance | None,
                 overrides: list[Override] | None = None,
                 periods: dict[str, Instance] | None = None) -> None:
        self.lp, self.inst = lp, instance
        self.overrides = overrides or []
        self.periods = periods or {}  # linked periods: each period's own Instance
        # every rule's structured key by its name; a cell's bound is added as it is met
        self._keys = {str(n): lp.row_key(i) for i, n in enumerate(lp.row_info["name"])}

    def note(self, m: Member) -> str:
        """Bound m's name, with its key remembered (a cell's bound has no row of its own)."""
        name = m.name(self.lp)
        self._keys[name] = m.key(self.lp)
        return name

    def key(self, name: str) -> Key:
        return self._keys.get(name, Key(name, ()))

    def instance_of(self, name: str) -> Instance | None:
        """The Instance a row's figures come from (a linked period's own, else the one)."""
        return self.periods.get(self.key(name).period, self.inst)

    def short(self, name: str, zh: bool = False) -> str:
        """Just the thing's name (a district's, a sector's, a zone's), in Chinese."""
        key = self.key(name)
        if key.period:
            return f"{self._short(name)} ({key.period})"
        if key.kind == "stock_target":
            end = key.members[0]
            return (f"{end} 末的新增用地（存量目标）" if zh
                    else f"new land by the end of {end} (stock target)")
        if key.kind in _ACROSS:
            return str(self.lp.rows["label_zh"].iat[self._row(name)])
        return self._short(name)

    def _short(self, name: str) -> str:
        key = self.key(name)
        kind, member = key.kind, (key.members or ("",))[0]
        inst = self.inst
        items = {"sector_quota": "sectors", "district_cap": "districts", "zone_total": "zones",
                 "zone_share": "zones", "sector_group_total": "sector_groups",
                 "sector_group_share": "sector_groups"}.get(kind)
        if inst is not None and items is not None and member in getattr(inst, items):
            return getattr(inst, items)[member].zh
        if kind in ("total", "rule", "rule_share"):
            i = self._row(name)
            return str(self.lp.rows["label_zh"].iat[i]) if i is not None else member
        return name

    def long(self, name: str) -> str:
        """中文 and English: the district's names and the rule, e.g. 港区 Harbor cap."""
        i = self._row(name)
        if i is None:
            return name
        zh, en = self.lp.rows["label_zh"].iat[i], self.lp.rows["label_en"].iat[i]
        return zh if zh == en else f"{zh} / {en}"

    def sector(self, s: str, period: str = "", zh: bool = False) -> str:
        """A sector's Chinese name and id (`zh`: the name alone), with its period."""
        if self.inst is not None and s in self.inst.sectors:
            label = self.inst.sectors[s].zh if zh else f"{self.inst.sectors[s].zh} {s}"
            return f"{label} ({period})" if period else label
        return s

    def district(self, d: str) -> str:
        if self.inst is not None and d in self.inst.districts:
            return self.inst.districts[d].zh
        return d

    def stated(self, name: str, side: str, bound: float) -> tuple[float, str]:
        """A member's bound as the plan states it, and what it is: a share row's bound is
        0 in the LP, the plan's share ("share", of the total increment; "base share", of a
        rule's base); a stock target's row holds the new land, the stock with the existing
        land ("stock"); any other row's bound is the figure itself ("")."""
        key = self.key(name)
        inst = self.instance_of(name)
        share = plan_share(inst, key.kind, (key.members or ("",))[0])
        if share is not None:
            v = share.min if side == "min" else share.max
            if v is not None:
                return v, "share"
        if key.kind == "rule_share":
            m = (self.lp.meta.get("measures") or {}).get(name)
            v = None if m is None else (m.lower if side == "min" else m.upper)
            if v is not None and math.isfinite(v):
                return v, "base share"
        if key.kind == "stock_target" and inst is not None:
            return bound + float(inst.horizon.existing_stock or 0.0), "stock"
        return bound, ""

    def bound_text(self, name: str, side: str, bound: float, zh: bool = False) -> str:
        """The bound in words, as the plan states it (see `stated`)."""
        v, what = self.stated(name, side, bound)
        op = "≥" if side == "min" else "≤"
        if what == "share":
            return f"新增总量的 {v:.1%}" if zh else f"{v:.1%} of the total increment"
        if what == "base share":
            return (f"其基数的 {v:.1%}（Σ 选中 − {v:g} × Σ 基数 {op} 0）" if zh else
                    f"{v:.1%} of its base (Σ selection − {v:g} × Σ base {op} 0)")
        if what == "stock":
            return (f"工业用地 {_fmt(v)} 公顷（现有 {_fmt(v - bound)} + 新增 {_fmt(bound)}）"
                    if zh else f"{_fmt(v)} ha of industrial land (existing {_fmt(v - bound)} "
                    f"+ {_fmt(bound)} new)")
        return _fmt(bound)

    def figure(self, name: str, side: str, bound: float) -> str:
        """The bound as a figure beside the rule's name: a share as a percentage (83.3 %),
        as every output quotes it; hectares whole."""
        v, what = self.stated(name, side, bound)
        return f"{100 * v:.1f} %" if what in ("share", "base share") else _fmt(v)

    def _row(self, name: str) -> int | None:
        hits = np.flatnonzero(self.lp.rows["name"].to_numpy() == name)
        return int(hits[0]) if hits.size else None

    def provenance(self, m: Member, zh: bool = False) -> str:
        """The plan's table/section, and the scenario key that changed it, if any (`zh`:
        the words around them in Chinese; the citation itself as the plan's source)."""
        parts = []
        if m.where == ROW:
            src = str(self.lp.rows["source"].iat[m.index] or "")
            if src:
                parts.append(src)
        elif m.key(self.lp).kind == "allowed" and self.inst is not None:
            parts.append("不在规划为该产业允许的区县之中" if zh else
                         "not among the districts the plan's layout allows for the sector")
        prefix = member_prefix(self.lp, m)
        for ov in self.overrides:
            if prefix and (ov.path == prefix or ov.path.startswith(prefix + ".")):
                where = ov.origin + (f":{ov.line}" if ov.line else "")
                value = (str(ov.value).lower() if isinstance(ov.value, bool) else
                         _old_value(ov.value) if isinstance(ov.value, dict) else ov.value)
                old = _old_value(ov.old)
                if zh:
                    old = OLD_ZH.get(old, old)
                parts.append(f"由 {where} {ov.path}={value} 改动（原为 {old}）" if zh else
                             f"changed by {where} {ov.path}={value} (was {old})")
        return "; ".join(parts)


# ---------------------------------------------------------------- the report


@dataclass
class MemberInfo:
    name: str
    side: str  # "min" or "max"
    bound: float
    label: str
    provenance: str
    weight: float  # Farkas weight (scaled)
    figure: str = ""  # the bound as the plan states it (a share, not its LP row's 0)
    provenance_zh: str = ""  # the provenance, its words in Chinese

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "side": self.side, "bound": self.bound, "label": self.label,
                "source": self.provenance, "source_zh": self.provenance_zh,
                "weight": self.weight, "figure": self.figure}


@dataclass
class RepairItem:
    path: str
    value: Any
    old: Any
    rule: str
    change: float  # hectares (or share points) moved
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value, "old": self.old, "rule": self.rule,
                "change": self.change, "note": self.note}


@dataclass
class Diagnosis:
    """Why a period is infeasible and what would fix it; `feasible` when nothing is wrong."""

    feasible: bool
    iis: list[str] = field(default_factory=list)  # rule names, x >= 0 bounds left out
    members: list[MemberInfo] = field(default_factory=list)
    structural: list[str] = field(default_factory=list)  # nonnegative[s,d] members
    sentences: list[str] = field(default_factory=list)
    arithmetic: str = ""
    sentences_zh: list[str] = field(default_factory=list)  # the same sentences in Chinese
    arithmetic_zh: str = ""
    repair: dict[str, Any] = field(default_factory=dict)  # set path -> new value
    repair_items: list[RepairItem] = field(default_factory=list)
    repair_cost: float | None = None
    repair_note: str = ""
    relaxed: list[str] = field(default_factory=list)
    method: str = ""
    seconds: float = 0.0
    note: str = ""
    verified: bool | None = None
    verification: str = ""
    repair_solves: bool | None = None  # the scenario re-solved with the repair applied
    repair_objective: float | None = None

    def repair_block(self) -> str:
        """A ready-to-paste scenario `set:` block, with what each line changes."""
        if not self.repair_items:
            return ""
        lines = ["set:"]
        for it in self.repair_items:
            v = "true" if it.value is True else _fmt(float(it.value)).replace(",", "")
            comment = f"{it.rule}: was {_old_value(it.old)}"
            if it.note:
                comment += f"; {it.note}"
            lines.append(f"  {it.path}: {v}   # {comment}")
        return "\n".join(lines)

    def repair_sets(self) -> list[str]:
        """The repair as `--set PATH=VALUE` arguments."""
        return [f"{k}={'true' if v is True else v}" for k, v in self.repair.items()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "iis": self.iis,
            "members": [m.to_dict() for m in self.members],
            "nonnegative": self.structural,
            "sentences": self.sentences,
            "arithmetic": self.arithmetic,
            "sentences_zh": self.sentences_zh,
            "arithmetic_zh": self.arithmetic_zh,
            "method": self.method,
            "seconds": self.seconds,
            "note": self.note,
            "verified": self.verified,
            "verification": self.verification,
            "repair": self.repair_dict(),
        }

    def repair_dict(self) -> dict[str, Any]:
        return {"set": self.repair, "changes": [r.to_dict() for r in self.repair_items],
                "weighted_hectares": self.repair_cost, "relaxed": self.relaxed,
                "note": self.repair_note, "solves": self.repair_solves,
                "objective_after": self.repair_objective}


def _scaled_certificate(lp: LinearProgram, members: list[Member]) -> np.ndarray:
    lam = certificate(lp, members)
    if lam is None:
        return np.ones(len(members))
    rows = [v for m, v in zip(members, lam, strict=True) if m.where == ROW and v > 0]
    top = max(rows) if rows else lam.max(initial=1.0)
    return np.array([snap(v / top, 6) for v in lam])


def _term(weight: float, value: float, label: str) -> str:
    w = "" if abs(weight - 1) < 1e-9 else f"{_fmt(weight)} × "
    return f"{label} {w}{_fmt(value)}"


def side_of(m: Member) -> str:
    """"min" for a lower bound, "max" for an upper one."""
    return "min" if m.side == LOWER else "max"


def op_of(m: Member) -> str:
    return "≥" if m.side == LOWER else "≤"


@dataclass
class Words:
    """What a diagnosis says, in English and in Chinese (the same sentences)."""

    sentences: list[str] = field(default_factory=list)
    arithmetic: str = ""
    sentences_zh: list[str] = field(default_factory=list)
    arithmetic_zh: str = ""

    def add(self, en: str, zh: str) -> None:
        self.sentences.append(en)
        self.sentences_zh.append(zh)


def _explain(lp: LinearProgram, iis: IIS, namer: Namer
             ) -> tuple[list[MemberInfo], list[str], Words]:
    members = iis.members
    lam = _scaled_certificate(lp, members)
    infos: list[MemberInfo] = []
    need, room = [], []  # (weight, bound, member)
    cells: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (sector, period) -> cells
    structural: list[Member] = []
    zero_rows = []
    for m, w in zip(members, lam, strict=True):
        name = namer.note(m)
        if m.structural:
            structural.append(m)
            continue
        key = m.key(lp)
        if key.kind == "allowed":
            s, d = key.members
            cells.setdefault((s, key.period), []).append((d, name))
        b = m.bound(lp)
        side = "min" if m.side == LOWER else "max"
        infos.append(MemberInfo(name, side, b, namer.long(name), namer.provenance(m), float(w),
                                namer.figure(name, side, b), namer.provenance(m, zh=True)))
        if m.where == ROW and b == 0:
            zero_rows.append((w, m))
        elif m.side == LOWER and b != 0:
            need.append((w, b, m))
        elif m.side == UPPER and b != 0:
            room.append((w, b, m))
    need_total = sum(w * b for w, b, _ in need)
    room_total = sum(w * b for w, b, _ in room)
    units = "" if any(m.key(lp).kind == "rule" for m in members
                      if m.where == ROW and (lp.A[m.index].data != 1).any()) else " ha"

    need_terms = [_term(w, b, namer.short(m.name(lp))) for w, b, m in need]
    room_terms = [_term(w, b, namer.short(m.name(lp))) for w, b, m in room]
    need_zh = [_term(w, b, namer.short(m.name(lp), zh=True)) for w, b, m in need]
    room_zh = [_term(w, b, namer.short(m.name(lp), zh=True)) for w, b, m in room]
    u_zh = " 公顷" if units else ""
    gap = need_total - room_total
    kinds = {m.key(lp).kind for _, _, m in need}
    words = Words()
    need_s, room_s = _fmt(need_total), _fmt(room_total)
    if len(need) == 1 and kinds == {"sector_quota"} and not zero_rows:
        key = need[0][2].key(lp)
        s, period = key.members[0], key.period
        words.add(
            f"{namer.sector(s, period)} needs at least {need_s}{units}, but the districts "
            f"allowed to take it can hold at most {room_s}{units} "
            f"({' + '.join(room_terms) or 'nothing'}).",
            f"{namer.sector(s, period, zh=True)}至少需要 {need_s}{u_zh}，但允许其布局的区县最多只能"
            f"容纳 {room_s}{u_zh}（{' + '.join(room_zh) or '无'}）。")
    elif len(need) == 1 and kinds == {"total"}:
        words.add(
            f"The period's new industrial land of at least {need_s}{units} does not "
            f"fit: {' + '.join(room_terms) or 'nothing'} hold at most {room_s}{units}.",
            f"本期新增工业用地至少 {need_s}{u_zh}，容纳不下："
            f"{' + '.join(room_zh) or '无'} 最多只能容纳 {room_s}{u_zh}。")
    elif len(room) == 1 and room[0][2].key(lp).kind == "total":
        w, b, _ = room[0]
        # a weight below 1 comes from a share rule (or another rule) taking part: the room
        # is that fraction of the total, not the total
        one = abs(w - 1) < 1e-9
        total = (f"the period's total of at most {_fmt(b)}{units}" if one else
                 f"{room_s}{units}, the {_fmt(w)} × {_fmt(b)}{units} of the "
                 f"period's total that {'the rule below leaves' if zero_rows else 'is left'}"
                 " for them")
        total_zh = (f"本期总量上限 {_fmt(b)}{u_zh}" if one else
                    f"{room_s}{u_zh}，即本期总量 {_fmt(w)} × {_fmt(b)}{u_zh} 中"
                    f"{'下述规则留给它们' if zero_rows else '余下'}的部分")
        words.add(
            f"The minimums add up to {need_s}{units} "
            f"({' + '.join(need_terms)}), more than {total}.",
            f"各项下限合计 {need_s}{u_zh}（{' + '.join(need_zh)}），超过"
            f"{' ' if total_zh[0].isdigit() else ''}{total_zh}。")
    else:
        words.add(
            f"At least {need_s}{units} is required "
            f"({' + '.join(need_terms) or '0'}), but at most {room_s}{units} is "
            f"allowed ({' + '.join(room_terms) or '0'}).",
            f"至少需要 {need_s}{u_zh}（{' + '.join(need_zh) or '0'}），但最多只允许 "
            f"{room_s}{u_zh}（{' + '.join(room_zh) or '0'}）。")
    words.sentences[-1] += f" Short by {_fmt(gap)}{units}."
    words.sentences_zh[-1] += f"缺口 {_fmt(gap)}{u_zh}。"
    for (s, period), ds in cells.items():
        keys = ", ".join(name for _, name in ds)
        words.add(f"The plan does not allow {namer.sector(s, period)} in "
                  f"{', '.join(namer.district(d) for d, _ in ds)} ({keys}).",
                  f"规划不允许{namer.sector(s, period, zh=True)}布局在"
                  f"{'、'.join(namer.district(d) for d, _ in ds)}（{keys}）。")
    for w, m in zero_rows:
        name = m.name(lp)
        weight = abs(w - 1) > 1e-9
        words.add(f"{namer.long(name)} ({name}) also takes part"
                  + (f" with weight {_fmt(w)}" if weight else "") + ".",
                  f"{namer.long(name).split(' / ')[0]} {op_of(m)} "
                  f"{namer.figure(name, side_of(m), m.bound(lp))}（{name}）也参与冲突"
                  + (f"，权重 {_fmt(w)}" if weight else "") + "。")
    if structural:
        words.add(_structural_sentence(lp, structural, namer),
                  _structural_sentence(lp, structural, namer, zh=True))
    for info in infos:
        if namer.key(info.name).kind == "allowed":
            continue  # said above, by sector
        op = "≥" if info.side == "min" else "≤"
        label_zh = info.label.split(" / ", 1)[0]
        words.add(f"  • {info.name} {op} {namer.bound_text(info.name, info.side, info.bound)}"
                  f" — {info.label}" + (f" — {info.provenance}" if info.provenance else ""),
                  f"  • {info.name} {op} "
                  f"{namer.bound_text(info.name, info.side, info.bound, zh=True)} — {label_zh}"
                  + (f" — {info.provenance_zh}" if info.provenance_zh else ""))
    room_sum = " + ".join((f"{_fmt(w)}×" if abs(w - 1) > 1e-9 else "") + _fmt(b)
                          for w, b, _ in room) or "0"
    need_sum = " + ".join((f"{_fmt(w)}×" if abs(w - 1) > 1e-9 else "") + _fmt(b)
                          for w, b, _ in need) or "0"
    sums = (f"0 ≤ ({room_sum}) − ({need_sum}) = {room_s} − {need_s} = {_fmt(-gap)}")
    words.arithmetic = f"Adding the rules with these weights: {sums}, which is impossible."
    words.arithmetic_zh = f"按这些权重把各条规则相加：{sums}，不可能成立。"
    return infos, [m.name(lp) for m in structural], words


def _structural_sentence(lp: LinearProgram, members: list[Member], namer: Namer,
                         zh: bool = False) -> str:
    """x >= 0 members, grouped by sector or by district, whichever reads shorter."""
    cells = [m.key(lp).members for m in members]
    by_s: dict[str, list[str]] = {}
    for s, d in cells:
        by_s.setdefault(s, []).append(d)
    groups: dict[tuple[str, ...], list[str]] = {}  # same districts -> sectors
    for s, ds in by_s.items():
        groups.setdefault(tuple(ds), []).append(s)
    parts = []
    sep = "、" if zh else ", "
    for ds, ss in groups.items():
        where = (("所有区县" if zh else "every district") if len(ds) == len(lp.districts)
                 else sep.join(namer.district(d) for d in ds))
        sectors = sep.join(namer.sector(s, zh=zh) for s in ss)
        parts.append(f"{sectors}在{where}" if zh else f"{sectors} in {where}")
    if zh:
        return (f"用地不能为负（x ≥ 0）：{len(members)} 个地块参与冲突——{'；'.join(parts)}"
                "——它们都无法让出用地。")
    return (f"Land cannot be negative (x ≥ 0): {len(members)} cells take part — "
            f"{'; '.join(parts)} — none of them can give land back to make room.")


def _round_out(v: float, up: bool, digits: int) -> float | int:
    q = 10 ** digits
    v = snap(v, 6)
    r = math.ceil(v * q) / q if up else math.floor(v * q) / q
    return int(r) if r == int(r) else r


def _repair(lp: LinearProgram, el: Elastic, namer: Namer) -> list[RepairItem]:
    items: list[RepairItem] = []
    total = float(el.x.sum()) if el.x is not None else 0.0
    for ch in el.changes:
        path = set_path(lp, ch.member)
        if path is None:
            continue
        inst = namer.instance_of(ch.name)
        key = ch.member.key(lp)
        period = key.period
        item = _repair_item(lp, ch, path, inst, total, el.x)
        if period:
            item.note += (f"; {period}'s own rule: a --set of {path} moves it in every "
                          f"linked period (to move {period} only, edit its period file)")
        items.append(item)
        if ch.member.where == COL and inst is not None:
            s, d = key.members
            if d not in inst.output.get(s, {}):
                vals = list(inst.output.get(s, {}).values())
                guess = round(float(np.mean(vals)), 6) if vals else 0.0
                items.append(RepairItem(f"output.{s}.{d}", guess, None, ch.name, 0.0,
                                        "no projection for this cell: the sector's mean "
                                        "output per ha, replace with a real one"))
    return _merged(items)


def _merged(items: list[RepairItem]) -> list[RepairItem]:
    """One item per path: linked periods' own rules share their `--set` path, and the
    loosest value repairs every period."""
    out: dict[str, RepairItem] = {}
    for it in items:
        old = out.get(it.path)
        if old is None or isinstance(it.value, bool):
            out[it.path] = it
            continue
        raising = it.value > it.old if isinstance(it.old, int | float) \
            else it.path.endswith((".max", ".cap"))
        looser = it.value > old.value if raising else it.value < old.value
        keep, other = (it, old) if looser else (old, it)
        keep.note += f"; also repairs {other.rule}"
        out[it.path] = keep
    return list(out.values())


def _repair_item(lp: LinearProgram, ch: Change, path: str, inst: Instance | None,
                 total: float, x: np.ndarray | None = None) -> RepairItem:
    key = ch.member.key(lp)
    up = ch.member.side == UPPER
    if ch.member.where == COL:
        return RepairItem(path, True, False, ch.name, ch.slack,
                          f"uses {_fmt(ch.slack)} ha there")
    if key.kind == "stock_target" and inst is not None:  # the path sets the stock, not new land
        existing = float(inst.horizon.existing_stock or 0.0)
        return RepairItem(path, _round_out(ch.new + existing, up, 2), ch.old + existing,
                          ch.name, ch.slack, f"{'+' if up else '−'}{_fmt(ch.slack)} ha")
    share = plan_share(inst, key.kind, key.members[0])
    if share is not None:
        old = share.max if up else share.min
        delta = ch.slack / total if total > 0 else 0.0
        new = _round_out(old + delta if up else old - delta, up, 4)
        return RepairItem(path, new, old, ch.name, ch.slack,
                          f"{_fmt(ch.slack)} ha of {_fmt(total)} ha")
    m = (lp.meta.get("measures") or {}).get(ch.name)
    if key.kind == "rule_share" and m is not None and m.base is not None:
        # Σ sel − f·Σ base ≥ −u is the share f − u / Σ base (at the repaired allocation)
        old = m.upper if up else m.lower
        base = float(x[m.base].sum()) if x is not None else 0.0
        delta = ch.slack / base if base > 0 else 0.0
        new = _round_out(min(1.0, max(0.0, old + delta if up else old - delta)), up, 4)
        return RepairItem(path, new, old, ch.name, ch.slack,
                          f"{_fmt(ch.slack)} ha of a base of {_fmt(base)} ha")
    new = _round_out(ch.new, up, 2)
    return RepairItem(path, new, ch.old, ch.name, ch.slack,
                      f"{'+' if up else '−'}{_fmt(ch.slack)} ha")


def explain(lp: LinearProgram, instance: Instance | None = None,
            overrides: list[Override] | None = None, relax: RelaxSpec | None = None,
            method: str = "auto", time_limit: float = DEFAULT_IIS_TIME_LIMIT,
            periods: dict[str, Instance] | None = None,
            fallback: RelaxSpec | None = None) -> Diagnosis:
    """IIS, sentences, arithmetic and repair for one LP (feasible: a short answer).

    Linked periods: `periods` gives each period's Instance (for its figures), and
    `fallback` the rules the repair may move when `relax` alone cannot repair."""
    iis = find_iis(lp, method, time_limit)
    if iis is None:
        return Diagnosis(feasible=True, sentences=["The rules are consistent: feasible."],
                         sentences_zh=["规则彼此相容：有可行解。"])
    note = iis.note
    namer = Namer(lp, instance, overrides, periods)
    infos, structural, words = _explain(lp, iis, namer)
    d = Diagnosis(feasible=False, iis=iis.names(lp), members=infos, structural=structural,
                  sentences=words.sentences, arithmetic=words.arithmetic,
                  sentences_zh=words.sentences_zh, arithmetic_zh=words.arithmetic_zh,
                  method=iis.method,
                  seconds=iis.seconds, note=note, verified=iis.verified,
                  verification=iis.verification)
    relax = relax or RelaxSpec()
    d.relaxed = sorted(relax.kinds) + sorted(relax.names)
    el = elastic(lp, lambda m: relax.weight(lp, m))
    if not el.feasible and fallback is not None:
        first = ", ".join(d.relaxed)
        relax = fallback
        d.relaxed = sorted(relax.kinds) + sorted(relax.names)
        el = elastic(lp, lambda m: relax.weight(lp, m))
        d.repair_note = f"the rules across periods alone ({first}) cannot repair it"
    if not el.feasible:
        d.repair_note = (f"no repair moves only {', '.join(d.relaxed) or 'nothing'}: "
                         f"let more rules move (--relax all)")
        return d
    d.repair_cost = el.objective
    d.repair_items = _repair(lp, el, namer)
    d.repair = {it.path: it.value for it in d.repair_items}
    return d


def apply_repair(instance: Instance, repair: dict[str, Any]) -> Instance:
    """The Instance with a repair's `set:` paths applied (the same code as --set)."""
    data = normalise(instance.model_dump(mode="python", exclude_none=True))
    data, _ = apply(data, [Override(p, copy.deepcopy(v), "repair") for p, v in repair.items()],
                    {})
    return Instance.model_validate(data)


def explain_linked(problem, ref, spec: str, sets: list[str],
                   relax: list[str] | str | None = None,
                   weights: dict[str, float] | list[str] | None = None, method: str = "auto",
                   time_limit: float = DEFAULT_IIS_TIME_LIMIT) -> Diagnosis:
    """Why linked periods (a HorizonProblem) are infeasible, in the plan's words, and a
    repair: by default among the rules across periods first, then every period's own;
    checked by solving the linked periods again with the repair's `--set`s."""
    from landalloc.problem.horizon import load_horizon
    from landalloc.solver.highs import HighsSession

    lp = problem.lp
    given = split_names(relax)
    spec_relax = RelaxSpec.parse(relax if given else list(LINKED_RELAX), weights, lp)
    fallback = None if given else RelaxSpec.parse(None, weights, lp)
    overrides = problem.loaded[0].overrides if problem.loaded else None
    periods = dict(zip(problem.periods, problem.horizon.instances, strict=True))
    d = explain(lp, problem.instance, overrides, spec_relax, method, time_limit, periods,
                fallback)
    if d.feasible or not d.repair:
        return d
    try:
        again = load_horizon(ref, spec, [*sets, *d.repair_sets()], None, problem.options)
    except InputError as e:
        d.repair_solves, d.repair_note = False, f"the repair is not a valid scenario: {e}"
        return d
    raw = HighsSession(again.lp, again.options).run()
    d.repair_solves = raw.status.value == "optimal"
    d.repair_objective = raw.objective if d.repair_solves else None
    return d
