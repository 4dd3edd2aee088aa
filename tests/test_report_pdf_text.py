"""report.pdf read back, for every kind of report: every page A4, and every text run on every
page printed at MIN_PRINT_PT or more — its font size times the text and transformation
matrices, charts included (each is drawn as a vector form on its landscape page) — and the
pages' own text (tables, paragraphs, the foot) stays on its page without overlapping.

The content streams are walked here, not through pypdf's `visitor_text`, which leaves out a
form's /Matrix and so would measure a chart at its own size, not as printed."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

import landalloc
from landalloc.present.report import pdf
from landalloc.present.report.figure import MIN_PRINT_PT
from tests.conftest import DATA

A4 = (595.28, 841.89)  # pt
SCENARIOS = Path(__file__).resolve().parent.parent / "instances" / "zhengzhou" / "scenarios"
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(a: Matrix, b: Matrix) -> Matrix:
    """a then b, as PDF matrices compose (a row vector times a, then times b)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def text_runs(content, resources, reader: PdfReader, ctm: Matrix = IDENTITY,
              in_form: bool = False) -> list[tuple[float, float, float, bool]]:
    """(size as printed in pt, x, y on the page, inside a form) of each text-showing
    operator, forms (Do) followed with their /Matrix."""
    runs = []
    saved: list[Matrix] = []
    tm = line = IDENTITY
    size = leading = 0.0
    for operands, op in ContentStream(content, reader).operations:
        if op == b"q":
            saved.append(ctm)
        elif op == b"Q":
            ctm = saved.pop()
        elif op == b"cm":
            ctm = _times(tuple(map(float, operands)), ctm)
        elif op == b"BT":
            tm = line = IDENTITY
        elif op == b"Tf":
            size = float(operands[1])
        elif op == b"TL":
            leading = float(operands[0])
        elif op == b"Tm":
            tm = line = tuple(map(float, operands))
        elif op in (b"Td", b"TD", b"T*"):
            dx, dy = map(float, operands) if operands else (0.0, -leading)
            leading = -dy if op == b"TD" else leading
            tm = line = _times((1, 0, 0, 1, dx, dy), line)
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            m = _times(tm, ctm)
            runs.append((size * math.hypot(m[2], m[3]), m[4], m[5], in_form))
        elif op == b"Do":
            xo = resources["/XObject"][operands[0]].get_object()
            if xo["/Subtype"] == "/Form":
                matrix = tuple(map(float, xo.get("/Matrix", IDENTITY)))
                runs += text_runs(xo, xo.get("/Resources", resources), reader,
                                  _times(matrix, ctm), True)
    return runs


def pages_of(data: bytes) -> list[tuple[float, float, list]]:
    """(width, height, text runs) of each page."""
    reader = PdfReader(io.BytesIO(data))
    return [(float(p.mediabox.width), float(p.mediabox.height),
             text_runs(p.get_contents(), p["/Resources"], reader)) for p in reader.pages]


def is_a4(w: float, h: float) -> bool:
    return any(abs(w - a) <= 1 and abs(h - b) <= 1 for a, b in (A4, A4[::-1]))


def too_small(runs: list) -> list[float]:
    return sorted(round(s, 2) for s, *_ in runs if s < MIN_PRINT_PT - 1e-6)


