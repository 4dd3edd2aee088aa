"""Input that can never silently change the answer: each test names the defect it prevents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from landalloc.errors import InputError
from landalloc.plan.loading import load, load_instance

BASE_OBJECTIVE = 3216.5521
UNBOUNDED_AIRPORT = 3276.1702


def run(*args: str, cwd: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def bad(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    return p.stderr


def scenario(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    f = tmp_path / name
    f.write_text(body, encoding="utf-8")
    return f


@pytest.mark.parametrize("text", ["districts.airport.cap=", "districts.airport.cap=null",
                                  "districts.airport.cap=~", "districts.airport.cap.max="])
def test_empty_or_null_set_never_deletes_a_bound(text):
    with pytest.raises(InputError, match="no value"):
        load_instance(sets=[text])


def test_yaml_key_without_value_never_deletes_a_bound(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nset:\n  districts.airport.cap:\n")
    with pytest.raises(InputError) as e:
        load(f)
    assert e.value.problems[0].line == 3 and "no value" in str(e.value)


def test_instance_file_key_without_value_is_an_error(tmp_path):
    import shutil

    from landalloc.plan.locate import instances_root

    shutil.copytree(instances_root() / "zhengzhou", tmp_path / "zz")
    f = tmp_path / "zz" / "2021-2025.yaml"
    f.write_text(f.read_text("utf-8").replace("airport: {cap: {max: 1100,",
                                              "airport: {cap: {max: ,"), "utf-8")
    with pytest.raises(InputError, match="no value"):
        load(tmp_path / "zz")


def test_removing_a_bound_has_its_own_spelling():
    whole = load_instance(sets=["districts.airport.cap=unbounded"])
    side = load_instance(sets=["districts.airport.cap.max=unbounded"])
    assert whole.districts["airport"].cap is None and side.districts["airport"].cap is None
    import landalloc

    r = landalloc.solve("zhengzhou", sets=["districts.airport.cap=unbounded"])
    assert r.objective == pytest.approx(UNBOUNDED_AIRPORT, abs=0.01)
    assert landalloc.solve("zhengzhou").objective == pytest.approx(BASE_OBJECTIVE, abs=0.01)


def test_one_side_removed_keeps_the_other():
    inst = load_instance(sets=["sectors.electronics.quota.max=unbounded"])
    q = inst.sectors["electronics"].quota
    assert q.max is None and q.min == 2100


def test_unbounded_only_where_a_bound_is():
    with pytest.raises(InputError, match="removes a bound"):
        load_instance(sets=["output.electronics.airport=unbounded"])


@pytest.mark.parametrize("word", ["no", "off", "yes", "on", "0", "'false'"])
def test_allowed_flag_is_exactly_true_or_false(word):
    with pytest.raises(InputError, match="true or false"):
        load_instance(sets=[f"allowed.electronics.airport={word}"])


def test_allowed_no_in_a_scenario_file_is_refused(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nset:\n  allowed.food.hitech: no\n")
    with pytest.raises(InputError, match="true or false"):
        load(f)


@pytest.mark.parametrize(("text", "hint"), [("period=2026-2035", "--period"),
                                            ("name=x", "name:"),
                                            ("description=x", "description:")])
def test_set_refuses_paths_that_are_not_plan_figures(text, hint):
    with pytest.raises(InputError, match="not a plan figure") as e:
        load_instance(sets=[text])
    assert hint in str(e.value)


@pytest.mark.parametrize("value", ["1e20", "-1e21", ".inf", ".nan", "1e400"])
def test_numbers_are_finite_and_below_the_solver_infinity(value):
    with pytest.raises(InputError, match=r"finite|too large"):
        load_instance(sets=[f"districts.airport.cap={value}"])


def test_a_5000_digit_number_is_a_message_not_a_traceback(tmp_path):
    digits = "9" * 5000
    assert "cannot be read" in bad(run("solve", "--set", f"districts.airport.cap={digits}"))
    f = scenario(tmp_path, f"extends: zhengzhou\nset:\n  districts.airport.cap: {digits}\n")
    assert "cannot be read" in bad(run("solve", str(f)))


def test_an_overridden_figure_cites_its_change_and_keeps_the_plan():
    import landalloc

    r = landalloc.solve("zhengzhou", sets=["districts.airport.cap=1200"])
    row = r.totals("district").set_index("id").loc["airport"]
    assert row["plan_max"] == 1200
    assert row["source"].startswith("--set districts.airport.cap=1200")
    assert "plan: ≤ 1,100 — Table 3-4" in row["source"]
    rule = r.rules().set_index("name").loc["district_cap[airport]"]
    assert rule["source"].startswith("--set districts.airport.cap=1200")


def test_a_scenario_change_cites_file_and_line(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nset:\n  zones.leading.total: 2400\n")
    cap = load(f).instance.zones["leading"].total
    assert f"{f.name}:3 set zones.leading.total" in cap.source
    assert cap.plan is not None and cap.plan.startswith("= 2,300")


def test_an_unchanged_figure_still_cites_the_plan():
    inst = load_instance(sets=["districts.airport.cap=1200"])
    assert inst.districts["etdz"].cap.source.startswith("Table 3-4")


@pytest.mark.parametrize("option", [["--time-limit", "0"], ["--time-limit", "-1"],
                                    ["--time-limit", "nan"], ["--threads", "-4"],
                                    ["--scale-rules", "weird"], ["--increment-from", "x"]])
def test_solve_options_are_checked(option):
    assert "Invalid value" in bad(run("solve", *option))


@pytest.mark.parametrize("option", [["-j", "0"], ["--scheduler", "foo"],
                                    ["--scheduler", "tcp://host"], ["--lang", "fr"]])
def test_batch_options_are_checked_and_nothing_is_written(option, tmp_path):
    out = tmp_path / "o"
    bad(run("batch", "zhengzhou", "--out", str(out), *option))
    assert not out.exists()


def test_an_unreachable_scheduler_fails_fast_and_leaves_no_manifest(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there
    f = scenario(tmp_path, "extends: zhengzhou\n")
    out = tmp_path / "o"
    err = bad(run("batch", str(f), "--out", str(out), "--scheduler",
                  f"tcp://127.0.0.1:{port}", "-q"))
    assert "cannot reach the Dask scheduler" in err
    assert not (out / "manifest.json").exists()


def test_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    f = scenario(tmp_path, "\n".join([*lines, "extends: zhengzhou", ""]))
    assert f.stat().st_size < 400
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="alias"):
        load(f)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB


def test_anchors_for_shared_values_are_fine(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nset:\n  districts.airport.cap: &c 1200\n"
                           "  districts.etdz.cap: *c\n")
    assert load(f).instance.districts["etdz"].cap.max == 1200


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null"])
def test_special_files_are_refused(tmp_path, target):
    f = scenario(tmp_path, f"extends: {target}\n")
    with pytest.raises(InputError, match="not a regular file"):
        load(f)


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load(fifo)


def test_files_above_the_size_limit_are_refused(tmp_path, monkeypatch):
    from landalloc.plan import safefile

    monkeypatch.setattr(safefile, "MAX_FILE_BYTES", 100)
    f = scenario(tmp_path, "extends: zhengzhou\n# " + "x" * 200 + "\n")
    with pytest.raises(InputError, match="limit"):
        load(f)


def test_a_secret_file_is_never_quoted(tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:20228:0:99999:7:::\n"
                      "daemon:*:20228:0:99999:7:::\n", encoding="utf-8")
    f = scenario(tmp_path, f"extends: {secret}\n")
    err = bad(run("solve", str(f)))
    assert "SECRETHASH" not in err and "daemon" not in err and "not a scenario file" in err


def test_a_secret_file_never_reaches_a_batch_summary(tmp_path):
    import pyarrow.parquet as pq

    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRETHASH:20228:0:99999:7:::\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    scenario(tmp_path / "in", f"extends: {secret}\n")
    p = run("batch", str(tmp_path / "in"), "--out", str(tmp_path / "o"), "-q")
    assert p.returncode == 0, p.stderr
    text = pq.read_table(tmp_path / "o" / "summary.parquet").to_pandas().to_csv()
    assert "SECRETHASH" not in text


def test_every_problem_of_a_file_at_once(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nset:\n  districts.airport.cap:\n"
                           "  allowed.electronics.airport: no\n  period: 2026-2035\n"
                           "rules:\n  - {name: r, max: 5}\n  - {name: r, max: 6}\n"
                           "solver: {backend: cplex}\n")
    with pytest.raises(InputError) as e:
        load(f)
    keys = {p.key for p in e.value.problems}
    assert {"set.districts.airport.cap", "set.allowed.electronics.airport", "set.period",
            "solver.backend", "rules"} <= keys
    assert all(p.line for p in e.value.problems)


def test_two_rules_with_one_name_in_a_file_are_refused(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nrules:\n  - {name: r, max: 5000}\n"
                           "  - {name: r, max: 6000}\n")
    with pytest.raises(InputError, match="two rules are named 'r'"):
        load(f)


def test_unknown_solver_backend_in_a_scenario_is_exit_2(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\nsolver: {backend: cplex}\n")
    assert "unknown backend 'cplex'" in bad(run("solve", str(f)))


def test_malformed_instance_folder_is_exit_2(tmp_path):
    (tmp_path / "instance.yaml").write_text("name: x\nperiods: 5\n", encoding="utf-8")
    assert "periods" in bad(run("solve", str(tmp_path)))


def test_numeric_scenario_and_extends_columns_are_names(tmp_path):
    import pandas as pd

    (tmp_path / "1.yaml").write_text("extends: zhengzhou\n", encoding="utf-8")
    pd.DataFrame({"scenario": [1, 2], "extends": [1, 1],
                  "districts.airport.cap": [1000, 1200]}).to_parquet(tmp_path / "t.parquet")
    (tmp_path / "1").mkdir()
    p = run("batch", str(tmp_path / "t.parquet"), "--out", str(tmp_path / "o"), "-q")
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr


def test_cjk_font_that_is_not_a_font_is_exit_2(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_text("not a font", encoding="utf-8")
    out = tmp_path / "rep"
    err = bad(run("report", "--out", str(out), env={"LANDALLOC_CJK_FONT": str(font)}))
    assert "not a font file" in err and not out.exists()


def test_two_d_sweep_all_infeasible_is_recorded(tmp_path):
    p = run("sweep", "--param", "total_increment", "--from", "100", "--to", "200",
            "--steps", "2", "--param", "districts.airport.cap", "--from", "1", "--to", "2",
            "--steps", "2", "--out", str(tmp_path / "sw"))
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    assert (tmp_path / "sw" / "sweep.png").exists()


def test_unexpected_errors_are_one_line_exit_70_with_a_log(tmp_path, monkeypatch):
    from landalloc.cli import app as cli

    monkeypatch.setenv("LANDALLOC_LOG_DIR", str(tmp_path))

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "app", boom)
    assert cli.run([]) == 70
    logs = list(tmp_path.glob("landalloc-error-*.log"))
    assert len(logs) == 1 and "RuntimeError: boom" in logs[0].read_text("utf-8")


@pytest.mark.parametrize("command", ["solve", "batch", "sensitivity", "sweep", "diagnose",
                                     "report", "export", "compare", "forecast"])
def test_every_command_documents_its_exit_codes(command):
    p = run(command, "--help")
    assert p.returncode == 0
    text = " ".join(p.stdout.split())
    for code in ("0 done", "2 bad input", "3 infeasible", "4 not solved", "70 internal"):
        assert code in text


def test_refusal_of_a_bomb_is_quick(tmp_path):
    """Not a timing test of speed, only that refusal does not expand: bounded node count."""
    from landalloc.plan.yamlio import _expanded_size

    nested = ["x"] * 9
    for _ in range(8):
        nested = [nested] * 9
    t0 = time.process_time()
    assert _expanded_size(nested, {}, set()) > 10 ** 8
    assert time.process_time() - t0 < 5  # memoised: linear in distinct nodes


def test_json_error_output_is_not_needed_for_bad_input():
    p = run("solve", "--json", "--set", "districts.airport.cap=")
    bad(p)
    assert p.stdout == ""
    with pytest.raises(json.JSONDecodeError):
        json.loads(p.stdout)
