"""Every input and output surface as safe as `--set`: each test names what it protects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from landalloc.errors import InputError

SECRET = "daemon:$6$S3CRETHASHabcdef:1:1:daemon:/usr/sbin:/usr/sbin/nologin"
PASSWD = f"root:x:0:0:root:/root:/bin/bash\n{SECRET}\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
ENV_FILE = "DB_PASSWORD: hunter2-S3CRET\nAPI_TOKEN: tok_S3CRET0123456789\n"


def run(*args: str, cwd: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def bad(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    return p.stderr


# ------------------------------------------------------------------ item 4: file contents
@pytest.mark.parametrize("body", [PASSWD, ENV_FILE], ids=["passwd", "env"])
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_check_never_quotes_a_file_that_is_not_an_allocation_table(tmp_path, body, suffix):
    f = tmp_path / f"secret{suffix}"
    f.write_text(body, encoding="utf-8")
    err = bad(run("check", str(f)))
    assert "not an allocation table" in err and str(f) in err
    err = err.replace(str(f), "FILE")
    assert "S3CRET" not in err and "root" not in err and "DB_PASSWORD" not in err


@pytest.mark.parametrize("what", ["audit", "forecast"])
@pytest.mark.parametrize("body", [PASSWD, ENV_FILE, "password: 1e400\n"],
                         ids=["passwd", "env", "big-number"])
def test_audit_and_forecast_never_quote_a_file_of_another_kind(tmp_path, what, body):
    from landalloc.analysis.audit import audit
    from landalloc.analysis.forecast import run_forecast

    f = tmp_path / "secret.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as e:
        (audit if what == "audit" else run_forecast)(f)
    text = str(e.value).replace(str(f), "FILE")
    assert len(e.value.problems) == 1 and e.value.problems[0].file == str(f)
    assert "not a" in text
    for word in ("S3CRET", "root", "DB_PASSWORD", "API_TOKEN", "password"):
        assert word not in text


def test_check_quotes_a_short_excerpt_of_a_table_that_is_one(tmp_path):
    f = tmp_path / "alloc.csv"
    f.write_text("sector,district,hectares\n" + "x" * 500 + ",airport,10\n", encoding="utf-8")
    err = bad(run("check", str(f)))
    assert f"{f}:2" in err and "unknown sector" in err
    assert "x" * 40 in err and "x" * 41 not in err


def test_a_forecast_file_with_a_long_unknown_key_quotes_only_an_excerpt(tmp_path):
    from landalloc.analysis.forecast import run_forecast
    from landalloc.plan.locate import instances_root

    text = (instances_root() / "zhengzhou" / "forecast.yaml").read_text(encoding="utf-8")
    f = tmp_path / "forecast.yaml"
    f.write_text(text + "k" * 300 + ": 1\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        run_forecast(f)
    (p,) = e.value.problems
    assert p.key is not None and p.key.startswith("k" * 60) and len(p.key) <= 61
    assert p.line == text.count("\n") + 1 and "unknown key" in p.message


# ------------------------------------------------------------------ item 5: injection
FORMULA = '=HYPERLINK("http://example.invalid/x","click")'
ESCAPE_LABEL = "cap \x1b[31mRED\x1b]0;pwned\x07"


def injected_scenario(tmp_path: Path, cap: int = 10, name: str = FORMULA) -> Path:
    """A scenario named like a formula whose only rule has a label of escape sequences
    (binding, and with `cap` 10 infeasible: the label reaches the diagnosis)."""
    import json

    f = tmp_path / "inject.yaml"
    f.write_text(f"name: {json.dumps(name)}\nextends: zhengzhou\nperiod: 2021-2025\n"
                 f"rules:\n  - name: r1\n    label: {json.dumps(ESCAPE_LABEL)}\n"
                 f"    sectors: [electronics]\n    max: {cap}\n", encoding="utf-8")
    return f


def _cells(path: Path) -> list:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_a_batch_scenario_named_like_a_formula_is_text_in_every_table(tmp_path):
    import pandas as pd

    (tmp_path / "a.yaml").write_text(
        "name: '=1+2'\nextends: zhengzhou\nset:\n  districts.airport.cap: 1200\n",
        encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "name: '@SUM(A1)'\nextends: zhengzhou\nset:\n  districts.airport.cap: 1300\n",
        encoding="utf-8")
    out = tmp_path / "out"
    p = run("batch", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--out", str(out),
            "-q")
    assert p.returncode == 0, p.stderr
    names = set(pd.read_parquet(out / "summary.parquet")["scenario"])
    assert names == {"=1+2", "@SUM(A1)"}  # the data itself is kept as written
    for table in ("summary", "allocation", "rules"):
        col = pd.read_csv(out / f"{table}.csv", dtype=str)["scenario"]
        assert set(col) == {"'=1+2", "'@SUM(A1)"}, table
    cells = _cells(out / "results.xlsx")
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    named = [c for c in cells if c.value in ("=1+2", "@SUM(A1)")]
    assert len(named) > 10 and all(c.data_type == "s" and c.quotePrefix for c in named)


def test_a_scenario_named_like_a_formula_is_text_in_the_report_workbook(tmp_path):
    import io

    from openpyxl import load_workbook

    from landalloc.api import solve
    from landalloc.present.report.excel import workbook
    from landalloc.present.report.labels import Labels

    result = solve(injected_scenario(tmp_path, cap=100000))
    wb = load_workbook(io.BytesIO(workbook(result, Labels.of(result.instance))))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    named = [c for c in cells if c.value == FORMULA]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)
    labels = [c.value for c in cells if isinstance(c.value, str) and "RED" in c.value]
    assert labels and all("\x1b" not in v and "␛[31mRED" in v for v in labels)


def test_a_rule_label_like_a_formula_is_text_in_solve_out_tables(tmp_path):
    import pandas as pd

    f = tmp_path / "s.yaml"
    f.write_text("extends: zhengzhou\nrules:\n  - name: r1\n    label: '-1+cmd|calc'\n"
                 "    sectors: [electronics]\n    max: 1000000\n", encoding="utf-8")
    assert run("solve", str(f), "--out", str(tmp_path / "o")).returncode == 0
    rules = pd.read_csv(tmp_path / "o" / "rules.csv", dtype=str)
    labels = set(rules["label_en"].dropna()) | set(rules["label_zh"].dropna())
    assert "'-1+cmd|calc" in labels and "-1+cmd|calc" not in labels


def test_terminal_escapes_in_a_rule_label_never_reach_the_terminal(tmp_path):
    f = injected_scenario(tmp_path)
    p = run("solve", str(f), "--lang", "en")
    assert p.returncode == 3, p.stderr
    out = p.stdout + p.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert "␛[31mRED␛]0;pwned␇" in out  # shown, as pictures
    p = run("solve", str(tmp_path / "no\x1b[2Jsuch.yaml"))
    assert "\x1b" not in bad(p) and "no␛[2Jsuch.yaml" in p.stderr


# ------------------------------------------------ item 6: batches that finish
def test_a_control_character_in_a_batch_scenario_name_neither_crashes_nor_repeats(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    (tmp_path / "a.yaml").write_text(
        'name: "bell\\a and \\e[2J"\nextends: zhengzhou\nset:\n  districts.airport.cap: 1200\n',
        encoding="utf-8")
    out = tmp_path / "out"
    p = run("batch", str(tmp_path / "a.yaml"), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "\x1b" not in p.stdout + p.stderr and "\x07" not in p.stdout + p.stderr
    assert "bell␇ and ␛[2J" in p.stdout
    assert list(pd.read_parquet(out / "summary.parquet")["scenario"]) == ["bell\a and \x1b[2J"]
    ws = load_workbook(out / "results.xlsx")["summary"]
    assert [c.value for c in ws["B"]] == ["scenario", "bell␇ and ␛[2J"]
    again = run("batch", "--out", str(out), "--resume")
    assert again.returncode == 0, again.stderr
    assert not (out / ".lock").exists()


def test_a_csv_column_that_turns_to_text_after_its_first_block_is_read_cell_by_cell(
        tmp_path):
    import pandas as pd

    rows = [f"{'s' * 990}{i:05d},{1100 + i % 400}" for i in range(1100)]  # > 1 MB
    rows.append("late,unbounded")
    f = tmp_path / "t.csv"
    f.write_text("scenario,districts.airport.cap\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert f.stat().st_size > 1 << 20
    out = tmp_path / "out"
    p = run("batch", str(f), "--base", "zhengzhou", "--out", str(out), "-q")
    assert p.returncode == 0, p.stderr
    s = pd.read_parquet(out / "summary.parquet")
    assert len(s) == 1101 and set(s["status"]) == {"optimal"}
    late = s[s["scenario"] == "late"].iloc[0]
    assert late["districts.airport.cap"] == "unbounded"
    assert late["objective"] == pytest.approx(3276.1702, abs=1e-3)  # the cap removed
    assert s[s["scenario"].str.endswith("00000")]["districts.airport.cap"].item() == "1100"
    assert not (out / ".lock").exists()


def test_a_small_csv_column_of_numbers_and_unbounded_solves_every_row(tmp_path):
    import pandas as pd

    f = tmp_path / "m.csv"
    f.write_text("scenario,extends,districts.airport.cap\na,zhengzhou,1200\n"
                 "b,zhengzhou,unbounded\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("batch", str(f), "--out", str(out), "-q").returncode == 0
    s = pd.read_parquet(out / "summary.parquet").set_index("scenario")
    assert list(s["status"]) == ["optimal", "optimal"]
    assert s.loc["b", "objective"] > s.loc["a", "objective"]


def test_a_gbk_override_table_is_refused_with_its_name_and_nothing_written(tmp_path):
    f = tmp_path / "gbk.csv"
    f.write_bytes("scenario,extends,districts.airport.cap\n情景一,zhengzhou,1200\n"
                  .encode("gbk"))
    out = tmp_path / "out"
    err = bad(run("batch", str(f), "--out", str(out)))
    assert f"{f}: not UTF-8 text" in err and "b'" not in err and "\\x" not in err
    assert not out.exists()


# ------------------------------------------------ item 9: exit 70 on ordinary input
def test_tradeoff_of_an_infeasible_plan_is_exit_3(tmp_path):
    f = tmp_path / "inf.yaml"
    f.write_text("extends: zhengzhou\nset:\n  districts.airport.cap: 10\n", encoding="utf-8")
    p = run("tradeoff", str(f))
    assert p.returncode == 3, p.stderr
    assert "infeasible" in p.stderr and "Traceback" not in p.stderr


@pytest.mark.parametrize("setting, key", [
    ("base.year=2030", "base.year"), ("base.land=0", "base.land"),
    ("methods.output.industrial_output_base=0", "methods.output.industrial_output_base"),
    ("periods.2021-2025.start=2030", "periods.2021-2025.start")])
def test_forecast_refuses_figures_its_methods_cannot_use(setting, key):
    from landalloc.analysis.forecast import run_forecast

    with pytest.raises(InputError) as e:
        run_forecast(None, [setting])
    (problem,) = e.value.problems
    assert problem.file == "--set" and problem.key == key


def test_forecast_base_year_after_a_period_is_exit_2_on_the_command_line():
    err = bad(run("forecast", "--set", "base.year=2030"))
    assert "--set base.year: 2030 is not before the first period's start (2021)" in err


@pytest.mark.parametrize("args, says", [
    (["alternatives", "--seed", "-1"], "outside 0"),
    (["solve", "--period", ","], "no period named"),
    (["solve", "--period", " , "], "no period named")])
def test_ordinary_bad_options_are_exit_2_not_internal_errors(args, says):
    assert says in bad(run(*args))


# ------------------------------------------------------------------ item 8: generators
def _grid(*args: str) -> subprocess.CompletedProcess:
    return run("scenarios", "grid", *args)


def test_a_grid_written_again_with_fewer_values_leaves_no_old_files(tmp_path):
    out = tmp_path / "g"
    assert _grid("-P", "districts.airport.cap=1100:1500:100", "--out", str(out)
                 ).returncode == 0
    assert len(list(out.glob("*.yaml"))) == 5
    assert _grid("-P", "districts.airport.cap=1200,1300", "--out", str(out)).returncode == 0
    files = sorted(p.name for p in out.glob("*.yaml"))
    assert files == ["grid-000001.yaml", "grid-000002.yaml"]
    assert "districts.airport.cap: 1300" in (out / "grid-000002.yaml").read_text()


def test_a_grid_refuses_a_folder_of_other_files_and_leaves_it_alone(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    err = bad(_grid("-P", "districts.airport.cap=1100", "--out", str(out)))
    assert str(out) in err and "not one landalloc run" in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("name", ["../x", "a/b", "a: b", "x\nrules: []", ".hidden", ""])
def test_a_scenario_name_prefix_cannot_leave_out_or_break_yaml(tmp_path, name):
    out = tmp_path / "sub" / "g"
    err = bad(_grid("-P", "districts.airport.cap=1100", "--out", str(out), "--name", name))
    assert "--name" in err and "not a scenario name" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


@pytest.mark.parametrize("path", ["districts.airport.cap\nrules: x",
                                  "districts.airport.cap: 5 #", "a b.c"])
def test_a_param_path_cannot_inject_yaml(tmp_path, path):
    err = bad(_grid("-P", f"{path}=1100", "--out", str(tmp_path / "g")))
    assert "--param" in err and "is not a path" in err
    assert not (tmp_path / "g").exists()


def test_generated_scenarios_hold_exactly_the_values_given(tmp_path):
    from landalloc.plan.yamlio import read_yaml

    out = tmp_path / "g"
    p = _grid("-P", 'districts.airport.cap=1100,{min: 1000, max: 1200},unbounded,"x: y #z"',
              "--out", str(out), "--name", "天-a.b_c")
    assert p.returncode == 0, p.stderr
    got = [read_yaml(out / f"天-a.b_c-00000{k}.yaml") for k in range(1, 5)]
    assert [d["set"] for d in got] == [{"districts.airport.cap": v} for v in
                                      (1100, {"min": 1000, "max": 1200}, "unbounded",
                                       "x: y #z")]
    assert [d["name"] for d in got] == [f"天-a.b_c-00000{k}" for k in range(1, 5)]


# ------------------------------------------------------------------ item 10: limits
def _limited(*args: str) -> subprocess.CompletedProcess:
    """Run with 4 GB of address space: a command that would build the work it was asked
    for fails (or is stopped) instead of taking the machine."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, timeout=120, preexec_fn=cap,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("args, says", [
    (["sweep", "--param", "districts.airport.cap", "--from", "900", "--to", "1500",
      "--steps", "100000000"], "at most 10,000 per --param"),
    (["sweep", "--param", "districts.airport.cap", "--from", "900", "--to", "1500",
      "--steps", "1000", "--param", "zones.leading.total", "--from", "2000", "--to", "2500",
      "--steps", "1000"], "100,000 in all"),
    (["alternatives", "-n", "100000"], "outside 1–100"),
    (["scenarios", "grid", "-P", "districts.airport.cap=0:1e9:1", "--out", "{tmp}/x.parquet"],
     "at most 1,000,000 scenarios"),
    (["scenarios", "grid", "-P", "districts.airport.cap=0:999:1", "-P",
      "zones.leading.total=0:9999:1", "--out", "{tmp}/x.parquet"], "at most 1,000,000"),
    (["scenarios", "sample", "-P", "districts.airport.cap=uniform(1000,1500)", "-n",
      "2000000000", "--out", "{tmp}/x.parquet"], "outside 1–1,000,000"),
    (["tradeoff", "--points", "0"], "outside 1–10,000"),
], ids=["sweep-steps", "sweep-grid", "alternatives-n", "grid-range", "grid-product",
        "sample-n", "tradeoff-points"])
