"""The Excel workbook: a file a colleague opens and reads without fixing anything.

Values, not formulas (every viewer shows them, and they equal the JSON result); number
formats, frozen headers, widths that fit, and totals against the plan coloured by state.
"""

from __future__ import annotations

import io
import math
import unicodedata
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from landalloc.atomic import run_record
from landalloc.present.report import tables
from landalloc.present.report.labels import Labels
from landalloc.results.result import Result, rule_figure
from landalloc.safe_text import guard_workbook, shown

HA = "#,##0"
HA1 = "#,##0.0"
MONEY = "#,##0.00"
PRICE = "0.0000"
PCT = "0.0%"
HEAD_FILL = PatternFill("solid", fgColor="1F4E78")
HEAD_FONT = Font(bold=True, color="FFFFFF")
TOTAL_FONT = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")
STATE_FILL = {
    tables.AT_PLAN: PatternFill("solid", fgColor="C6EFCE"),   # green: on the plan's figure
    tables.WITHIN: PatternFill("solid", fgColor="FFEB9C"),    # amber: within, room left
    tables.OUTSIDE: PatternFill("solid", fgColor="FFC7CE"),   # red: outside the plan
}
UP_FILL = PatternFill("solid", fgColor="DDEBF7")
DOWN_FILL = PatternFill("solid", fgColor="FCE4D6")
THIN = Side(style="thin", color="BFBFBF")


def _cell_value(v: Any) -> Any:
    """What a cell may hold: numbers (no NaN/inf), text, booleans, or blank."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v) if math.isfinite(v) else None
    if hasattr(v, "item"):  # numpy scalars
        return _cell_value(v.item())
    return shown(str(v))  # control characters from data as pictures (a workbook holds none)


FORMULA_START = ("=", "+", "-", "@")


def as_text(wb: Any) -> None:
    """Every text cell stays text: a name or source that starts with = + - or @ (a scenario
    may set any) would otherwise open as a live formula in a spreadsheet program."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(FORMULA_START):
                    c.data_type = "s"
                    c.quotePrefix = True


def _width(v: Any) -> int:
    """Display width of a value: East Asian wide characters take two columns."""
    if v is None:
        return 0
    s = f"{v:,.2f}" if isinstance(v, float) else str(v)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in s.split("\n")), default=0)


def _sheet_name(text: str, taken: set[str]) -> str:
    bad = '[]:*?/\\'
    name = "".join("_" if ch in bad else ch for ch in shown(text))[:31] or "Sheet"
    base, i = name, 2
    while name in taken:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(name)
    return name


class Book:
    """A workbook being written: sheets with a header row, formats per column."""

    def __init__(self) -> None:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.names: set[str] = set()

    def sheet(self, title: str) -> Worksheet:
        return self.wb.create_sheet(_sheet_name(title, self.names))

    def table(self, ws: Worksheet, headers: list[str], rows: list[list[Any]],
              formats: dict[int, str] | None = None, start_row: int = 1,
              freeze: str | None = "B2", total_last: bool = False) -> int:
        """Write a header row and rows; returns the next free row."""
        formats = formats or {}
        for j, h in enumerate(headers, start=1):
            c = ws.cell(start_row, j, _cell_value(h))
            c.fill, c.font = HEAD_FILL, HEAD_FONT
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for i, row in enumerate(rows, start=start_row + 1):
            for j, v in enumerate(row, start=1):
                c = ws.cell(i, j, _cell_value(v))
                if j - 1 in formats and isinstance(c.value, float):
                    c.number_format = formats[j - 1]
                c.border = Border(bottom=THIN)
        if total_last and rows:
            for j in range(1, len(headers) + 1):
                c = ws.cell(start_row + len(rows), j)
                c.font, c.fill = TOTAL_FONT, TOTAL_FILL
        if freeze:
            ws.freeze_panes = freeze
        self.fit(ws)
        return start_row + len(rows) + 1

    @staticmethod
    def fit(ws: Worksheet, min_w: int = 8, max_w: int = 60) -> None:
        widths: dict[int, int] = {}
        for row in ws.iter_rows():
            for c in row:
                w = _width(c.value)
                if c.row == 1 or (c.font and c.font.color and c.font.color.rgb == "00FFFFFF"):
                    w = min(w, 28)  # headers wrap instead of widening
                widths[c.column] = max(widths.get(c.column, 0), w)
        for col, w in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = max(min_w, min(max_w, w + 2))

    def bytes(self) -> bytes:
        as_text(self.wb)
        for ws in self.wb.worksheets:  # printable: A4 landscape, fit to width, header repeated
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_title_rows = "1:1"
            ws.oddFooter.center.text = "&P / &N"
        guard_workbook(self.wb)  # text from data is shown, never run as a formula
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


