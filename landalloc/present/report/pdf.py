"""The printable report: report.pdf, A4 (tables portrait, charts landscape), Chinese first.

Page 1 is the conclusion (结论) in words; then the plan's own tables as the instance
declares them (numbered as the report's tables, the plan's number cited as the source) with
the allocation beside each of the plan's figures, and a table of the figures no declared
table holds; the sector x district matrix (forbidden cells
marked), the map and the charts. Figures that are assumptions carry a '*' and a footnote.
Every page is numbered; a table that does not fit continues on the next page with its
header repeated, never split inside a row, and no text is smaller than MIN_PRINT_PT (a cell
wraps instead). Drawn with matplotlib's PdfPages; the Chinese font (fonts.py) is embedded as
a subset (Type 42). Charts are vector: each is drawn as a page of its own size in the same
file, then scaled onto its landscape page with pypdf, so it prints sharp and its text is
text whose printed size can be read back.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from landalloc.formulations.rule_kinds import plan_bound
from landalloc.present.report import fonts
from landalloc.present.report.figure import MIN_PRINT_PT, Chart, fit_scale, save_pdf_page
from landalloc.present.report.labels import Labels
from landalloc.present.report.plan_tables import report_tables
from landalloc.results.result import Result, rule_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4 = (210 / 25.4, 297 / 25.4)  # inches
TOP, BOTTOM, LEFT, RIGHT = 0.94, 0.07, 0.08, 0.92
LINE = 0.0165  # a text line, in figure height


def width_of(text: str) -> int:
    """Display width: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Wrap mixed Chinese/English text to `width` display columns (words kept whole)."""
    out: list[str] = []
    for para in text.split("\n"):
        line, w = "", 0
        for token in re.findall(r"[\u2e80-\uffff]|\S+\s*|\s+", para):
            tw = width_of(token.rstrip())
            if w + tw > width and line.strip():
                out.append(line.rstrip())
                line, w = "", 0
                token = token.lstrip()
            line += token
            w += width_of(token)
        out.append(line.rstrip())
    return out


class _Pages:
    """Pages as drawing functions, so the total is known when page numbers are drawn."""

    def __init__(self) -> None:
        self.pages: list[Callable[[Any], None]] = []
        self.landscape: list[bool] = []
        self.charts: list[Chart | None] = []
        self.tables = 0  # the report numbers its own tables: 表 1, 表 2, ...

    def add(self, draw: Callable[[Any], None], landscape: bool = False,
            chart: Chart | None = None) -> None:
        """A page; a chart's page is A4 landscape, the chart placed on it after drawing."""
        self.pages.append(draw)
        self.landscape.append(landscape)
        self.charts.append(chart)

    def size(self, index: int) -> tuple[float, float]:
        return (A4[1], A4[0]) if self.landscape[index] else A4


def _fmt(v: Any, digits: int = 0, sign: bool = False) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "—"
    if f != f or f in (float("inf"), float("-inf")):
        return "—"
    return f"{f:+,.{digits}f}" if sign else f"{f:,.{digits}f}"


def _bound(lo: Any, hi: Any, digits: int = 0) -> str:
    lo_s, hi_s = _fmt(lo, digits), _fmt(hi, digits)
    if lo_s == "—" and hi_s == "—":
        return "—"
    if lo_s == hi_s:
        return lo_s
    if lo_s == "—" or float(lo) == 0:
        return f"≤ {hi_s}"
    if hi_s == "—":
        return f"≥ {lo_s}"
    return f"{lo_s}–{hi_s}"


