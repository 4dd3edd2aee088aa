"""Terminal tables laid out from widths known in advance.

rich's Table measures and renders every cell through its renderable protocol, about
0.1 ms a cell: most of the solve screen's time. These tables hold short strings whose
widths `cell_len` gives, so they are laid out here in the look of rich's SIMPLE_HEAD box
(title, header, a rule, rows, a footer after a blank line; one space at each edge, three
between columns). A number column never shrinks or wraps; a text column shrinks to share
what the terminal has left and wraps between words: at spaces and beside a Chinese
character, never inside a number or an id unless that alone is wider than its column. A
table too wide even so is printed in pieces that repeat its name column, so no number and
no word of a name is ever cut. rich still writes every line (styles, colour, the
terminal's width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

#: A text column is never narrowed below this (or its own width, if smaller).
MIN_TEXT = 10
EDGE, GAP = 1, 3  # spaces at each edge, between two columns
#: A word (between spaces) up to this wide is never broken: a name such as
#: 航空港区新增用地上限 or district_cap[airport] stays on one line; a longer run of Chinese
#: breaks beside its characters.
WHOLE = 40


#: Wide punctuation that never starts a line (it stays with what it closes) ...
_CLOSERS = set("，。、；：）」』》】！？…％)]},.;:!?%")
#: ... and that never ends one (it stays with what it opens).
_OPENERS = set("（「『《【([{")


def _units(plain: str, whole: int = WHOLE) -> list[tuple[int, int, int, int]]:
    """The pieces a line may break between, as (start, end, cells, spaces before): a word
    (between spaces) of at most `whole` cells is one piece; a longer one breaks beside a
    wide (Chinese) character, a run of narrow characters (a number, an id) kept whole,
    closing punctuation glued to what comes before it and opening punctuation to what
    follows."""
    units: list[tuple[int, int, int, int]] = []
    i, n = 0, len(plain)
    while i < n:
        sp = 0
        while i < n and plain[i] == " ":
            sp, i = sp + 1, i + 1
        if i >= n:
            break
        start = i
        while i < n and plain[i] != " ":
            i += 1
        cells = cell_len(plain[start:i])
        if cells <= whole:
            units.append((start, i, cells, sp))
            continue
        parts: list[list[int]] = []
        k = start
        glue_next = False
        while k < i:
            a = k
            if get_character_cell_size(plain[k]) > 1:
                k += 1
            else:
                while k < i and get_character_cell_size(plain[k]) <= 1:
                    k += 1
            w = cell_len(plain[a:k])
            if parts and (glue_next or plain[a] in _CLOSERS):
                parts[-1][1], parts[-1][2] = k, parts[-1][2] + w
            else:
                parts.append([a, k, w, 0])
            glue_next = plain[k - 1] in _OPENERS
        parts[0][3] = sp
        units += [(a, b, c, d) for a, b, c, d in parts]
    return units


def longest_unit(plain: str, whole: int = WHOLE) -> int:
    """The widest piece of `plain` that a line may not break inside (cells)."""
    words = [cell_len(w) for w in plain.split()]
    if not words or max(words) <= whole:  # every word whole (most cells): no pieces
        return max(words, default=0)
    return max((u[2] for line in plain.split("\n") for u in _units(line, whole)), default=0)


def break_lines(plain: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of one line of text wrapped at `width` cells: broken
    between pieces (see _units), spaces at a break dropped; a piece wider than the line
    alone is folded by cells."""
    out: list[tuple[int, int]] = []
    start = end = None
    used = 0
    for a, b, cells, sp in _units(plain):
        if start is not None and used + sp + cells <= width:
            end, used = b, used + sp + cells
            continue
        if start is not None:
            out.append((start, end))
        if cells <= width:
            start, end, used = a, b, cells
            continue
        k = a  # a piece wider than the line: fold it
        while k < b:
            j, w = k, 0
            while j < b and w + get_character_cell_size(plain[j]) <= max(width, 1):
                w += get_character_cell_size(plain[j])
                j += 1
            j = max(j, k + 1)
            if j < b:
                out.append((k, j))
                k = j
            else:
                start, end, used = k, b, w
                break
    if start is not None:
        out.append((start, end))
    return out or [(0, 0)]


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
    _natural: int | None = field(init=False, default=None, repr=False)
    _least: int | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.texts = [as_text(c, self.markup) for c in self.cells]

    def natural(self) -> int:
        """Its widest line; a number column's header counts by its longest word only (it
        wraps above the numbers rather than widen the column). Measured once."""
        if self._natural is None:
            self._natural = self._measure()
        return self._natural

    def _measure(self) -> int:
        parts = [as_text(self.footer), *self.texts]
        lines = [line for t in parts for line in t.plain.split("\n")]
        head = as_text(self.header).plain.split("\n")
        lines += [w for h in head for w in h.split()] if self.right else head
        w = max([cell_len(line) for line in lines] + [1])
        return min(w, self.max_width) if self.max_width else w

    def least(self) -> int:
        """The narrowest it may be: a number column its natural width; a text column its
        widest unbreakable piece (a word, a number, an id; not below MIN_TEXT unless it is
        narrower), so that wrapping never cuts a word. Measured once."""
        if self._least is None:
            self._least = self._measure_least()
        return self._least

    def _measure_least(self) -> int:
        nat = self.natural()
        if not self.wrap:
            return nat
        parts = [as_text(self.footer), *self.texts]
        body = max([cell_len(line) for t in parts for line in t.plain.split("\n")] + [1])
        # a header's Chinese may break between characters (it is a label, not a name)
        unit = max([longest_unit(t.plain) for t in parts]
                   + [longest_unit(as_text(self.header).plain, 2), 1])
        return min(nat, max(unit, min(MIN_TEXT, body)))


