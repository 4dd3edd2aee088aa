"""`landalloc export`: MPS and LP files that another reader solves to the same optimum."""

from __future__ import annotations

import subprocess
import sys

import pytest
from landalloc.formulations import formulate
from landalloc.solver import get_backend
from landalloc.solver.highs import new_highs
from landalloc.solver.model_file import file_names, write_model

from landalloc.plan.loading import load_instance
from landalloc.plan.model import Rule

PERIODS = ["2021-2025", "2026-2035"]


def read_back(path):
    """Read a model file with a fresh HiGHS, solve it: (objective, row names, col names)."""
    h = new_highs()
    assert h.readModel(str(path)).name == "kOk"
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    lp = h.getLp()
    return h.getInfo().objective_function_value, list(lp.row_names_), list(lp.col_names_)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("fmt", ["mps", "lp"])
def test_file_read_back_gives_the_same_objective(tmp_path, period, fmt):
    lp = formulate(load_instance("zhengzhou", period))
    want = get_backend("highs").solve(lp).objective
    path = write_model(lp, tmp_path / f"model.{fmt}")
    got, rows, cols = read_back(path)
    assert got == pytest.approx(want, rel=1e-9)
    assert len(rows) == lp.num_row and len(cols) == lp.num_col
    if fmt == "mps":  # names exactly as the plan's rules and cells
        assert rows == lp.row_names() and cols == lp.col_names()
        assert "district_cap[airport]" in rows and "x[electronics,airport]" in cols
    else:  # the LP format has no brackets: parentheses instead
        assert "district_cap(airport)" in rows and "x(electronics,airport)" in cols


def test_minimise_writes_the_negated_problem(tmp_path):
    lp = formulate(load_instance("zhengzhou", "2021-2025"))
    want = get_backend("highs").solve(lp).objective
    got, _, _ = read_back(write_model(lp, tmp_path / "neg.mps", minimise=True))
    assert got == pytest.approx(-want, rel=1e-9)


def test_lp_names_are_sanitised_and_unique():
    names = ["rule[max-food 2]", "rule[max_food_2]", "x[a,b]", "2nd"]
    assert file_names(names, "lp") == ["rule(max_food_2)", "rule(max_food_2)~2", "x(a,b)",
                                       "_2nd"]
    assert file_names(names, "mps") == ["rule[max-food_2]", "rule[max_food_2]", "x[a,b]", "2nd"]


def test_custom_rule_with_awkward_name_survives_the_lp_format(tmp_path):
    inst = load_instance("zhengzhou", "2021-2025")
    rule = Rule(name="food+bio <= 600", sectors=["food", "biomedicine"], max=600)
    inst = inst.model_copy(update={"rules": [*inst.rules, rule]})
    lp = formulate(inst)
    want = get_backend("highs").solve(lp).objective
    got, rows, _ = read_back(write_model(lp, tmp_path / "m.lp"))
    assert got == pytest.approx(want, rel=1e-9)
    assert "rule(food_bio____600)" in rows


def run_cli(*args):
    return subprocess.run([sys.executable, "-c", "from landalloc.cli.app import main; main()",
                           *args], capture_output=True, text=True)


def test_cli_export_writes_the_file(tmp_path):
    out = tmp_path / "sub" / "zz.mps"
    r = run_cli("export", "--period", "2026-2035", "--set", "districts.airport.cap=1500",
                "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # the summary goes to stderr
    got, rows, _ = read_back(out)
    want = get_backend("highs").solve(formulate(load_instance(
        "zhengzhou", "2026-2035", ["districts.airport.cap=1500"]))).objective
    assert got == pytest.approx(want, rel=1e-9)
    assert "district_cap[airport]" in rows


def test_cli_export_unknown_format_is_exit_2_and_writes_nothing(tmp_path):
    r = run_cli("export", "--out", str(tmp_path / "zz.txt"))
    assert r.returncode == 2
    assert "unknown model file format 'txt'" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []
