"""Scenario files, their validation and schema, generators, and path -> LP maps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from landalloc.api import solve
from landalloc.errors import InputError
from landalloc.plan.generate import grid, grid_values, parse_draw, sample, write_set
from landalloc.plan.loading import load
from landalloc.plan.locate import instances_root
from landalloc.plan.overrides import Override
from landalloc.plan.scenario import Scenario, schema
from landalloc.problem.build import build as build_problem
from landalloc.problem.entry_maps import describe, map_path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "instances" / "zhengzhou" / "scenarios"
INSTANCE = ROOT / "instances" / "zhengzhou" / "instance.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(fn) -> list:
    with pytest.raises(InputError) as e:
        fn()
    return e.value.problems


# ------------------------------------------------------------------ examples


def test_every_example_solves_or_is_infeasible_on_purpose():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 6
    for f in files:
        if "period: all" in f.read_text(encoding="utf-8"):  # linked periods: one LP
            from landalloc.api import solve_horizon

            assert solve_horizon(f).status == "optimal", f.name
            continue
        result = solve(f)
        description = (result.instance.description or "").lower()
        if "infeasible on purpose" in description:
            assert result.status == "infeasible", f.name
        else:
            assert result.status == "optimal", f.name
            assert result.max_violation < 1e-6


def test_example_scenarios_change_what_they_say():
    def sector(res, s):
        return float(res.totals("sector").set_index("id").loc[s, "hectares"])

    def district(res, d):
        return float(res.totals("district").set_index("id").loc[d, "hectares"])

    exact = solve(SCENARIOS / "table-3-3-exact.yaml")
    assert exact.instance.sectors["aluminum"].quota.min == 400
    assert exact.instance.sectors["food"].quota.min == 400
    assert sector(exact, "aluminum") == pytest.approx(400)
    assert sector(exact, "food") == pytest.approx(400)

    alu = solve(SCENARIOS / "aluminum-cap-300.yaml")
    assert sector(alu, "aluminum") <= 300 + 1e-6
    assert 300 - 1e-6 <= sector(alu, "new_materials") <= 400 + 1e-6

    el = solve(SCENARIOS / "electronics-plus-20.yaml")
    assert sector(el, "electronics") == pytest.approx(2520)

    air = solve(SCENARIOS / "airport-expansion.yaml")
    assert air.instance.districts["airport"].cap.max == 1500
    assert district(air, "airport") <= 1500 + 1e-6

    central = solve(SCENARIOS / "central-no-new-land-airport.yaml")
    for d in ("zhongyuan", "erqi", "guancheng", "jinshui", "huiji", "zhengdong"):
        assert district(central, d) == pytest.approx(0, abs=1e-6)
    assert district(central, "airport") == pytest.approx(1300)
    assert "rule[central_no_new_land]" in central.lp.row_names()  # inherited rule

    long = solve(SCENARIOS / "long-term-2026-2035.yaml")
    assert long.instance.period == "2026-2035"
    assert float(long.matrix().to_numpy().sum()) == pytest.approx(8000)


def test_weighted_objective_counts_electronics_at_1_2():
    plain = solve(SCENARIOS / "electronics-plus-20.yaml")
    weighted = solve(SCENARIOS / "electronics-weighted.yaml")
    m, out = weighted.matrix(), weighted.instance.output
    output = sum(out[s][d] * m.loc[s, d] for s in out for d in out[s])
    elec = sum(out["electronics"][d] * m.loc["electronics", d] for d in out["electronics"])
    assert weighted.objective == pytest.approx(output + 0.2 * elec, rel=1e-9)
    assert "weighted" in weighted.lp.objective_unit
    # same quotas, electronics fixed at 2,520 ha: the unweighted output cannot beat plain's
    assert output <= plain.objective + 1e-6


# ------------------------------------------------------------------ chains


def test_chain_merges_deep_and_child_wins(tmp_path):
    inst = INSTANCE.as_posix()
    write(tmp_path / "parent.yaml", f"""
name: parent
extends: {inst}
period: 2021-2025
set:
  sectors.electronics.quota: {{min: 1890, max: 2310}}
  districts.airport.cap: 1200
solver: {{time_limit: 30, threads: 1}}
rules:
  - {{name: r1, districts: [airport], max: 1000}}
  - {{name: r2, sectors: [food], max: 300}}
""")
    write(tmp_path / "sub" / "child.yaml", """
name: child
extends: ../parent.yaml
set:
  sectors:
    electronics:
      quota.max: 2200
solver: {time_limit: 10}
rules:
  - {name: r1, districts: [airport], max: 900}
