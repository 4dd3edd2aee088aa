"""`--help` starts without the heavy libraries (a regression guard, not a timing test).

Each help is run in a fresh interpreter under `python -X importtime`, which lists every
module the process imports; none of the heavy ones may be among them.
"""

from __future__ import annotations

import json
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
    assert {"numpy", "highspy", "pydantic"} <= names
    assert (tmp_path / "zz.mps").read_text().startswith("NAME")
    names, _ = imported_modules("solve", "--out", str(tmp_path / "run"))
    assert {"pandas", "pyarrow"} <= names  # the tables are written with them
    assert (tmp_path / "run" / "allocation.csv").exists()


def _help(cmd, args: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as e:
        cmd.main(args=args, prog_name="landalloc", terminal_width=100)
    assert e.value.code == 0
    return out.getvalue()


@pytest.mark.parametrize("args", [["solve", "--help"], ["tradeoff", "--help"],
                                  ["scenarios", "grid", "--help"]])
def test_one_command_built_prints_what_the_whole_app_prints(args):
    """`run` builds only the command named first; its help is the full app's, word for word."""
    from landalloc.cli.app import command

    only, whole = command(args), command()
    assert list(only.commands) == [args[0]] and len(whole.commands) > 10
    assert _help(only, args) == _help(whole, args)
    assert f"Usage: landalloc {' '.join(args[:-1])} [OPTIONS]" in _help(only, args)


def test_a_name_that_is_no_command_gets_the_whole_app():
    from landalloc.cli.app import command

    assert command(["solv"]).commands.keys() == command().commands.keys()
    assert command(["--help"]).commands.keys() == command([]).commands.keys()


def test_the_entry_point_still_finishes_its_output(tmp_path):
    """main() freezes the collector before exiting: stdout is still flushed whole, files are
    written and the exit code is the command's (objective: tests/canonical.py, by hand)."""
    from tests.canonical import ZZ_DEFAULT_OBJECTIVE as ZZ_OBJECTIVE

    res = subprocess.run([sys.executable, "-m", "landalloc", "solve", "--json", "--out",
                          str(tmp_path / "run")], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout)["objective"] == pytest.approx(ZZ_OBJECTIVE, abs=1e-6)
    assert (tmp_path / "run" / "allocation.csv").read_text().startswith("sector,district")
    bad = subprocess.run([sys.executable, "-m", "landalloc", "solve", "--set",
                          "districts.airport.cap=100"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 3 and "infeasible" in bad.stdout + bad.stderr


def test_the_quick_exit_keeps_what_a_normal_exit_does(tmp_path):
    """main() ends the process without the interpreter's teardown: exit handlers still run,
    a running non-daemon thread is still waited for, and the exit code is the command's."""
    done = tmp_path / "thread-done"
    code = ("import atexit, sys, threading, time\n"
            "atexit.register(lambda: print('handler ran', flush=True))\n"
            f"threading.Thread(target=lambda: (time.sleep(0.5), open({str(done)!r}, 'w')"
            ".write('x'))).start()\n"
            "sys.argv = ['landalloc', 'solve', '--set', 'districts.airport.cap=']\n"
            "from landalloc.cli.app import main\nmain()\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2 and "handler ran" in res.stdout, res.stderr[-2000:]
    assert done.read_text() == "x"
    code = ("import atexit, sys\natexit.register(lambda: print('handler ran'))\n"
            "sys.argv = ['landalloc', 'solve', '--help']\n"
            "from landalloc.cli.app import main\nmain()\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0 and res.stdout.rstrip().endswith("handler ran")


def test_the_default_solve_starts_without_walking_its_objects_again_and_again():
    """At the collector's default threshold a default solve ran about 120 collections over
    the objects start-up makes (0.015–0.02 s); the entry point's threshold leaves a handful,
    made before it is set. The allocation is the same (objective by hand, tests/canonical)."""
    code = ("import gc, io, contextlib, json\n"
            "n = []\n"
            "gc.callbacks.append(lambda phase, info: n.append(1) if phase == 'stop' else None)\n"
            "from landalloc.cli.app import run\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    code = run(['solve', '--json'])\n"
            "print(json.dumps({'collections': len(n), 'code': code,\n"
            "                  'objective': json.loads(out.getvalue())['objective']}))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    doc = json.loads(res.stdout)
    from tests.canonical import ZZ_DEFAULT_OBJECTIVE as ZZ_OBJECTIVE

    assert doc["code"] == 0 and doc["objective"] == pytest.approx(ZZ_OBJECTIVE, abs=1e-6)
    assert doc["collections"] <= 8, doc


#: What the default solve (screen and --json) may not load: its LP is CSC arrays and its
#: tables are columns, so neither scipy nor pandas (nor the pyarrow pandas loads) is needed.
SOLVE_FREE = ("pandas", "scipy", "pyarrow", "matplotlib", "ruamel")


@pytest.mark.parametrize("args", [["solve"], ["solve", "--json"],
                                  ["solve", "--period", "2026-2035", "--lang", "zh"]])
def test_solve_imports_no_table_library(args):
    from tests.canonical import ZZ_DEFAULT_OBJECTIVE as ZZ_OBJECTIVE

    names, out = imported_modules(*args)
    assert {"numpy", "highspy", "pydantic"} <= names  # it did solve
    if "--json" in args:
        import json

        assert json.loads(out)["objective"] == pytest.approx(ZZ_OBJECTIVE, abs=1e-6)
    assert not names & set(SOLVE_FREE), f"landalloc {' '.join(args)} imports " \
                                        f"{names & set(SOLVE_FREE)}"


def test_each_command_module_registers_the_commands_it_is_listed_with():
    """`landalloc NAME` imports only the module listed with NAME: the list must be true."""
    from landalloc.cli.app import COMMAND_MODULES, new_app

    for module, names in COMMAND_MODULES.items():
        one = new_app([module])
        got = [c.name for c in one.registered_commands] + [g.name for g in one.registered_groups]
        assert sorted(got) == sorted(names), module
    whole = new_app()
    assert len(whole.registered_commands) + len(whole.registered_groups) == \
        sum(len(v) for v in COMMAND_MODULES.values())


def test_a_command_imports_no_other_command_module():
    names = {line.rsplit("|", 1)[1].strip()
             for line in subprocess.run(
                 [sys.executable, "-X", "importtime", "-m", "landalloc", "solve", "--help"],
                 capture_output=True, text=True, check=True, timeout=120).stderr.splitlines()
             if line.startswith("import time:")}
    assert "landalloc.cli.common" in names  # what solve.py imports is listed
    assert not {"landalloc.cli.report", "landalloc.cli.batch", "landalloc.cli.serve"} & names