def overlaps(fig) -> list[str]:
    """Texts of a drawn page that leave it or overlap another (by their drawn extents)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(fig).get_renderer()
    page = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    bad = [f"off the page: {s!r}" for s, b in boxes
           if b.x0 < page.x0 or b.y0 < page.y0 or b.x1 > page.x1 or b.y1 > page.y1]
    for i, (s, b) in enumerate(boxes):
        for t, c in boxes[i + 1:]:
            if min(b.x1, c.x1) - max(b.x0, c.x0) > 0.5 and min(b.y1, c.y1) - max(b.y0, c.y0) > 0.5:
                bad.append(f"{s!r} overlaps {t!r}")
    return bad


def _single(source: Path):
    def make(out: Path, tmp: Path) -> None:
        from landalloc.present.report import write_report

        write_report(landalloc.solve(source), out, "both")
    return make


def _linked(out: Path, tmp: Path) -> None:
    from landalloc.api import solve_horizon
    from landalloc.present.report.horizon import write_horizon_report

    write_horizon_report(solve_horizon("zhengzhou", "all"), out, "both")


def _compare(out: Path, tmp: Path) -> None:
    from landalloc.present.report import write_comparison_report

    write_comparison_report([landalloc.solve("zhengzhou"),
                             landalloc.solve(SCENARIOS / "airport-expansion.yaml")], out, "both")


def _batch(out: Path, tmp: Path) -> None:
    from landalloc.batch import run_batch
    from landalloc.batch.report import write_batch_report

    grid = tmp / "grid.csv"
    pd.DataFrame({"scenario": ["low", "mid", "high"],
                  "sectors.electronics.quota.max": [2100, 2200, 2300]}).to_csv(grid, index=False)
    run_batch([str(grid)], tmp / "res", base="zhengzhou")
    write_batch_report(tmp / "res", out, "zhengzhou", None, "both")


#: Every page report.pdf can have, in four reports: the linked one holds each period's
#: pages (2021-2025, 2026-2035), the batch one is a single period's report with the batch's
#: charts, the comparison has its own charts, Rivertown is another city (no map).
KINDS = {"linked": _linked, "batch": _batch, "compare": _compare,
         "rivertown": _single(DATA / "rivertown")}


@pytest.fixture(scope="module", params=list(KINDS))
def report(request, tmp_path_factory):
    """One report of each kind: report.pdf's bytes, and each page as drawn (the pages of
    the one report.pdf the report wrote, with their feet)."""
    tmp = tmp_path_factory.mktemp(request.param)
    drawn = []
    render = pdf._render

    def keep(pages, lb, title):
        drawn.append((pages, pdf.footers(pages, lb, title)))
        return render(pages, lb, title)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf, "_render", keep)
        KINDS[request.param](tmp / "rep", tmp)
    assert len(drawn) == 1
    return (tmp / "rep" / "report.pdf").read_bytes(), drawn[0]


def test_every_page_is_a4_and_no_text_prints_below_the_minimum(report):
    data, (pages, _) = report
    seen = pages_of(data)
    assert len(seen) == len(pages.pages)
    for n, (w, h, runs) in enumerate(seen, 1):
        assert is_a4(w, h), (n, w, h)
        assert (w > h) == pages.landscape[n - 1], n
        assert runs, f"page {n}: no text found"
        small = too_small(runs)
        assert not small, f"page {n}: text at {small} pt"
        assert all(0 <= x <= w and 0 <= y <= h for _, x, y, _ in runs), f"page {n}: off it"
        if pages.charts[n - 1] is not None:  # the chart's text is text, and was measured
            assert sum(form for *_, form in runs) > 5, n


def test_the_pages_text_stays_on_the_page_and_apart(report):
    import matplotlib as mpl

    from landalloc.present.report import fonts

    _, (pages, feet) = report
    with mpl.rc_context(fonts.rc_params()):
        for i, foot in enumerate(feet):
            bad = overlaps(pdf.page_figure(pages, i, foot))
            assert not bad, (i + 1, bad[:5])


def test_the_checks_can_fail():
    """A 5 pt text, one drawn at 10 pt in a form scaled by half, an A5 page and two texts
    on top of each other are each caught."""
    import matplotlib as mpl
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    from landalloc.present.report import fonts

    buf = io.BytesIO()
    with mpl.rc_context(fonts.rc_params()), PdfPages(buf) as out:
        for size, fontsize in (((A4[0] / 72, A4[1] / 72), 5), ((5.83, 8.27), 10)):  # A4, A5
            fig = Figure(figsize=size)
            fig.text(0.1, 0.5, "规划", fontsize=fontsize)
            out.savefig(fig)
    (_, _, five), (w, h, _) = pages_of(buf.getvalue())
    assert too_small(five) == [5.0] and not is_a4(w, h)
    # the second page's content as a form at half size: 10 pt prints at 5
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    page = writer.pages[1]
    form = page.raw_get("/Contents").get_object()
    form.update({NameObject("/Type"): NameObject("/XObject"),
                 NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject(page.mediabox),
                 NameObject("/Matrix"): ArrayObject(map(FloatObject, (0.5, 0, 0, 0.5, 0, 0))),
                 NameObject("/Resources"): page.raw_get("/Resources")})
    writer.pages[0]["/Resources"]["/XObject"][NameObject("/Half")] = form.indirect_reference
    content = writer.pages[0].get_contents()
    content.operations.append(([NameObject("/Half")], b"Do"))
    writer.pages[0].replace_contents(content)
    data = io.BytesIO()
    writer.write(data)
    halved = pages_of(data.getvalue())[0][2]
    assert too_small(halved) == [5.0, 5.0] and [f for *_, f in halved] == [False, True]
    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=(4, 2))
        fig.text(0.1, 0.5, "表3-1 overlapping", fontsize=10)
        fig.text(0.2, 0.5, "表3-2 text", fontsize=10)
        fig.text(0.9, 0.5, "off the edge", fontsize=10)
        assert overlaps(fig) == ["off the page: 'off the edge'",
                                 "'表3-1 overlapping' overlaps '表3-2 text'"]
