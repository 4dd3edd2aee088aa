"""The plan's own tables, as the instance declares them (`tables:` in a period's file), each
with the rules its row selectors pick by structured key (kind, member), never by reading a
rule's name or source. Every figure of the plan that no declared table shows goes into one
more table, so a report never drops a figure; an instance with no tables gets that one
table of every figure against the allocation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landalloc.results.result import Result

#: Rule kinds that are figures of the plan (a custom rule is the scenario's).
PLAN_KINDS = ("total", "sector_quota", "sector_group_total", "sector_group_share",
              "district_cap", "zone_total", "zone_share")


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: its title, the plan's table it renders (None: the figures no
    declared table holds), where in the plan, and its rules (a frame of `result.rules()`,
    in the LP's row order within each selector)."""

    zh: str
    en: str
    number: str | None
    source: str
    rules: object  # pandas DataFrame


def report_tables(result: Result) -> list[ReportTable]:
    """The tables a report of `result` shows, in the instance's order, then the rest."""
    rules = result.rules()
    order = {n: i for i, n in enumerate(result.lp.row_info["name"])}
    rules = rules.assign(_row=[order.get(n, len(order)) for n in rules["name"]])
    rules = rules.sort_values("_row", kind="stable")
    kinds = rules["kind"].to_numpy()
    members = rules["members"].astype(str).to_numpy()
    taken = np.zeros(len(rules), dtype=bool)
    out = []
    for table in result.instance.tables:
        picked = []
        for sel in table.rows:
            hit = (kinds == sel.kind) & ~taken
            if sel.members is not None:
                hit &= np.isin(members, sel.members)
            picked.append(np.flatnonzero(hit))
            taken |= hit
        index = np.concatenate(picked) if picked else np.array([], dtype=int)
        if index.size:
            out.append(ReportTable(table.zh, table.en, table.number, table.source,
                                   rules.iloc[index].drop(columns="_row")))
    rest = np.isin(kinds, PLAN_KINDS) & ~taken
    if rest.any():
        zh, en = (("其他规划指标", "Other figures of the plan") if result.instance.tables
                  else ("规划指标与分配", "The plan's figures against the allocation"))
        out.append(ReportTable(zh, en, None, "", rules.iloc[np.flatnonzero(rest)]
                               .drop(columns="_row")))
    return out
