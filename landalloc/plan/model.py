"""The validated, typed instance of one plan period: what the formulation reads.

Every number carries its provenance (`source`, or `assumption` with its reason, and a
`note` where the plan reads two ways). Bounds are written in the analyst's words:
a cap is an upper bound, a quota or a total is exact unless given as `{min, max}`,
a share is a lower bound — `as_bound` turns a bare number into the right bound.
"""

# Annotations are evaluated as the classes are made (no `from __future__ import annotations`):
# pydantic would otherwise resolve each field's annotation from its string, about 1 ms of
# every start.
import math
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from landalloc.plan.choices import BACKEND_NAMES, DEFAULT_UNIT

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
    def _ordered(self) -> Self:
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
    def _non_negative(self) -> Self:
        for side in ("min", "max"):
            v = getattr(self, side)
            if v is not None and v < 0:
                raise ValueError(f"{side} is {v:g} ha; land cannot be negative")
        return self


class ShareBound(Bound):
    """A fraction of the period's total increment, between 0 and 1."""

    @model_validator(mode="after")
    def _fraction(self) -> Self:
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
    groups: list[str] = Field(default_factory=list,
                              description="More groups the sector belongs to (groups may "
                                          "overlap); `group` is its first")
    quota: Exact | None = Field(None, description="New land for this sector (ha)")


class Zone(Named):
    total: Exact | None = Field(None, description="New land for this zone (ha)")
    share: Share | None = Field(None, description="Share of the period's increment "
                                                  "(fraction; a range for 约/左右)")


class AreaClass(Named):
    pass


class District(Named):
    zone: str
    area_class: str
    dev_zone: str | None = Field(None, description="The development zone that carries it")
    cap: Cap | None = Field(None, description="New land this district can take (ha)")


class TableRows(Strict):
    """Rules of one kind (`zone_total`, `district_cap`, ...), optionally only these
    members: what a row selector of a plan table picks, by the rule's structured key."""

    kind: str = Field(description="A rule kind: total, sector_quota, sector_group_share, "
                                  "sector_group_total, district_cap, zone_total, zone_share")
    members: list[str] | None = Field(None, description="Only these members; omitted: all")


class PlanTable(Strict):
    """One of the plan's own tables, as a report renders it: the figures it gives (row
    selectors), beside the allocation. `number` is the plan's own (cited as the source);
    the report numbers its tables itself."""

    number: str | None = Field(None, description="The plan's table number, e.g. 3-4; "
                                                 "omitted for figures the plan gives in text")
    zh: str = Field(description="The table's title in the plan (Chinese)")
    en: str = Field(description="English title")
    rows: list[TableRows] = Field(min_length=1)
    source: str = Field(description="Where in the plan (chapter, section, table)")


class Selection(Strict):
    """Cells chosen by the sectors' and districts' attributes; every key given must match
    (an omitted key selects all). `where` names any other attribute: `{dev_zone: [..]}`."""

    sectors: list[str] | None = Field(None, description="Selected sectors; omitted = all")
    districts: list[str] | None = Field(None, description="Selected districts; omitted = all")
    zones: list[str] | None = Field(None, description="Districts in these zones")
    groups: list[str] | None = Field(None, description="Sectors in any of these groups")
    area_classes: list[str] | None = Field(None, description="Districts of these area classes")
    where: dict[str, list[str]] | None = Field(
        None, description="Any other district or sector attribute -> the values selected, "
                          "e.g. {dev_zone: [<a development zone>]}")

    def picks_sector(self, inst: "Instance", sector: str) -> bool:
        """Whether the sector side of the selection keeps `sector`."""
        s = inst.sectors[sector]
        return ((self.sectors is None or sector in self.sectors)
                and (self.groups is None or bool(set(inst.groups_of(sector)) & set(self.groups)))
                and all(str(getattr(s, a)) in v for a, v in (self.where or {}).items()
                        if a not in District.model_fields))

    def picks_district(self, inst: "Instance", district: str) -> bool:
        """Whether the district side of the selection keeps `district`."""
        d = inst.districts[district]
        return ((self.districts is None or district in self.districts)
                and (self.zones is None or d.zone in self.zones)
                and (self.area_classes is None or d.area_class in self.area_classes)
                and all(str(getattr(d, a)) in v for a, v in (self.where or {}).items()
                        if a in District.model_fields))


