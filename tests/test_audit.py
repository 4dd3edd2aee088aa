"""The audit: each check kind fires on a hand-made inconsistency and stays quiet on rounding
within half a unit of the last printed digit; the plan's own findings are found."""

from __future__ import annotations

import json

import pytest

from landalloc.analysis.audit import Num, audit, printed_step
from landalloc.errors import InputError
from tests.test_cli import run


def figs(**values) -> dict:
    return {k.replace("__", "."): {"value": v, "where": f"here {k}"} for k, v in values.items()}


def one(checks=None, tables=None, **values):
    """Audit a hand-made plan; return the results (quiet ones too)."""
    data = {"name": "hand", "figures": figs(**values), "tables": tables or {},
            "checks": checks or []}
    return audit(data).results


def fired(results) -> list[bool]:
    return [r.fired for r in results]


# ---------------------------------------------------------------- intervals


def test_printed_step():
    assert printed_step(34.7) == pytest.approx(0.1)
    assert printed_step(42.0) == pytest.approx(0.1)
    assert printed_step(9.64) == pytest.approx(0.01)
    assert printed_step(2300) == 1


def test_interval_arithmetic():
    a, b = Num.printed(800, 1), Num.printed(2300, 1)
    r = a / b
    assert r.lo == pytest.approx(799.5 / 2300.5) and r.hi == pytest.approx(800.5 / 2299.5)
    d = Num.printed(10, 1) - Num.printed(4, 1)
    assert (d.lo, d.hi) == (5, 7)
    assert Num.printed(34.7, 0.1).meets(Num.exact(34.75))  # the half unit itself is quiet


# ---------------------------------------------------------------- sum


def test_sum_fires_and_stays_quiet():
    table = {"t": {"where": "Table X", "rows": {"a": {"value": 1100}, "b": {"value": 800}},
                   "total": {"value": 1902}}}
    assert fired(one(tables=table)) == [True]
    table["t"]["total"]["value"] = 1900
    assert fired(one(tables=table)) == [False]
    # printed whole numbers may each be rounded: 1100 + 800 may be 1901 ...
    table["t"]["total"]["value"] = 1901
    assert fired(one(tables=table)) == [False]
    # ... unless the table's numbers are decisions, not measurements
    table["t"]["exact"] = True
    assert fired(one(tables=table)) == [True]


def test_sum_of_rounded_parts_is_quiet():
    # three thirds printed to one decimal add to 99.9: rounding, not an error
    table = {"t": {"where": "Table X", "rows": {k: {"value": 1000, "share": 33.3}
                                                for k in "abc"},
                   "total": {"value": 3000, "share": 100}}}
    res = {r.id: r for r in one(tables=table)}
    assert not res["t.share_sum"].fired
    # ... but 33.0 three times cannot make 100
    for k in "abc":
        table["t"]["rows"][k]["share"] = 33.0
    res = {r.id: r for r in one(tables=table)}
    assert res["t.share_sum"].fired
    assert all(res[f"t.share.{k}"].fired for k in "abc")


# ---------------------------------------------------------------- share


def test_share_fires_and_stays_quiet():
    table = {"t": {"where": "Table 3-4", "rows": {
        "a": {"value": 1100, "share": 47.8}, "b": {"value": 800, "share": 34.7},
        "c": {"value": 400, "share": 17.4}}, "total": {"value": 2300, "share": 100}}}
    res = {r.id: r for r in one(tables=table)}
    assert res["t.share.b"].fired
    assert res["t.share.b"].computed.v == pytest.approx(800 / 2300 * 100)
    assert res["t.share.b"].stated.v == 34.7
    assert not res["t.share.a"].fired and not res["t.share.c"].fired
    assert not res["t.share_sum"].fired  # 99.9 printed as 100
    table["t"]["rows"]["b"]["share"] = 34.8
    assert not any(fired(one(tables=table)))


def test_share_half_unit_boundary():
    checks = [{"kind": "share", "part": "p", "base": "b", "share": "s"}]
    # 2500 / 8000 = 31.25 exactly: 31.3 is within half a unit
    assert fired(one(checks, p=2500, b=8000, s=31.3)) == [False]
    assert fired(one(checks, p=2500, b=8000, s=31.2)) == [False]
    assert fired(one(checks, p=2500, b=8000, s=31.1)) == [True]
    # 5000 / 6000 = 83.33: 83 and 83.3 are both right
    assert fired(one(checks, p=5000, b=6000, s=83)) == [False]
    assert fired(one(checks, p=5000, b=6000, s=83.3)) == [False]
    assert fired(one(checks, p=10158, b=45519, s=23)) == [True]


# ---------------------------------------------------------------- growth