def plan_line(result: Result, lb: Labels, plan_objective: float | None) -> str | None:
    """The change against the plan as written: projected output, the plan's own output and
    the difference (unit and %); for the plan itself, that it is the plan. None when the
    plan's output is not known (a changed plan reported without it)."""
    rec = result.record or {}
    unit = result.lp.objective_unit
    if not rec.get("overrides"):
        if rec.get("scenario"):
            return lb.join(f"情景 {rec['scenario']} 未改动规划的任何指标。",
                           f"Scenario {rec['scenario']} changes no figure of the plan.", "\n")
        from landalloc.present.screen import assumed_figures

        assumed = len(assumed_figures(result, "en"))
        if assumed:  # the plan's figures, but not all of them the plan's text
            return lb.join(f"未改动任何指标；其中 {assumed} 项指标为假设"
                           "（非规划原文，表中以“*”标注）。",
                           f"No figure changed; {assumed} of the figures are assumptions, not "
                           "the plan's text (marked '*' in the tables).", "\n")
        return lb.join("本方案即规划原方案（未改动任何指标）。",
                       "This is the plan as written (no figure changed).", "\n")
    if plan_objective is None or result.objective is None or not result.optimal:
        return None
    d = result.objective - plan_objective
    pct = f"{d / plan_objective:+.1%}" if plan_objective else "—"
    n = len(rec["overrides"])
    return lb.join(
        f"与规划原方案相比（改动 {n} 项指标）：预计产出 {result.objective:,.1f} {unit}，规划原方案"
        f" {plan_objective:,.1f} {unit}，相差 {d:+,.1f} {unit}（{pct}）。",
        f"Against the plan as written ({n} figure(s) changed): projected output "
        f"{result.objective:,.1f} {unit}, the plan's own {plan_objective:,.1f} {unit}, a "
        f"difference of {d:+,.1f} {unit} ({pct}).", "\n")


def conclusion_lines(result: Result, lb: Labels, plan_objective: float | None = None,
                     extra: list[str] | None = None) -> list[str]:
    """The conclusion in sentences, in the report's language; `plan_objective` is the
    output of the plan as written, for the change against it."""
    from landalloc.present.screen import binding_words, warnings

    lang = lb.lang
    unit = result.lp.objective_unit
    inst = result.instance
    j = lb.join
    if not result.optimal:
        from landalloc.present.answer import STATUS_ZH

        zh_status = STATUS_ZH.get(result.status, result.status)
        return [j(f"求解状态：{zh_status}。本方案无法满足规划的全部规则，未给出分配。",
                  f"Status: {result.status}. The rules of the plan cannot all be met; no "
                  "allocation is given.", "\n"), *(extra or [])]
    m = result.matrix()
    total = float(m.to_numpy().sum())
    lines = [j(f"在满足规划全部指标的前提下，{inst.period} 年新增工业用地 {total:,.0f} 公顷的"
               f"最优分配预计产出 {result.objective:,.1f} {unit}。",
               f"Meeting every figure of the plan, the best allocation of {total:,.0f} ha of "
               f"new industrial land in {inst.period} is projected to yield "
               f"{result.objective:,.1f} {unit}.", "\n")]
    against = plan_line(result, lb, plan_objective)
    if against:
        lines.append(against)
    zones = m.sum(axis=0).groupby({d: v.zone for d, v in inst.districts.items()}).sum()
    parts = [f"{lb.zone(z, ' ')} {zones.get(z, 0.0):,.0f}" for z in inst.zones]
    lines.append(j("按片区：", "By zone: ", "") + ("；" if lang == "zh" else "; ").join(parts)
                 + ("。" if lang == "zh" else " ha."))
    top = m.stack().sort_values(ascending=False)
    top = top[top > 0].head(5)
    cells = [f"{lb.sector(s, ' ')} × {lb.district(d, ' ')} {v:,.0f}" for (s, d), v in top.items()]
    lines.append(j("用地最多的组合（公顷）：", "Largest cells (ha): ", "")
                 + ("、" if lang == "zh" else "; ").join(cells))
    binds = binding_words(result, lang)
    if binds:
        lines.append(j(f"起约束作用的规则共 {len(binds)} 条：", f"{len(binds)} rules bind: ", "")
                     + ("、" if lang != "en" else "; ").join(binds[:8])
                     + ("等。" if lang != "en" and len(binds) > 8 else ""))
    for w in warnings(result, lang):
        lines.append("注意：" + w if lang != "en" else "Note: " + w)
    lines += extra or []
    return lines