#: Rule coefficients that are not a table: 1 per ha, the output per ha.
BUILTIN_COEFS = ("one", "output")


class Rule(Selection, Provenance):
    """A custom linear rule over the selected cells, within [min, max]: either
    Σ coef · x (coef 1, the output per ha, a number, or a named per-cell table shipped with
    the instance: `coef: water` reads coefficients/water.csv), or with `share_of` a share
    of a base selection, written linearly: Σ_selection x − s · Σ_base x ≥ 0 (min s), ≤ 0
    (max s). `periods` (a list, or `all`) makes it one rule over those periods together
    (linked periods only); omitted, it applies to each period on its own."""

    name: str
    label: str | None = None
    coef: str | float = Field(
        "one", description="Coefficient: one, output, a number, or the name of a table in "
                           "the instance's coefficients/ folder (sector,district[,period],value)")
    share_of: Selection | None = Field(
        None, description="The base of a share: min/max are fractions of Σ x over it")
    periods: list[str] | Literal["all"] | None = Field(
        None, description="Periods the rule sums over together; omitted: each period alone")
    unit: str | None = Field(None, description="Unit of the rule's value (default: ha, the "
                                               "objective's unit for coef output, or the "
                                               "table's unit)")
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _has_bound(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("a rule needs min or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        if self.share_of is not None:
            for side in ("min", "max"):
                v = getattr(self, side)
                if v is not None and not 0 <= v <= 1:
                    raise ValueError(f"a share is a fraction between 0 and 1; {side} is {v:g}")
            if self.coef != "one":
                raise ValueError("share_of takes no coef: a share is of hectares")
        return self

    def table(self) -> str | None:
        """The coefficient table this rule reads, or None."""
        if isinstance(self.coef, str) and self.coef not in BUILTIN_COEFS:
            return self.coef
        return None

    def linked(self) -> bool:
        """True: one rule over several periods (formulated by the horizon)."""
        return self.periods == "all" or (self.periods is not None and len(self.periods) > 1)

    def applies_to(self, period: str) -> bool:
        return self.periods is None or (not self.linked() and period in self.periods)


class StockTarget(Provenance):
    """Total industrial land at the end of a period: existing stock + cumulative new land."""

    total: Exact


class HorizonDistrict(Provenance):
    cap: Cap


class HorizonZone(Provenance):
    total: Exact


class HorizonSector(Provenance):
    quota: Exact


class Horizon(Provenance):
    """Rules across linked periods (`--period all`): each period keeps its own rules."""

    existing_stock: float | None = Field(
        None, ge=0, description="Industrial land at the start of the first period (ha); "
                                "needed for stock targets")
    existing_stock_source: str | None = Field(
        None, description="Where the existing stock comes from (or `assumption: ...`)")
    stock_targets: dict[str, StockTarget] = Field(
        default_factory=dict, description="period -> total industrial land at its end (ha)")
    districts: dict[str, HorizonDistrict] = Field(
        default_factory=dict, description="district -> cap on its new land over the horizon")
    zones: dict[str, HorizonZone] = Field(
        default_factory=dict, description="zone -> its new land over the horizon")
    sectors: dict[str, HorizonSector] = Field(
        default_factory=dict, description="sector -> its new land over the horizon")

    @model_validator(mode="after")
    def _stock(self) -> Self:
        if self.stock_targets and self.existing_stock is None:
            raise ValueError("stock targets need existing_stock (ha), with its source")
        return self


class CarryOver(Provenance):
    """Unused new land one period may leave to the next (ha); 0 keeps periods exact."""

    max: float = Field(0.0, ge=0, description="Hectares per pair of consecutive periods")


NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Weight = Annotated[float, Field(ge=0)]


class SolverSettings(Strict):
    """Solver settings a scenario may fix; the command line wins over them."""

    backend: str | None = Field(None, description="Solver backend: highs, pulp or pyomo")

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, name: str | None) -> str | None:
        if name is not None and name not in BACKEND_NAMES:
            raise ValueError(f"unknown backend '{name[:40]}' (known: {', '.join(BACKEND_NAMES)})")
        return name

    time_limit: Positive | None = Field(None, description="Seconds")
    threads: Annotated[int, Field(ge=1)] | None = Field(None, description="Solver threads")
    primal_tolerance: Positive | None = None
    dual_tolerance: Positive | None = None


class MaxOutput(Strict):
    """Maximise projected output (objective_unit); weights multiply a cell's output per ha."""

    sector_weights: dict[str, Weight] = Field(
        default_factory=dict, description="sector -> weight (default 1)")
    district_weights: dict[str, Weight] = Field(
        default_factory=dict, description="district -> weight (default 1)")

    @property
    def weighted(self) -> bool:
        return bool(self.sector_weights or self.district_weights)


RoleName = Literal["core", "cluster", "node", "zone_list"]
#: The roles in the order of strength (ROLES.md: core > cluster > node > zone_list).
ROLE_ORDER: tuple[str, ...] = ("core", "cluster", "node", "zone_list")
#: A cell the plan does not name (no row in roles.csv): its plan-fit weight key and the
#: name of its hectares in `plan_fit.by_role`.
NO_ROLE = "none"
UNNAMED = "unnamed"
#: Default plan-fit weights per hectare (DERIVATION.md §6); instance.yaml `plan_fit.weights`
#: and `--set plan_fit.weights.<role>=W` override them.
DEFAULT_ROLE_WEIGHTS: dict[str, float] = {"core": 8.0, "cluster": 4.0, "node": 2.0,
                                          "zone_list": 1.0, NO_ROLE: 0.0}


class Role(Strict):
    """The part the plan gives a district for a sector in one period (roles.csv)."""

    role: RoleName
    source: str = Field(description="Where the plan names the cell; the role's source first")
    reading: str | None = Field(None, description="table, text or both")
    assumption: str | None = Field(None, description="Why the role is not in the plan's own "
                                                     "words (a mapping or an inference)")

    @property
    def assumed(self) -> bool:
        return bool(self.assumption)


class BaseMinimum(Provenance):
    """A plan reading: every base, park, cluster or node the plan names for a sector (an
    allowed cell whose role is listed) gets at least `ha`, so no named base is left empty
    because another cell of equal or slightly higher output absorbs the sector. Each cell
    becomes one rule (`rule[<sector>.<district>]`); `ha: 0` gives the optimum
    without the reading."""

    ha: NonNegative = Field(0.0, description="Hectares every named base gets at least")
    roles: list[RoleName] = Field(
        default_factory=lambda: ["core", "cluster", "node"],
        description="The roles that name a base (zone_list names an industry, not a base)")


class PlanFit(Provenance):
    """How well an allocation follows the plan's layout: Σ weight[role(cell)] · ha."""

    weights: dict[str, Weight] = Field(
        default_factory=lambda: dict(DEFAULT_ROLE_WEIGHTS),
        description="role (core, cluster, node, zone_list, none) -> weight per ha")
    base_minimum: BaseMinimum | None = Field(
        None, description="Land every named base gets at least (a plan reading); omitted: none")

    @model_validator(mode="after")
    def _known(self) -> Self:
        bad = sorted(set(self.weights) - set(DEFAULT_ROLE_WEIGHTS))
        if bad:
            raise ValueError(f"plan_fit.weights: unknown role {', '.join(bad)} "
                             f"(known: {', '.join(DEFAULT_ROLE_WEIGHTS)})")
        return self

    def weight(self, role: str | None) -> float:
        key = role or NO_ROLE
        return float(self.weights.get(key, DEFAULT_ROLE_WEIGHTS[key]))

    def full(self) -> dict[str, float]:
        return {k: self.weight(None if k == NO_ROLE else k) for k in DEFAULT_ROLE_WEIGHTS}


class Layout(Strict):
    """Which allowed cells the roles keep: `allowed_roles` narrows `allowed` to the cells
    whose role is listed (a cell with no role is dropped), for `sectors` (omitted: all)."""

    allowed_roles: list[RoleName] | None = Field(
        None, description="Keep only allowed cells with one of these roles; omitted: keep all")
    sectors: list[str] | None = Field(
        None, description="Sectors the narrowing applies to; omitted: every sector")


class Instance(Strict):
    """One period of one plan, after scenario overrides: the formulation's only input."""

    name: str
    period: str
    title: str | None = None
    description: str | None = None
    objective_unit: str = DEFAULT_UNIT
    objective_unit_en: str | None = Field(
        None, description="The output unit in English words, where Chinese cannot be drawn "
                          "(a chart without a Chinese font); omitted: objective_unit")
    total_increment: Exact
    area_classes: dict[str, AreaClass]
    sector_groups: dict[str, SectorGroup]
    sectors: dict[str, Sector]
    zones: dict[str, Zone]
    districts: dict[str, District]
    allowed: dict[str, dict[str, str]] = Field(
        description="sector -> district -> where the plan allows it")
    output: dict[str, dict[str, NonNegative]] = Field(
        description="Projected output per hectare (objective_unit/ha), sector -> district")
    output_source: str | None = None
    tables: list[PlanTable] = Field(
        default_factory=list,
        description="The plan's own tables of this period, for reports; none: one table "
                    "of every figure against the allocation")
    rules: list[Rule] = Field(default_factory=list)
    objective: MaxOutput = Field(
        default_factory=MaxOutput,
        description="The scenario's objective: part of the instance, so that every command "
                    "that formulates it solves the same LP")
    solver: SolverSettings | None = Field(None, description="The scenario's solver settings")
    roles: dict[str, dict[str, Role]] = Field(
        default_factory=dict,
        description="sector -> district -> the plan's role for the cell (roles.csv); empty "
                    "when the instance declares no roles")
    roles_source: str | None = None
    plan_fit: PlanFit = Field(default_factory=PlanFit,
                              description="Weights of the second objective (plan fit)")
    layout: Layout = Field(default_factory=Layout,
                           description="How the roles narrow the allowed cells")
    output_citywide: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="period -> one output per ha (objective_unit/ha) for every allowed cell of "
                    "that "
                    "period, replacing `output` (the city-wide reading of Annex 2 §2(2))")
    coefficients: dict[str, dict[str, dict[str, float]]] = Field(
        default_factory=dict,
        description="table name -> sector -> district -> value (coefficients/<name>.csv, "
                    "this period's rows)")
    coefficient_sources: dict[str, str] = Field(default_factory=dict)
    coefficient_units: dict[str, str] = Field(default_factory=dict)
    horizon: Horizon = Field(default_factory=Horizon,
                             description="Rules across linked periods")
    carry_over: CarryOver = Field(default_factory=CarryOver)
    #: Cells `layout.allowed_roles` removed from `allowed` (sector -> districts), for reports.
    narrowed: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _narrow(cls, data: Any) -> Any:
        """Apply `layout.allowed_roles`: allowed cells without a listed role are dropped."""
        if not isinstance(data, dict):
            return data
        data = expand_allowed(data)
        city = (data.get("output_citywide") or {}).get(str(data.get("period")))
        if isinstance(city, int | float) and isinstance(data.get("allowed"), dict):
            data = {**data, "output": {s: dict.fromkeys(row, float(city))
                                       for s, row in data["allowed"].items()},
                    "output_source": "output_citywide (one figure for every cell)"}
        layout = data.get("layout") or {}
        keep = layout.get("allowed_roles") if isinstance(layout, dict) else None
        if not keep or not isinstance(data.get("allowed"), dict):
            return data
        only = layout.get("sectors")
        roles = data.get("roles") or {}
        allowed, dropped = {}, {}
        for s, row in data["allowed"].items():
            if only is not None and s not in only:
                allowed[s] = row
                continue
            def role_of(d, s=s):
                r = (roles.get(s) or {}).get(d)
                return r.get("role") if isinstance(r, dict) else getattr(r, "role", None)
            allowed[s] = {d: v for d, v in row.items() if role_of(d) in keep}
            gone = [d for d in row if d not in allowed[s]]
            if gone:
                dropped[s] = gone
        return {**data, "allowed": allowed, "narrowed": dropped}

    @model_validator(mode="after")
    def _references(self) -> Self:
        problems: list[str] = []

        def check(ids, known: dict, what: str, where: str) -> None:
            for i in ids:
                if i not in known:
                    problems.append(f"{where}: unknown {what} '{i}' (known: {', '.join(known)})")

        for sid, s in self.sectors.items():
            check(s.groups, self.sector_groups, "sector group", f"sectors.{sid}.groups")
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
        check(self.objective.sector_weights, self.sectors, "sector",
              "objective.max_output.sector_weights")
        check(self.objective.district_weights, self.districts, "district",
              "objective.max_output.district_weights")
        check(self.roles, self.sectors, "sector", "roles")
        for sid, row in self.roles.items():
            check(row, self.districts, "district", f"roles.{sid}")
        check(self.layout.sectors or [], self.sectors, "sector", "layout.sectors")
        for i, r in enumerate(self.rules):
            check(r.sectors or [], self.sectors, "sector", f"rules[{i}].sectors")
            check(r.districts or [], self.districts, "district", f"rules[{i}].districts")
            for sel, where in ((r, f"rules[{i}]"), (r.share_of, f"rules[{i}].share_of")):
                if sel is None:
                    continue
                if sel is not r:
                    check(sel.sectors or [], self.sectors, "sector", f"{where}.sectors")
                    check(sel.districts or [], self.districts, "district",
                          f"{where}.districts")
                check(sel.zones or [], self.zones, "zone", f"{where}.zones")
                check(sel.groups or [], self.sector_groups, "sector group", f"{where}.groups")
                check(sel.area_classes or [], self.area_classes, "area class",
                      f"{where}.area_classes")
                for attr in sel.where or {}:
                    if attr not in District.model_fields and attr not in Sector.model_fields:
                        known = ", ".join([*District.model_fields, *Sector.model_fields])
                        problems.append(f"{where}.where: unknown attribute '{attr}' "
                                        f"(known: {known})")
            t = r.table()
            if t is not None and t not in self.coefficients:
                problems.append(f"rules[{i}].coef: no coefficient table '{t}' (a number, one, "
                                f"output, or coefficients/<name>.csv in the instance folder)")
            elif t is not None and not problems:
                problems += self._uncovered(r, i, t)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _uncovered(self, rule: Rule, i: int, table: str) -> list[str]:
        """A cell the rule selects and the period allows must have a value in the table:
        a missing value is never read as 0."""
        rows = self.coefficients.get(table, {})
        gaps = [f"{s}/{d}" for s, row in self.allowed.items() if s in self.sectors
                and rule.picks_sector(self, s) for d in row
                if rule.picks_district(self, d) and d not in rows.get(s, {})]
        if not gaps:
            return []
        more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
        return [f"rules[{i}].coef: coefficients/{table}.csv has no value for "
                f"{', '.join(gaps[:3])}{more} (cells rule '{rule.name}' selects and "
                f"{self.period} allows; add a row, or one with a blank district for the "
                "whole sector)"]

    def groups_of(self, sector: str) -> list[str]:
        """Every group the sector belongs to (its `group` first; groups may overlap)."""
        s = self.sectors[sector]
        return [s.group, *[g for g in s.groups if g != s.group]]

    def is_allowed(self, sector: str, district: str) -> bool:
        return district in self.allowed.get(sector, {})

    def role(self, sector: str, district: str) -> Role | None:
        return self.roles.get(sector, {}).get(district)

    def unnamed_cells(self) -> list[tuple[str, str]]:
        """Allowed cells the plan's layout does not name (no role); [] without roles."""
        if not self.roles:
            return []
        return [(s, d) for s, row in self.allowed.items() for d in row
                if self.role(s, d) is None]


