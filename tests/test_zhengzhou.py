"""The Zhengzhou instance solved: every total equals the plan's tables (checked by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from landalloc.plan.loading import load_instance

# Table 3-3 and Table 3-2 (other industry 1,000 ha).
SECTORS_2021 = {"electronics": 2100, "auto_equipment": 1600, "aluminum": 400,
                "new_materials": 300, "food": 400, "biomedicine": 200, "other": 1000}
# Tables 3-4 and 3-5.
DISTRICTS_2021 = {"airport": 1100, "etdz": 800, "hitech": 400, "shangjie": 200, "gongyi": 400,
                  "xingyang": 500, "xinmi": 500, "xinzheng": 700, "dengfeng": 500,
                  "zhongmou": 700}
CENTRAL = ["zhongyuan", "erqi", "guancheng", "jinshui", "huiji", "zhengdong"]
# Table 3-1.
ZONES_2021 = {"leading": 2300, "integration": 200, "transformation": 3500}
# Ch.3 §2(2)2(1)-(2) and §2(1).
SECTORS_2026 = {"electronics": 3000, "auto_equipment": 2500, "new_materials": 500,
                "biomedicine": 300, "food": 400, "aluminum": 300, "future": 600, "other": 400}


def _totals(result, kind):
    return result.totals(kind).set_index("id")["hectares"]


def test_2021_sector_totals(zz_2021):
    assert zz_2021.status == "optimal"
    got = _totals(zz_2021, "sector")
    for sector, ha in SECTORS_2021.items():
        assert got[sector] == pytest.approx(ha, abs=1e-6)
    assert got.sum() == pytest.approx(6000)


def test_2021_district_and_zone_totals(zz_2021):
    got = _totals(zz_2021, "district")
    for district, ha in DISTRICTS_2021.items():
        assert got[district] == pytest.approx(ha, abs=1e-6)
    assert got[CENTRAL].sum() == pytest.approx(200, abs=1e-6)
    zones = _totals(zz_2021, "zone")
    for zone, ha in ZONES_2021.items():
        assert zones[zone] == pytest.approx(ha, abs=1e-6)


def test_2026_sector_totals(zz_2026):
    assert zz_2026.status == "optimal"
    got = _totals(zz_2026, "sector")
    assert dict(got.round(6)) == pytest.approx(SECTORS_2026)
    assert got.sum() == pytest.approx(8000)
    caps = {d: v.cap.max for d, v in zz_2026.instance.districts.items()}
    for district, ha in _totals(zz_2026, "district").items():
        assert ha <= caps[district] + 1e-6


@pytest.mark.parametrize("fixture", ["zz_2021", "zz_2026"])
def test_nothing_in_disallowed_cells(fixture, request):
    result = request.getfixturevalue(fixture)
    m = result.matrix()
    for sector in m.index:
        for district in m.columns:
            if not result.instance.is_allowed(sector, district):
                assert m.loc[sector, district] == 0.0, (sector, district)
    assert result.max_violation < 1e-6


def test_objective_is_output_times_hectares(zz_2021):
    inst = zz_2021.instance
    alloc = zz_2021.allocation()
    recomputed = sum(inst.output[r.sector][r.district] * r.hectares for r in alloc.itertuples())
    assert zz_2021.objective == pytest.approx(recomputed, rel=1e-9)


def test_six_leading_share_holds(zz_2021):
    got = _totals(zz_2021, "sector")
    leading = sum(got[s] for s in SECTORS_2021 if s != "other")
    assert leading == pytest.approx(5000)  # Table 3-2
    assert leading / got.sum() >= 0.833


def test_central_district_rule_is_one_zone_row(zz_2021):
    rules = zz_2021.rules().set_index("name")
    assert rules.loc["zone_total[integration]", "upper"] == 200
    assert "district_cap[zhongyuan]" not in rules.index


def test_every_number_has_provenance():
    for period in ("2021-2025", "2026-2035"):
        inst = load_instance("zhengzhou", period)
        bounds = [inst.total_increment]
        bounds += [s.quota for s in inst.sectors.values() if s.quota]
        bounds += [d.cap for d in inst.districts.values() if d.cap]
        bounds += [z.total for z in inst.zones.values() if z.total]
        bounds += [g.share for g in inst.sector_groups.values() if g.share]
        for b in bounds:
            assert b.source or b.assumption, b
        for row in inst.allowed.values():
            assert all(cite.strip() for cite in row.values())


def test_output_coefficients_follow_table_2_2():
    """Electronics (class 39): 3,520 万元/ha in 市区 vs 1,470 elsewhere (Table 2-2)."""
    inst = load_instance("zhengzhou", "2021-2025")
    ratio = inst.output["electronics"]["airport"] / inst.output["electronics"]["xingyang"]
    assert ratio == pytest.approx(3520 / 1470, rel=1e-5)
    food = inst.output["food"]["erqi"] / inst.output["food"]["xinzheng"]
    assert food == pytest.approx(1555 / 660, rel=1e-5)


def test_calibration_matches_annex_2():
    """The quota-weighted mean over allowed cells equals 18,000 亿元 / 31,700 ha."""
    inst = load_instance("zhengzhou", "2021-2025")
    weights = {"electronics": 2100, "auto_equipment": 1600, "aluminum": 400,
               "new_materials": 300, "food": 400, "biomedicine": 200, "other": 1000}
    mean = sum(w * np.mean(list(inst.output[s].values())) for s, w in weights.items()) / 6000
    assert mean == pytest.approx(18000 / 31700, rel=1e-5)


def test_derived_files_are_current():
    """output.csv and the 2026-2035 caps are what derivation.yaml's rules give."""
    from pathlib import Path

    import pandas as pd

    from landalloc.plan.derive import derived_tables
    from landalloc.plan.locate import instances_root

    folder = Path(instances_root()) / "zhengzhou"
    output, caps = derived_tables(folder)
    current = pd.read_csv(folder / "output.csv")
    pd.testing.assert_frame_equal(current, output, check_dtype=False, atol=1e-9)
    assert set(caps) == {"2026-2035", "caps-even-split-2026-2035", "caps-strict-2026-2035"}
    for name, (want, have) in caps.items():
        assert want == have, name


def test_every_audited_figure_says_where_it_is_printed():
    """plan-figures.yaml: each figure, or the table that holds it, names its place."""
    from pathlib import Path

    from landalloc.plan.locate import instances_root
    from landalloc.plan.yamlio import read_yaml

    data = read_yaml(Path(instances_root()) / "zhengzhou" / "plan-figures.yaml")
    for fid, fig in data["figures"].items():
        assert fig.get("where"), fid
    for tid, table in data["tables"].items():
        assert table.get("where"), tid
        for rid, row in table["rows"].items():
            assert "value" in row, (tid, rid)
