"""The command as a user runs it: exit codes, JSON on stdout, clear errors, no traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, env=env)


def test_json_is_one_document_on_stdout():
    p = run("solve", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)  # the HiGHS banner must not leak into stdout
    assert doc["status"] == "optimal"
    assert doc["objective_unit"] == "亿元"
    assert set(doc) >= {"status", "objective", "allocation", "totals", "rules", "max_violation"}
    assert sum(a["hectares"] for a in doc["allocation"]) == pytest.approx(6000)
    assert doc["totals"]["zone"]["leading"] == pytest.approx(2300)
    rule = next(r for r in doc["rules"] if r["name"] == "district_cap[airport]")
    assert rule["upper"] == 1100 and rule["lower"] is None


def test_screen_output_names_the_plan():
    p = run("solve", "--period", "2026-2035")
    assert p.returncode == 0, p.stderr
    for word in ("电子信息", "航空港区", "亿元", "sector_quota[electronics]"):
        assert word in p.stdout


def test_out_writes_tables(tmp_path):
    p = run("solve", "--set", "districts.airport.cap=1200", "--set", "zones.leading.total=2400",
            "--set", "zones.integration.total=100", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr + p.stdout
    names = {f.name for f in tmp_path.iterdir()}
    assert {"allocation.csv", "totals.csv", "rules.csv", "result.json", "record.json"} <= names
    record = json.loads((tmp_path / "record.json").read_text())
    first = record["overrides"][0]
    assert (first["path"], first["old"]["max"], first["new"]) == ("districts.airport.cap", 1100,
                                                                   1200)
    totals = (tmp_path / "totals.csv").read_text()
    assert "airport" in totals and "1200.0" in totals
    assert all(len(h) == 64 for h in record["inputs_sha256"].values())


def test_infeasible_exit_3():
    p = run("solve", "--set", "sectors.electronics.quota=5000")
    assert p.returncode == 3
    assert "infeasible" in p.stdout


def _bad_files(tmp: Path) -> dict[str, tuple[list[str], list[str]]]:
    (tmp / "syntax.yaml").write_text("name: x\nextends: zhengzhou\nset: {a: [1\n")
    (tmp / "unknown-district.yaml").write_text(
        "name: x\nextends: zhengzhou\nset:\n  districts.mars.cap: 10\n")
    (tmp / "negative.yaml").write_text(
        "name: x\nextends: zhengzhou\nset:\n  districts.airport.cap: -10\n")
    (tmp / "percent.yaml").write_text(
        "name: x\nextends: zhengzhou\nset:\n  sector_groups.leading_six.share.min: 83.3\n")
    (tmp / "nan.yaml").write_text(
        "name: x\nextends: zhengzhou\nset:\n  sectors.food.quota.max: .nan\n")
    (tmp / "unknown-key.yaml").write_text("name: x\nextends: zhengzhou\nsett: {}\n")
    return {
        "missing": (["solve", str(tmp / "nope.yaml")], ["nope.yaml", "file not found"]),
        "syntax": (["solve", str(tmp / "syntax.yaml")], ["syntax.yaml:4", "YAML syntax"]),
        "district": (["solve", str(tmp / "unknown-district.yaml")],
                     ["unknown-district.yaml:4", "districts.mars.cap", "unknown district"]),
        "negative": (["solve", str(tmp / "negative.yaml")],
                     ["negative.yaml:4", "districts.airport.cap", "negative"]),
        "percent": (["solve", str(tmp / "percent.yaml")],
                    ["percent.yaml:4", "share", "0.833"]),
        "nan": (["solve", str(tmp / "nan.yaml")], ["nan.yaml:4", "sectors.food.quota", "finite"]),
        "key": (["solve", str(tmp / "unknown-key.yaml")], ["unknown-key.yaml:3", "sett"]),
        "period": (["solve", "--period", "2040"], ["unknown period '2040'"]),
    }


@pytest.mark.parametrize("case", ["missing", "syntax", "district", "negative", "percent", "nan",
                                  "key", "period"])
def test_bad_input_exit_2_without_traceback(case, tmp_path):
    args, words = _bad_files(tmp_path)[case]
    out = tmp_path / "out"
    p = run(*args, "--out", str(out))
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    msg = " ".join(p.stderr.split())
    for w in words:
        assert w in msg, msg
    assert not out.exists()  # nothing written


def test_other_city_from_the_command_line():
    p = run("solve", str(DATA / "rivertown"), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["objective"] == pytest.approx(930)


def test_no_python_type_labels_in_any_help():
    """Placeholders say what to give (PATH=VALUE, SECONDS), never <str> or <list[str]>."""
    root = run("--help").stdout
    names = re.findall(r"^  ([a-z]+)\s", root.split("Commands:")[1], flags=re.M)
    assert {"solve", "sweep", "tornado", "batch", "report", "check"} <= set(names)
    for name in ["", *names]:
        p = run(*([name] if name else []), "--help")
        text = p.stdout
        assert not re.search(r"<(str|int|float|bool|path|list\[)", text), (name, text[:400])