# --- one result -----------------------------------------------------------------------

def _summary(book: Book, result: Result, lb: Labels, title: str) -> None:
    ws = book.sheet(lb.text("sheet_summary", " "))
    ws["A1"] = _cell_value(title)
    ws["A1"].font = Font(bold=True, size=14)
    inst = result.instance
    total = float(result.matrix().to_numpy().sum()) if result.optimal else None
    binding = int(result.rules()["binding"].sum()) if result.optimal else None
    rec = result.record or {}
    rows = [
        [lb.text("report"), inst.title or inst.name],
        [lb.text("period"), inst.period],
        [lb.text("scenario"), rec.get("scenario") or "—"],
        [lb.text("status"), result.status],
        [f"{lb.text('objective')} ({result.lp.objective_unit})", result.objective],
        [f"{lb.text('total_land')} (ha)", total],
        [lb.text("binding_rules"), binding],
        [lb.text("max_violation"), result.max_violation],
        [lb.text("overrides"), "; ".join(f"{o['path']}: {o['old']} → {o['new']}"
                                          for o in rec.get("overrides", [])) or "—"],
    ]
    if not result.optimal:
        rows.append(["message", result.raw.message])
    book.table(ws, [lb.text("key"), lb.text("value")], rows, start_row=3, freeze="A4")
    for row, fmt in ((8, MONEY), (9, HA), (11, "0.0E+00")):  # objective, land, violation
        ws.cell(row, 2).number_format = fmt
        ws.cell(row, 2).alignment = Alignment(horizontal="left")


FORBIDDEN = "×"
FORBIDDEN_FILL = PatternFill("darkUp", fgColor="A6A6A6", bgColor="E7E6E6")


def _allocation(book: Book, result: Result, lb: Labels, title: str | None = None) -> None:
    """Districts down, sectors across (as on screen); a cell the plan does not allow is a
    grey hatched '×', distinct from 0 (allowed, nothing allocated)."""
    ws = book.sheet(title or lb.text("sheet_allocation", " "))
    inst = result.instance
    m = result.matrix().T
    corner = f"{lb.text('district')} \\ {lb.text('sector')} (ha)"
    headers = [corner, *[lb.sector(s) for s in m.columns], lb.text("total")]
    rows = [[lb.district(d), *[float(m.loc[d, s]) if inst.is_allowed(s, d) else FORBIDDEN
                               for s in m.columns], float(m.loc[d].sum())] for d in m.index]
    rows.append([lb.text("total"), *m.sum(axis=0).tolist(), float(m.to_numpy().sum())])
    book.table(ws, headers, rows, dict.fromkeys(range(1, len(headers)), HA), total_last=True)
    last = len(headers)
    for i in range(2, len(rows) + 2):
        ws.cell(i, last).font, ws.cell(i, last).fill = TOTAL_FONT, TOTAL_FILL
        for j in range(2, last):
            c = ws.cell(i, j)
            if c.value == FORBIDDEN:
                c.fill = FORBIDDEN_FILL
                c.alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 48
    note = len(rows) + 3
    ws.cell(note, 1, lb.join("灰色斜线“×”：规划不允许该产业在该区县布局"
                             "（不同于 0：允许但未分配）。",
                             "Grey hatched '×': the plan does not allow the sector in the "
                             "district (unlike 0: allowed, nothing allocated).", "  "))


def _cells(book: Book, result: Result, lb: Labels) -> None:
    ws = book.sheet(lb.text("sheet_cells", " "))
    df = tables.cells_table(result)
    headers = ["sector_id", "district_id", lb.text("sector"), lb.text("district"),
               lb.text("zone"), f"{lb.text('allocated')}",
               lb.text("output_per_ha"),
               lb.text("output")]
    inst = result.instance
    rows = [[r.sector, r.district, lb.sector(r.sector), lb.district(r.district),
             lb.zone(inst.districts[r.district].zone), r.hectares, r.output_per_ha, r.output]
            for r in df.itertuples()]
    rows.append([lb.text("total"), None, None, None, None, float(df["hectares"].sum()), None,
                 float(df["output"].sum())])
    book.table(ws, headers, rows, {5: HA, 6: PRICE, 7: MONEY}, freeze="C2", total_last=True)


