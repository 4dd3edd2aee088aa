"""A table as named columns of one length, for the paths that must not import pandas.

Importing pandas (and the pyarrow it loads) is most of a short run's start-up, so an LP's
row index and the analysis of an optimum are built and read as columns; `.frame` is the
pandas DataFrame, made once, for the commands that filter, join or write tables. A column
is a numpy array or a list; an object array stays object in the frame (plain Python
strings), anything else is left to pandas' own inference, as if the DataFrame had been
built from it directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Columns:
    """Named columns (numpy arrays or lists), all of one length."""

    data: dict[str, Any]

    @classmethod
    def of(cls, table: Any) -> Columns:
        """A DataFrame (or Columns, or None: no rows) as Columns."""
        if table is None:
            return cls({})
        if isinstance(table, Columns):
            return table
        data = {}
        for c in table.columns:
            col = table[c]
            # numpy and object columns as arrays; pandas' own (e.g. str) as lists, which
            # pandas infers back to the same dtype
            data[str(c)] = col.to_numpy() if isinstance(col.dtype, np.dtype) else col.tolist()
        return cls(data)

    @classmethod
    def from_rows(cls, names: Sequence[str], rows: Sequence[tuple]) -> Columns:
        """One tuple per row in `names` order, as object columns (plain Python values)."""
        data = {}
        for k, col in enumerate(names):
            arr = np.empty(len(rows), dtype=object)
            arr[:] = [r[k] for r in rows]
            data[col] = arr
        return cls(data)

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data

    def with_columns(self, **cols: Any) -> Columns:
        return Columns({**self.data, **cols})

    def take(self, index: Sequence[int] | np.ndarray) -> Columns:
        """The rows at `index` (integer positions, or a boolean mask), in that order."""
        idx = np.asarray(index)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        out = {}
        for k, v in self.data.items():
            out[k] = v[idx] if isinstance(v, np.ndarray) else [v[i] for i in idx]
        return Columns(out)

    def records(self) -> list[dict[str, Any]]:
        """One dict per row."""
        names = list(self.data)
        cols = [self.data[k] for k in names]
        return [dict(zip(names, vals, strict=True)) for vals in zip(*cols, strict=True)]

    @cached_property
    def frame(self) -> Any:
        """The pandas DataFrame of these columns (pandas imported here, on first use)."""
        import pandas as pd

        return pd.DataFrame({k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray)
                             and v.dtype == object else v for k, v in self.data.items()})