def _table_rows(rules, lb: Labels, inst=None, changed: list[str] | None = None
                ) -> list[list[str]]:
    """The rules of one of the plan's tables (`plan_tables.ReportTable.rules`), each with
    the allocation beside it; a share as a percentage. A figure the scenario changed is
    marked '†' and the plan's own figure is added to `changed` (for the table's note)."""
    rows = []
    for _, r in rules.iterrows():
        src = str(r.get("source") or "")
        label = lb.rule(r["label_zh"], r["label_en"], " ")
        bound = plan_bound(inst, str(r["kind"]), str(r["members"]))
        if bound is not None and bound.plan and changed is not None:
            changed.append(lb.join(f"{r['label_zh']}：规划 {bound.plan}",
                                   f"{r['label_en']}: the plan's {bound.plan}", " / "))
        assumed = ("†" if bound is not None and bound.plan else
                   "*" if "assum" in src.lower() else "")
        # the figure in its own unit (a share as a fraction), not the row
        act, lo, hi, unit = rule_figure(r)
        digits = 0
        if unit == "share":  # 83.3 (%), the unit line says so
            act, lo, hi = (None if v is None else 100 * float(v) for v in (act, lo, hi))
            digits = 1
        ref = hi if hi is not None and abs(float(hi)) < 1e9 else lo
        gap = "" if act is None or ref is None else _fmt(float(act) - float(ref), digits,
                                                         sign=True)
        plan = _bound(lo, hi, digits)
        rows.append([label + assumed, plan + assumed, _fmt(act, digits), gap,
                     "✓" if r["binding"] else ""])
    return rows


ROW = LINE * 1.25  # a table row of one line, in figure height
LINESPACING = 1.1  # of a cell's lines
CELL_PAD_PT = 3.0  # above and below the text of a wrapped cell
TABLE_FLOOR = BOTTOM + 0.07  # no table row below this (the note and page number under it)


def fit_cell(text: str, width_in: float, size: float,
             smallest: float = MIN_PRINT_PT) -> tuple[str, float]:
    """A cell's text and font size so that it stays inside its column: the size shrinks,
    not below `smallest`, then the text wraps onto as many lines as it needs; a word or a
    number is never cut. Widths are estimated from display columns (a Chinese character is
    one em, a Latin character half of one)."""
    def em_in(t: str, pt: float) -> float:
        return max((width_of(line) for line in t.split("\n")), default=0) * 0.5 * pt / 72

    avail = max(width_in - 0.1, 0.1)  # the cell's padding on both sides
    need = em_in(text, size)
    if need <= avail:
        return text, size
    pt = max(smallest, size * avail / need)
    if em_in(text, pt) <= avail:
        return text, pt
    return "\n".join(wrap(text, int(avail * 72 / (0.5 * pt)))), pt


def _fit_row(cells: list[Any], xs: list[float], size: float
             ) -> tuple[list[tuple[str, float]], float]:
    """A row's cells fitted to their columns, and its height: one line's, or as tall as
    the lines of its longest cell."""
    fitted = [fit_cell(str(c), (xs[k + 1] - xs[k]) * A4[0], size) for k, c in enumerate(cells)]
    tall_pt = max((t.count("\n") + 1) * LINESPACING * pt for t, pt in fitted) + 2 * CELL_PAD_PT
    return fitted, max(ROW, tall_pt / 72 / A4[1])


def _draw_row(fig, y: float, fitted: list[tuple[str, float]], h: float, xs: list[float],
              right: set[int], head: bool = False, shades: list[bool] | None = None) -> None:
    """One table row from y down, `h` tall."""
    from matplotlib.patches import Rectangle

    fig.add_artist(Rectangle((LEFT, y - h), RIGHT - LEFT, h, transform=fig.transFigure,
                             facecolor="#e8eef5" if head else "none", edgecolor="#bbbbbb",
                             lw=0.4))
    for k, (text, pt) in enumerate(fitted):
        if shades and shades[k]:
            fig.add_artist(Rectangle((xs[k], y - h), xs[k + 1] - xs[k], h,
                                     transform=fig.transFigure, facecolor="#cfcfcf",
                                     edgecolor="none", hatch="///", lw=0))
        x, ha = (xs[k + 1] - 0.004, "right") if k in right else (xs[k] + 0.004, "left")
        fig.text(x, y - h / 2, text, ha=ha, va="center", fontsize=pt, linespacing=LINESPACING,
                 color="#000000" if head else "#111111")