def width_of(widths: Sequence[int]) -> int:
    """The printed width of a table whose columns are this wide."""
    return 2 * EDGE + sum(widths) + GAP * max(len(widths) - 1, 0)


def widths_for(cols: Sequence[Col], width: int) -> list[int]:
    """Each column's width: natural, text columns narrowed (widest first) to fit `width`,
    first no further than their longest word, then (a table that cannot fit otherwise)
    down to MIN_TEXT."""
    ws = [c.natural() for c in cols]
    for floor_of in (Col.least, lambda c: min(MIN_TEXT, c.natural())):
        over = width_of(ws) - width
        if over <= 0:
            break
        floors = [floor_of(c) if c.wrap else 0 for c in cols]
        while over > 0:
            can = sorted((j for j, c in enumerate(cols) if c.wrap and ws[j] > floors[j]),
                         key=lambda k: -ws[k])
            if not can:
                break
            j = can[0]  # the widest narrows, down to the next widest (or its floor)
            floor = max(floors[j], ws[can[1]] if len(can) > 1 else floors[j])
            step = min(over, max(ws[j] - floor, 1))
            ws[j] -= step
            over -= step
    return ws


def pieces(cols: Sequence[Col], width: int, keys: int = 1) -> list[list[int]]:
    """The columns of each piece of a table: all of them when they fit at their least
    widths; else the first `keys` columns (the row names) in every piece, and the others
    in order, as many as fit beside them."""
    if len(cols) <= keys + 1 or width_of([c.natural() for c in cols]) <= width:
        return [list(range(len(cols)))]
    least = [c.least() for c in cols]
    if width_of(least) <= width:
        return [list(range(len(cols)))]
    # the names as wide as they are, up to 40% of the line (longer ones wrap)
    head = [min(c.natural(), max(lw, int(width * 0.4))) for c, lw in zip(cols[:keys],
                                                                       least, strict=False)]
    out: list[list[int]] = []
    start = keys
    while start < len(cols):
        end = start + 1  # a piece always takes at least one column
        while end < len(cols) and width_of([*head, *least[start:end + 1]]) <= width:
            end += 1
        out.append([*range(keys), *range(start, end)])
        start = end
    return out


def _lines(cell: Text, w: int, console: Console) -> list[Text]:
    if "\n" not in cell.plain and cell_len(cell.plain) <= w:
        return [cell]  # most cells: one line that fits
    out: list[Text] = []
    for line in cell.split("\n", allow_blank=True):
        if cell_len(line.plain) <= w:
            out.append(line)
        else:
            out.extend(line[a:b] for a, b in break_lines(line.plain, w))
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


def render(console: Console, title: str, cols: Sequence[Col], footer: bool = False,
           keys: int = 1) -> list[Text]:
    """The table's lines at the console's width: in pieces that repeat the first `keys`
    columns when it cannot fit whole."""
    parts = pieces(cols, console.width, keys)
    out: list[Text] = []
    for k, part in enumerate(parts):
        tail = f" ({k + 1}/{len(parts)})" if len(parts) > 1 else ""
        out += _render_one(console, title + tail, [cols[j] for j in part], footer)
    return out


def _render_one(console: Console, title: str, cols: Sequence[Col], footer: bool
                ) -> list[Text]:
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
    return [part[a:b] for part in parts for a, b in break_lines(part, console.width)]


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


def print_table(console: Console, title: str, cols: Sequence[Col], footer: bool = False,
                keys: int = 1) -> None:
    """Print the table in one write (in pieces repeating the first `keys` columns when it
    cannot fit whole)."""
    console.print(_Lines(render(console, title, cols, footer, keys)), crop=False,
                  soft_wrap=True)
