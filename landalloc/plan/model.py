"""The validated, typed instance of one plan period: what the formulation reads.

Every number carries its provenance (`source`, or `assumption` with its reason, and a
`note` where the plan reads two ways). Bounds are written in the analyst's words:
a cap is an upper bound, a quota or a total is exact unless given as `{min, max}`,
a share is a lower bound — `as_bound` turns a bare number into the right bound.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

BoundKind = Literal["exact", "max", "min"]

#: How a bare number is read at each bound-valued key.
BOUND_KEYS: dict[str, BoundKind] = {
    "total_increment": "exact",
    "quota": "exact",
    "total": "exact",
    "cap": "max",
    "share": "min",
}


def as_bound(value: Any, kind: BoundKind) -> Any:
    """Read a bare number (or `{value: v}`) as the bound its key means; leave the rest."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        value = {"value": value}
    if isinstance(value, dict) and "value" in value:
        rest = {k: v for k, v in value.items() if k != "value"}
        v = value["value"]
        if kind == "exact":
            return {"min": v, "max": v, **rest}
        return {kind: v, **rest}
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Provenance(Strict):
    source: str | None = Field(None, description="Where in the plan (chapter, section, table)")
    assumption: str | None = Field(None, description="Not in the plan: what was assumed and why")
    note: str | None = Field(None, description="Another reading of the plan, kept visible")
    plan: str | None = Field(None, description="The plan's own figure and source, kept beside "
                                               "a figure a scenario or --set changed")


class Bound(Provenance):
    """A range on hectares (or on a share); None means unbounded on that side."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if self.min is None and self.max is None:
            raise ValueError("a bound needs min, max or value")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self

    @property
    def lower(self) -> float:
        return -math.inf if self.min is None else self.min

    @property
    def upper(self) -> float:
        return math.inf if self.max is None else self.max


class LandBound(Bound):
    """Hectares: never negative."""

    @model_validator(mode="after")
    def _non_negative(self) -> LandBound:
        for side in ("min", "max"):
            v = getattr(self, side)
            if v is not None and v < 0:
                raise ValueError(f"{side} is {v:g} ha; land cannot be negative")
        return self


class ShareBound(Bound):
    """A fraction of the period's total increment, between 0 and 1."""

    @model_validator(mode="after")
    def _fraction(self) -> ShareBound:
        for side in ("min", "max"):
            v = getattr(self, side)
            if v is not None and not 0 <= v <= 1:
                hint = f" (did you mean {v / 100:g}?)" if 1 < v <= 100 else ""
                raise ValueError(f"a share is a fraction between 0 and 1; {side} is {v:g}{hint}")
        return self


def _bound(kind: BoundKind) -> BeforeValidator:
    def read(value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"expected a number or {{min: .., max: ..}}, got {value[:40]!r}")
        return as_bound(value, kind)

    return BeforeValidator(read)


Exact = Annotated[LandBound, _bound("exact")]
Cap = Annotated[LandBound, _bound("max")]
Share = Annotated[ShareBound, _bound("min")]


class Named(Provenance):
    zh: str = Field(description="Name in the plan (Chinese)")
    en: str = Field(description="English name")

    def label(self) -> str:
        return f"{self.zh} {self.en}"


class SectorGroup(Named):
    share: Share | None = Field(None, description="Share of the period's increment (fraction)")
    total: Exact | None = Field(None, description="Hectares for the whole group")


class Sector(Named):
    group: str
    quota: Exact | None = Field(None, description="New land for this sector (ha)")


class Zone(Named):
    total: Exact | None = Field(None, description="New land for this zone (ha)")


class AreaClass(Named):
    pass


class District(Named):
    zone: str
    area_class: str
    dev_zone: str | None = Field(None, description="The development zone that carries it")
    cap: Cap | None = Field(None, description="New land this district can take (ha)")


class Rule(Provenance):
    """A custom linear rule: sum of coef * x over the selected cells, within [min, max]."""

    name: str
    label: str | None = None
    sectors: list[str] | None = Field(None, description="Selected sectors; omitted = all")
    districts: list[str] | None = Field(None, description="Selected districts; omitted = all")
    coef: Literal["one", "output"] | float = Field(
        "one", description="Coefficient: 1, the output per ha, or a number")
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _has_bound(self) -> Rule:
        if self.min is None and self.max is None:
            raise ValueError("a rule needs min or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


NonNegative = Annotated[float, Field(ge=0)]


class Instance(Strict):
    """One period of one plan, after scenario overrides: the formulation's only input."""

    name: str
    period: str
    title: str | None = None
    description: str | None = None
    objective_unit: str = "亿元"
    total_increment: Exact
    area_classes: dict[str, AreaClass]
    sector_groups: dict[str, SectorGroup]
    sectors: dict[str, Sector]
    zones: dict[str, Zone]
    districts: dict[str, District]
    allowed: dict[str, dict[str, str]] = Field(
        description="sector -> district -> where the plan allows it")
    output: dict[str, dict[str, NonNegative]] = Field(
        description="Projected output per hectare (亿元/ha), sector -> district")
    output_source: str | None = None
    rules: list[Rule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Instance:
        problems: list[str] = []

        def check(ids, known: dict, what: str, where: str) -> None:
            for i in ids:
                if i not in known:
                    problems.append(f"{where}: unknown {what} '{i}' (known: {', '.join(known)})")

        for sid, s in self.sectors.items():
            check([s.group], self.sector_groups, "sector group", f"sectors.{sid}.group")
        for did, d in self.districts.items():
            check([d.zone], self.zones, "zone", f"districts.{did}.zone")
            check([d.area_class], self.area_classes, "area class", f"districts.{did}.area_class")
        check(self.allowed, self.sectors, "sector", "allowed")
        check(self.output, self.sectors, "sector", "output")
        for sid, row in self.allowed.items():
            check(row, self.districts, "district", f"allowed.{sid}")
            for did in row:
                if did not in self.output.get(sid, {}) and sid in self.sectors:
                    problems.append(f"output.{sid}.{did}: allowed cell has no output per ha")
        for sid, row in self.output.items():
            check(row, self.districts, "district", f"output.{sid}")
        for i, r in enumerate(self.rules):
            check(r.sectors or [], self.sectors, "sector", f"rules[{i}].sectors")
            check(r.districts or [], self.districts, "district", f"rules[{i}].districts")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def is_allowed(self, sector: str, district: str) -> bool:
        return district in self.allowed.get(sector, {})
