"""The plan's layout as data (instances/zhengzhou/roles.csv) and the re-derived 2026-2035 caps.

Reads only files under instances/. ROLES.md explains the reading rule; DERIVATION.md §5 the caps.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ruamel.yaml import YAML
from scipy.optimize import linprog

FOLDER = Path(__file__).resolve().parent.parent / "instances" / "zhengzhou"
ROLES = ("core", "cluster", "node", "zone_list")
STRENGTH = {"core": 3, "cluster": 2, "node": 1, "zone_list": 0}
READINGS = ("table", "text", "both")

# Table 3-1, column 主导产业, mapped to sectors (现代物流 and 信息服务 are not industrial land;
# 有色金属冶炼及压延加工 is read as aluminium, 超硬材料 as new materials, 传感器 as electronics).
TABLE_3_1 = {
    "leading": {"electronics", "biomedicine", "auto_equipment", "new_materials"},
    "integration": {"electronics", "food", "auto_equipment"},
    "transformation": {"auto_equipment", "aluminum", "new_materials", "food", "biomedicine",
                       "electronics"},
}
# Ch.3 §2(2)1: 一带 = 航空港区 and 经开区 with the seven counties (production); the 一廊 districts
# (the central districts and 高新区) take headquarters, research and services.
BELT = {"airport", "etdz", "shangjie", "gongyi", "xingyang", "xinmi", "xinzheng", "dengfeng",
        "zhongmou"}


def _yaml(name: str) -> dict:
    return YAML(typ="safe").load((FOLDER / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def inst() -> dict:
    return _yaml("instance.yaml")


@pytest.fixture(scope="module")
def periods(inst) -> dict:
    return {p: _yaml(f) for p, f in inst["periods"].items()}


@pytest.fixture(scope="module")
def roles() -> pd.DataFrame:
    return pd.read_csv(FOLDER / "roles.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def zone_of(inst) -> dict:
    return {d: v["zone"] for d, v in inst["districts"].items()}


@pytest.fixture(scope="module")
def promises() -> dict:
    """The table under '### Promised figures' in DERIVATION.md: name -> (districts, ha, share)."""
    text = (FOLDER / "DERIVATION.md").read_text(encoding="utf-8")
    block = text.split("### Promised figures", 1)[1]
    out = {}
    for line in block.splitlines()[1:]:
        line = line.strip()
        if not line:
            if out:
                break
            continue
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("promise", "") or set(cells[0]) <= set("-: "):
            continue
        out[cells[0]] = (cells[1].split(), float(cells[2].replace(",", "")),
                         float(cells[3].rstrip("% ").strip()))
    return out


def _cells(roles, period):
    r = roles[roles.period == period]
    return list(zip(r.sector, r.district, strict=True))


def _bounds(q: dict) -> tuple[float, float | None]:
    if "value" in q:
        return q["value"], q["value"]
    return q.get("min", 0), q.get("max")


def _feasible(quotas, caps, zone_totals, zone_of, total, cells) -> bool:
    """Is there x >= 0 on cells meeting every quota, cap, zone total and the period total?"""
    cells = [c for c in cells if c[0] in quotas]
    a_ub, b_ub = [], []
    for s, q in quotas.items():
        row = [float(c[0] == s) for c in cells]
        lo, hi = _bounds(q)
        if hi is not None:
            a_ub.append(row)
            b_ub.append(hi)
        a_ub.append([-v for v in row])
        b_ub.append(-lo)
    for d, cap in caps.items():
        a_ub.append([float(c[1] == d) for c in cells])
        b_ub.append(cap)
    for z, (lo, hi) in zone_totals.items():
        row = [float(zone_of[c[1]] == z) for c in cells]
        a_ub += [row, [-v for v in row]]
        b_ub += [hi, -lo]
    res = linprog(np.zeros(len(cells)), A_ub=a_ub, b_ub=b_ub, A_eq=[[1.0] * len(cells)],
                  b_eq=[total], method="highs")
    return res.status == 0


# ---------------------------------------------------------------- roles.csv


def test_rows_name_known_ids_and_a_source(roles, inst, periods):
    assert list(roles.columns) == ["period", "sector", "district", "role", "source", "reading",
                                   "assumption"]
    for r in roles.itertuples():
        assert r.period in periods, r
        assert r.sector in periods[r.period]["sectors"], r
        assert r.district in inst["districts"], r
        assert r.role in ROLES, r
        assert r.reading in READINGS, r
        assert r.source.strip(), r
    assert not roles.duplicated(["period", "sector", "district"]).any()


def test_every_quota_has_a_role_cell(roles, periods):
    for p, data in periods.items():
        placed = set(roles[roles.period == p].sector)
        for s, v in data["sectors"].items():
            if "quota" in v:
                assert s in placed, (p, s)


# Ch.3 §1(3)2: 节余的工业用地指标 go to four 开发区 (郑东新区、二七、管城、惠济).
RECIPIENTS = {"zhengdong", "erqi", "guancheng", "huiji"}
#: A district's own words for a sector: its table row (Tables 3-4, 3-5), its paragraph
#: (Ch.3 §1(3)), or a sector's layout formula (Ch.3 §1(2)2).
OWN = re.compile(r"Table 3-4|Table 3-5|Ch\.3 §1\(3\)|Ch\.3 §1\(2\)2")


def _allowed(periods: dict, period: str) -> set[tuple[str, str]]:
    return {(s, d) for s, row in (periods[period].get("allowed") or {}).items() for d in row}


def test_a_zone_list_does_not_spill_over_onto_districts_with_their_own_row(roles, zone_of):
    """Table 3-1 lists a zone's industries; a district with a row of its own (Tables 3-4, 3-5)
    or its own paragraph (Ch.3 §1(3)1, §1(3)3) takes only what those name or a layout formula
    of Ch.3 §1(2)2 gives it. Table 3-1 speaks for the central districts only, which have no
    row, and only for the four 开发区 of Ch.3 §1(3)2."""
    r = roles[roles.period == "2021-2025"].set_index(["sector", "district"])
    for (s, d), row in r.iterrows():
        if s == "other":
            continue
        if zone_of[d] == "integration":
            assert d in RECIPIENTS or row.role != "zone_list", (s, d)
        else:
            assert OWN.search(row.source), (s, d, row.source)
    # hand-checked against Tables 3-1, 3-4, 3-5: named by Table 3-1 alone, so no cell
    for cell in [("electronics", "etdz"), ("electronics", "shangjie"),
                 ("electronics", "dengfeng"), ("aluminum", "xinmi"), ("aluminum", "xinzheng"),
                 ("aluminum", "zhongmou"), ("new_materials", "airport"),
                 ("new_materials", "etdz"), ("biomedicine", "gongyi"),
                 ("food", "jinshui"), ("auto_equipment", "zhongyuan")]:
        assert cell not in r.index, cell
    # and the district's own row keeps its cell: Table 3-5 巩义 耐火材料, 高新区 超硬材料 (3-4)
    assert r.loc[("new_materials", "gongyi"), "role"] == "zone_list"
    assert r.loc[("new_materials", "hitech"), "role"] == "zone_list"


def test_central_land_goes_to_the_four_recipient_development_zones(roles, periods, zone_of):
    """Ch.3 §1(3)2: the central districts' 200 ha go to 郑东新区、二七、管城、惠济 开发区, so
    金水区 and 中原区 have no allowed cell in 2021-2025."""
    central = {d for d, z in zone_of.items() if z == "integration"}
    allowed = _allowed(periods, "2021-2025")
    assert {d for _, d in allowed if d in central} == RECIPIENTS
    r = roles[roles.period == "2021-2025"]
    for row in r[r.district.isin(RECIPIENTS) & (r.role == "zone_list")].itertuples():
        assert "Ch.3 §1(3)2" in row.source and row.assumption, row


def test_2026_carries_only_cells_held_in_2021_and_marks_them(roles, periods):
    """Ch.3 §2(2)2(1) names each sector's places for 2026-2035; a 一带 cell it does not name is
    carried from 2021-2025 only if 2021-2025.yaml allowed it, and is marked an assumption."""
    near = _allowed(periods, "2021-2025")
    far = roles[roles.period == "2026-2035"]
    for r in far.itertuples():
        if not r.source.startswith("Ch.3 §2(2)2"):
            assert r.assumption, r
        if r.role == "zone_list" and r.sector not in ("future", "other"):
            assert (r.sector, r.district) in near, r
    # the 21 carried spill-overs are gone (hand-checked: e.g. 新密 aluminium, 中牟 new
    # materials, 上街 food), and no 2026-2035 cell is allowed without a row
    cells = set(zip(far.sector, far.district, strict=True))
    for cell in [("aluminum", "xinmi"), ("new_materials", "zhongmou"), ("food", "shangjie"),
                 ("electronics", "etdz"), ("biomedicine", "gongyi")]:
        assert cell not in cells, cell
    assert _allowed(periods, "2026-2035") <= cells | {("other", "airport"), ("other", "etdz")}


def test_etdz_is_the_core_of_vehicles_and_equipment_2026(roles):
    """Ch.3 §2(2)2(1): 汽车及装备制造产业集群 names 经开区 first, for vehicles and for
    intelligent equipment, and Ch.3 §2(2)1 makes it one of the 一带's 高端制造双中心."""
    far = roles[roles.period == "2026-2035"].set_index(["sector", "district"])
    assert far.loc[("auto_equipment", "etdz"), "role"] == "core"
    assert far.loc[("auto_equipment", "guancheng"), "role"] == "cluster"


