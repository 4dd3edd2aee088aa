"""`compare` on screen: the answer first (each scenario's output and its change against
the first), then totals side by side and the cells that moved, fitted to the terminal."""

from __future__ import annotations

import textwrap

from rich.console import Console

from landalloc.present.answer import NARROW, answer, fit_columns, fmt, name, say, status_words


def _names(results: list) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"sector": {}, "district": {}, "zone": {}}
    for r in results:
        inst = r.instance
        for kind, items in (("sector", inst.sectors), ("district", inst.districts),
                            ("zone", inst.zones)):
            for k, v in items.items():
                out[kind].setdefault(k, v.zh)
    return out


def _item(kind: str, item: str, zh: dict[str, dict[str, str]], lang: str, narrow: bool) -> str:
    if kind == "cell":
        s, d = item.split(",", 1)
        if lang == "en":
            return f"{s} × {d}"
        return f"{zh['sector'].get(s, s)} × {zh['district'].get(d, d)}"
    return name(lang, zh.get(kind, {}).get(item), item, narrow)


def print_comparison(results: list, table, names: list[str], moved,
                     console: Console | None = None, lang: str = "both") -> None:
    console = console or Console()
    narrow = console.width < NARROW
    base = results[0]
    unit = base.lp.objective_unit
    extra, warn = [], []
    for r, n in zip(results[1:], names[1:], strict=True):
        if r.optimal and base.optimal:
            d = r.objective - base.objective
            extra.append(say(lang, f"{n}：{fmt(r.objective, 1)} {unit}（{fmt(d, 1, True)}）",
                             f"{n}: {fmt(r.objective, 1)} {unit} ({fmt(d, 1, True)})", "  "))
        else:
            warn.append(say(lang, f"{n}：{status_words('zh', r.status)}，无可比较的分配",
                            f"{n}: {r.status}, no allocation to compare", "  "))
    n_moved = len(moved)
    extra.append(say(lang, f"变动的地块：{n_moved} 个", f"cells that moved: {n_moved}", "  "))
    answer(console, lang, base.status, base.objective, unit, extra=extra, warnings=warn,
           title=say(lang, f"情景比较（基准：{names[0]}）", f"Comparison (base: {names[0]})"))
    zh = _names(results)
    heads = [textwrap.fill(n, 14) for n in names] + [textwrap.fill(f"Δ {n}", 14)
                                                      for n in names[1:]]

    def show(title: str, part) -> None:
        if part.empty:
            return
        rows = part.to_dict("records")
        cols = [(heads[i], [fmt(row[n], 1 if row["kind"] == "objective" else 0)
                            for row in rows]) for i, n in enumerate(names)]
        cols += [(heads[len(names) + i], [fmt(row[f"change: {n}"],
                                              1 if row["kind"] == "objective" else 0, True)
                                          for row in rows])
                 for i, n in enumerate(names[1:])]
        labels = [say(lang, "预计产出", "projected output") + f" ({unit})"
                  if row["kind"] == "objective" else
                  _item(row["kind"], row["item"], zh, lang, narrow) for row in rows]
        fit_columns(console, title, "", labels, cols)

    obj = table[table["kind"] == "objective"]
    if len(obj) > 1:  # one row per status label: merge into one row of the objective
        merged = obj.iloc[[0]].copy()
        for c in obj.columns:
            vals = obj[c].dropna()
            merged[c] = vals.iloc[0] if len(vals) else None
        obj = merged
    show(say(lang, "预计产出", "Objective"), obj)
    kinds = {"sector": ("按产业合计（公顷）", "Sector totals (ha)"),
             "district": ("按区县合计（公顷）", "District totals (ha)"),
             "zone": ("按片区合计（公顷）", "Zone totals (ha)")}
    for kind, (tzh, ten) in kinds.items():
        show(say(lang, tzh, ten), table[table["kind"] == kind])
    if moved.empty:
        console.print(say(lang, "没有地块变动。", "No cell moved."))
        return
    why = [c for c in table.columns if c.startswith("why: ")]
    tie = moved[why].eq("tie").all(axis=1) if why else moved["kind"] != moved["kind"]
    forced = moved[~tie]
    if not forced.empty:
        show(say(lang, f"情景使之变动的地块（公顷）：{len(forced)}",
                 f"Cells the scenario moved (ha): {len(forced)}"), forced)
    if tie.any():
        show(say(lang, f"在同等产出的分配之间变动的地块（公顷）：{int(tie.sum())}——情景的最优解"
                       "本可保持基准值，由决胜规则选择了另一分配",
                 f"Cells that moved among equally good allocations (ha): {int(tie.sum())} — "
                 "the scenario's optimum could keep them at the base's value; the tie-break "
                 "chose otherwise"), moved[tie])
