"""Map labels at report size: no two district labels overlap, none leaves the figure, and
a label moved off its district is joined to it by a leader line."""

from __future__ import annotations

import pytest

import landalloc


def _boxes(period: str, lang: str):
    from landalloc.present.report import charts
    from landalloc.present.report.figure import print_floor, style
    from landalloc.present.report.labels import Labels
    from landalloc.present.report.maps_geo import boundaries_for

    r = landalloc.solve("zhengzhou", period=period)
    with style():
        fig, labels = charts.geo_map_figure(r, Labels.of(r.instance, lang), boundaries_for(r))
        fig.suptitle("title", fontsize=13)  # as finish() adds them: the size they print at
        fig.text(0.01, -0.01, "caption\nline", va="top", fontsize=9)
        print_floor(fig)  # text enlarged for print, labels placed again
        fig.draw_without_rendering()  # layout done: the positions the PNG is drawn at
        rend = fig.canvas.get_renderer()
        boxes = [lb.text.get_window_extent(rend) for lb in labels]
        frame = fig.bbox
        ax = fig.axes[0]
        lines = len(ax.lines)
    return r, labels, boxes, frame, lines


@pytest.mark.parametrize(("period", "lang"), [("2021-2025", "both"), ("2026-2035", "zh"),
                                              ("2021-2025", "en")])
def test_no_two_map_labels_overlap(period, lang):
    from landalloc.present.report.map_labels import overlaps

    r, labels, boxes, frame, lines = _boxes(period, lang)
    # every district has its label, the central ones and the functional zones included
    assert len(labels) == len(r.instance.districts)
    clash = [(labels[i].text.get_text(), labels[k].text.get_text())
             for i in range(len(boxes)) for k in range(i + 1, len(boxes))
             if overlaps(boxes[i], boxes[k])]
    assert not clash, clash
    for b in boxes:
        assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
    moved = [lb for lb in labels if lb.text.get_position() != (lb.x, lb.y)]
    assert moved  # the central districts do not fit on their own outlines at this size
    assert lines >= 2 * len(moved)  # a leader line and an anchor dot each


def test_overlap_test_can_fail():
    from matplotlib.transforms import Bbox

    from landalloc.present.report.map_labels import overlaps

    a = Bbox.from_extents(0, 0, 10, 10)
    assert overlaps(a, Bbox.from_extents(5, 5, 15, 15))
    assert not overlaps(a, Bbox.from_extents(10, 0, 20, 10))  # touching edges only
    assert not overlaps(a, Bbox.from_extents(0, 12, 10, 20))