""")
    loaded = load(tmp_path / "sub" / "child.yaml")
    q = loaded.instance.sectors["electronics"].quota
    assert (q.min, q.max) == (1890, 2200)  # parent's min kept, child's max
    assert loaded.instance.districts["airport"].cap.max == 1200
    rules = {r.name: r.max for r in loaded.instance.rules}
    assert rules == {"r1": 900, "r2": 300}
    assert loaded.scenario.solver.time_limit == 10 and loaded.scenario.solver.threads == 1
    assert loaded.scenario.period == "2021-2025"
    paths = [o.path for o in loaded.overrides]
    assert paths.index("sectors.electronics.quota") < paths.index("sectors.electronics.quota.max")


def test_cycle_names_every_file(tmp_path):
    write(tmp_path / "a.yaml", "name: a\nextends: b.yaml\n")
    write(tmp_path / "b.yaml", "name: b\nextends: c.yaml\n")
    write(tmp_path / "c.yaml", "name: c\nextends: a.yaml\n")
    (p,) = problems(lambda: load(tmp_path / "a.yaml"))
    assert "cycle" in p.message
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        assert name in p.message
    assert p.message.count("a.yaml") == 2  # a -> b -> c -> a


def test_missing_extends_names_file_and_line(tmp_path):
    f = write(tmp_path / "s.yaml", "name: s\ndescription: x\nextends: nowhere.yaml\n")
    (p,) = problems(lambda: load(f))
    assert "does not exist" in p.message and "nowhere.yaml" in p.message
    assert p.file == str(f) and p.line == 3 and p.key == "extends"


def test_every_problem_of_a_file_at_once_with_lines(tmp_path):
    f = write(tmp_path / "bad.yaml", f"""name: bad
extends: {INSTANCE.as_posix()}
colour: blue
solver:
  time_limit: soon
rules:
  - name: r
    max: 10
    sectorz: [food]
""")
    found = problems(lambda: load(f))
    by_key = {p.key: p for p in found}
    assert set(by_key) == {"colour", "solver.time_limit", "rules[0].sectorz"}
    assert by_key["colour"].line == 3 and by_key["colour"].message == "unknown key"
    assert by_key["solver.time_limit"].line == 5
    assert "expected" in by_key["solver.time_limit"].message
    assert "'soon'" in by_key["solver.time_limit"].message
    assert by_key["rules[0].sectorz"].line == 9
    assert all(p.file == str(f) for p in found)


def test_unknown_names_in_set_rules_and_weights_reported_together(tmp_path):
    f = write(tmp_path / "names.yaml", f"""name: names
extends: {INSTANCE.as_posix()}
set:
  districts.atlantis.cap: 100
  sectors.food.quota.max: -5
objective:
  max_output:
    sector_weights: {{steel: 2}}
rules:
  - {{name: r, sectors: [unobtainium], max: 1}}
