"""Fuzzing the input grammar: any scenario file or --set ends in 0, 2, 3 or 4, never a
traceback, and never a half-written --out folder.

LANDALLOC_FUZZ_EXAMPLES raises the number of examples (scripts/fuzz_inputs.py runs more).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landalloc.cli.app import run

EXAMPLES = int(os.environ.get("LANDALLOC_FUZZ_EXAMPLES", "25"))
PATHS = ["districts.airport.cap", "districts.airport.cap.max", "sectors.electronics.quota",
         "sectors.electronics.quota.min", "zones.leading.total", "total_increment",
         "sector_groups.leading_six.share", "allowed.electronics.airport",
         "output.food.hitech", "period", "name", "rules.r.max", "districts.nowhere.cap",
         "sectors", ""]
VALUES = st.one_of(
    st.sampled_from(["", "null", "~", "unbounded", "none", "no", "off", "true", "false",
                     "yes", ".nan", ".inf", "-.inf", "1e20", "1e400", "9" * 5000, "{}",
                     "{min: 1, max: 0}", "{min: 10, max: 2000}", "[1, 2]", "&a [*a]",
                     "*x", "'1200'", "0x10", "-5", "0.5", "1500"]),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
)
SET = st.tuples(st.sampled_from(PATHS), VALUES).map(lambda t: f"{t[0]}={t[1]}")


def _yaml_value(v: str) -> str:
    return v if v and "\n" not in v else json.dumps(v)


SCENARIO = st.builds(
    lambda sets, mutate, junk: "\n".join([
        "name: fuzz", "extends: zhengzhou", "set:",
        *[f"  {p}: {_yaml_value(v)}" for p, v in sets],
        *(["rules:", "  - {name: r, max: 5000}"] if mutate % 3 == 0 else []),
        *(["solver: {backend: cplex}"] if mutate % 5 == 0 else []),
        junk]),
    st.lists(st.tuples(st.sampled_from(PATHS[:12]), VALUES), max_size=4),
    st.integers(0, 100),
    st.sampled_from(["", "period: 2026-2035", "period: 1999", "extra: 1", "- x", ":", "\t",
                     "&a x: *a", "objective: max_output", "objective: {max_output: 3}"]),
)


def _check(code: int, err: str, out: Path) -> None:
    assert code in (0, 2, 3, 4), (code, err)
    assert "Traceback" not in err
    if out.exists():  # whole or not at all
        marker = json.loads((out / ".landalloc-run.json").read_text("utf-8"))
        assert marker["complete"] and (out / "record.json").exists()
    if code == 2:
        assert not out.exists()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sets=st.lists(SET, min_size=1, max_size=3))
def test_fuzz_set_strings(sets, tmp_path_factory, capsys):
    out = tmp_path_factory.mktemp("fz") / "o"
    args = ["solve", "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    code = run(args)
    _check(code, capsys.readouterr().err, out)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=SCENARIO)
def test_fuzz_scenario_files(text, tmp_path_factory, capsys):
    d = tmp_path_factory.mktemp("fz")
    f = d / "s.yaml"
    f.write_text(text, encoding="utf-8")
    out = d / "o"
    code = run(["solve", str(f), "--out", str(out)])
    _check(code, capsys.readouterr().err, out)
