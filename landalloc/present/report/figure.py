"""A chart as a report carries it (title, caption, PNG, its figure); how figures are finished.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot, no global
figure state), so reports can be drawn from threads and never open a window.
"""

from __future__ import annotations

import io
import struct
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from landalloc.present.report import fonts

if TYPE_CHECKING:
    from matplotlib.backends.backend_pdf import PdfPages

DPI = 110
#: Where a chart prints, in inches: an A4 landscape page less 12 mm margins and a caption
#: line, in report.html's print stylesheet and on report.pdf's chart pages alike.
PRINT_BOX_IN = (10.7, 6.9)
#: The smallest text of a report as printed, in pt: charts, tables and text pages.
MIN_PRINT_PT = 7.0
PAD_IN = 0.25
#: How a chart is saved, as PNG and as a page of report.pdf: the same bounds in both.
SAVE = {"dpi": DPI, "bbox_inches": "tight", "pad_inches": PAD_IN, "facecolor": "white"}


@dataclass(frozen=True)
class Chart:
    """One picture of a report: `key` names its PNG file; `figure` is kept so report.pdf
    draws it again as vector (save_pdf_page): its text stays text, sharp, at a known size."""

    key: str
    title: str
    caption: str
    png: bytes
    min_font_pt: float = 0.0  # the smallest text drawn, in pt at the figure's own size
    figure: Figure | None = field(default=None, compare=False, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        return png_size(self.png)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG header; ValueError if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    w, h = struct.unpack(">II", data[16:24])
    return int(w), int(h)


@contextmanager
def style() -> Iterator[None]:
    """The report's matplotlib settings, only while charts are drawn."""
    rc = {**fonts.rc_params(), "axes.spines.top": False, "axes.spines.right": False,
          "axes.titlesize": 12, "axes.labelsize": 10, "xtick.labelsize": 9,
          "ytick.labelsize": 9, "legend.fontsize": 9, "figure.facecolor": "white"}
    with mpl.rc_context(rc):
        yield


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def finish(fig: Figure, key: str, title: str, caption: str) -> Chart:
    """Title on top, the one-line caption under everything drawn, and the PNG bytes."""
    fig.suptitle(_wrap_title(title, fig.get_figwidth()), fontsize=13)
    # Constrained layout keeps every axis decoration inside the figure, so text hung just
    # below its bottom edge never overlaps; bbox_inches="tight" grows the PNG to hold it.
    fig.text(0.01, -0.01, caption, ha="left", va="top", fontsize=9, color="#444444",
             style="italic")
    print_floor(fig)
    smallest = min((t.get_fontsize() for t in _texts(fig)), default=0.0)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **SAVE)
    return Chart(key, title, caption, buf.getvalue(), float(smallest), fig)


def save_pdf_page(pdf: PdfPages, chart: Chart) -> None:
    """The chart as one page of the PdfPages `pdf`, at its own size (as its PNG), in vector;
    report.pdf then scales the page onto an A4 landscape one."""
    with style():  # fonts are looked up, and tick labels formatted, when drawn
        pdf.savefig(chart.figure, **SAVE)


def fit_scale(width_in: float, height_in: float) -> float:
    """How much report.pdf scales a chart of width x height inches: to fill PRINT_BOX_IN."""
    return min(PRINT_BOX_IN[0] / width_in, PRINT_BOX_IN[1] / height_in)


def print_scale(width_in: float, height_in: float) -> float:
    """Printed size / own size of a chart of width x height inches, the smaller of its two
    prints: report.html shows the PNG at its CSS size (PNG pixels as CSS pixels, 96 per
    inch) shrunk to fit PRINT_BOX_IN, never enlarged; report.pdf fits it to the box."""
    return min(DPI / 96, fit_scale(width_in, height_in))


def _texts(fig: Figure) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def print_floor(fig: Figure) -> float:
    """Enlarge any text that would print below MIN_PRINT_PT (charts larger than the page
    print smaller than drawn); returns the floor, in pt at the figure's size."""
    floor = 0.0
    for _ in range(2):  # larger text can grow the drawing: measure again
        fig.draw_without_rendering()
        box = fig.get_tightbbox(fig.canvas.get_renderer())
        floor = MIN_PRINT_PT * 1.02 / print_scale(box.width + 2 * PAD_IN,
                                                  box.height + 2 * PAD_IN)
        small = [t for t in _texts(fig) if t.get_fontsize() < floor]
        if not small:
            break
        for t in small:
            t.set_fontsize(floor)
    for fn in getattr(fig, "_after_floor", []):
        fn()
    return floor


def after_floor(fig: Figure, fn) -> None:
    """Run `fn` once print_floor has sized the text (e.g. to place map labels again)."""
    if not hasattr(fig, "_after_floor"):
        fig._after_floor = []
    fig._after_floor.append(fn)


def _wrap_title(title: str, width_in: float) -> str:
    """Long titles (a scenario name in them) go on two or more lines instead of off the edge."""
    limit = int(width_in * 8)
    if len(title) <= limit:
        return title
    lines = title.split(" / ") if " / " in title else [title]
    return "\n".join(textwrap.fill(line, limit) for line in lines)


def sector_color(sector: str) -> tuple:
    """The fixed colour of a sector id: the same in every period, report and chart."""
    return sector_colors([sector])[sector]


#: Salt of the sector hue checksum; chosen once so Zhengzhou's eight sectors sit at least
#: 34 degrees of hue apart. Changing it changes every sector's colour.
HUE_SALT = 617


def sector_colors(sectors: list[str]) -> dict[str, tuple]:
    """One colour per sector, fixed by its id alone (not by its place in a period's list):
    a sector has the same colour in both periods, in every report and chart."""
    import colorsys
    import zlib

    out = {}
    for s in sectors:
        c = zlib.crc32(f"{HUE_SALT}:{s}".encode())
        hue = (c % 3600) / 3600
        value = 0.88 if (c >> 16) & 1 else 0.72
        out[s] = (*colorsys.hsv_to_rgb(hue, 0.62, value), 1.0)
    return out


def text_color(rgba: tuple) -> str:
    """Black or white, whichever reads on the given fill."""
    r, g, b = rgba[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def fmt_ha(v: float) -> str:
    return f"{v:,.0f}"


def signed_bars(values, texts: list[str], names: list[str], colors: tuple[str, str],
                pad: float, height: float = 0.38, name_size: float | None = None):
    """A figure of horizontal bars, one per name, coloured by sign, each labelled at its end.

    `colors` is (positive, negative); `pad` is the room left beside the bars for the labels,
    as a share of the value range. Returns (figure, axes) for the caller's axis label.
    """
    import numpy as np

    v = np.asarray(values, dtype=float)
    fig = new_figure(11.0, height * len(v) + 2.0)
    ax = fig.add_subplot()
    y = np.arange(len(v))
    ax.barh(y, v, color=np.where(v > 0, *colors), height=0.65)
    span = float(np.abs(v).max())
    for i, (dv, text) in enumerate(zip(v, texts, strict=True)):
        ax.text(dv + (0.01 if dv >= 0 else -0.01) * span, i, text,
                ha="left" if dv >= 0 else "right", va="center", fontsize=8)
    ax.set_yticks(y, names, fontsize=name_size)
    ax.axvline(0, color="black", lw=0.8)
    lo, hi = min(0.0, v.min()), max(0.0, v.max())
    room = pad * (hi - lo or 1.0)
    ax.set_xlim(lo - (room if lo < 0 else 0), hi + (room if hi > 0 else 0))
    return fig, ax