def _totals(book: Book, result: Result, lb: Labels, title: str | None = None) -> None:
    ws = book.sheet(title or lb.text("sheet_totals", " "))
    headers = [lb.text("kind"), "id", lb.text("key"), lb.text("allocated"), lb.text("plan_min"),
               lb.text("plan_max"), lb.text("plan_figure"), lb.text("difference"),
               lb.text("difference_pct"), lb.text("within"), lb.text("source"),
               lb.join("假设（非规划原文）", "Assumption (not the plan's)", " / ")]
    rows, states = [], []
    inst = result.instance
    items = {"sector": (inst.sectors, "quota"), "district": (inst.districts, "cap"),
             "zone": (inst.zones, "total")}
    for kind in ("sector", "district", "zone"):
        df = tables.totals_table(result, kind)
        for r in df.itertuples():
            name = getattr(lb, kind)(r.id)
            within = None if r.state == tables.NO_PLAN else lb.text(
                "no" if r.state == tables.OUTSIDE else "yes")
            coll, attr = items[kind]
            bound = getattr(coll.get(r.id), attr, None) if r.id in coll else None
            assumed = getattr(bound, "assumption", None) if bound is not None else None
            rows.append([lb.text(kind), r.id, name, r.hectares, r.plan_min, r.plan_max,
                         r.figure, r.diff, r.pct, within, r.source,
                         f"* {assumed}" if assumed else None])
            states.append(r.state)
    book.table(ws, headers, rows, {3: HA, 4: HA, 5: HA, 6: HA, 7: HA, 8: PCT}, freeze="D2")
    for i, state in enumerate(states, start=2):
        fill = STATE_FILL.get(state)
        if fill is not None:
            for j in (8, 9, 10):
                ws.cell(i, j).fill = fill
    note = len(rows) + 3
    ws.cell(note, 1, lb.join("绿色：等于规划指标；黄色：符合规划但未用满（差额为余量）；"
                             "红色：超出规划。",
                             "Green: on the plan's figure; amber: within the plan with room "
                             "left (the difference); red: outside the plan.", "  "))


def _rules(book: Book, result: Result, lb: Labels, ranging: pd.DataFrame | None,
           title: str | None = None) -> None:
    ws = book.sheet(title or lb.text("sheet_rules", " "))
    df = tables.rules_table(result, ranging)
    headers = ["id", lb.text("rule"), lb.text("kind"), lb.text("lower"), lb.text("upper"),
               lb.text("activity"), lb.text("slack"), lb.text("binding"),
               lb.text("shadow_price"), lb.text("range_lower"), lb.text("range_upper"),
               lb.text("source")]
    figures = [rule_figure(r) for _, r in df.iterrows()]  # a share as a share, not its row
    rows = [[r["name"], lb.rule(r["label_zh"], r["label_en"]), r["kind"], f[1], f[2], f[0],
             r["slack"],
             lb.text("yes") if r["binding"] else lb.text("no"),
             r["dual"] if r["price_unique"] or not r["binding"]
             else tables.price_text(r, lang=lb.lang),
             r["range_lower"],
             r["range_upper"], r["source"]] for (_, r), f in zip(df.iterrows(), figures,
                                                                  strict=True)]
    book.table(ws, headers, rows, {3: HA1, 4: HA1, 5: HA1, 6: HA1, 8: PRICE, 9: HA1, 10: HA1},
               freeze="C2")
    for i, f in enumerate(figures, start=2):
        if f[3] == "share":
            for col in (4, 5, 6):
                ws.cell(i, col).number_format = "0.00%"
    for i, (_, r) in enumerate(df.iterrows(), start=2):
        if r["binding"] and r["price_unique"] and abs(r["dual"]) > 1e-9:
            ws.cell(i, 9).fill = UP_FILL if r["dual"] > 0 else DOWN_FILL
    note = len(rows) + 3
    ws.cell(note, 1, lb.join(
        f"影子价格：该规则的界限提高 1 公顷时预计产出的变化 ({lb.unit})。"
        "有效区间：影子价格保持不变的界限范围 (HiGHS 灵敏度分析)。",
        f"Shadow price: change in projected output ({lb.unit}) if the rule's bound rises by one "
        "hectare. Holds from/to: the bound's range over which that price stays the same "
        "(HiGHS ranging).", "  "))


