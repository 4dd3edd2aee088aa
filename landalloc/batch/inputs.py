"""What a batch solves: files, globs, folders and override tables -> numbered scenarios.

Every scenario gets an id (its position in the expanded inputs), so a resumed run knows
exactly which ones are missing. Scenario files are sent to workers as paths; an override
table (one row per scenario: `scenario` + one column per `--set` path) is streamed in
batches and sent as rows, so memory stays flat however long the table is.
"""

from __future__ import annotations

import glob
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from landalloc.errors import InputError
from landalloc.plan.safefile import excerpt

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".parquet", ".csv")
#: Columns of an override table that are not paths.
META_COLUMNS = ("scenario", "extends", "period")


@dataclass(frozen=True)
class Chunk:
    """A run of consecutive scenario ids from one source, solved together by one worker."""

    kind: str  # "files" or "rows"
    first: int
    last: int
    items: tuple  # files: (id, path); rows: (id, row, name, base, period, {path: value})
    source: str = ""  # the override table the rows come from
    period: str | None = None  # files: the batch's --period (rows carry their own)

    def __len__(self) -> int:
        return len(self.items)


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def expand(inputs: list[str], base: str | None = None) -> list[dict[str, Any]]:
    """Expand the command line into sources (the manifest): file lists and tables."""
    sources: list[dict[str, Any]] = []
    seen: set[str] = set()
    files: list[str] = []

    def flush() -> None:
        if files:
            sources.append({"kind": "files", "paths": list(files)})
            files.clear()

    def add_file(p: str) -> None:
        key = str(Path(p).resolve())
        if key not in seen:
            seen.add(key)
            files.append(p)

    for arg in inputs:
        path = Path(arg)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.suffix in YAML_SUFFIXES and p.is_file():
                    add_file(str(p))
            continue
        matches = sorted(glob.glob(arg, recursive=True)) if _is_glob(arg) else [arg]
        if not matches:
            add_file(arg)  # reported as "file not found" in its own row
        for m in matches:
            if Path(m).suffix in TABLE_SUFFIXES:
                flush()
                sources.append(_table_source(Path(m), base))
            elif Path(m).is_dir():
                continue
            else:
                add_file(m)
    flush()
    return sources


def _table_source(path: Path, base: str | None) -> dict[str, Any]:
    if not path.exists():
        raise InputError.one("override table not found", file=str(path))
    columns, rows = _table_shape(path)
    if "extends" not in columns and base is None:
        raise InputError.one("an override table needs an 'extends' column or --base "
                             "(the instance or scenario its rows change)", file=str(path))
    paths = [c for c in columns if c not in META_COLUMNS]
    if not paths:
        raise InputError.one("no path columns (e.g. districts.airport.cap)", file=str(path))
    return {"kind": "table", "path": str(path), "rows": rows, "base": base}


def _table_shape(path: Path) -> tuple[list[str], int]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetFile(path)
        except Exception as e:  # pyarrow raises several types for a bad file
            raise InputError.one(f"not a Parquet file: {e}", file=str(path)) from None
        return meta.schema_arrow.names, meta.metadata.num_rows
    n = 0
    for batch in _csv_batches(path):  # every row read once: a bad one is found here
        n += batch.num_rows
    return _csv_names(path), n


def _utf8_or_refuse(path: Path) -> None:
    """An override table is UTF-8 (a BOM is fine); anything else is refused with its name,
    never read as bytes (a table saved from a Chinese Excel is often GBK)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    at = 0
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                decoder.decode(block)
                at += len(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        raise InputError.one(f"not UTF-8 text (byte {at + e.start:,}): save the table as "
                             "UTF-8 (CSV UTF-8 in Excel; from GBK: iconv -f GBK -t UTF-8)",
                             file=str(path)) from None


def _csv_names(path: Path) -> list[str]:
    import pyarrow.csv as pcsv

    try:
        with pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 20)) as r:
            return r.schema.names
    except Exception as e:  # pyarrow.lib.ArrowInvalid and friends
        raise InputError.one(f"cannot read CSV: {excerpt(str(e), 200)}",
                             file=str(path)) from None


def _csv_batches(path: Path) -> Iterator:
    """The table's rows in blocks, every column as text (typed cell by cell, `_typed`):
    a column's type is never guessed from its first block, so `unbounded` on row 120,001
    of a number column is that row's value, not the end of the batch."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    _utf8_or_refuse(path)
    names = _csv_names(path)
    try:
        reader = pcsv.open_csv(
            path, read_options=pcsv.ReadOptions(block_size=1 << 20),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[""],
                strings_can_be_null=True))
        with reader:
            yield from reader
    except (pa.ArrowException, OSError) as e:
        raise InputError.one(f"cannot read CSV: {excerpt(str(e), 200)}",
                             file=str(path)) from None


_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _typed(text: str | None) -> Any:
    """One CSV cell of a path column as a value: an integer, a number, true/false, or the
    text itself (`unbounded`, `{min: 1, max: 2}`); blank is None (not set)."""
    if text is None:
        return None
    t = text.strip()
    if _INT.fullmatch(t):
        return int(t)
    if _FLOAT.fullmatch(t):
        return float(t)
    if t in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return t[0] in "tT"
    return text


