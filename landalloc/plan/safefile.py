"""Files from outside are data only: regular files, bounded in size, quoted only briefly.

A scenario may name any path in `extends`; these checks keep a FIFO, a device, a huge file
or a secret from turning into a hang, a MemoryError or an error message that prints it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from landalloc.errors import InputError

#: Largest scenario or instance file read (bytes).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Longest excerpt of a file's content that an error message may quote.
MAX_EXCERPT = 60


def excerpt(value: object, limit: int = MAX_EXCERPT) -> str:
    """repr() of a value, cut to a short excerpt (the rest of a file is never echoed)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return text[:limit] + "…"


def read_text(path: Path, what: str = "a YAML file") -> str:
    """Read a small regular UTF-8 file; anything else is one InputError naming the file."""
    shown = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError.one("file not found", file=shown) from None
    except OSError as e:
        raise InputError.one(f"cannot read: {e.strerror}", file=shown) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError.one(f"is a directory, expected {what}", file=shown)
    if not stat.S_ISREG(st.st_mode):
        raise InputError.one(f"not a regular file (a device, pipe or socket), expected {what}",
                             file=shown)
    if st.st_size > MAX_FILE_BYTES:
        raise InputError.one(f"file is {st.st_size:,} bytes; the limit is "
                             f"{MAX_FILE_BYTES:,}", file=shown)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise InputError.one(f"cannot read: {e.strerror}", file=shown) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError.one(f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes",
                             file=shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError.one(f"not UTF-8 text (byte {e.start}); expected {what}",
                             file=shown) from None


def of_kind(data: Any, distinctive: Iterable[str], file: str, what: str) -> dict:
    """`data` when it is a mapping with at least one of the keys only `what` has; else one
    InputError that quotes nothing of it: a path may name any file, secrets included, and
    a file that is not of the kind at all has no line worth showing."""
    keys = set(distinctive)
    if not isinstance(data, dict) or not keys & {str(k) for k in data}:
        raise InputError.one(f"not {what}: expected a mapping with any of "
                             f"{', '.join(sorted(keys))}", file=file)
    return data
