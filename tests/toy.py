"""A two-period toy instance written to a folder (solved on paper in the tests)."""

from __future__ import annotations

from pathlib import Path

INSTANCE = """\
name: toy
default_period: P1
periods: {P1: P1.yaml, P2: P2.yaml}
area_classes:
  core: {zh: 城区, en: core, assumption: toy}
  rim: {zh: 郊区, en: rim, assumption: toy}
sector_groups:
  g1: {zh: 一, en: one, assumption: toy}
  g2: {zh: 二, en: two, assumption: toy}
sectors:
  a: {zh: 甲, en: A, group: g1, groups: [g2], assumption: toy}
  b: {zh: 乙, en: B, group: g2, assumption: toy}
zones:
  Z1: {zh: 北, en: north, assumption: toy}
  Z2: {zh: 南, en: south, assumption: toy}
districts:
  n: {zh: 北区, en: N, zone: Z1, area_class: core, dev_zone: devA, assumption: toy}
  s: {zh: 南区, en: S, zone: Z2, area_class: rim, assumption: toy}
"""

PERIOD = """\
total_increment: {{value: 10, assumption: toy}}
sectors:
  a: {{}}
  b: {{}}
districts:
  n: {{cap: {{max: 6, assumption: toy}}}}
allowed:
  a: all
  b: {{Z1: toy, Z2: toy}}
output:
  a: {{n: {an}, s: {as_}}}
  b: {{n: 1, s: 1}}
"""

WATER = """\
# unit: m3/d
# assumption: toy figures
sector,district,period,value
a,,,2
a,n,,3
b,,,1
"""


def write_toy(folder: Path, horizon: str = "", water: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "instance.yaml").write_text(INSTANCE + horizon, encoding="utf-8")
    (folder / "P1.yaml").write_text(PERIOD.format(an=3, as_=2), encoding="utf-8")
    (folder / "P2.yaml").write_text(PERIOD.format(an=5, as_=3), encoding="utf-8")
    if water:
        (folder / "coefficients").mkdir(exist_ok=True)
        (folder / "coefficients" / "water.csv").write_text(WATER, encoding="utf-8")
    return folder


def scenario(folder: Path, body: str, name: str = "s.yaml") -> Path:
    p = folder / name
    p.write_text(f"extends: instance.yaml\n{body}", encoding="utf-8")
    return p
