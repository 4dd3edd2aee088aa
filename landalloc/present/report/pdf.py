"""The printable report: report.pdf, A4 (tables portrait, charts landscape), Chinese first.

Page 1 is the conclusion (结论) in words; then the plan's tables 表3-1 … 表3-5 with the
allocation beside each of the plan's figures, the sector x district matrix (forbidden cells
marked), the map and the charts. Figures that are assumptions carry a '*' and a footnote.
Every page is numbered; a table that does not fit continues on the next page with its
header repeated, never split inside a row. Drawn with matplotlib's PdfPages; the Chinese
font (fonts.py) is embedded as a subset (Type 42).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from landalloc.present.report import fonts
from landalloc.present.report.figure import Chart
from landalloc.present.report.labels import Labels
from landalloc.results.result import Result

A4 = (210 / 25.4, 297 / 25.4)  # inches
TOP, BOTTOM, LEFT, RIGHT = 0.94, 0.07, 0.08, 0.92
LINE = 0.0165  # a text line, in figure height
PLAN_TABLES = ("3-1", "3-2", "3-3", "3-4", "3-5")
TABLE_TITLES = {
    "3-1": ("表3-1 制造业空间布局分区", "Table 3-1 manufacturing zones"),
    "3-2": ("表3-2 新增工业用地产业结构", "Table 3-2 new industrial land by sector group"),
    "3-3": ("表3-3 主导产业新增用地", "Table 3-3 new land of the leading sectors"),
    "3-4": ("表3-4 引领区各区新增用地", "Table 3-4 new land of the leading zone's districts"),
    "3-5": ("表3-5 示范区各区县新增用地", "Table 3-5 new land of the demonstration zone"),
}


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

    def add(self, draw: Callable[[Any], None], landscape: bool = False) -> None:
        """A page; a chart's page is A4 landscape, so its text prints as large as drawn."""
        self.pages.append(draw)
        self.landscape.append(landscape)

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


def _bound(lo: Any, hi: Any) -> str:
    lo_s, hi_s = _fmt(lo), _fmt(hi)
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


def _plan_rows(result: Result, lb: Labels, table: str) -> list[list[str]]:
    """The rules the plan's table `table` gives, each with the allocation beside it."""
    rows = []
    for _, r in result.rules().iterrows():
        src = str(r.get("source") or "")
        if not re.search(rf"Tables? {re.escape(table)}\b", src):
            continue
        label = lb.rule(r["label_zh"], r["label_en"], " ")
        share = "share" in str(r.get("kind", ""))
        digits = 3 if share else 0
        assumed = "*" if "assum" in src.lower() else ""
        act = r["activity"]
        lo, hi = r["lower"], r["upper"]
        plan = _bound(lo, hi) if not share else _bound(lo, hi if hi < 1e9 else None)
        gap = ""
        try:
            ref = float(hi) if abs(float(hi)) < 1e9 else float(lo)
            gap = _fmt(float(act) - ref, digits, sign=True)
        except (TypeError, ValueError):
            pass
        rows.append([label + assumed, plan + assumed, _fmt(act, digits), gap,
                     "✓" if r["binding"] else ""])
    return rows


MIN_PT = 5.5  # the smallest text a cell is shrunk to
ONE_LINE_PT = 7.0  # below this a long label reads better on two lines
TWO_LINE_PT = 6.2  # two lines at most this size fit a table row


def fit_cell(text: str, width_in: float, size: float) -> tuple[str, float]:
    """A cell's text and font size so that it stays inside its column: the size shrinks
    to ONE_LINE_PT, then the label wraps onto two lines (shrunk further if it must, not
    below MIN_PT); a number is never cut. Widths are estimated from display columns (a
    Chinese character is one em, a Latin character half of one)."""
    def em_in(t: str, pt: float) -> float:
        return max((width_of(line) for line in t.split("\n")), default=0) * 0.5 * pt / 72

    avail = max(width_in - 0.1, 0.1)  # the cell's padding on both sides
    need = em_in(text, size)
    if need <= avail:
        return text, size
    if em_in(text, ONE_LINE_PT) <= avail or "\n" in text:
        return text, max(MIN_PT, size * avail / need)
    half = (width_of(text) + 1) // 2 + 2
    lines = wrap(text, half)
    two = "\n".join([lines[0], " ".join(lines[1:])] if len(lines) > 2 else lines)
    return two, max(MIN_PT, min(TWO_LINE_PT, size * avail / em_in(two, size)))


