"""The HTML report: one self-contained file that opens offline.

Images are embedded as base64 PNG and the Chinese font as a subset WOFF data: URL, so the
page shows the same on a machine without Chinese fonts and loads nothing from anywhere.
No script at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from html import escape
from typing import Any

from landalloc.present.report import fonts
from landalloc.present.report.figure import Chart
from landalloc.present.report.labels import Labels

CSS = """
body { font-family: 'ReportCJK', 'Noto Sans SC', 'Noto Sans CJK SC', 'Microsoft YaHei',
       'PingFang SC', sans-serif; margin: 0; background: #f4f6f8; color: #212529; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; background: white; }
h1 { font-size: 1.6em; margin: 0 0 4px; font-weight: normal; }
h2 { font-size: 1.25em; border-bottom: 2px solid #1f4e78; padding-bottom: 4px;
     margin-top: 36px; font-weight: normal; }
.sub { color: #666; margin: 0 0 18px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 1 1 180px; border: 1px solid #dee2e6; border-radius: 6px; padding: 10px 14px;
        background: #f8f9fa; }
.card .k { font-size: 0.85em; color: #555; }
.card .v { font-size: 1.5em; margin-top: 4px; }
figure { margin: 24px 0; }
figure img { max-width: 100%; height: auto; display: block; border: 1px solid #e9ecef; }
figcaption { font-size: 0.92em; color: #444; margin-top: 6px; }
table { border-collapse: collapse; font-size: 0.88em; margin: 8px 0 18px; }
th, td { border-bottom: 1px solid #dee2e6; padding: 4px 8px; text-align: right;
         vertical-align: top; }
th { background: #1f4e78; color: white; font-weight: normal; text-align: center; }
td.l, th.l { text-align: left; }
td.at_plan { background: #c6efce; } td.within { background: #ffeb9c; }
td.outside { background: #ffc7ce; } td.up { background: #ddebf7; } td.down { background: #fce4d6; }
.note { font-size: 0.85em; color: #555; }
details { margin-top: 12px; } summary { cursor: pointer; }
.files { font-size: 0.85em; color: #555; }
@page { size: A4 portrait; margin: 16mm 14mm 18mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
@page chart { size: A4 landscape; margin: 12mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
@media print {
  body { background: white; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18px; }
  figure { break-inside: avoid; page-break-inside: avoid; page: chart; margin: 0; }
  figure img { max-width: 100%; max-height: 175mm; width: auto; height: auto;
               border: none; }
  table { break-inside: auto; width: 100%; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  th { background: #dfe7f1 !important; color: black; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
  td.at_plan, td.within, td.outside, td.up, td.down { -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
  details { display: block; } details > summary { display: none; }
  .cards { break-inside: avoid; }
}
"""


def fmt(v: Any, digits: int = 0, sign: bool = False) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if isinstance(v, int | float):
        return f"{v:{'+' if sign else ''},.{digits}f}"
    return str(v)


def table(headers: list[str], rows: list[list[Any]], classes: list[list[str]] | None = None,
          left: int = 1) -> str:
    """A plain HTML table; the first `left` columns are text, aligned left."""
    head = "".join(f'<th class="{"l" if j < left else ""}">{escape(h)}</th>'
                   for j, h in enumerate(headers))
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, v in enumerate(row):
            cls = ["l"] if j < left else []
            if classes and classes[i][j]:
                cls.append(classes[i][j])
            cells.append(f'<td class="{" ".join(cls)}">{escape(str(v))}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(chart: Chart, folder: str = "figures") -> str:
    """The chart (its title, units and caption are drawn in the PNG), and where its PNG is."""
    w, h = chart.size
    b64 = base64.b64encode(chart.png).decode("ascii")
    alt = f"{chart.title}. {chart.caption}".replace("\n", " ")
    return (f'<figure id="chart-{escape(chart.key)}" data-chart="{escape(chart.key)}" '
            f'data-min-font-pt="{chart.min_font_pt:.2f}">'
            f'<img src="data:image/png;base64,{b64}" alt="{escape(alt)}" '
            f'width="{w}" height="{h}">'
            f'<figcaption class="files">PNG: {escape(folder)}/{escape(chart.key)}.png'
            f"</figcaption></figure>")


def cards(items: list[tuple[str, str]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="k">{escape(k)}</div><div class="v">{escape(v)}</div>'
        f"</div>" for k, v in items) + "</div>"


def page(title: str, subtitle: str, sections: list[tuple[str, str]], lb: Labels) -> str:
    """The whole document; the font subset covers every character it shows."""
    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    body = "".join(f"<section><h2>{escape(h)}</h2>{content}</section>" if h else content
                   for h, content in sections)
    main = (f"<main><h1>{escape(title)}</h1><p class=\"sub\">{escape(subtitle)} · {stamp}</p>"
            f"{body}</main>")
    lang = {"zh": "zh-CN", "en": "en", "both": "zh-CN"}[lb.lang]
    font_css = fonts.font_face_css(title + subtitle + _visible_text(main))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{font_css}{CSS}</style>\n</head>\n"
            f"<body>\n{main}\n</body>\n</html>\n")


def _visible_text(markup: str) -> str:
    """The characters a page shows (tags and data: URLs left out) for the font subset."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

        def handle_starttag(self, tag: str, attrs: list) -> None:
            for k, v in attrs:
                if k in ("alt", "title") and v:
                    self.parts.append(v)

    p = Text()
    p.feed(markup)
    return "".join(p.parts)
