"""`--help` starts without the heavy libraries (a regression guard, not a timing test).

Each help is run in a fresh interpreter under `python -X importtime`, which lists every
module the process imports; none of the heavy ones may be among them.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = ("numpy", "pandas", "scipy", "pyarrow", "pydantic", "matplotlib", "highspy", "rich")


def imported_modules(*args: str) -> tuple[set[str], str]:
    """Top-level names of the modules `python -m landalloc ARGS` imports, and its stdout."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "landalloc", *args],
                         capture_output=True, text=True, check=False, timeout=120,
                         env={**os.environ, "COLUMNS": "100"})
    assert res.returncode == 0, res.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in res.stderr.splitlines() if line.startswith("import time:")}
    return names, res.stdout


@pytest.mark.parametrize("args", [
    ["--help"],
    ["solve", "--help"],
    ["batch", "--help"],
    ["compare", "--help"],
    ["report", "--help"],
    ["scenarios", "grid", "--help"],
])
def test_help_imports_no_heavy_module(args):
    names, out = imported_modules(*args)
    assert "typer" in names and "landalloc" in names  # the listing itself is read right
    assert "Usage:" in out
    assert not names & set(HEAVY), f"landalloc {' '.join(args)} imports {names & set(HEAVY)}"


def test_the_check_sees_a_heavy_import(tmp_path):
    """The same reading of -X importtime finds them when a command does load them."""
    names, _ = imported_modules("export", "--out", str(tmp_path / "zz.mps"))
    assert {"numpy", "scipy", "highspy", "pydantic"} <= names
    assert (tmp_path / "zz.mps").read_text().startswith("NAME")
