"""report.html printed by a real browser (Debian's chromium through Playwright): every page
A4, a sane number of pages, no table row split across pages, header rows repeated, and
every chart's smallest text at least 7 pt as printed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import landalloc
from landalloc.present.report.figure import MIN_PRINT_PT
from tests.serve_live import CHROMIUM_ARGS, chromium_path

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if chromium_path() is None:
    pytest.skip("no chromium executable found (/usr/bin/chromium, chromium on PATH, or "
                "LANDALLOC_CHROMIUM)", allow_module_level=True)

A4 = (595.28, 841.89)  # pt
#: CSS pixels of the A4 landscape page's content box (297 mm - 2 x 12 mm), where charts print
CHART_BOX_PX = (297 - 24) / 25.4 * 96


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The page laid out for print (its measurements) and the PDF chromium prints of it."""
    from playwright.sync_api import sync_playwright

    from landalloc.present.report import write_report

    tmp = tmp_path_factory.mktemp("print")
    write_report(landalloc.solve("zhengzhou"), tmp / "rep", "both")
    url = (tmp / "rep" / "report.html").as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            page = browser.new_page()
            page.goto(url)
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            page.emulate_media(media="print")
            # charts print on a landscape page: lay the page out at that width to measure
            page.set_viewport_size({"width": int(CHART_BOX_PX), "height": 700})
            seen = page.evaluate(MEASURE)
        finally:
            browser.close()
    return tmp / "rep", pdf, seen


MEASURE = """() => {
  const st = (e) => getComputedStyle(e);
  const rows = [...document.querySelectorAll('tr')];
  const heads = [...document.querySelectorAll('thead')];
  const figs = [...document.querySelectorAll('figure')].map((f) => {
    const img = f.querySelector('img');
    return {key: f.dataset.chart, minPt: parseFloat(f.dataset.minFontPt),
            page: st(f).page, breakInside: st(f).breakInside,
            shownPx: img.getBoundingClientRect().width, naturalPx: img.naturalWidth};
  });
  return {rows: rows.length,
          rowsAvoid: rows.filter((r) => st(r).breakInside === 'avoid').length,
          heads: heads.length,
          headsRepeat: heads.filter((h) => st(h).display === 'table-header-group').length,
          figs};
}"""


def test_every_page_is_a4_and_the_count_is_sane(printed):
    from pypdf import PdfReader

    _, pdf, seen = printed
    pages = PdfReader(io.BytesIO(pdf)).pages
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    portrait, landscape = (round(A4[0]), round(A4[1])), (round(A4[1]), round(A4[0]))
    assert sizes <= {portrait, landscape}, sizes
    charts = len(seen["figs"])
    assert charts >= 5
    landscape_pages = sum((round(float(p.mediabox.width)), round(float(p.mediabox.height)))
                          == landscape for p in pages)
    assert landscape_pages == charts  # one chart per landscape page, never split
    # the tables: the matrix, the totals and the binding rules (with every named base's
    # minimum, about 40) on a few portrait pages
    assert charts < len(pages) <= charts + 16, len(pages)
    text = "".join(p.extract_text() for p in pages)
    assert "新增工业用地分配报告" in text


def test_no_table_row_splits_and_headers_repeat(printed):
    _, _, seen = printed
    assert seen["rows"] > 30
    assert seen["rowsAvoid"] == seen["rows"]
    assert seen["heads"] and seen["headsRepeat"] == seen["heads"]


def test_chart_text_is_legible_as_printed(printed):
    from landalloc.present.report.figure import DPI

    out, _, seen = printed
    small = []
    for f in seen["figs"]:
        assert f["page"] == "chart" and f["breakInside"] == "avoid", f
        assert f["shownPx"] <= CHART_BOX_PX + 0.5
        assert f["naturalPx"] == _png_width(out / "figures" / f"{f['key']}.png")
        # a text of s pt is s * DPI / 72 PNG pixels tall; shown at shown/natural CSS px
        # per PNG px, and 72/96 pt per CSS px
        pt = f["minPt"] * DPI / 72 * f["shownPx"] / f["naturalPx"] * 72 / 96
        if pt < MIN_PRINT_PT - 0.05:
            small.append((f["key"], round(pt, 2)))
    assert not small, small


def test_the_legibility_check_can_fail():
    from landalloc.present.report.figure import DPI

    # a 20-inch chart with 8 pt text squeezed into the landscape box prints below 7 pt
    natural = 20 * DPI
    pt = 8 * DPI / 72 * min(CHART_BOX_PX, natural) / natural * 72 / 96
    assert pt < MIN_PRINT_PT


def _png_width(path: Path) -> int:
    from landalloc.present.report.figure import png_size

    return png_size(path.read_bytes())[0]
