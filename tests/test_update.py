"""Bound and cost overrides applied to the LP directly give what load + formulate give."""

from __future__ import annotations

import numpy as np
import pytest
from landalloc.formulations import formulate
from landalloc.formulations.update import apply_bounds, bound_override

from landalloc.errors import InputError
from landalloc.loading import load_instance
from landalloc.overrides import parse_set

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
]


@pytest.mark.parametrize(("period", "sets"), CASES)
def test_update_equals_formulate(period, sets):
    base = load_instance("zhengzhou", period)
    got = apply_bounds(base, formulate(base), [parse_set(s) for s in sets])
    assert got is not None
    inst, lp = got
    want_inst = load_instance("zhengzhou", period, sets)
    want = formulate(want_inst)
    assert inst.model_dump() == want_inst.model_dump()
    for f in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_array_equal(getattr(lp, f), getattr(want, f), err_msg=f)
    assert (lp.A != want.A).nnz == 0
    assert lp.row_names() == want.row_names()


def test_base_is_left_alone():
    base = load_instance("zhengzhou", "2021-2025")
    lp = formulate(base)
    upper = lp.row_upper.copy()
    bound_override(base, lp, "districts.airport.cap", 1500)
    np.testing.assert_array_equal(lp.row_upper, upper)
    assert base.districts["airport"].cap.max == 1100


@pytest.mark.parametrize("path", ["allowed.food.airport", "districts.airport.zone",
                                  "sector_groups.leading_six.share", "rules",
                                  "districts.zhongyuan.cap"])
def test_other_paths_need_formulate(path):
    base = load_instance("zhengzhou", "2021-2025")  # zhongyuan has no cap in 2021-2025
    assert bound_override(base, formulate(base), path, 0.5) is None


@pytest.mark.parametrize(("path", "value", "msg"), [
    ("districts.airport.cap", -5, "land cannot be negative"),
    ("sectors.electronics.quota.min", 99999, "is above max"),
    ("output.food.airport", -1, "must be a number >= 0"),
])
def test_bad_values_are_input_errors(path, value, msg):
    base = load_instance("zhengzhou", "2021-2025")
    with pytest.raises(InputError, match=msg):
        bound_override(base, formulate(base), path, value)
