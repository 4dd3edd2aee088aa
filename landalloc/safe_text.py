"""Text from data, made safe for where it goes: a terminal, a CSV file, a workbook.

A scenario name, a rule label or a file name is data: it may hold an escape sequence that
would restyle or retitle the terminal, a control character no workbook may hold, or a
leading `=` that a spreadsheet would run as a formula. Each kind of writer passes its text
through one function here, so a name is shown as written and never acts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook

#: Control characters (C0 but tab and newline, DEL, C1) -> a visible stand-in of the same
#: width: the Unicode control pictures (␛ for ESC, ␇ for BEL), U+FFFD for C1.
PICTURES: dict[int, str] = {
    **{c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)},
    0x7F: "\u2421",
    **{c: "\ufffd" for c in range(0x80, 0xA0)},
}

#: What a spreadsheet reads as the start of a formula (OWASP's list: = + - @ tab CR).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?")


def shown(text: str) -> str:
    """`text` with every control character replaced by its picture (newlines and tabs kept):
    what may be printed to a terminal or stored in a workbook."""
    return text.translate(PICTURES)


def guard_rich() -> None:
    """Make every rich Text show control characters as pictures instead of passing ESC (and
    the rest) to the terminal. rich sanitises all text through one translation table
    (rich.control.strip_control_codes, bound as its default argument); it is extended in
    place, so styles rich itself writes are untouched."""
    from rich import control

    control._CONTROL_STRIP_TRANSLATE.update(PICTURES)  # type: ignore[arg-type]


def formula_like(value: Any) -> bool:
    """True for text a spreadsheet would evaluate (a plain number is left alone)."""
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and _NUMBER.fullmatch(value) is None)


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: formula-like text gets a leading `'`."""
    return "'" + value if formula_like(value) else value


def csv_text(df: pd.DataFrame) -> str:
    """`df.to_csv(index=False)` with every text cell and header neutralised (csv_cell)."""
    safe = df.rename(columns=lambda c: csv_cell(c) if isinstance(c, str) else c)
    for name in safe.select_dtypes(include=["object", "string"]).columns:
        col = safe[name]
        if col.map(formula_like, na_action="ignore").any():
            safe[name] = col.map(csv_cell, na_action="ignore")
    return safe.to_csv(index=False)


def xlsx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with control characters in text cells and headers shown as pictures: openpyxl
    refuses them (XML cannot hold them), which would end the writer half-way."""
    def fix(v: Any) -> Any:
        return shown(v) if isinstance(v, str) else v

    safe = df.rename(columns=fix)
    for name in safe.select_dtypes(include=["object", "string"]).columns:
        safe[name] = safe[name].map(fix, na_action="ignore")
    return safe


def guard_workbook(wb: Workbook) -> Workbook:
    """Every text cell of `wb` that a spreadsheet would evaluate is stored as text with the
    quote prefix (what Excel records for a typed `'=…`): shown as written, never run, and
    not turned into a formula when the cell is edited. Nothing landalloc writes is meant as
    a formula."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type in ("s", "f") and formula_like(c.value):
                    c.data_type = "s"
                    c.quotePrefix = True
    return wb