def _table_pages(pages: _Pages, title: str, headers: list[str], rows: list[list[str]],
                 widths: list[float], note: str = "", shade=None, right=None,
                 size: float = 8.0, cont: str = "（续）") -> None:
    """A table over as many pages as it needs, the header repeated, no row split: rows
    wrap rather than print below MIN_PRINT_PT, so each page takes rows by their height."""
    right = right if right is not None else set(range(1, len(headers)))
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w * (RIGHT - LEFT))
    head, head_h = _fit_row(headers, xs, size)
    fitted = [_fit_row(r, xs, size) for r in rows]
    titles = [fit_cell(title + (c if k else ""), (RIGHT - LEFT) * A4[0], 13, smallest=10)
              for k, c in enumerate(("", cont))]
    room = TOP - 0.04 - (max(t.count("\n") for t, _ in titles)) * LINE - TABLE_FLOOR - head_h
    chunks: list[list[int]] = [[]]
    used = 0.0
    for i, (_, h) in enumerate(fitted):
        if chunks[-1] and used + h > room:
            chunks.append([])
            used = 0.0
        chunks[-1].append(i)
        used += h
    for k, chunk in enumerate(chunks):
        def draw(fig, k=k, chunk=chunk):
            t, pt = titles[min(k, 1)]
            fig.text(LEFT, TOP, t, fontsize=pt, va="top", color="#1f3a93")
            y = TOP - 0.04 - t.count("\n") * LINE
            _draw_row(fig, y, head, head_h, xs, right, head=True)
            y -= head_h
            for i in chunk:
                _draw_row(fig, y, *fitted[i], xs, right, shades=shade[i] if shade else None)
                y -= fitted[i][1]
            if note and k == len(chunks) - 1:
                for n, line in enumerate(wrap(note, 100)):
                    fig.text(LEFT, y - 0.015 - n * LINE, line, fontsize=7.5, color="#444444",
                             va="top")
        pages.add(draw)


def _text_page(pages: _Pages, title: str, lines: list[str], width: int = 84,
               cont: str = "（续）") -> None:
    """Paragraphs, wrapped, over as many pages as they need (a paragraph may continue on
    the next page; a line never is cut)."""
    step, gap = LINE * 1.35, LINE * 0.6
    chunks: list[list[tuple[str, bool]]] = [[]]  # (line, last line of its paragraph)
    y = TOP - 0.06
    for para in lines:
        wrapped = wrap(para, width)
        for i, line in enumerate(wrapped):
            if y - step < BOTTOM + 0.01:
                chunks.append([])
                y = TOP - 0.06
            chunks[-1].append((line, i == len(wrapped) - 1))
            y -= step + (gap if i == len(wrapped) - 1 else 0.0)
    for k, chunk in enumerate(chunks):
        def draw(fig, k=k, chunk=chunk):
            fig.text(LEFT, TOP, title + (cont if k else ""), fontsize=16, va="top",
                     color="#1f3a93")
            yy = TOP - 0.06
            for line, last in chunk:
                fig.text(LEFT, yy, line, fontsize=10.5, va="top")
                yy -= step + (gap if last else 0.0)
        pages.add(draw)


def _chart_pages(pages: _Pages, made: list[Chart]) -> None:
    """A landscape page per chart; the chart itself is placed on it once the pages are
    rendered (_place_charts)."""
    for c in made:
        pages.add(lambda fig: None, landscape=True, chart=c)


