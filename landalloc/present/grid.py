"""Terminal tables laid out from widths known in advance.

rich's Table measures and renders every cell through its renderable protocol, about
0.1 ms a cell: most of the solve screen's time. These tables hold short strings whose
widths `cell_len` gives, so they are laid out here in the look of rich's SIMPLE_HEAD box
(title, header, a rule, rows, a footer after a blank line; one space at each edge, three
between columns). A number column never shrinks or wraps; a text column shrinks to share
what the terminal has left and wraps with rich's own `Text.wrap` (a word longer than its
column is folded). rich still writes every line (styles, colour, the terminal's width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

#: A text column is never narrowed below this (or its own width, if smaller).
MIN_TEXT = 10
EDGE, GAP = 1, 3  # spaces at each edge, between two columns


def as_text(cell: str | Text, markup: bool = True) -> Text:
    """A cell as Text: a string is rich markup when it could be (as a Table reads it)."""
    if isinstance(cell, Text):
        return cell
    return Text.from_markup(cell) if markup and "[" in cell else Text(cell)


@dataclass
class Col:
    """One column: header (lines split at "\\n"), cells, footer; `wrap`: it may narrow."""

    header: str | Text
    cells: Sequence[str | Text]
    footer: str | Text = ""
    right: bool = False
    wrap: bool = False
    max_width: int | None = None
    markup: bool = True  # False: cells are plain text, "[" and all
    texts: list[Text] = field(init=False)

    def __post_init__(self) -> None:
        self.texts = [as_text(c, self.markup) for c in self.cells]

    def natural(self) -> int:
        """Its widest line; a number column's header counts by its longest word only (it
        wraps above the numbers rather than widen the column)."""
        parts = [as_text(self.footer), *self.texts]
        lines = [line for t in parts for line in t.plain.split("\n")]
        head = as_text(self.header).plain.split("\n")
        lines += [w for h in head for w in h.split()] if self.right else head
        w = max([cell_len(line) for line in lines] + [1])
        return min(w, self.max_width) if self.max_width else w


def width_of(widths: Sequence[int]) -> int:
    """The printed width of a table whose columns are this wide."""
    return 2 * EDGE + sum(widths) + GAP * max(len(widths) - 1, 0)


def widths_for(cols: Sequence[Col], width: int) -> list[int]:
    """Each column's width: natural, text columns narrowed (widest first) to fit `width`."""
    ws = [c.natural() for c in cols]
    over = width_of(ws) - width
    while over > 0:
        can = sorted((j for j, c in enumerate(cols) if c.wrap and ws[j] > MIN_TEXT),
                     key=lambda k: -ws[k])
        if not can:
            break
        j = can[0]  # the widest narrows, down to the next widest (or the floor)
        floor = max(MIN_TEXT, ws[can[1]] if len(can) > 1 else MIN_TEXT)
        step = min(over, max(ws[j] - floor, 1))
        ws[j] -= step
        over -= step
    return ws


def _lines(cell: Text, w: int, console: Console) -> list[Text]:
    if "\n" not in cell.plain and cell_len(cell.plain) <= w:
        return [cell]  # most cells: one line that fits
    out: list[Text] = []
    for line in cell.split("\n", allow_blank=True):
        if cell_len(line.plain) <= w:
            out.append(line)
        else:
            out.extend(line.wrap(console, w, overflow="fold"))
    return out or [Text("")]


def _row(cells: Sequence[Text], cols: Sequence[Col], ws: Sequence[int], console: Console,
         bottom: bool = False, style: str = "") -> list[Text]:
    split = [_lines(c, w, console) for c, w in zip(cells, ws, strict=True)]
    height = max(len(s) for s in split)
    if bottom:  # headers sit on their last line, above the numbers
        split = [[Text("")] * (height - len(s)) + s for s in split]
    out = []
    for k in range(height):
        parts: list[str | Text] = [" " * EDGE]
        for j, (s, w, col) in enumerate(zip(split, ws, cols, strict=True)):
            piece = s[k] if k < len(s) else Text("")
            pad = " " * max(w - cell_len(piece.plain), 0)
            cell = piece if piece.spans or piece.style else piece.plain
            parts += ([" " * GAP] if j else []) + ([pad, cell] if col.right else [cell, pad])
        parts.append(" " * EDGE)
        if all(isinstance(p, str) for p in parts):  # plain cells: the line as one string
            out.append(Text("".join(parts), style=style))
        else:
            out.append(Text.assemble(*parts, style=style))
    return out


def render(console: Console, title: str, cols: Sequence[Col], footer: bool = False
           ) -> list[Text]:
    """The table's lines at the console's width."""
    ws = widths_for(cols, console.width)
    total = width_of(ws)
    out = [Text(t, style="italic") for t in _title(title, console)]
    out += _row([as_text(c.header) for c in cols], cols, ws, console, bottom=True,
                style="bold")
    out.append(Text(" " * EDGE + "─" * (total - 2 * EDGE) + " " * EDGE))
    n = max((len(c.texts) for c in cols), default=0)
    for i in range(n):
        out += _row([c.texts[i] if i < len(c.texts) else Text("") for c in cols], cols, ws,
                    console)
    if footer:
        out.append(Text(""))
        out += _row([as_text(c.footer) for c in cols], cols, ws, console, style="bold")
    out.append(Text(""))
    return out


def _title(title: str, console: Console) -> list[str]:
    """The title in lines of the console's width; one too long breaks first before its
    " — " part (what the table is of: a period, a group), which stays whole if it can."""
    if not title:
        return []
    parts = [title]
    if cell_len(title) > console.width and " — " in title:
        head, tail = title.rsplit(" — ", 1)
        parts = [head, "— " + tail]
    return [t.plain for part in parts for t in Text(part).wrap(console, console.width)]


class _Lines:
    """Lines laid out already: written as they are, never measured or wrapped again."""

    def __init__(self, lines: Sequence[Text]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: object):
        for line in self.lines:
            if line.spans:
                yield from line.render(console)
            else:  # render() leaves out the line's own style when it has no spans
                yield Segment(line.plain, console.get_style(line.style) if line.style else None)
            yield Segment.line()


def print_table(console: Console, title: str, cols: Sequence[Col], footer: bool = False
                ) -> None:
    """Print the table in one write."""
    console.print(_Lines(render(console, title, cols, footer)), crop=False, soft_wrap=True)