def test_counts_and_steps_beyond_their_limit_are_refused_before_any_work(tmp_path, args,
                                                                          says):
    p = _limited(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert p.returncode == 2, (p.returncode, p.stderr[-500:])
    assert says in p.stderr and "Traceback" not in p.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, option, limit", [
    (["sweep"], "--steps", "10,000"), (["alternatives"], "--number", "1–100"),
    (["alternatives"], "--seed", "4,294,967,295"), (["scenarios", "grid"], "--param",
                                                     "1,000,000"),
    (["scenarios", "sample"], "--count", "1–1,000,000"), (["tradeoff"], "--points", "10,000"),
    (["batch"], "--chunk-size", "100,000")])
def test_every_count_option_states_its_limit_in_help(command, option, limit):
    p = run(*command, "--help")
    options = " ".join(p.stdout.split("Options:", 1)[1].split())
    at = options.index(option)
    assert limit in options[at:at + 260], options[at:at + 260]


# ------------------------------------------------------------------ item 11: signals, symlinks
#: Runs landalloc with SIGTERM sent to itself at a chosen call: `invoke` (the command has
#: started), or a function `module:name` (then that function runs after the signal).
SIGTERM_AT = '''
import importlib, os, signal, sys

where, args = sys.argv[1], sys.argv[2:]

def at(fn):
    def wrapped(*a, **k):
        os.kill(os.getpid(), signal.SIGTERM)
        return fn(*a, **k)
    return wrapped

if where == "invoke":
    import typer._click.core as core
    original = core.Command.invoke
    def invoke(self, ctx):
        if type(self).__name__ != "TyperGroup":
            os.kill(os.getpid(), signal.SIGTERM)
        return original(self, ctx)
    core.Command.invoke = invoke
else:
    module, name = where.split(":")
    m = importlib.import_module(module)
    setattr(m, name, at(getattr(m, name)))
sys.argv = ["landalloc", *args]
from landalloc.cli.app import main
main()
'''


