"""Overrides applied through the paths' LP maps give what load + formulate give."""

from __future__ import annotations

import numpy as np
import pytest
from landalloc.formulations import formulate
from landalloc.formulations.rule_kinds import figure_path
from landalloc.solver import HighsBackend
from landalloc.solver.live import LiveLP

from landalloc.errors import InputError
from landalloc.plan.loading import load_instance
from landalloc.plan.overrides import parse_set
from landalloc.problem.entry_maps import PathMaps, col_prefix, row_paths

CASES = [
    ("2021-2025", ["districts.airport.cap=1500"]),
    ("2021-2025", ["districts.airport.cap.max=900"]),
    ("2021-2025", ["sectors.electronics.quota.min=1900"]),
    ("2021-2025", ["sectors.electronics.quota=2000"]),
    ("2021-2025", ["sectors.food.quota.max=350", "zones.leading.total.max=3900"]),
    ("2021-2025", ["total_increment=6100"]),
    ("2021-2025", ["total_increment.max=6200"]),
    ("2021-2025", ["output.electronics.airport=1.5", "output.food.airport=2.0"]),
    ("2026-2035", ["districts.zhongyuan.cap={min: 10, max: 200}"]),
    ("2026-2035", ["sectors.future.quota.max=900"]),
    # matrix coefficients: `group - share * all >= 0`
    ("2021-2025", ["sector_groups.leading_six.share.min=0.75"]),
    ("2021-2025", ["sector_groups.leading_six.share=0.8", "districts.airport.cap=1250"]),
]


def _figures(node):
    """A model dump without provenance text: the numbers and flags only."""
    if isinstance(node, dict):
        return {k: _figures(v) for k, v in node.items()
                if k not in ("source", "assumption", "plan")}
    if isinstance(node, list):
        return [_figures(v) for v in node]
    return node


def _maps(period: str) -> PathMaps:
    base = load_instance("zhengzhou", period)
    return PathMaps(base, formulate(base))


@pytest.mark.parametrize(("period", "sets"), CASES)
def test_mapped_override_equals_formulate(period, sets):
    got = _maps(period).apply([parse_set(s) for s in sets])
    assert got is not None
    inst, lp = got
    want_inst = load_instance("zhengzhou", period, sets)
    want = formulate(want_inst)
    # the figures agree; provenance (the change's citation) is load's alone
    assert _figures(inst.model_dump()) == _figures(want_inst.model_dump())
    for f in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_array_equal(getattr(lp, f), getattr(want, f), err_msg=f)
    assert (lp.A != want.A).nnz == 0
    assert lp.row_names() == want.row_names()


@pytest.mark.parametrize(("period", "sets"), CASES)
def test_live_model_equals_a_fresh_solve(period, sets):
    """The same changes pushed into a live HiGHS model (coefficients by changeCoeff), after
    another set of changes, solve to the fresh solve of the formulated instance."""
    maps = _maps(period)
    live = LiveLP(maps.lp)
    live.run()
    other = maps.changes([("total_increment.max", maps.inst.total_increment.upper + 50)])
    live.set(other)
    live.run()
    live.set(maps.changes([parse_set(s) for s in sets]))
    got = live.run()
    want = HighsBackend().solve(formulate(load_instance("zhengzhou", period, sets)))
    assert got.status == want.status
    if want.objective is not None:
        assert got.objective == pytest.approx(want.objective, rel=1e-9)
        assert live.violation(got.x) <= 1e-6


def test_base_is_left_alone():
    maps = _maps("2021-2025")
    upper, coef = maps.lp.row_upper.copy(), maps.lp.A.data.copy()
    maps.apply([("districts.airport.cap", 1500), ("sector_groups.leading_six.share.min", 0.7)])
    np.testing.assert_array_equal(maps.lp.row_upper, upper)
    np.testing.assert_array_equal(maps.lp.A.data, coef)
    assert maps.inst.districts["airport"].cap.max == 1100


def test_share_moves_one_row_of_coefficients():
    maps = _maps("2021-2025")
    m = maps.map("sector_groups.leading_six.share.min")
    (entry,) = m.entries
    assert entry.array == "A" and np.all(entry.beta == -1.0)
    assert m.summary(maps.lp) == ("sector_groups.leading_six.share.min -> "
                                  "sector_group_share[leading_six] (coefficients of "
                                  f"{maps.lp.num_col} cells)")
    assert maps.map("districts.airport.cap").summary(maps.lp) == \
        "districts.airport.cap -> district_cap[airport] (upper)"


@pytest.mark.parametrize("path", ["allowed.food.airport", "districts.airport.zone", "rules",
                                  "districts.zhongyuan.cap"])
def test_other_paths_need_formulate(path):
    # zhongyuan has no cap in 2021-2025: setting one adds a row
    assert _maps("2021-2025").apply([(path, 0.5)]) is None


def test_one_number_moved_twice_needs_formulate():
    maps = _maps("2021-2025")
    assert maps.apply([("sectors.food.quota", 300), ("sectors.food.quota.max", 350)]) is None


@pytest.mark.parametrize(("path", "value", "msg"), [
    ("districts.airport.cap", -5, "land cannot be negative"),
    ("sectors.electronics.quota.min", 99999, "is above max"),
    ("sector_groups.leading_six.share.min", 1.5, "a share is a fraction between 0 and 1"),
    ("output.food.airport", -1, "must be a number >= 0"),
])
def test_bad_values_are_input_errors(path, value, msg):
    with pytest.raises(InputError, match=msg) as e:
        _maps("2021-2025").apply([(path, value)])
    assert e.value.problems[0].key == path


def test_rule_paths_come_from_the_row_kind():
    """Each row's --set path is read from its (kind, member, part), never from its name."""
    from landalloc.formulations import formulate

    from landalloc.plan.loading import load

    inst = load("zhengzhou", sets=["sector_groups.leading_six.share={min: 0.8, max: 0.9}"])
    lp = formulate(inst.instance)
    paths = dict(zip(lp.row_names(), row_paths(lp), strict=True))
    assert paths["district_cap[airport]"] == "districts.airport.cap"
    assert paths["sector_quota[electronics]"] == "sectors.electronics.quota"
    assert paths["zone_total[leading]"] == "zones.leading.total"
    assert paths["sector_group_share_min[leading_six]"] == "sector_groups.leading_six.share.min"
    assert paths["sector_group_share_max[leading_six]"] == "sector_groups.leading_six.share.max"
    assert paths["total_increment"] == "total_increment"
    assert figure_path("rule", "my_rule") is None
    j = lp.col_index("food", "airport")
    assert col_prefix(lp, j) == "allowed.food.airport"
