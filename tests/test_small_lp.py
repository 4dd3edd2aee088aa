"""A 2 x 3 case solved on paper.

Sectors A (quota 50) and B (quota 40); districts X (cap 40), Y (cap 30), Z (cap 30).
Output per ha: A: X 5, Y 3, Z 1; B: X not allowed, Y 4, Z 1.5. Total free (<= 1000).
A fills X (40 at 5 is A's best and B cannot use X); B prefers Y: B-Y 30, B-Z 10, A-Z 10.
Swapping one ha of Y from B to A changes output by +3 - 4 + 1.5 - 1 = -0.5, so this is the
unique optimum: 40*5 + 10*1 + 30*4 + 10*1.5 = 345.
Duals from c_ij = u_i + v_j on the basic cells, v_Z = 0 (Z has slack):
u_A = 1, u_B = 1.5, v_X = 4, v_Y = 2.5; dual objective 50 + 60 + 160 + 75 = 345.
"""

from __future__ import annotations

import pytest

from landalloc import solve_instance
from landalloc.plan.model import Instance


def tiny(**changes) -> Instance:
    data = {
        "name": "tiny", "period": "p",
        "total_increment": {"min": 0, "max": 1000},
        "area_classes": {"a": {"zh": "区", "en": "area"}},
        "sector_groups": {"g": {"zh": "组", "en": "group"}},
        "sectors": {"A": {"zh": "甲", "en": "A", "group": "g", "quota": 50},
                    "B": {"zh": "乙", "en": "B", "group": "g", "quota": 40}},
        "zones": {"z": {"zh": "区域", "en": "zone"}},
        "districts": {d: {"zh": d, "en": d, "zone": "z", "area_class": "a", "cap": c}
                      for d, c in (("X", 40), ("Y", 30), ("Z", 30))},
        "allowed": {"A": {"X": "t", "Y": "t", "Z": "t"}, "B": {"Y": "t", "Z": "t"}},
        "output": {"A": {"X": 5, "Y": 3, "Z": 1}, "B": {"Y": 4, "Z": 1.5}},
    }
    data.update(changes)
    return Instance.model_validate(data)


def test_objective_and_allocation():
    r = solve_instance(tiny())
    assert r.status == "optimal"
    assert r.objective == pytest.approx(345)
    m = r.matrix()
    assert m.loc["A"].tolist() == pytest.approx([40, 0, 10])
    assert m.loc["B"].tolist() == pytest.approx([0, 30, 10])


def test_duals_by_hand():
    r = solve_instance(tiny())
    dual = r.rules().set_index("name")["dual"]
    assert dual["sector_quota[A]"] == pytest.approx(1)
    assert dual["sector_quota[B]"] == pytest.approx(1.5)
    assert dual["district_cap[X]"] == pytest.approx(4)
    assert dual["district_cap[Y]"] == pytest.approx(2.5)
    assert dual["district_cap[Z]"] == pytest.approx(0)
    assert dual["total_increment"] == pytest.approx(0)


def test_dual_sign_by_finite_difference():
    """One more ha of X's cap adds v_X = 4: A moves one ha from Z (1) to X (5)."""
    base = solve_instance(tiny()).objective
    districts = tiny().model_dump()["districts"]
    districts["X"]["cap"] = {"max": 41}
    assert solve_instance(tiny(districts=districts)).objective - base == pytest.approx(4)


def test_infeasible_is_an_answer():
    districts = tiny().model_dump()["districts"]
    districts["X"]["cap"] = {"max": 0}
    districts["Y"]["cap"] = {"max": 0}
    districts["Z"]["cap"] = {"max": 60}  # 90 ha of quota, 60 ha of room
    r = solve_instance(tiny(districts=districts))
    assert r.status == "infeasible"
    assert r.to_dict()["allocation"] == []