def sigterm_at(tmp_path: Path, where: str, *args: str) -> subprocess.CompletedProcess:
    script = tmp_path / "sigterm_at.py"
    script.write_text(SIGTERM_AT, encoding="utf-8")
    return subprocess.run([sys.executable, str(script), where, *args], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "COLUMNS": "200"})


WRITERS = {
    "solve": ["solve", "--out", "o"],
    "sensitivity": ["sensitivity", "--out", "o"],
    "sweep": ["sweep", "--param", "districts.airport.cap", "--from", "900", "--to", "1500",
              "--steps", "3", "--out", "o"],
    "tornado": ["tornado", "--out", "o"],
    "forecast": ["forecast", "--out", "o"],
    "audit": ["audit"],
    "export": ["export", "--out", "o.mps"],
    "diagnose": ["diagnose"],
    "report": ["report", "--out", "o"],
    "compare": ["compare", "zhengzhou", "zhengzhou", "--out", "o.csv"],
    "batch": ["batch", "zhengzhou", "--out", "o"],
    "scenarios-grid": ["scenarios", "grid", "-P", "districts.airport.cap=1100", "--out", "o"],
    "scenarios-sample": ["scenarios", "sample", "-P",
                         "districts.airport.cap=uniform(1000,1500)", "-n", "2", "--out", "o"],
    "tradeoff": ["tradeoff", "--out", "o"],
    "check": ["check", "a.csv"],
    "ranges": ["ranges", "--out", "o"],
    "alternatives": ["alternatives", "-n", "1", "--out", "o"],
    "explain": ["explain", "electronics", "airport"],
    "schema": ["schema", "--out", "o.json"],
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_sigterm_ends_every_command_with_130_and_writes_nothing(tmp_path, name):
    (tmp_path / "a.csv").write_text("sector,district,hectares\nelectronics,airport,10\n",
                                    encoding="utf-8")
    before = {p.name for p in tmp_path.iterdir()}
    p = sigterm_at(tmp_path, "invoke", *WRITERS[name])
    assert p.returncode == 130, (p.returncode, p.stderr[-800:])
    assert "Traceback" not in p.stderr
    assert {p.name for p in tmp_path.iterdir()} - {"sigterm_at.py"} == before


def test_sigterm_while_a_run_is_finished_leaves_the_previous_run_whole(tmp_path):
    import json

    assert run("solve", "--out", "o", cwd=tmp_path).returncode == 0
    first = (tmp_path / "o" / "result.json").read_text(encoding="utf-8")
    p = sigterm_at(tmp_path, "landalloc.atomic:write_json", "solve", "--out", "o", "--set",
                   "districts.airport.cap=1200")
    assert p.returncode == 130 and "terminated (SIGTERM)" in p.stderr, p.stderr[-800:]
    assert (tmp_path / "o" / "result.json").read_text(encoding="utf-8") == first
    assert sorted(x.name for x in tmp_path.iterdir()) == ["o", "sigterm_at.py"]
    assert json.loads((tmp_path / "o" / ".landalloc-run.json").read_text())["complete"]


def test_sigterm_while_a_run_is_swapped_in_waits_for_the_new_run_whole(tmp_path):
    import json

    assert run("solve", "--out", "o", cwd=tmp_path).returncode == 0
    p = sigterm_at(tmp_path, "landalloc.atomic:_publish", "solve", "--out", "o", "--set",
                   "districts.airport.cap=1200")
    assert p.returncode == 130, p.stderr[-800:]
    record = json.loads((tmp_path / "o" / "record.json").read_text(encoding="utf-8"))
    assert [o["new"] for o in record["overrides"]] == [1200]
    assert sorted(x.name for x in tmp_path.iterdir()) == ["o", "sigterm_at.py"]


@pytest.mark.parametrize("args", [["solve"], ["scenarios", "grid", "-P",
                                              "districts.airport.cap=1100,1200"]])
def test_an_out_that_is_a_symlink_to_a_folder_is_followed_and_kept(tmp_path, args):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real", target_is_directory=True)
    for _ in range(2):  # a new run, then one that replaces it
        p = run(*args, "--out", "link", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert (tmp_path / "link").is_symlink()
        assert (tmp_path / "link").resolve() == (tmp_path / "real").resolve()
        assert (tmp_path / "real" / ".landalloc-run.json").is_file()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["link", "real"]


def test_a_batch_out_that_is_a_symlink_is_followed_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real", target_is_directory=True)
    p = run("batch", "zhengzhou", "--out", "link", "-q", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "summary.parquet").is_file()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["link", "real"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_scenario_table_written_to_a_symlink_keeps_the_link(tmp_path, suffix):
    (tmp_path / f"real{suffix}").write_text("old", encoding="utf-8")
    (tmp_path / f"link{suffix}").symlink_to(f"real{suffix}")
    p = run("scenarios", "sample", "-P", "districts.airport.cap=uniform(1000,1500)", "-n",
            "3", "--out", f"link{suffix}", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / f"link{suffix}").is_symlink()
    assert (tmp_path / f"real{suffix}").read_bytes() != b"old"
    assert sorted(x.name for x in tmp_path.iterdir()) == [f"link{suffix}", f"real{suffix}"]


def test_a_report_sheet_named_from_data_holds_no_control_character():
    import io
    import zipfile

    from landalloc.present.report.excel import Book

    book = Book()
    book.sheet("scenario \x07\x1b[2J")["A1"] = "x"
    data = book.bytes()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode("utf-8")
    assert "\x07" not in xml and "\x1b" not in xml and "scenario ␇␛" in xml


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_serve_stopped_by_a_signal_ends_with_130(sig):
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.Popen([sys.executable, "-m", "landalloc", "serve", "--no-browser",
                          "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        assert "landalloc workbench" in p.stdout.readline()
        for _ in range(600):  # until it answers (then uvicorn holds the signals)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except OSError:
                if p.poll() is not None:
                    break
                time.sleep(0.05)
        p.send_signal(getattr(signal, sig))
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130, err[-500:]
    assert "stopped" in err and "Traceback" not in err
