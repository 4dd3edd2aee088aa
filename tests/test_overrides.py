"""--set changes exactly what it names; bad paths and values are clear errors."""

from __future__ import annotations

import pytest

from landalloc.errors import InputError
from landalloc.plan.loading import load, load_instance


def _diff(a: dict, b: dict, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _diff(a.get(k), b.get(k), f"{path}.{k}" if path else k)
        return out
    return [] if a == b else [path]


def test_set_changes_only_its_path():
    base = load_instance().model_dump()
    changed = load_instance(sets=["districts.airport.cap=1500"]).model_dump()
    assert _diff(base, changed) == ["districts.airport.cap.max", "districts.airport.cap.plan",
                                    "districts.airport.cap.source"]
    assert changed["districts"]["airport"]["cap"]["max"] == 1500


def test_set_min_of_an_exact_quota_keeps_max():
    inst = load_instance(sets=["sectors.electronics.quota.min=1900"])
    assert (inst.sectors["electronics"].quota.min, inst.sectors["electronics"].quota.max) == (
        1900, 2100)


def test_set_range_and_allowed_cell():
    inst = load_instance(sets=["sectors.electronics.quota={min: 1890, max: 2310}",
                               "allowed.food.hitech=true", "output.food.hitech=0.3"])
    assert inst.sectors["electronics"].quota.min == 1890
    assert inst.is_allowed("food", "hitech")
    inst = load_instance(sets=["allowed.food.erqi=false"])
    assert not inst.is_allowed("food", "erqi")


def test_record_lists_old_and_new():
    loaded = load(sets=["districts.airport.cap=1500"])
    (ov,) = loaded.overrides
    assert ov.old["max"] == 1100 and ov.value == 1500


@pytest.mark.parametrize("setting, words", [
    ("districts.airpot.cap=1500", ["districts.airpot.cap", "unknown district 'airpot'"]),
    ("districts.airport.capp=1500", ["districts.airport.capp", "unknown key"]),
    ("nosuch=1", ["nosuch", "unknown key"]),
    ("districts.airport.cap=abc", ["districts.airport.cap", "expected a number"]),
    ("districts.airport.cap=-5", ["districts.airport.cap", "cannot be negative"]),
    ("sector_groups.leading_six.share=83", ["share", "between 0 and 1", "0.83"]),
    ("districts.airport.cap=.nan", ["districts.airport.cap", "finite"]),
    ("allowed.food.mars=true", ["unknown district 'mars'"]),
    ("noequals", ["PATH=VALUE"]),
])
def test_bad_set_is_a_clear_error(setting, words):
    with pytest.raises(InputError) as err:
        load_instance(sets=[setting])
    text = str(err.value)
    assert "--set" in text
    for w in words:
        assert w in text


def test_a_bound_changed_on_both_sides_cites_both_changes():
    """A share's min and max changed by two --set values: the bound's source names both,
    with the plan's figure beside; a later change of the same side replaces the earlier."""
    share = "sector_groups.leading_six.share"
    inst = load_instance("zhengzhou", sets=[f"{share}.max=0.9", f"{share}.min=0.5"])
    src = inst.sector_groups["leading_six"].share.source
    assert src == (f"--set {share}.max=0.9; --set {share}.min=0.5 "
                   "(plan: ≥ 0.833 — Table 3-2 (83.3%))")
    inst = load_instance("zhengzhou", sets=[f"{share}.min=0.5", f"{share}.min=0.6"])
    b = inst.sector_groups["leading_six"].share
    assert (b.min, b.source) == (0.6, f"--set {share}.min=0.6 (plan: ≥ 0.833 — Table 3-2 "
                                      "(83.3%))")
    inst = load_instance("zhengzhou", sets=[f"{share}.max=0.9", f"{share}=0.7"])
    b = inst.sector_groups["leading_six"].share  # the whole bound replaced: max gone
    assert (b.min, b.max, b.source) == (0.7, None, f"--set {share}=0.7 (plan: ≥ 0.833 — "
                                                   "Table 3-2 (83.3%))")
