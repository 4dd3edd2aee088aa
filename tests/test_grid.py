"""The terminal grid: laid out from known widths, it must still fit and keep numbers whole.

Checked on random tables against what a reader needs, not against rich's Table: no line
wider than the terminal whenever the numbers alone fit, every number on one line, every
word of a text cell still there (in order), and the layout arithmetic equal to the lines'
real width.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from landalloc.present.answer import fit_columns
from landalloc.present.grid import MIN_TEXT, Col, render, width_of, widths_for

words = st.sampled_from(["Table", "3-4;", "Ch.3", "§1(3)1", "电子信息", "新增工业用地",
                         "airport", "(合计)", "district_cap[airport]", "assumption:"])
texts = st.lists(words, min_size=1, max_size=12).map(" ".join)
numbers = st.integers(-10**7, 10**7).map(lambda v: f"{v:,}")


def lines_of(console: Console, cols: list[Col], title: str = "") -> list[str]:
    return [t.plain for t in render(console, title, cols, footer=True)]


@settings(max_examples=150, deadline=None)
@given(st.integers(40, 160), st.integers(1, 6), st.data())
def test_a_table_fits_and_keeps_numbers_whole(width, rows, data):
    n_num = data.draw(st.integers(1, 4))
    nums = [Col(f"h{j} / header {j}", data.draw(st.lists(numbers, min_size=rows,
                                                         max_size=rows)), right=True)
            for j in range(n_num)]
    text = Col("出处 / source", data.draw(st.lists(texts, min_size=rows, max_size=rows)),
               wrap=True, markup=False)
    cols = [text, *nums]
    console = Console(file=io.StringIO(), width=width)
    out = lines_of(console, cols, "按区县合计 / Totals by district — rules of P1")
    least = width_of([min(text.natural(), MIN_TEXT), *(c.natural() for c in nums)])
    if least <= width:
        assert max(cell_len(line) for line in out) <= width
    body = "\n".join(out)
    for c in nums:
        for v in c.cells:
            assert any(v in line for line in out), v  # a number is never split
    for cell in text.cells:
        for w in cell.split():
            if cell_len(w) <= min(text.natural(), MIN_TEXT):
                assert w in body  # a short word is never lost or split
    ws = widths_for(cols, width)
    assert max(cell_len(line) for line in out[-3:-1]) <= max(width_of(ws), width)


def test_layout_by_hand():
    """Two columns 5 and 7 wide: 1 + 5 + 3 + 7 + 1 = 17 characters a line."""
    cols = [Col("name", ["a", "bbbbb"]), Col("ha", ["1,234", "123,456"], right=True)]
    console = Console(file=io.StringIO(), width=80)
    out = lines_of(console, cols)
    assert width_of(widths_for(cols, 80)) == 17
    assert out[0] == " name" + " " * 9 + "ha "  # 1 pad + 3 between + 5 before "ha"
    assert out[2] == " a" + " " * 9 + "1,234 "
    assert out[3] == " bbbbb   123,456 "
    assert len(out[1]) == 17 and set(out[1].strip()) == {"─"}


def test_a_long_title_breaks_before_what_the_table_is_of():
    console = Console(file=io.StringIO(), width=60)
    out = lines_of(console, [Col("x", ["1"])],
                   "Rules, ranked by shadow price (亿元 per ha of the figure) — rules across "
                   "periods")
    assert out[1] == "— rules across periods"


def test_fit_columns_splits_only_when_needed():
    """Ten 9-wide number columns beside 8-wide names: 1 + 8 + 10·(3 + 9) + 1 = 130 fits at
    140 in one piece; at 80, pieces of 5 (1 + 8 + 5·12 + 1 = 70; 6 would be 82)."""
    names = ["district"] * 3
    cols = [(f"c{j}", ["123,456,7"[:9]] * 3) for j in range(10)]
    for width, pieces in ((140, 1), (80, 2)):
        buf = io.StringIO()
        fit_columns(Console(file=buf, width=width), "T", "name", names, cols)
        text = buf.getvalue()
        assert text.count("T (") == (0 if pieces == 1 else pieces)
        assert max(cell_len(line) for line in text.splitlines()) <= width


cjk = st.sampled_from(["新增工业用地规模", "航空港区", "（合计）", "，", "。",
                      "电子信息新增用地上限合计"])
tokens = st.one_of(words, numbers, cjk)
paragraphs = st.lists(tokens, min_size=1, max_size=30).map(lambda ts: "".join(
    t if t[0] in "，。（" or ord(t[0]) > 0x2E80 else " " + t for t in ts).strip())


@settings(max_examples=150, deadline=None)
@given(st.integers(30, 120), st.integers(0, 4), paragraphs)
def test_prose_wraps_between_words_and_keeps_its_indent(width, indent, text):
    """Prose at any width: nothing lost or reordered, no line wider than the console,
    every number and every short word whole, each line with the paragraph's indent."""
    from landalloc.present.answer import prose

    buf = io.StringIO()
    prose(Console(file=buf, width=width), " " * indent + text)
    out = buf.getvalue().rstrip("\n").split("\n")
    assert "".join("".join(out).split()) == "".join(text.split())
    assert max(cell_len(line) for line in out) <= width
    assert all(line.startswith(" " * indent) for line in out)
    body = "\n".join(out)
    for w in text.split():
        if cell_len(w) <= 32 and all(ord(c) < 0x2E80 for c in w):
            assert w in body, w  # a number, an id, an English word: never split