def test_growth_fires_and_stays_quiet():
    checks = [{"kind": "growth", "start": "a", "end": "b", "years": 5, "rate": "r"}]
    assert fired(one(checks, a=100, b=161.05, r=10)) == [False]  # 1.1^5 = 1.61051
    # 12 %/yr is the simple average (61.05 / 5 = 12.21, printed 12): consistent so read;
    # 13 %/yr is neither reading (compounded 10.0, simple 12.21)
    assert fired(one(checks, a=100, b=161.05, r=12)) == [False]
    assert fired(one(checks, a=100, b=161.05, r=13)) == [True]
    dec = [{**checks[0], "decline": True}]
    res = one(dec, a=2472, b=1239, r=10)
    assert not res[0].fired and res[0].extra["reading"] == "simple average"
    assert res[0].computed.v == pytest.approx(((1239 / 2472) ** 0.2 - 1) * 100)
    assert "consistent as a simple average" in res[0].message
    assert fired(one(dec, a=2472, b=1239, r=12.9)) == [False]
    assert one(dec, a=2472, b=1239, r=12.9)[0].extra["reading"] == "compounded"


def test_growth_base_fires_and_stays_quiet():
    items = [{"level": "l1", "rate": "r1", "years": 5}, {"level": "l2", "rate": "r2", "years": 15}]
    checks = [{"kind": "growth_base", "items": items, "base_year": 2020}]
    # 1000 * 1.1^5 = 1610.51 and 1000 * 1.05^15 = 2078.93: one base
    assert fired(one(checks, l1=1611, r1=10, l2=2079, r2=5)) == [False]
    res = one(checks, l1=18000, r1=9.64, l2=35000, r2=8.04)
    assert res[0].fired
    assert sorted(res[0].extra["bases"]) == pytest.approx(
        sorted([18000 / 1.0964 ** 5, 35000 / 1.0804 ** 15]))


# ---------------------------------------------------------------- equal and formula


def test_equal_fires_and_stays_quiet():
    checks = [{"kind": "equal", "a": "x", "b": "y"}]
    assert fired(one(checks, x=9.5, y=9.64)) == [True]
    assert fired(one(checks, x=8.0, y=8.04)) == [False]  # 8.04 prints as 8.0
    assert fired(one(checks, x=83.3, y=83)) == [False]
    assert fired(one(checks, x=32500, y=31700)) == [True]


def test_formula_fires_and_stays_quiet():
    checks = [{"kind": "formula", "expr": "t__total_2035 - base", "stated": "new"}]
    assert fired(one([{**checks[0], "expr": "t.total_2035 - base"}],
                     t__total_2035=50000, base=26000, new=15000)) == [True]
    assert fired(one([{**checks[0], "expr": "t.total_2035 - base"}],
                     t__total_2035=50000, base=26000, new=24000)) == [False]
    avg = [{"kind": "formula", "expr": "(a + b) / 16", "stated": "m"}]
    assert fired(one(avg, a=5000, b=8400, m=825)) == [True]
    assert fired(one(avg, a=5000, b=8400, m=838)) == [False]  # 837.5 rounds to 838
    assert fired(one(avg, a=5000, b=8400, m=837)) == [False]  # ... or, half to even, 837
    with pytest.raises(InputError, match="unknown figure"):
        one([{"kind": "formula", "expr": "a + nope", "stated": "a"}], a=1)
    with pytest.raises(InputError, match="only numbers"):
        one([{"kind": "formula", "expr": "__import__('os')", "stated": "a"}], a=1)


def test_bad_check_is_a_clear_error():
    with pytest.raises(InputError, match="needs"):
        one([{"kind": "share", "part": "a"}], a=1)


# ---------------------------------------------------------------- the plan


@pytest.fixture(scope="module")
def zz():
    return audit("zhengzhou")


def test_the_plans_findings(zz):
    found = {r.id: r for r in zz.findings}
    expected = {
        "t3_4.share.etdz": (34.7, 800 / 2300 * 100),
        "ch1.industrial-supply-share": (23, 10158 / 45519 * 100),
        "ch1.supply-share-decline": (-9.5, ((17 / 30) ** 0.2 - 1) * 100),
        "per-ha-increase-2025": (50, 25),
        "table-2-5-output-2025": (32500, 31700),
        "table-2-5-output-2035": (46500, 44500),
        "table-2-3-period": (15000, 24000),
        "table-2-1-output-growth": (9.5, 9.64),
        "trend-average-supply": (825, 837.5),
        "output-growth-base": (18000 / 1.0964 ** 5, 35000 / 1.0804 ** 15),
    }
    for key, (stated, computed) in expected.items():
        assert key in found, key
        assert found[key].stated.v == pytest.approx(stated, abs=0.5), key
        assert found[key].computed.v == pytest.approx(computed, abs=0.01), key
        assert found[key].where, key
    assert round(found["ch1.supply-share-decline"].computed.v, 1) == -10.7
    assert round(found["ch1.industrial-supply-share"].computed.v, 1) == 22.3