def _columns(batch, path: Path) -> dict[str, list]:
    """A block's columns as lists; a CSV's path columns typed cell by cell."""
    cols = {c: batch.column(c).to_pylist() for c in batch.schema.names}
    if path.suffix != ".parquet":
        for c, values in cols.items():
            if c not in META_COLUMNS:
                cols[c] = [_typed(v) for v in values]
    return cols


def _table_batches(path: Path, size: int) -> Iterator:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        yield from pq.ParquetFile(path).iter_batches(batch_size=size)
    else:
        yield from _csv_batches(path)


def count(sources: list[dict[str, Any]]) -> int:
    return sum(len(s["paths"]) if s["kind"] == "files" else s["rows"] for s in sources)


def _resolve_base(table: Path, extends: str | None, base: str | None) -> str:
    """`extends` in a table is relative to the table, like a scenario's; --base to the cwd."""
    if extends:
        candidate = table.parent / extends
        if candidate.exists() or "/" in extends or extends.endswith(YAML_SUFFIXES):
            return str(candidate)
        return extends
    return str(base)


def _clean(value: Any) -> Any:
    """None and NaN mean "not set for this scenario"; numpy scalars become Python's."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _text(value: Any) -> str | None:
    """A name column may hold numbers (scenario 1, 2, ...): they are names, as text."""
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _runs(ids: np.ndarray, size: int) -> Iterator[np.ndarray]:
    """Split sorted ids into runs of consecutive ids of at most `size`."""
    if ids.size == 0:
        return
    breaks = np.flatnonzero(np.diff(ids) != 1) + 1
    for run in np.split(ids, breaks):
        for k in range(0, run.size, size):
            yield run[k:k + size]


def chunks(sources: list[dict[str, Any]], todo: np.ndarray, sizes: dict[str, int],
           period: str | None) -> Iterator[Chunk]:
    """Chunks of consecutive ids still to do (`todo` is a bool mask over all ids).

    `sizes` gives scenarios per chunk for "files" and for "rows" (table rows are cheaper).
    """
    offset = 0
    for src in sources:
        if src["kind"] == "files":
            n = len(src["paths"])
            ids = np.flatnonzero(todo[offset:offset + n]) + offset
            for run in _runs(ids, sizes["files"]):
                items = tuple((int(i), src["paths"][i - offset]) for i in run)
                yield Chunk("files", int(run[0]), int(run[-1]), items, period=period)
        else:
            n = src["rows"]
            yield from _table_chunks(src, offset, todo[offset:offset + n], sizes["rows"],
                                     period)
        offset += n


def _table_chunks(src: dict[str, Any], offset: int, todo: np.ndarray, size: int,
                  period: str | None) -> Iterator[Chunk]:
    path = Path(src["path"])
    stem = path.stem
    pending: list[tuple] = []

    def emit() -> Iterator[Chunk]:
        if pending:
            yield Chunk("rows", pending[0][0], pending[-1][0], tuple(pending), str(path))
            pending.clear()

    row = 0
    for batch in _table_batches(path, max(size, 1024)):
        names = batch.schema.names
        cols = _columns(batch, path)
        paths = [c for c in names if c not in META_COLUMNS]
        for k in range(batch.num_rows):
            r = row + k
            if r >= todo.size:
                break
            if not todo[r]:
                yield from emit()
                continue
            name = _text(cols["scenario"][k]) if "scenario" in cols else None
            ext = _text(cols["extends"][k]) if "extends" in cols else None
            per = (_text(cols["period"][k]) if "period" in cols else None) or period
            values = {p: v for p in paths if (v := _clean(cols[p][k])) is not None}
            item = (offset + r, r, str(name) if name is not None else f"{stem}-{r}",
                    _resolve_base(path, ext, src.get("base")), per, values)
            pending.append(item)
            if len(pending) >= size:
                yield from emit()
        row += batch.num_rows
    yield from emit()


def table_row(table: Path, row: int) -> dict[str, Any]:
    """One row of an override table, as read by the batch."""
    if table.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(table).slice(row, 1).to_pylist()[0]
    start = 0
    for batch in _csv_batches(table):
        if row < start + batch.num_rows:
            return {c: v[row - start] for c, v in _columns(batch, table).items()}
        start += batch.num_rows
    raise InputError.one(f"no row {row}", file=str(table))


def scenario_source(file: str, row: int | None, base: str | None, period: str | None
                    ) -> tuple[str, str | None, list]:
    """What a summary row solved, to solve or diagnose it again: (the instance or scenario,
    the period asked for, the overrides of its table row)."""
    from landalloc.plan.overrides import Override

    if row is None or row != row:  # a scenario file
        return file, period, []
    table, row = Path(file), int(row)
    rec = table_row(table, row)
    origin = f"{table} row {row}"
    overrides = [Override(k, v, origin) for k, raw in rec.items()
                 if k not in META_COLUMNS and (v := _clean(raw)) is not None]
    ref = _resolve_base(table, _text(rec.get("extends")), base)
    return ref, _text(rec.get("period")) or period, overrides