def expand_allowed(data: dict) -> dict:
    """`allowed` may name a sector group for its sectors, `all` for every district, and a
    zone for its districts: expand to sector -> district -> where (before validation)."""
    allowed = data.get("allowed")
    if not isinstance(allowed, dict):
        return data
    sectors = data.get("sectors") or {}
    groups = data.get("sector_groups") or {}
    districts = data.get("districts") or {}
    zones = data.get("zones") or {}

    def members(key: str) -> list[str]:
        if key in sectors or key not in groups:
            return [key]
        return [s for s, v in sectors.items() if isinstance(v, dict) and (
            v.get("group") == key or key in (v.get("groups") or []))]

    def cells(row: Any) -> Any:
        if row == "all":
            return dict.fromkeys(districts, "all")
        if isinstance(row, list):
            row = dict.fromkeys(row, "listed")
        if not isinstance(row, dict):
            return row
        out: dict = {}
        for k, v in row.items():
            if k == "all":
                out.update(dict.fromkeys(districts, v))
            elif k not in districts and k in zones:
                out.update({d: v for d, dv in districts.items()
                            if isinstance(dv, dict) and dv.get("zone") == k})
            else:
                out[k] = v
        return out

    changed = False
    new: dict = {}
    for key, row in allowed.items():
        expanded = cells(row)
        changed |= expanded is not row or key not in sectors
        for s in members(key):
            new[s] = {**new.get(s, {}), **expanded} if isinstance(expanded, dict) else expanded
    return {**data, "allowed": new} if changed else data
