"""Bilingual names for everything a report shows: the plan's Chinese, English, or both.

One `Labels` object per report carries the language choice, so the workbook, the charts
and the HTML page name a sector, district, zone or rule the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from landalloc.errors import InputError
from landalloc.plan.model import Instance, Named

Lang = Literal["zh", "en", "both"]
LANGS: tuple[str, ...] = ("zh", "en", "both")

#: Fixed report wording: key -> (中文, English).
TEXT: dict[str, tuple[str, str]] = {
    "report": ("新增工业用地分配报告", "New industrial land allocation report"),
    "comparison": ("情景比较报告", "Scenario comparison report"),
    "period": ("规划期", "Period"),
    "status": ("求解状态", "Status"),
    "objective": ("预计产出", "Projected output"),
    "total_land": ("新增工业用地合计", "New industrial land, total"),
    "binding_rules": ("起约束作用的规则", "Binding rules"),
    "max_violation": ("最大约束违背", "Largest bound violation"),
    "scenario": ("情景", "Scenario"),
    "sector": ("产业", "Sector"),
    "district": ("区县", "District"),
    "zone": ("片区", "Zone"),
    "total": ("合计", "Total"),
    "hectares": ("公顷", "ha"),
    "allocated": ("分配面积 (公顷)", "Allocated (ha)"),
    "plan_min": ("规划下限 (公顷)", "Plan minimum (ha)"),
    "plan_max": ("规划上限 (公顷)", "Plan maximum (ha)"),
    "plan_figure": ("规划指标 (公顷)", "Plan figure (ha)"),
    "difference": ("差额 (公顷)", "Difference (ha)"),
    "difference_pct": ("差额 (%)", "Difference (%)"),
    "within": ("是否符合规划", "Within the plan"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "source": ("出处", "Source"),
    "rule": ("规则", "Rule"),
    "kind": ("类型", "Kind"),
    "lower": ("下限", "Lower bound"),
    "upper": ("上限", "Upper bound"),
    "activity": ("实际值", "Activity"),
    "slack": ("松弛量", "Slack"),
    "binding": ("是否起约束", "Binding"),
    "shadow_price": ("影子价格 ({unit}/公顷)", "Shadow price ({unit}/ha)"),
    "range_lower": ("影子价格有效区间下限", "Shadow price holds from"),
    "range_upper": ("影子价格有效区间上限", "Shadow price holds to"),
    "output_per_ha": ("地均产出 ({unit}/公顷)", "Output per ha ({unit}/ha)"),
    "output": ("产出 ({unit})", "Output ({unit})"),
    "key": ("项目", "Item"),
    "value": ("数值", "Value"),
    "path": ("参数路径", "Parameter path"),
    "old": ("原值", "Before"),
    "new": ("新值", "After"),
    "origin": ("来源", "Given in"),
    "base": ("基准", "Base"),
    "change_ha": ("变化 (公顷)", "Change (ha)"),
    "change_output": ("产出变化 ({unit})", "Change in output ({unit})"),
    "cells_moved": ("变化的单元格", "Cells that moved"),
    "land_moved": ("移动的用地 (公顷)", "Land moved (ha)"),
    # sheet names (Excel allows 31 characters)
    "sheet_summary": ("概要", "Summary"),
    "sheet_allocation": ("分配矩阵", "Allocation"),
    "sheet_cells": ("分配明细", "Cells"),
    "sheet_totals": ("对照规划", "Totals vs plan"),
    "sheet_rules": ("规则", "Rules"),
    "sheet_scenario": ("有效情景", "Scenario"),
    "sheet_record": ("运行记录", "Run record"),
    "sheet_changes": ("变化", "Changes"),
    "sheet_sweep": ("参数扫描", "Sweep"),
    "sheet_batch": ("批量求解", "Batch"),
    "overrides": ("参数修改", "Overrides"),
    "effective_instance": ("有效参数", "Effective instance"),
    "figures": ("图表", "Charts"),
    "tables": ("表格", "Tables"),
    "no_binding": ("没有影子价格非零的约束规则。", "No binding rule has a non-zero shadow price."),
    "not_optimal": ("未得到最优解：没有分配结果。", "No optimal solution: nothing was allocated."),
}


def check_lang(lang: str) -> Lang:
    """The --lang value, or a clear error naming the choices."""
    if lang not in LANGS:
        raise InputError.one(f"unknown language '{lang}' (choose from {', '.join(LANGS)})",
                             key="--lang")
    return lang  # type: ignore[return-value]


@dataclass(frozen=True)
class Labels:
    """Names in the chosen language. `sep` joins the two names in 'both'.

    Built from one or several instances (a comparison may span periods whose sector
    sets differ): the first instance that knows a key names it.
    """

    sectors: dict[str, Named]
    districts: dict[str, Named]
    zones: dict[str, Named]
    lang: Lang = "both"
    sep: str = " "
    unit: str = ""  # the instance's output unit, in every heading that names it

    @classmethod
    def of(cls, instances: Instance | list[Instance], lang: str = "both",
           sep: str = " ") -> Labels:
        insts = instances if isinstance(instances, list) else [instances]
        merged: dict[str, dict[str, Named]] = {"sectors": {}, "districts": {}, "zones": {}}
        for inst in insts:
            for kind, items in merged.items():
                for k, v in getattr(inst, kind).items():
                    items.setdefault(k, v)
        return cls(merged["sectors"], merged["districts"], merged["zones"],
                   check_lang(lang), sep, insts[0].objective_unit)

    def join(self, zh: str, en: str, sep: str | None = None) -> str:
        if self.lang == "zh":
            return zh
        if self.lang == "en":
            return en
        return f"{zh}{self.sep if sep is None else sep}{en}"

    def text(self, key: str, sep: str | None = None) -> str:
        """Fixed wording (titles, headers)."""
        zh, en = (t.replace("{unit}", self.unit) for t in TEXT[key])
        return self.join(zh, en, " / " if sep is None else sep)

    def _named(self, items: dict[str, Named], key: str, sep: str | None) -> str:
        item = items.get(key)
        if item is None:
            return key
        return self.join(item.zh, item.en, sep)

    def sector(self, key: str, sep: str | None = None) -> str:
        return self._named(self.sectors, key, sep)

    def district(self, key: str, sep: str | None = None) -> str:
        return self._named(self.districts, key, sep)

    def zone(self, key: str, sep: str | None = None) -> str:
        return self._named(self.zones, key, sep)

    def rule(self, label_zh: str, label_en: str, sep: str | None = None) -> str:
        return self.join(label_zh, label_en, sep)

    def with_sep(self, sep: str) -> Labels:
        return replace(self, sep=sep)
