"""The LinearProgram: plain arrays plus the index that names every row and column.

Backends see only this object. Rows are rules an analyst recognises (`district_cap[airport]`);
columns are (sector, district) cells. Sense is always maximise.

The matrix is held as CSC arrays and the row index as columns, so formulating and solving
import neither scipy nor pandas; `A` and `rows` give the scipy matrix and the DataFrame,
made on first use, for the commands that need them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from landalloc.formulations.columns import Columns
from landalloc.formulations.sparse import Csc

from landalloc.plan.choices import DEFAULT_UNIT

#: `part`: which side of a two-sided figure the row is (a share's "min" or "max"), else "".
ROW_COLUMNS = ["name", "kind", "members", "label_zh", "label_en", "source", "part"]


def row_table(meta: list[tuple]) -> Columns:
    """The row index from one tuple per row (ROW_COLUMNS order; `part` may be left off).

    Plain Python strings (object dtype): pandas' default Arrow-backed strings cost ~0.3 ms
    per LP to build, a third of solving the whole Zhengzhou LP.
    """
    full = [m if len(m) == len(ROW_COLUMNS) else (*m, "") for m in meta]
    return Columns.from_rows(ROW_COLUMNS, full)


class Key(NamedTuple):
    """What a row or a cell of the LP is, structured: its kind (a rule kind; for a cell's
    bound `allowed`, `nonnegative`, `cell_min` or `cell_max`), its members (a rule's
    member; a cell's sector and district, by their plain ids) and its period ("" in a
    one-period LP and for a rule across periods)."""

    kind: str
    members: tuple[str, ...]
    period: str = ""


@dataclass
class LinearProgram:
    """max c·x  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper."""

    c: np.ndarray
    matrix: Csc
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_info: Columns  # one row per LP row: ROW_COLUMNS (and any more, e.g. `period`)
    sectors: list[str]
    districts: list[str]
    col_sector: np.ndarray  # index into sectors, per column
    col_district: np.ndarray  # index into districts, per column
    objective_unit: str = DEFAULT_UNIT
    name: str = ""
    meta: dict = field(default_factory=dict)
    #: Projected output per ha of each cell (objective_unit/ha) before any scenario weights: the
    #: objective reports c·x, the projected output is output·x. None: c is the output.
    output: np.ndarray | None = None
    #: The second stage's preference (see formulations.tie_break); None: the default.
    tie_break: np.ndarray | None = None

    def __post_init__(self) -> None:
        # a scipy matrix or a DataFrame given by a caller is taken as it is
        self.matrix = Csc.of(self.matrix)
        self.row_info = Columns.of(self.row_info)

    @property
    def A(self) -> Any:
        """The constraint matrix as a scipy.sparse csc_matrix (sharing `matrix`'s arrays)."""
        return self.matrix.scipy()

    @property
    def rows(self) -> Any:
        """The row index as a pandas DataFrame (ROW_COLUMNS)."""
        return self.row_info.frame

    def output_per_ha(self) -> np.ndarray:
        return self.c if self.output is None else self.output

    def tie_weights(self) -> np.ndarray:
        if self.tie_break is not None:
            return self.tie_break
        from landalloc.formulations.tie_break import cell_weights

        w = cell_weights(self.sectors, self.districts)
        return w[self.col_sector * len(self.districts) + self.col_district]

    @property
    def num_col(self) -> int:
        return int(self.c.shape[0])

    @property
    def num_row(self) -> int:
        return int(self.row_lower.shape[0])

    def col_names(self) -> list[str]:
        s = np.asarray(self.sectors, dtype=object)[self.col_sector]
        d = np.asarray(self.districts, dtype=object)[self.col_district]
        return [f"x[{a},{b}]" for a, b in zip(s, d, strict=True)]

    def row_key(self, i: int) -> Key:
        """Row i's structured key, read from the row table's columns."""
        info = self.row_info
        period = str(info["period"][i]) if "period" in info else ""
        return Key(str(info["kind"][i]), (str(info["members"][i]),), period)

    def cell_key(self, j: int, kind: str = "allowed") -> Key:
        """Column j's cell: (sector, district) by plain ids and its period (a joint LP of
        linked periods records both in `meta["cells"]`)."""
        cells = self.meta.get("cells")
        if cells is not None:
            s, d, p = cells[j]
            return Key(kind, (s, d), p)
        return Key(kind, (self.sectors[self.col_sector[j]],
                          self.districts[self.col_district[j]]), "")

    def row_names(self) -> list[str]:
        return list(self.row_info["name"])

    def row_index(self, name: str) -> int:
        hits = np.flatnonzero(np.asarray(self.row_info["name"], dtype=object) == name)
        if hits.size == 0:
            raise KeyError(f"no rule named '{name}'")
        return int(hits[0])

    def col_index(self, sector: str, district: str) -> int:
        return self.sectors.index(sector) * len(self.districts) + self.districts.index(district)

    def max_violation(self, x: np.ndarray) -> float:
        """Worst bound violation of x, recomputed from A independently of any solver."""
        ax = self.matrix @ x
        viol = [
            np.max(self.row_lower - ax, initial=0.0),
            np.max(ax - self.row_upper, initial=0.0),
            np.max(self.col_lower - x, initial=0.0),
            np.max(x - self.col_upper, initial=0.0),
        ]
        return float(max(viol))
