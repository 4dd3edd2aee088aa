"""Map labels that never overlap: each label sits on its district unless it would cover a
label already placed (larger districts are placed first); then it moves to a column to the
right of the map, in the order of the districts from north to south, with a leader line to
its district. Boxes are measured with matplotlib's own renderer, after layout."""

from __future__ import annotations

from dataclasses import dataclass, field

GAP_PX = 3.0  # space between two labels of the column


@dataclass
class Label:
    """A label and its district's anchor point (data coordinates); `area` orders them."""

    text: object  # matplotlib.text.Text
    x: float
    y: float
    area: float
    drawn: list = field(default_factory=list)  # its leader line and anchor dot


def overlaps(a, b, pad: float = 0.5) -> bool:
    """True when two display boxes (matplotlib Bbox) share more than a hairline."""
    return (a.x0 < b.x1 - pad and b.x0 < a.x1 - pad and a.y0 < b.y1 - pad
            and b.y0 < a.y1 - pad)


def _boxes(fig, labels: list[Label]):
    fig.draw_without_rendering()
    r = fig.canvas.get_renderer()
    return [lb.text.get_window_extent(r) for lb in labels]


def _keep(fig, labels: list[Label], avoid=()) -> tuple[list[Label], list[Label]]:
    """Largest district first: a label stays on its district if it covers no kept one and
    none of the `avoid` artists (the legend)."""
    for lb in labels:
        lb.text.set_position((lb.x, lb.y))
    boxes = _boxes(fig, labels)
    r = fig.canvas.get_renderer()
    blocked = [a.get_window_extent(r) for a in avoid]
    kept: list[int] = []
    moved: list[int] = []
    for i in sorted(range(len(labels)), key=lambda i: -labels[i].area):
        if (any(overlaps(boxes[i], boxes[k]) for k in kept)
                or any(overlaps(boxes[i], b) for b in blocked)):
            moved.append(i)
        else:
            kept.append(i)
    return [labels[i] for i in kept], [labels[i] for i in moved]


def place(fig, ax, labels: list[Label], avoid=(), xlim: tuple | None = None) -> list[Label]:
    """Move the labels that would overlap to a column right of the map; returns them.
    Placing again (text enlarged for print) starts from the map's own `xlim`."""
    for lb in labels:
        for a in lb.drawn:
            a.remove()
        lb.drawn.clear()
        lb.text.set_horizontalalignment("center")
    if xlim is not None:
        ax.set_xlim(*xlim)
    x0, x1 = ax.get_xlim()
    moved: list[Label] = []
    for _ in range(4):  # widening the view shrinks the map: decide again at the new scale
        _, moved = _keep(fig, labels, avoid)
        if not moved:
            return []
        for lb in moved:
            lb.text.set_horizontalalignment("left")
        width_px = max(b.width for b in _boxes(fig, moved))
        inv = ax.transData.inverted()
        width = (inv.transform((width_px, 0)) - inv.transform((0, 0)))[0]
        want = x1 + 0.04 * (x1 - x0) + width * 1.08
        if ax.get_xlim()[1] >= want - 1e-9:
            break
        ax.set_xlim(x0, want)
        for lb in moved:
            lb.text.set_horizontalalignment("center")
    col = x1 + 0.03 * (x1 - x0)
    _stack(fig, ax, moved, col)
    for lb in moved:
        lb.text.set_zorder(6)
        box = lb.text.get_window_extent(fig.canvas.get_renderer())
        tx, ty = ax.transData.inverted().transform((box.x0, (box.y0 + box.y1) / 2))
        lb.drawn += ax.plot([lb.x, tx - 0.004 * (x1 - x0)], [lb.y, ty], color="#555555",
                            lw=0.6, zorder=5)
        lb.drawn += ax.plot([lb.x], [lb.y], "o", color="#333333", ms=2.0, zorder=5)
    return moved


def _stack(fig, ax, moved: list[Label], col: float) -> None:
    """North to south, top to bottom, each label's height measured, centred on the map."""
    moved.sort(key=lambda lb: -lb.y)
    for lb in moved:
        lb.text.set_position((col, lb.y))
        lb.text.set_horizontalalignment("left")
        lb.text.set_verticalalignment("center")
    heights = [b.height for b in _boxes(fig, moved)]
    total = sum(heights) + GAP_PX * (len(moved) - 1)
    to_px = ax.transData
    y_lo, y_hi = ax.get_ylim()
    mean_anchor = to_px.transform((col, sum(lb.y for lb in moved) / len(moved)))[1]
    ax_top = to_px.transform((col, y_hi))[1]
    ax_bot = to_px.transform((col, y_lo))[1]
    top_px = min(ax_top, max(ax_bot + total, mean_anchor + total / 2))
    inv = to_px.inverted()
    y = top_px
    for lb, h in zip(moved, heights, strict=True):
        centre = y - h / 2
        lb.text.set_position((col, inv.transform((0, centre))[1]))
        y -= h + GAP_PX