def test_zones_2026_read_by_one_rule(roles, zone_of, periods):
    """一带 districts keep every 2021-2025 cell 2021-2025.yaml allowed (at least zone_list);
    一廊 districts only what Ch.3 §2(2)2 places there, plus the assumed future-industry cells
    of the 四区."""
    near = roles[roles.period == "2021-2025"]
    allowed = _allowed(periods, "2021-2025")
    far = roles[roles.period == "2026-2035"].set_index(["sector", "district"])
    for r in near.itertuples():
        if r.district in BELT and (r.sector, r.district) in allowed:
            assert (r.sector, r.district) in far.index, r
    for (s, d), r in far.iterrows():
        if d not in BELT:
            assert r.source.startswith("Ch.3 §2(2)2") or (s == "future" and "四区" in r.source)


def test_strongest_role_is_cited_first(roles):
    words = {"core": ("双核", "一核", "一基地", "基地", "核心", "高端制造双中心"),
             "cluster": ("两园", "三辅", "园区", "产业园", "产业集群", "重点区"),
             "node": ("多节点", "拓展区")}
    for r in roles.itertuples():
        first = r.source.split("; ")[0]
        if r.role in words:
            assert any(w in first for w in words[r.role]), r


def test_other_rests_on_industrial_land(roles):
    other = roles[roles.sector == "other"]
    assert len(other)
    for r in other.itertuples():
        assert not re.search("物流|电子商务|信息服务", r.source), r
        assert "建材" in r.source, r