def page_figure(pages: _Pages, index: int, footer: tuple[str, str] = ("", "")) -> Figure:
    """Page `index` as a matplotlib Figure, with its title and page number at the foot;
    call inside fonts.rc_params(). A chart's page has only its foot."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=pages.size(index))
    pages.pages[index](fig)
    title, number = footer  # at either end of the foot: a long title never runs into it
    fig.text(LEFT, 0.03, title, ha="left", fontsize=7, color="#888888")
    fig.text(RIGHT, 0.03, number, ha="right", fontsize=8, color="#555555")
    return fig


def footers(pages: _Pages, lb: Labels, title: str) -> list[tuple[str, str]]:
    """Each page's foot: the report's title and the page number out of all."""
    n = len(pages.pages)
    return [(title, lb.join(f"第 {i} 页 / 共 {n} 页", f"page {i} of {n}", " · "))
            for i in range(1, n + 1)]


def _render(pages: _Pages, lb: Labels, title: str) -> bytes:
    """The pages, then each chart as a page of its own size (one file: the fonts are
    subset once), the charts then moved onto their landscape pages."""
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    meta = {"Title": title, "Creator": "landalloc"}
    with mpl.rc_context(fonts.rc_params()), PdfPages(buf, metadata=meta) as out:
        for i, foot in enumerate(footers(pages, lb, title)):
            out.savefig(page_figure(pages, i, foot))
        for c in pages.charts:
            if c is not None:
                save_pdf_page(out, c)
    return _place_charts(buf.getvalue(), pages.charts)


def _place_charts(data: bytes, charts: list[Chart | None]) -> bytes:
    """Each chart's page (after the report's own pages in `data`) drawn on its landscape
    page as a form, scaled by fit_scale into PRINT_BOX_IN and centred under the top
    margin, and dropped as a page of its own. The form reuses the page's content stream
    as it is: nothing is parsed or copied."""
    if not any(charts):
        return data
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    n = len(charts)
    own = iter(writer.pages[n:])
    for k, (page, chart) in enumerate(zip(writer.pages[:n], charts, strict=True)):
        if chart is None:
            continue
        src = next(own)
        box = src.mediabox
        s = fit_scale(float(box.width) / 72, float(box.height) / 72)
        x = (float(page.mediabox.width) - float(box.width) * s) / 2
        y = TOP * float(page.mediabox.height) - float(box.height) * s
        form = src.raw_get("/Contents").get_object()  # matplotlib: one stream per page
        form.update({NameObject("/Type"): NameObject("/XObject"),
                     NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject(box),
                     NameObject("/Matrix"): ArrayObject(map(FloatObject, (s, 0, 0, s, x, y))),
                     NameObject("/Resources"): src.raw_get("/Resources")})
        resources = page["/Resources"]
        if "/XObject" not in resources:
            resources[NameObject("/XObject")] = DictionaryObject()
        name = NameObject(f"/LandallocChart{k}")
        resources["/XObject"][name] = form.indirect_reference
        content = page.get_contents()
        content.isolate_graphics_state()
        content.operations.append(([name], b"Do"))
        page.replace_contents(content)
    for _ in range(len(writer.pages) - n):
        del writer.pages[-1]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _matrix_rows(result: Result, lb: Labels):
    inst = result.instance
    m = result.matrix().T
    allowed = inst.allowed or {}
    sectors = list(m.columns)
    from landalloc.present.answer import wrap_cjk

    headers = [lb.text("district", " "), *[lb.sector(s, "\n") if lb.lang == "en"
                                           else wrap_cjk(inst.sectors[s].zh) for s in sectors],
               lb.text("total", " ")]
    rows, shade = [], []
    for d in m.index:
        cells, sh = [lb.district(d, " ") if lb.lang != "both" else inst.districts[d].zh], [False]
        for s in sectors:
            ok = d in allowed.get(s, {})
            cells.append(_fmt(m.loc[d, s]) if ok else "×")
            sh.append(not ok)
        cells.append(_fmt(m.loc[d].sum()))
        sh.append(False)
        rows.append(cells)
        shade.append(sh)
    rows.append([lb.text("total", " "), *[_fmt(m[s].sum()) for s in sectors],
                 _fmt(m.to_numpy().sum())])
    shade.append([False] * (len(sectors) + 2))
    return headers, rows, shade


def single_pdf(result: Result, lb: Labels, made: list[Chart],
               plan_objective: float | None = None, extra: list[str] | None = None) -> bytes:
    inst = result.instance
    title = f"{lb.text('report', ' ')} — {inst.period}"
    pages = _Pages()
    from landalloc.present.screen import _title

    head = [_title(inst, lb.lang), f"{lb.text('period', ' ')} {inst.period}"]
    if (result.record or {}).get("scenario"):
        head.append(f"{lb.text('scenario', ' ')}: {result.record['scenario']}")
    _text_page(pages, lb.join("结论", "Conclusion", " / "),
               [" · ".join(head), *conclusion_lines(result, lb, plan_objective, extra)])
    period_pages(pages, result, lb, made)
    return _render(pages, lb, title)


def period_pages(pages: _Pages, result: Result, lb: Labels, made: list[Chart],
                 prefix: str = "") -> None:
    """One period's pages: the plan's tables beside the allocation, the matrix, the charts
    (`prefix` heads each title: the period, in a report of linked periods)."""
    if result.optimal:
        j = lb.join
        headers = [j("项目", "item", " "), j("规划指标", "plan", " "), j("分配", "allocated", " "),
                   j("差额", "difference", " "), j("约束", "binds", " ")]
        note = j("“*” 表示该指标为假设，非规划原文。差额 = 分配 − 规划指标（上限或定额）。",
                 "'*': the figure is an assumption, not the plan's. Difference = allocated − "
                 "the plan's figure (cap or exact figure).", " ")
        for t in report_tables(result):
            pages.tables += 1
            cited = (j(f"规划表{t.number}", f"the plan's Table {t.number}", " ")
                     if t.number else "")
            where = "; ".join(x for x in (cited, t.source) if x)
            source = j(f"资料来源：{where}。" if where else "资料来源：规划文本及本方案。",
                       f"Source: {where}." if where else "Source: the plan and this scenario.",
                       " ")
            changed: list[str] = []
            rows = _table_rows(t.rules, lb, result.instance, changed)
            moved = (" " + j("“†” 表示该指标已被本情景改动，规划原指标：",
                             "'†': the scenario changed the figure; the plan's own: ", " ")
                     + "；".join(changed) + "。") if changed else ""
            _table_pages(pages, prefix + lb.join(f"表 {pages.tables} {t.zh}",
                                                 f"Table {pages.tables} {t.en}", " / "),
                         headers, rows, [0.46, 0.16, 0.13, 0.15, 0.10],
                         j("单位：公顷（占比为百分数）。", "Unit: ha (shares as percentages).", " ")
                         + " " + source + " " + note + moved)
        headers, rows, shade = _matrix_rows(result, lb)
        n = len(headers)
        widths = [0.16] + [(0.84 - 0.1) / (n - 2)] * (n - 2) + [0.1]
        pages.tables += 1
        _table_pages(pages, prefix + j(f"表 {pages.tables} 分配矩阵：区县 × 产业（公顷）",
                                       f"Table {pages.tables} allocation: districts x sectors "
                                       "(ha)", " / "),
                     headers, rows,
                     widths,
                     j("灰色斜线“×”：规划不允许该产业在该区县布局（不同于 0：允许但未分配）。",
                       "Grey hatched '×': the plan does not allow the sector in the district "
                       "(unlike 0: allowed, nothing allocated).", " "), shade, size=7.0)
    _chart_pages(pages, made)


def comparison_pdf(results: list[Result], names: list[str], lb: Labels,
                   made: list[Chart]) -> bytes:
    base = results[0]
    unit = base.lp.objective_unit
    lines = []
    for r, n in zip(results, names, strict=True):
        if r.optimal and base.optimal and r is not base:
            d = r.objective - base.objective
            lines.append(lb.join(f"{n}：预计产出 {r.objective:,.1f} {unit}（较基准 {d:+,.1f}）",
                                 f"{n}: projected output {r.objective:,.1f} {unit} "
                                 f"({d:+,.1f} against the base)", "\n"))
        elif r is base:
            lines.append(lb.join(f"基准 {n}：预计产出 {_fmt(r.objective, 1)} {unit}",
                                 f"base {n}: projected output {_fmt(r.objective, 1)} {unit}",
                                 "\n"))
        else:
            lines.append(lb.join(f"{n}：{r.status}（无可行分配）", f"{n}: {r.status} "
                                 "(no feasible allocation)", "\n"))
    pages = _Pages()
    _text_page(pages, lb.join("结论", "Conclusion", " / "),
               [*lines, *conclusion_lines(base, lb)[1:]])
    _chart_pages(pages, made)
    return _render(pages, lb, lb.text("comparison", " "))