def _scenario(book: Book, result: Result, lb: Labels) -> None:
    ws = book.sheet(lb.text("sheet_scenario", " "))
    rec = result.record or {}
    ws["A1"] = lb.text("overrides")
    ws["A1"].font = Font(bold=True, size=12)
    over = [[o["path"], o["old"], o["new"], o["origin"]] for o in rec.get("overrides", [])]
    nxt = book.table(ws, [lb.text("path"), lb.text("old"), lb.text("new"), lb.text("origin")],
                     over or [["—", None, None, None]], start_row=2, freeze=None)
    ws.cell(nxt + 1, 1, lb.text("effective_instance")).font = Font(bold=True, size=12)
    flat = tables.flatten(result.instance.model_dump(mode="json", exclude_none=True))
    book.table(ws, [lb.text("path"), lb.text("value")], [[k, v] for k, v in flat],
               start_row=nxt + 2, freeze="A4")
    ws.column_dimensions["A"].width = min(60, ws.column_dimensions["A"].width)


def _record(book: Book, result: Result, lb: Labels, title: str | None = None) -> None:
    ws = book.sheet(title or lb.text("sheet_record", " "))
    rec = run_record(result)
    rec.pop("effective_instance", None)
    book.table(ws, [lb.text("key"), lb.text("value")], [[k, v] for k, v in tables.flatten(rec)],
               freeze="A2")


def _frame(book: Book, title: str, df: pd.DataFrame) -> None:
    ws = book.sheet(title)
    book.table(ws, [str(c) for c in df.columns], df.astype(object).values.tolist(),
               {j: HA1 for j, c in enumerate(df.columns)
                if pd.api.types.is_float_dtype(df[c])}, freeze="A2")


def _extras(book: Book, lb: Labels, extras: dict | None) -> None:
    if not extras:
        return
    sweeps = extras.get("sweep")
    if isinstance(sweeps, pd.DataFrame):
        sweeps = [sweeps]
    for i, df in enumerate(sweeps or []):
        _frame(book, lb.text("sheet_sweep", " ") + (f" {i + 1}" if i else ""), df)
    if isinstance(extras.get("batch"), pd.DataFrame):
        _frame(book, lb.text("sheet_batch", " "), extras["batch"])


def workbook(result: Result, lb: Labels, ranging: pd.DataFrame | None = None,
             extras: dict | None = None) -> bytes:
    """The workbook of one result, as bytes (written atomically by the caller)."""
    book = Book()
    inst = result.instance
    _summary(book, result, lb, f"{lb.text('report')} — {inst.title or inst.name} {inst.period}")
    if result.optimal:
        _allocation(book, result, lb)
        _cells(book, result, lb)
        _totals(book, result, lb)
        _rules(book, result, lb, ranging)
    _scenario(book, result, lb)
    _record(book, result, lb)
    _extras(book, lb, extras)
    return book.bytes()


# --- several results ------------------------------------------------------------------