def test_table_text_disagreements_stay_visible(roles):
    r = roles[roles.period == "2021-2025"].set_index(["sector", "district"])
    # Table 3-5 omits 新密 new materials and 新郑 biomedicine; Table 3-4 omits 高新 biomedicine
    # and 航空港 vehicles; the sector texts name them.
    for cell in [("new_materials", "xinmi"), ("biomedicine", "xinzheng"),
                 ("biomedicine", "hitech"), ("auto_equipment", "airport")]:
        assert r.loc[cell, "reading"] == "text", cell
        assert STRENGTH[r.loc[cell, "role"]] > 0, cell
    # Table 3-4 names 超硬材料 and 装备制造 for 高新区; no text does.
    for cell in [("new_materials", "hitech"), ("auto_equipment", "hitech")]:
        assert r.loc[cell, "reading"] == "table", cell


def test_2021_roles_feasible_with_the_plan_figures(roles, periods, zone_of):
    p = periods["2021-2025"]
    caps = {d: v["cap"]["max"] for d, v in p["districts"].items()}
    zones = {z: (v["total"]["value"],) * 2 for z, v in p["zones"].items()}
    quotas = {s: v["quota"] for s, v in p["sectors"].items()}
    assert _feasible(quotas, caps, zones, zone_of, p["total_increment"]["value"],
                     _cells(roles, "2021-2025"))


