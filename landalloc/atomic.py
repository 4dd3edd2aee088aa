"""Writing results: every file goes to a temporary name first, then is renamed."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where a table is written, not by every writer
    import pandas as pd


def resolved(path: Path) -> Path:
    """`path`, or where it points when it is a symbolic link: a run written to a link is
    written where the link points, and the link stays (a rename onto the link itself would
    replace it and leave its target as it was)."""
    path = Path(path)
    return path.resolve() if path.is_symlink() else path


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then arrive: the steps that put a
    finished run in place of the previous one are never cut half-way."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    sigs = (signal.SIGINT, signal.SIGTERM)
    before = {s: signal.signal(s, lambda n, f: arrived.append(n)) for s in sigs}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(arrived):
            signal.raise_signal(s)


def atomic_write(path: Path, write: Callable[[str], None], suffix: str = "") -> Path:
    """Call write(tmp) on a temporary file beside `path`, then rename it into place.

    A reader never sees half a file, and a failure leaves the old file as it was. The file
    gets ordinary permissions (mkstemp's are private). `suffix` keeps writers that choose a
    format from the file name (HiGHS, matplotlib) working.
    """
    path = resolved(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def write_csv(path: Path, df: pd.DataFrame) -> None:
    """The table as CSV, its text cells safe to open in a spreadsheet (landalloc.safe_text)."""
    from landalloc.safe_text import csv_text

    atomic_write_text(path, csv_text(df))


def write_result(out: Path, result) -> list[Path]:
    """allocation, totals, rules as CSV; result.json; record.json (how to reproduce it)."""
    import pandas as pd

    from landalloc.safe_text import csv_text

    files = {
        "allocation.csv": result.allocation() if result.optimal else None,
        "totals.csv": pd.concat([result.totals(k).assign(kind=k)
                                 for k in ("sector", "district", "zone")])
        if result.optimal else None,
        "rules.csv": result.rules().drop(columns=["members"]) if result.optimal else None,
    }
    text = {name: csv_text(df) for name, df in files.items() if df is not None}
    dump = {"default": str, "ensure_ascii": False, "indent": 2}
    text["result.json"] = json.dumps(result.to_dict(), **dump) + "\n"
    text["record.json"] = json.dumps(run_record(result), **dump) + "\n"
    return write_folder(out, "solve", text)


def write_horizon_result(out: Path, result) -> list[Path]:
    """Linked periods: the same files as one period's, each table with a `period` column
    (rules across periods: period "", totals over the horizon: period "horizon")."""
    import pandas as pd

    from landalloc.safe_text import csv_text

    per = result.periods() if result.optimal else {}
    files = {}
    if result.optimal:
        files["allocation.csv"] = pd.concat(
            [r.allocation().assign(period=p) for p, r in per.items()])
        totals = [r.totals(k).assign(kind=k, period=p) for p, r in per.items()
                  for k in ("sector", "district", "zone")]
        horizon = result.to_dict()["horizon_totals"]
        totals.append(pd.DataFrame(
            [{"id": k, "hectares": v, "kind": kind, "period": "horizon"}
             for kind, items in horizon.items() for k, v in items.items()]))
        files["totals.csv"] = pd.concat(totals)
        files["rules.csv"] = pd.concat(
            [*[r.rules().assign(period=p) for p, r in per.items()], result.rules()]
        ).drop(columns=["members"])
    text = {name: csv_text(df) for name, df in files.items()}
    dump = {"default": str, "ensure_ascii": False, "indent": 2}
    text["result.json"] = json.dumps(result.to_dict(), **dump) + "\n"
    record = {**result.record, "status": result.status, "objective": result.objective,
              "max_violation": result.max_violation, "mode": result.mode,
              "versions": _versions(),
              "effective_instances": {i.period: i.model_dump(mode="json")
                                      for i in result.horizon.instances}}
    text["record.json"] = json.dumps(record, **dump) + "\n"
    return write_folder(out, "solve", text)


def _versions() -> dict[str, str | None]:
    from importlib import metadata

    versions = {}
    for pkg in ("landalloc", "highspy", "numpy", "scipy", "pandas", "pydantic", "pulp", "pyomo"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return versions


def run_record(result) -> dict[str, Any]:
    """Everything needed to reproduce a result: inputs, overrides, versions, outcome."""
    return {**result.record, "status": result.status, "objective": result.objective,
            "max_violation": result.max_violation, "versions": _versions(),
            "effective_instance": result.instance.model_dump(mode="json")}


# ------------------------------------------------------------------ whole output folders
#: Written last into every output folder: what kind of run it holds, and that it is whole.
MARKER = ".landalloc-run.json"


def _first_write(name: str) -> bool:
    """The temporary name `atomic_write` gives a batch's manifest or a run's marker."""
    return any(name.startswith(f".{f}.") for f in ("manifest.json", MARKER))


def folder_kind(out: Path) -> str | None:
    """The kind of run a folder holds ("solve", "batch", ...), "" if it holds other files,
    None if it does not exist or is empty."""
    out = Path(out)
    if not out.is_dir():
        return None
    try:
        return str(json.loads((out / MARKER).read_text(encoding="utf-8"))["kind"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    # a batch's lock, and the temporary file of a run's first write (a run killed while it
    # wrote its manifest or marker) do not make a folder another's
    names = {p.name for p in out.iterdir() if not _first_write(p.name)} - {".lock"}
    if not names:
        return None
    if "manifest.json" in names:  # a batch written before folders carried a marker
        return "batch"
    if {"result.json", "record.json"} <= names:
        return "solve"
    return ""


def check_target(out: Path, kind: str, overwrite: bool = False) -> None:
    """Refuse an --out that is a file, or a folder holding another kind of run or other
    files (unless `overwrite`, and never files landalloc did not write)."""
    from landalloc.errors import InputError

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError.one("--out is a file; give a folder", file=str(out))
    found = folder_kind(out)
    if found is None or found == kind:
        return
    if found == "":
        raise InputError.one("this folder holds files that are not one landalloc run; give a "
                             "new or empty folder", file=str(out))
    if not overwrite:
        hint = "--overwrite to replace it, or " if kind == "batch" else ""
        raise InputError.one(f"this folder holds a {found} run; {hint}choose another folder",
                             file=str(out))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def _clean_stale(out: Path) -> None:
    """Temporary siblings of `out` left by a killed run."""
    import shutil

    for p in out.parent.glob(f".{out.name}.tmp-*"):
        try:
            pid = int(p.name.rsplit("-", 2)[-2])
        except (ValueError, IndexError):
            continue
        if not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class run_folder:
    """`with run_folder(out, "solve") as tmp:` write into tmp; on success `out` becomes tmp.

    The folder is written whole into a temporary sibling, marked with its kind, then
    swapped into place in one rename: a reader, or a kill at any moment, sees the previous
    complete run or the new complete run, never a mix and never stale files beside new ones.
    """

    def __init__(self, out: Path, kind: str, overwrite: bool = False) -> None:
        self.out = resolved(out)
        self.kind = kind
        self.overwrite = overwrite
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        import secrets

        from landalloc.errors import InputError

        check_target(self.out, self.kind, self.overwrite)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _clean_stale(self.out)
            self.tmp = self.out.parent / (f".{self.out.name}.tmp-{os.getpid()}-"
                                          f"{secrets.token_hex(4)}")
            self.tmp.mkdir()
        except OSError as e:
            raise InputError.one(f"cannot write here: {e.strerror}", file=str(self.out)) \
                from None
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        import shutil

        from landalloc.errors import InputError

        assert self.tmp is not None
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            if isinstance(exc, OSError) and exc.errno is not None:
                raise InputError.one(f"cannot write: {exc.strerror}; nothing was written",
                                     file=str(self.out)) from None
            return
        try:
            write_json(self.tmp / MARKER, {"kind": self.kind, "complete": True,
                                           "pid": os.getpid()})
            with signals_held():
                _publish(self.tmp, self.out)
        except OSError as e:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise InputError.one(f"cannot write: {e.strerror}; nothing was written",
                                 file=str(self.out)) from None
        except BaseException:  # Ctrl-C or SIGTERM before the swap: the previous run stays
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise


def _publish(tmp: Path, out: Path) -> None:
    """Put the finished folder `tmp` at `out`, replacing what was there in one step."""
    import shutil

    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):  # tmp now holds the previous run
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.parent / f".{out.name}.tmp-{os.getpid()}-old"
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def write_folder(out: Path, kind: str, files: dict[str, bytes | str]) -> list[Path]:
    """Write every file of a run (relative name -> content) as one folder, whole or not at all."""
    out = resolved(out)
    with run_folder(out, kind) as tmp:
        for rel, body in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, str):
                path.write_text(body, encoding="utf-8")
            else:
                path.write_bytes(body)
    return [Path(out) / rel for rel in files]