def comparison_workbook(results: list[Result], names: list[str], lb: Labels,
                        extras: dict | None = None) -> bytes:
    """Summary per scenario, the cells that moved against the base, each allocation."""
    book = Book()
    base = results[0]
    unit = base.lp.objective_unit
    ws = book.sheet(lb.text("sheet_summary", " "))
    ws["A1"] = lb.text("comparison")
    ws["A1"].font = Font(bold=True, size=14)
    rows = []
    for i, (r, n) in enumerate(zip(results, names, strict=True)):
        ch = tables.cell_changes(base, r) if i and r.optimal and base.optimal else None
        delta = (r.objective - base.objective) if (i and r.optimal and base.optimal) else None
        rows.append([n, r.instance.period, r.status, r.objective, delta,
                     float(r.matrix().to_numpy().sum()) if r.optimal else None,
                     None if ch is None else len(ch),
                     None if ch is None else float(ch["change_ha"].clip(lower=0).sum())])
    book.table(ws, [lb.text("scenario"), lb.text("period"), lb.text("status"),
                    f"{lb.text('objective')} ({unit})",
                    lb.text("change_output"),
                    f"{lb.text('total_land')} (ha)", lb.text("cells_moved"),
                    lb.text("land_moved")],
               rows, {3: MONEY, 4: MONEY, 5: HA, 7: HA}, start_row=3, freeze="B4")
    ws.cell(len(rows) + 5, 1,
            lb.join("第一个情景为基准。", "The first scenario is the base.", "  "))

    ws = book.sheet(lb.text("sheet_changes", " "))
    crow = []
    for r, n in zip(results[1:], names[1:], strict=True):
        if not (r.optimal and base.optimal):
            continue
        for c in tables.cell_changes(base, r).itertuples():
            crow.append([n, c.sector, c.district, lb.sector(c.sector), lb.district(c.district),
                         c.base_ha, c.ha, c.change_ha, c.base_output, c.output, c.change_output])
    headers = [lb.text("scenario"), "sector_id", "district_id", lb.text("sector"),
               lb.text("district"), f"{lb.text('base')} (ha)", f"{lb.text('scenario')} (ha)",
               lb.text("change_ha"), f"{lb.text('base')} {lb.text('output')}",
               f"{lb.text('scenario')} {lb.text('output')}", lb.text("change_output")]
    book.table(ws, headers, crow, {5: HA, 6: HA, 7: HA, 8: MONEY, 9: MONEY, 10: MONEY},
               freeze="D2")
    for i, row in enumerate(crow, start=2):
        for j in (8, 11):
            v = row[j - 1]
            ws.cell(i, j).fill = UP_FILL if v > 0 else DOWN_FILL

    mats = tables.aligned_matrices(results)
    ws = book.sheet(f"{lb.text('district', ' ')} (ha)")
    districts = list(mats[0].columns)
    drow = [[lb.district(d), *[float(m[d].sum()) for m in mats]] for d in districts]
    drow.append([lb.text("total"), *[float(m.to_numpy().sum()) for m in mats]])
    book.table(ws, [lb.text("district"), *names], drow,
               dict.fromkeys(range(1, len(names) + 1), HA), total_last=True)

    for i, (r, n) in enumerate(zip(results, names, strict=True), start=1):
        if not r.optimal:
            continue
        ws = book.sheet(f"{i} {n}")
        m = r.matrix().T  # districts down, sectors across (as on screen)
        headers = [f"{lb.text('district')} \\ {lb.text('sector')} (ha)",
                   *[lb.sector(s) for s in m.columns], lb.text("total")]
        rows = [[lb.district(d), *[float(m.loc[d, s]) if r.instance.is_allowed(s, d)
                                   else FORBIDDEN for s in m.columns], float(m.loc[d].sum())]
                for d in m.index]
        rows.append([lb.text("total"), *m.sum(axis=0).tolist(), float(m.to_numpy().sum())])
        book.table(ws, headers, rows, dict.fromkeys(range(1, len(headers)), HA),
                   total_last=True)
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if c.value == FORBIDDEN:
                    c.fill, c.alignment = FORBIDDEN_FILL, Alignment(horizontal="center")
        ws.row_dimensions[1].height = 48
    for i, (r, n) in enumerate(zip(results, names, strict=True), start=1):
        _record(book, r, lb, f"{lb.text('sheet_record', ' ')} {i}")
        ws = book.wb.worksheets[-1]
        ws.insert_rows(1)
        ws["A1"] = _cell_value(n)
        ws["A1"].font = Font(bold=True)
        ws.freeze_panes = "A3"
    _extras(book, lb, extras)
    return book.bytes()


# --- linked periods -------------------------------------------------------------------

def horizon_workbook(periods: dict[str, Result], lb: Labels,
                     blocks: list[tuple[str, list[str], list[list[Any]], dict[int, str]]],
                     batch: pd.DataFrame | None = None) -> bytes:
    """The horizon sheet (`blocks`: title, headers, rows, formats; one under the other),
    then each period's allocation, totals against the plan and rules (and a batch's
    scenarios, when the report is of a batch's best)."""
    book = Book()
    ws = book.sheet(lb.join("规划期合计", "Horizon", " "))
    row = 1
    for title, headers, rows, formats in blocks:
        ws.cell(row, 1, _cell_value(title)).font = Font(bold=True, size=12)
        row = book.table(ws, headers, rows, formats, start_row=row + 1, freeze=None) + 1
    for p, r in periods.items():
        if not r.optimal:
            continue
        _allocation(book, r, lb, f"{p} {lb.text('sheet_allocation', ' ')}")
        _totals(book, r, lb, f"{p} {lb.text('sheet_totals', ' ')}")
        _rules(book, r, lb, None, f"{p} {lb.text('sheet_rules', ' ')}")
    if batch is not None:
        _frame(book, lb.text("sheet_batch", " "), batch)
    return book.bytes()
