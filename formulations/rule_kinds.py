"""Every kind of LP row, described once: its `--set` path, its noun, its unit, its labels and
the word `--relax` uses for it. Rows are keyed by (kind, member, part) — never by parsing
their names back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleKind:
    kind: str
    path: str | None  # the --set path of the figure, `{}` standing for the member
    noun: str  # one unit of the figure, in words
    noun_zh: str
    unit: str  # "ha" or "share" (a row of ha - share * ha: its dual is per ha of slack)
    relax: str  # the --relax word


KINDS: dict[str, RuleKind] = {k.kind: k for k in (
    RuleKind("total", "total_increment", "total new land", "新增工业用地总规模", "ha", "total"),
    RuleKind("sector_quota", "sectors.{}.quota", "quota", "产业用地指标", "ha", "sectors"),
    RuleKind("sector_group_total", "sector_groups.{}.total", "group total", "产业组用地",
             "ha", "groups"),
    RuleKind("sector_group_share", "sector_groups.{}.share", "share requirement",
             "产业组占比", "share", "groups"),
    RuleKind("district_cap", "districts.{}.cap", "cap", "区县新增用地上限", "ha",
             "districts"),
    RuleKind("zone_total", "zones.{}.total", "zone total", "片区新增用地", "ha", "zones"),
    RuleKind("zone_share", "zones.{}.share", "zone share", "片区占比", "share", "zones"),
    RuleKind("rule", "rules.{}", "bound", "自定义规则", "rule", "rules"),
    RuleKind("rule_share", "rules.{}", "share bound", "自定义占比规则", "share", "rules"),
    # rules across linked periods (--period all): members are ids of the plan's items
    RuleKind("horizon_district_cap", "horizon.districts.{}.cap", "horizon cap",
             "规划期区县新增用地上限", "ha", "horizon"),
    RuleKind("horizon_zone_total", "horizon.zones.{}.total", "horizon zone total",
             "规划期片区新增用地", "ha", "horizon"),
    RuleKind("horizon_sector_total", "horizon.sectors.{}.quota", "horizon sector total",
             "规划期产业用地", "ha", "horizon"),
    RuleKind("stock_target", "horizon.stock_targets.{}.total", "stock target",
             "工业用地总规模目标", "ha", "stock"),
    RuleKind("carry_over", "carry_over.max", "carry-over limit", "结转用地上限", "ha",
             "carry_over"),
    RuleKind("horizon_rule", "rules.{}", "horizon bound", "跨期自定义规则", "rule", "rules"),
)}


def kind_of(kind: str) -> RuleKind:
    """The kind's description (an unknown kind reads as a custom rule)."""
    return KINDS.get(kind, KINDS["rule"])


def figure_path(kind: str, member: str, part: str = "", lower_only: bool = False
                ) -> str | None:
    """The `--set` path that sets this row's figure; None for custom rules.

    A share row is one side of `sector_groups.<g>.share` (`part` is min or max); a share
    written as a bare number is a minimum, so its path is `.min` too.
    """
    k = KINDS.get(kind)
    if k is None or k.kind in ("rule", "rule_share", "horizon_rule") or k.path is None:
        return None
    path = k.path.format(member)
    if kind in SHARES_OF_TOTAL:
        return f"{path}.{part or 'min'}"
    return path


#: Kinds whose figure is a share of the period's increment, and the plan items holding it.
SHARES_OF_TOTAL = {"sector_group_share": "sector_groups", "zone_share": "zones"}
#: Where each kind's figure lives in an Instance: (its items, the field of an item).
FIGURE_FIELDS = {"sector_quota": ("sectors", "quota"), "district_cap": ("districts", "cap"),
                 "zone_total": ("zones", "total"), "zone_share": ("zones", "share"),
                 "sector_group_total": ("sector_groups", "total"),
                 "sector_group_share": ("sector_groups", "share")}


def plan_bound(inst, kind: str, member: str):
    """The bound a plan-figure row states (its min, max, source and, when a scenario
    changed it, the plan's own figure in `plan`); None for a custom rule, a rule across
    periods or a member the instance does not have."""
    if inst is None:
        return None
    if kind == "total":
        return inst.total_increment
    items, field = FIGURE_FIELDS.get(kind, (None, None))
    item = None if items is None else getattr(inst, items).get(member)
    return None if item is None else getattr(item, field)


def plan_share(inst, kind: str, member: str):
    """The share bound (min, max as fractions) a share-of-total row states; None for
    another kind or a member the instance does not have."""
    return plan_bound(inst, kind, member) if kind in SHARES_OF_TOTAL else None


def unit_text(kind: str, objective_unit: str) -> str:
    """The unit of a row's dual: objective per ha of the figure, or per unit of a rule."""
    k = kind_of(kind)
    if k.unit == "ha":
        return f"{objective_unit}/ha"
    if k.unit == "share":
        return f"{objective_unit} per ha above the share"
    return f"{objective_unit} per unit of the rule"