def _draw_table(fig, y: float, headers: list[str], rows: list[list[str]],
                widths: list[float], shade: list[list[bool]] | None = None,
                right: set[int] | None = None, size: float = 8.0) -> float:
    """Rows from y down; returns the y under the last row. Caller ensures they fit."""
    from matplotlib.patches import Rectangle

    right = right if right is not None else set(range(1, len(headers)))
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w * (RIGHT - LEFT))
    h = LINE * 1.25

    def row(cells, yy, bold=False, shades=None):
        nonlocal h
        h = LINE * 1.25 * (max(str(c).count("\n") for c in cells) + 1 if bold else 1)
        fig.add_artist(Rectangle((LEFT, yy - h), RIGHT - LEFT, h, transform=fig.transFigure,
                                 facecolor="#e8eef5" if bold else "none", edgecolor="#bbbbbb",
                                 lw=0.4))
        for k, text in enumerate(cells):
            if shades and shades[k]:
                fig.add_artist(Rectangle((xs[k], yy - h), xs[k + 1] - xs[k], h,
                                         transform=fig.transFigure, facecolor="#cfcfcf",
                                         edgecolor="none", hatch="///", lw=0))
            text, pt = fit_cell(str(text), (xs[k + 1] - xs[k]) * A4[0], size)
            if k in right:
                fig.text(xs[k + 1] - 0.004, yy - h / 2, text, ha="right", va="center",
                         fontsize=pt, color="#000000" if bold else "#111111",
                         linespacing=1.1)
            else:
                fig.text(xs[k] + 0.004, yy - h / 2, text, ha="left", va="center",
                         fontsize=pt, color="#000000" if bold else "#111111",
                         linespacing=1.1)

    row(headers, y, bold=True)
    y -= h
    h = LINE * 1.25
    for i, cells in enumerate(rows):
        row(cells, y, shades=shade[i] if shade else None)
        y -= h
    return y


def _rows_per_page(start_y: float) -> int:
    return int((start_y - BOTTOM - 0.05) / (LINE * 1.25)) - 1


def _table_pages(pages: _Pages, title: str, headers: list[str], rows: list[list[str]],
                 widths: list[float], note: str = "", shade=None, right=None,
                 size: float = 8.0, cont: str = "（续）") -> None:
    """A table over as many pages as it needs, the header repeated, no row split."""
    per = _rows_per_page(TOP - 0.06)
    chunks = [rows[i:i + per] for i in range(0, len(rows), per)] or [[]]
    shades = [shade[i:i + per] for i in range(0, len(rows), per)] if shade else None
    for k, chunk in enumerate(chunks):
        def draw(fig, k=k, chunk=chunk):
            t = title + (cont if k else "")
            t, pt = fit_cell(t, (RIGHT - LEFT) * A4[0], 13)
            fig.text(LEFT, TOP, t, fontsize=max(pt, 10), va="top", color="#1f3a93")
            y = _draw_table(fig, TOP - 0.04, headers, chunk, widths,
                            shades[k] if shades else None, right, size)
            if note and k == len(chunks) - 1:
                for i, line in enumerate(wrap(note, 100)):
                    fig.text(LEFT, y - 0.015 - i * LINE, line, fontsize=7.5, color="#444444",
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
    import matplotlib.image as mpimg

    for c in made:
        def draw(fig, c=c):
            img = mpimg.imread(io.BytesIO(c.png), format="png")
            h, w = img.shape[:2]
            avail_w, avail_h = RIGHT - LEFT, TOP - BOTTOM - 0.02
            fw, fh = fig.get_size_inches()
            scale = min(avail_w * fw / w, avail_h * fh / h)
            ww, hh = w * scale / fw, h * scale / fh
            ax = fig.add_axes((LEFT + (avail_w - ww) / 2, TOP - hh, ww, hh))
            ax.imshow(img, interpolation="lanczos")
            ax.set_axis_off()
        pages.add(draw, landscape=True)


def render_png(pages: _Pages, index: int) -> bytes:
    """One page as PNG (to look at a page without a PDF viewer)."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=pages.size(index), dpi=80)
        FigureCanvasAgg(fig)
        pages.pages[index](fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def _render(pages: _Pages, lb: Labels, title: str) -> bytes:
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    rc = {**fonts.rc_params(), "pdf.fonttype": 42}
    buf = io.BytesIO()
    n = len(pages.pages)
    with mpl.rc_context(rc), PdfPages(buf, metadata={"Title": title,
                                                      "Creator": "landalloc"}) as pdf:
        for i, draw in enumerate(pages.pages, 1):
            fig = Figure(figsize=pages.size(i - 1))
            draw(fig)
            fig.text(0.5, 0.03, lb.join(f"第 {i} 页 / 共 {n} 页", f"page {i} of {n}", " · "),
                     ha="center", fontsize=8, color="#555555")
            fig.text(RIGHT, 0.03, title, ha="right", fontsize=7, color="#888888")
            pdf.savefig(fig)
    return buf.getvalue()


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
        for t in PLAN_TABLES:
            rows = _plan_rows(result, lb, t)
            if rows:
                zh, en = TABLE_TITLES[t]
                _table_pages(pages, prefix + lb.join(zh, en, " / "), headers, rows,
                             [0.46, 0.16, 0.13, 0.15, 0.10], note)
        headers, rows, shade = _matrix_rows(result, lb)
        n = len(headers)
        widths = [0.16] + [(0.84 - 0.1) / (n - 2)] * (n - 2) + [0.1]
        _table_pages(pages, prefix + j("分配矩阵：区县 × 产业（公顷）",
                                       "Allocation: districts x sectors (ha)", " / "),
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