# ---------------------------------------------------------------- capacities 2026-2035


@pytest.fixture(scope="module")
def caps26() -> pd.DataFrame:
    return pd.read_csv(FOLDER / "capacities-2026-2035.csv", keep_default_na=False)


def test_capacities_file_shape(caps26, inst):
    assert list(caps26.columns) == ["district", "cap", "rule", "source"]
    assert sorted(caps26.district) == sorted(inst["districts"])
    assert (caps26.cap > 0).all() and (caps26.cap % 10 == 0).all()
    assert caps26.source.str.len().gt(0).all()


def test_capacities_keep_what_derivation_promises(caps26, promises, periods, zone_of):
    total = periods["2026-2035"]["total_increment"]["value"]
    caps = dict(zip(caps26.district, caps26.cap, strict=True))
    assert sum(caps.values()) == total
    needed = {"total", "central districts", "leading zone", "seven counties", "outer arc"}
    assert needed <= set(promises)
    for name, (districts, ha, share) in promises.items():
        got = sum(caps[d] for d in (caps if districts == ["all"] else districts))
        assert got == pytest.approx(ha), name
        assert 100 * got / total == pytest.approx(share, abs=0.005), name
    # the promised groups are the instance's zones and the 一带
    for name, zone in [("central districts", "integration"), ("leading zone", "leading"),
                       ("seven counties", "transformation")]:
        assert set(promises[name][0]) == {d for d, z in zone_of.items() if z == zone}
    assert set(promises["outer arc"][0]) == BELT
    # the central districts' share keeps falling (Ch.3 §2(1)), the outer arc's does not
    near = periods["2021-2025"]
    near_total = near["total_increment"]["value"]
    assert promises["central districts"][2] / 100 < (
        near["zones"]["integration"]["total"]["value"] / near_total)
    near_belt = sum(v["cap"]["max"] for d, v in near["districts"].items() if d in BELT)
    assert promises["outer arc"][2] / 100 >= near_belt / near_total


def test_capacities_feasible_over_role_cells(caps26, promises, periods, roles, zone_of):
    p = periods["2026-2035"]
    caps = dict(zip(caps26.district, caps26.cap, strict=True))
    zones = {z: (promises[name][1],) * 2 for name, z in
             [("central districts", "integration"), ("leading zone", "leading"),
              ("seven counties", "transformation")]}
    quotas = {s: v["quota"] for s, v in p["sectors"].items()}
    assert _feasible(quotas, caps, zones, zone_of, p["total_increment"]["value"],
                     _cells(roles, "2026-2035"))


def test_strict_reading_is_infeasible_as_stated(periods, roles, zone_of):
    """DERIVATION.md §5: the long-term placements alone (core/cluster cells; future and other
    keep their assumed cells) do not fit zones held at their 2021-2025 shares."""
    strict = pd.read_csv(FOLDER / "capacities-2026-2035-strict.csv", keep_default_na=False)
    p, near = periods["2026-2035"], periods["2021-2025"]
    total, near_total = p["total_increment"]["value"], near["total_increment"]["value"]
    zones = {z: (v["total"]["value"] * total / near_total,) * 2
             for z, v in near["zones"].items()}
    far = roles[roles.period == "2026-2035"]
    placed = set(far[far.role.isin(["core", "cluster"])].sector)
    far = far[far.role.isin(["core", "cluster"]) | ~far.sector.isin(placed)]
    cells = list(zip(far.sector, far.district, strict=True))
    quotas = {s: v["quota"] for s, v in p["sectors"].items()}
    caps = dict(zip(strict.district, strict.cap, strict=True))
    assert not _feasible(quotas, caps, zones, zone_of, total, cells)
    # electronics: the four core districts cannot hold the 3,000 ha quota
    core = far[(far.sector == "electronics")].district
    assert sum(caps[d] for d in core) < quotas["electronics"]["value"]
    # with every role cell the same caps and zones are feasible
    assert _feasible(quotas, caps, zones, zone_of, total, _cells(roles, "2026-2035"))