""")
    found = problems(lambda: load(f))
    text = "\n".join(str(p) for p in found)
    assert "unknown district 'atlantis'" in text
    assert "unknown sector 'steel'" in text
    assert "unknown sector 'unobtainium'" in text
    assert "land cannot be negative" in text
    lines = {p.key: p.line for p in found}
    assert lines["districts.atlantis.cap"] == 4
    assert lines["objective.max_output.sector_weights.steel"] == 8
    assert all(p.file == str(f) for p in found)


def test_syntax_error_names_line(tmp_path):
    f = write(tmp_path / "syn.yaml", "name: x\nextends: zhengzhou\nset: {a: [1, 2\n")
    (p,) = problems(lambda: load(f))
    assert "syntax" in p.message and p.file == str(f) and p.line is not None


def test_bundled_instance_by_name(tmp_path):
    f = write(tmp_path / "s.yaml", "extends: zhengzhou\nset: {districts.airport.cap: 1000}\n")
    loaded = load(f)
    assert loaded.scenario.name == "s"  # the file name when no name is given
    assert loaded.instance.districts["airport"].cap.max == 1000
    assert instances_root().is_dir()


# ------------------------------------------------------------------ schema


def test_shipped_schema_is_current():
    shipped = json.loads((ROOT / "instances" / "scenario.schema.json").read_text("utf-8"))
    assert shipped == schema()


def test_schema_forbids_unknown_keys_and_lists_every_field():
    s = schema()
    assert s["additionalProperties"] is False
    assert set(s["properties"]) == set(Scenario.model_fields)
    assert s["required"] == ["extends"]


# ------------------------------------------------------------------ generators


def test_grid_values_and_product():
    assert grid_values("districts.airport.cap=1000:1500:100")[1] == [
        1000, 1100, 1200, 1300, 1400, 1500]
    assert grid_values("x=0.8:0.9:0.05")[1] == [0.8, 0.85, 0.9]
    assert grid_values("a.b=1, 2.5,true")[1] == [1, 2.5, True]
    paths, rows = grid(["a=1,2,3", "b=10:30:10"])
    rows = list(rows)
    assert paths == ["a", "b"] and len(rows) == 9 and rows[0] == (1, 10) and rows[-1] == (3, 30)
    with pytest.raises(InputError):
        grid_values("a=5:1:1")


def test_sample_is_seeded_and_within_support():
    specs = ["a=uniform(10,20)", "b=triangular(1,2,4)", "c=normal(100,5)"]
    p1, v1 = sample(specs, 5000, seed=7, decimals=None)
    _, v2 = sample(specs, 5000, seed=7, decimals=None)
    _, v3 = sample(specs, 5000, seed=8, decimals=None)
    assert p1 == ["a", "b", "c"]
    assert np.array_equal(v1, v2) and not np.array_equal(v1, v3)
    assert v1[:, 0].min() >= 10 and v1[:, 0].max() <= 20
    assert v1[:, 1].min() >= 1 and v1[:, 1].max() <= 4
    assert v1[:, 1].mean() == pytest.approx((1 + 2 + 4) / 3, abs=0.05)
    assert v1[:, 2].mean() == pytest.approx(100, abs=0.5)
    assert v1[:, 2].std() == pytest.approx(5, rel=0.05)
    for bad in ("a=uniform(2,1)", "a=normal(1)", "a=poisson(3)", "a=triangular(1,5,2)"):
        with pytest.raises(InputError):
            parse_draw(bad)


def test_generated_files_extend_the_base_relative_to_themselves(tmp_path):
    paths, rows = grid(["districts.airport.cap=1000,1200"])
    n = write_set(tmp_path / "deep" / "set", str(SCENARIOS / "table-3-3-exact.yaml"), None,
                  "g", paths, rows, "test")
    assert n == 2
    files = sorted((tmp_path / "deep" / "set").glob("*.yaml"))
    assert [f.name for f in files] == ["g-000001.yaml", "g-000002.yaml"]
    loaded = load(files[1])
    assert loaded.instance.districts["airport"].cap.max == 1200
    assert loaded.instance.sectors["food"].quota.min == 400  # from the base scenario


def test_generated_table(tmp_path):
    import pandas as pd

    paths, values = sample(["districts.airport.cap=uniform(1000,1500)"], 10, 1, 1)
    write_set(tmp_path / "t.parquet", "zhengzhou", "2021-2025", "mc", paths, values, "")
    df = pd.read_parquet(tmp_path / "t.parquet")
    assert list(df.columns) == ["scenario", "extends", "period", "districts.airport.cap"]
    assert df["scenario"].iloc[0] == "mc-000001" and (df["extends"] == "zhengzhou").all()
    assert np.allclose(df["districts.airport.cap"], values[:, 0])


# ------------------------------------------------------------------ path -> LP


def _builder(path: str):
    def build(v):
        try:
            return build_problem(load("zhengzhou", overrides=[Override(path, v, "t")])).lp
        except InputError:
            return None
    return build


def test_path_maps_to_the_rule_it_names():
    base = build_problem(load("zhengzhou")).lp
    cap = map_path(_builder("districts.airport.cap"), base, (1100, 1200, 1300))
    assert describe(cap, base) == ["district_cap[airport].upper"]
    assert cap[0].values(1234.0)[0] == 1234.0

    quota = map_path(_builder("sectors.electronics.quota"), base, (2100, 2200, 2300))
    assert sorted(describe(quota, base)) == ["sector_quota[electronics].lower",
                                             "sector_quota[electronics].upper"]
    share = map_path(_builder("sector_groups.leading_six.share.min"), base,
                     (0.833, 0.8, 0.7))
    (entry,) = share
    assert entry.array == "A" and entry.index.size == base.num_col
    row = base.row_index("sector_group_share[leading_six]")
    # coefficient = member - share: slope -1 in the share
    assert np.all(entry.beta == -1.0)
    assert {r.split(".")[0] for r in describe(share, base)} == {base.row_names()[row]}
    # a path that adds a row (a quota where there was none) has no map
    assert map_path(_builder("zones.leading.total.min"), base, (1, 2, 3)) is not None
    assert map_path(_builder("districts.zhongyuan.cap"), base, (10, 20, 30)) is None
