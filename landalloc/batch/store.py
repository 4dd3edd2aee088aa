"""The results folder of a batch: manifest, atomic chunks, and the merged final tables.

```
results/
  manifest.json            what the batch is (inputs, ids, options): what --resume finishes
  chunks/000000000-000000249/{summary,allocation,rules}.parquet   one folder per chunk
  summary.parquet  allocation.parquet  rules.parquet               merged, ordered by id
  summary.csv ... results.xlsx                                     when small enough
```

A chunk folder is written under a temporary name and renamed: after a crash (even
`kill -9`) a chunk is there whole or not at all, and `--resume` solves exactly the ids no
chunk holds. Merging streams chunk by chunk (flat memory) in id order, so every scenario
appears exactly once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from landalloc.batch.worker import SCHEMAS
from landalloc.errors import InputError

MANIFEST = "manifest.json"
LOCK = ".lock"
#: What --resume needs from a manifest.
MANIFEST_KEYS = ("version", "inputs", "sources", "total", "chunk_size")
CHUNKS = "chunks"
TABLES = ("summary", "allocation", "rules")
#: Up to this many scenarios, CSV copies of the tables are written too.
CSV_MAX_SCENARIOS = 10_000
#: Up to this many scenarios (and allocation rows), an Excel workbook too.
EXCEL_MAX_SCENARIOS = 1_000
EXCEL_MAX_ROWS = 200_000


class Store:
    """One batch's results folder."""

    def __init__(self, out: Path) -> None:
        from landalloc.atomic import resolved

        self.out = resolved(out)
        self.chunks = self.out / CHUNKS
        self._n = 0

    # ------------------------------------------------------------ manifest
    def exists(self) -> bool:
        return (self.out / MANIFEST).exists()

    def read_manifest(self) -> dict[str, Any]:
        file = str(self.out / MANIFEST)
        try:
            data = json.loads((self.out / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError.one(f"cannot read the batch manifest: {type(e).__name__}",
                                 file=file) from None
        missing = [k for k in MANIFEST_KEYS if not isinstance(data, dict) or k not in data]
        if missing:
            raise InputError.one(f"not a complete batch manifest (missing: "
                                 f"{', '.join(missing)}); start again with --overwrite",
                                 file=file)
        return data

    # ------------------------------------------------------------ one run at a time
    def lock(self) -> None:
        """Hold this folder for this process: a second batch into it is refused, by PID."""
        import fcntl

        self._made = not self.out.exists()
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / LOCK
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise InputError.one(f"another batch (PID {other}) is writing into this "
                                     "folder; wait for it or choose another --out",
                                     file=str(self.out)) from None
            try:  # the file locked is still the one at `path` (see unlock)
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd

    def unlock(self) -> None:
        """Release the folder and remove the lock file (while still held, so no other run
        locks it in between); a folder this run made and left empty goes too: a batch
        refused before it wrote anything leaves nothing behind."""
        fd = getattr(self, "_lock_fd", None)
        if fd is not None:
            with contextlib.suppress(OSError):
                (self.out / LOCK).unlink()
            with contextlib.suppress(OSError):
                os.close(fd)
            self._lock_fd = None
            if getattr(self, "_made", False):
                with contextlib.suppress(OSError):
                    self.out.rmdir()  # only when empty

    def mark(self, complete: bool) -> None:
        """The marker says what the folder holds; `complete` only once the tables are merged."""
        from landalloc.atomic import MARKER, write_json

        write_json(self.out / MARKER, {"kind": "batch", "complete": complete,
                                       "pid": os.getpid()})

    def complete(self) -> bool:
        from landalloc.atomic import MARKER

        try:
            return bool(json.loads((self.out / MARKER).read_text("utf-8"))["complete"])
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        from landalloc.atomic import write_json

        write_json(self.out / MANIFEST, manifest)

    def set_aside(self) -> Path | None:
        """Move what an earlier run wrote here into a hidden sibling folder (never the
        lock), so that --overwrite loses nothing until the new batch is complete; None when
        there was nothing."""
        if not self.out.is_dir():
            return None
        entries = [p for p in self.out.iterdir() if p.name != LOCK]
        if not entries:
            return None
        aside = self.out.parent / f".{self.out.name}.replaced-{os.getpid()}-{time.time_ns()}"
        aside.mkdir()
        for p in entries:
            p.rename(aside / p.name)
        return aside

    # ------------------------------------------------------------ inputs
    @staticmethod
    def input_hashes(sources: list[dict[str, Any]]) -> dict[str, str]:
        """SHA-256 of every input file (scenario files, override tables): --resume checks
        them, so a file regenerated at the same path is never merged with the old results."""
        out: dict[str, str] = {}
        for src in sources:
            for p in (src["paths"] if src["kind"] == "files" else [src["path"]]):
                h = hashlib.sha256()
                try:
                    with open(p, "rb") as f:
                        for block in iter(lambda f=f: f.read(1 << 20), b""):
                            h.update(block)
                except OSError:
                    out[p] = "unreadable"
                    continue
                out[p] = h.hexdigest()
        return out

    # ------------------------------------------------------------ chunks
    def _chunk_dirs(self) -> list[Path]:
        if not self.chunks.exists():
            return []
        return sorted(p for p in self.chunks.iterdir()
                      if p.is_dir() and not p.name.startswith("."))

    def clean_partial(self) -> None:
        """Temporary chunk folders left by a crash: never complete, so never read."""
        if self.chunks.exists():
            for p in self.chunks.iterdir():
                if p.name.startswith(".tmp-"):
                    shutil.rmtree(p, ignore_errors=True)

    def done(self, total: int) -> np.ndarray:
        """A bool mask over ids: True where a complete chunk holds the scenario."""
        mask = np.zeros(total, dtype=bool)
        for d in self._chunk_dirs():
            try:
                ids = pq.read_table(d / "summary.parquet", columns=["id"]).column("id")
                ids = ids.to_numpy()
                for name in TABLES[1:]:
                    pq.read_metadata(d / f"{name}.parquet")
            except (OSError, ValueError, KeyError) as e:
                raise InputError.one(f"chunk {d.name} cannot be read ({type(e).__name__}); "
                                     "delete that folder and --resume again to solve its "
                                     "scenarios anew", file=str(d)) from None
            mask[ids[(ids >= 0) & (ids < total)]] = True
        return mask

    def write_chunk(self, first: int, last: int, tables: dict[str, pa.Table]) -> None:
        """Write a chunk's three tables under a temporary name, then rename: all or nothing."""
        self.chunks.mkdir(parents=True, exist_ok=True)
        self._n += 1
        tmp = self.chunks / f".tmp-{first:09d}-{os.getpid()}-{self._n}"
        tmp.mkdir()
        for name in TABLES:
            pq.write_table(tables[name], tmp / f"{name}.parquet", compression="zstd")
        final = self.chunks / f"{first:09d}-{last:09d}"
        if final.exists():  # the same ids solved twice (should not happen): keep the first
            shutil.rmtree(tmp)
            return
        os.rename(tmp, final)

    # ------------------------------------------------------------ final tables
    def finalize(self, total: int) -> dict[str, int]:
        """Merge the chunks, in id order and each id once, into the final tables; the
        summary gets one column per parameter path (see `params`)."""
        from landalloc.batch import params

        dirs = self._chunk_dirs()
        counts: dict[str, int] = {}
        types = params.column_types(
            text for d in dirs for text in
            pq.read_table(d / "summary.parquet", columns=["parameters"])
            .column("parameters").to_pylist())
        for name in TABLES:
            final = self.out / f"{name}.parquet"
            tmp = self.out / f".{name}.parquet.tmp"
            last = -1
            rows = 0
            out_schema = params.schema(types) if name == "summary" else SCHEMAS[name]
            with pq.ParquetWriter(tmp, out_schema, compression="zstd") as writer:
                for d in dirs:
                    t = pq.read_table(d / f"{name}.parquet", schema=SCHEMAS[name])
                    if t.num_rows == 0:
                        continue
                    ids = t.column("id").to_numpy()
                    keep = ids > last  # a chunk overlapping the previous one: keep the first
                    if not keep.all():
                        t = t.filter(pa.array(keep))
                    if t.num_rows == 0:
                        continue
                    if name == "summary":
                        t = params.spread(t, types)
                    writer.write_table(t)
                    rows += t.num_rows
                    last = int(t.column("id").to_numpy().max())
            os.replace(tmp, final)
            counts[name] = rows
        return counts

    def small_copies(self, counts: dict[str, int]) -> None:
        """CSV copies (and results.xlsx) of the final tables, when the batch is small."""
        self._small_copies(counts)

    def _small_copies(self, counts: dict[str, int]) -> None:
        from landalloc.atomic import atomic_write_text
        from landalloc.safe_text import csv_text, guard_workbook, xlsx_frame

        n = counts["summary"]
        if n > CSV_MAX_SCENARIOS:
            for name in TABLES:
                (self.out / f"{name}.csv").unlink(missing_ok=True)
            (self.out / "results.xlsx").unlink(missing_ok=True)
            return
        frames = {name: pq.read_table(self.out / f"{name}.parquet").to_pandas()
                  for name in TABLES}
        for name, df in frames.items():
            atomic_write_text(self.out / f"{name}.csv", csv_text(df))
        xlsx = self.out / "results.xlsx"
        if n <= EXCEL_MAX_SCENARIOS and max(counts.values()) <= EXCEL_MAX_ROWS:
            tmp = self.out / ".results.xlsx.tmp"
            import pandas as pd

            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                for name, df in frames.items():
                    xlsx_frame(df).to_excel(xl, sheet_name=name, index=False)
                guard_workbook(xl.book)
            os.replace(tmp, xlsx)
        else:
            xlsx.unlink(missing_ok=True)