def test_the_plans_rounding_is_not_reported(zz):
    quiet = {r.id for r in zz.results if not r.fired}
    assert "table-3-2-vs-text-share" in quiet  # 83 % vs 83.3 %
    assert "investment-growth-base" in quiet  # 7.4, 6.8, 5.4 %/yr from one 2018 level
    assert "lt_sectors.share_sum" in quiet  # 37.5 + 31.3 + ... = 87.7 printed for 87.5
    assert "t3_3.sum" in quiet and "t3_5.share_sum" in quiet
    assert len(zz.findings) == 12


def test_the_two_false_alarms_are_checked_and_consistent(zz):
    """Ch.1 §2(3)3 prints a fall of 10 %/yr from 2,472 to 1,239 ha over 5 years: compounded
    −12.9 %/yr, but as the simple annual average (1,239 − 2,472) / 2,472 / 5 = −9.98 %/yr it
    is the printed 10 %. Table 3-3's 42.0 % and Ch.3 §1(2)1's 35.0 % are 电子信息's share of two
    bases: 42.0 % × 5,000 / 6,000 = 35.0 %. Both are checked and reported as consistent."""
    quiet = {r.id: r for r in zz.results if not r.fired}
    fall = quiet["ch1.supply-decline"]
    assert fall.extra["reading"] == "simple average"
    assert fall.extra["simple_average"] == pytest.approx((1239 - 2472) / 2472 / 5 * 100,
                                                         abs=1e-9)
    assert round(fall.computed.v, 1) == -12.9
    share = quiet["table-3-3-share-base"]
    assert share.computed.v == pytest.approx(42.0 * 5000 / 6000, abs=1e-9)
    assert share.stated.v == 35.0 and "Not an inconsistency" in share.note
    # Ch.1 §2(3)3's 9.5 %/yr (30 % -> 17 %) is reached by no reading at any rounding:
    # simple −9.18 .. −8.20 %/yr, compounded −11.56 .. −9.92 %/yr
    still = {r.id: r for r in zz.findings}["ch1.supply-share-decline"]
    assert "neither reading" in still.message and "edge" not in still.message


def test_cli_audit_json():
    p = run("audit", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["inconsistencies"] == len(doc["findings"]) == 12
    first = doc["findings"][0]
    assert {"where", "stated", "computed", "message"} <= set(first)
    p = run("audit", "--strict")
    assert p.returncode == 1 and "Table 3-4" in p.stdout


def test_a_printed_fall_shows_the_sign_its_difference_uses(zz):
    """The plan prints a fall of 9.5 %/yr (Ch.1 §2(3)3, 30 % -> 17 %); it is checked as -9.5,
    so the block shows -9.5 and the difference -10.74 - (-9.5) = -1.24 holds as printed."""
    import io

    from rich.console import Console

    from landalloc.present.audit_report import print_audit

    c = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    print_audit(zz, console=c, lang="en")
    block = next(b for b in c.export_text().split("╭─") if "30 % ->" in b and "stated" in b)
    stated = float(block.split("stated: ")[1].split(" %/yr")[0])
    computed = float(block.split("computed: ")[1].split()[0])
    difference = float(block.split("difference: ")[1].split()[0])
    assert stated == -9.5 and "(a fall)" in block
    assert difference == pytest.approx(computed - stated, abs=0.01)


@pytest.mark.parametrize("show_all", [False, True])
def test_audit_in_chinese_says_what_each_check_found(show_all):
    """--lang zh gives each check's sentence in Chinese with the English sentence's
    figures (not the numbers alone), and no English word."""
    import io
    import re

    from rich.console import Console

    from landalloc.present.audit_report import print_audit
    from tests.test_handup import english_words

    report = audit("zhengzhou")
    buf = io.StringIO()
    print_audit(report, show_all, Console(file=buf, width=100), lang="zh")
    text = buf.getvalue()
    assert not english_words(text), english_words(text)
    assert not re.search(r"\b(over|years|definition|printed|prints)\b", text)
    flat = "".join(re.sub(r"[│╭╮╰╯─]", "", text).split())
    shown = report.results if show_all else report.findings
    for r in shown:
        assert r.message_zh
        assert "".join(r.message_zh.split())[-8:].replace("/yr", "/年") in flat
        for fig in re.findall(r"\d[\d,.]*\d|\d", r.message.split(":", 1)[-1]):
            assert fig in flat, (fig, r.message)
