"""Infeasible scenarios of a batch grouped by the rules that conflict.

Each infeasible scenario (up to a limit) is diagnosed once; those with the same
irreducible infeasible set form one group, with one diagnosis in the plan's words. The
groups go to `infeasible_groups.json` and each infeasible row's summary message names its
group, so the summary alone says why a scenario failed.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

GROUPS_FILE = "infeasible_groups.json"
#: Shown in a message: at most this many of a group's rules.
SHOWN_RULES = 4


@dataclass
class Group:
    number: int
    rules: list[str]  # rule names (the IIS)
    labels: list[str]  # the rules in the plan's words
    diagnosis: str  # the first sentence of the diagnosis
    scenarios: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def example(self) -> str:
        return self.scenarios[0] if self.scenarios else ""

    def message(self, of: int) -> str:
        few = " + ".join(self.labels[:SHOWN_RULES])
        if len(self.labels) > SHOWN_RULES:
            few += f" + {len(self.labels) - SHOWN_RULES} more"
        if not self.rules:
            return f"infeasible; {self.diagnosis}"
        return (f"infeasible: conflict group {self.number} of {of} ({few}). "
                f"{self.diagnosis}").strip()

    def to_dict(self) -> dict:
        return {**asdict(self), "count": self.count, "example": self.example}


def _diagnose(ref: str, period: str | None, overrides: list, linked: bool):
    from landalloc.api import diagnose_problem

    if linked:
        from landalloc.analysis.diagnosis import RelaxSpec, explain
        from landalloc.problem.horizon import load_horizon

        h = load_horizon(ref, period, overrides=overrides)
        return explain(h.lp, h.instance, h.loaded[0].overrides, RelaxSpec.parse(None, None,
                       h.lp), "auto", 2.0)
    from landalloc.problem.build import load_problem

    return diagnose_problem(load_problem(ref, period, overrides=overrides), time_limit=2.0)


def diagnose_groups(summary, base: str | None, period: str | None,
                    limit: int) -> list[Group]:
    """Groups of the summary's infeasible rows, largest first; the last is 'not
    diagnosed' (beyond `limit`, or the diagnosis failed) when there are such rows."""
    from landalloc.batch.inputs import scenario_source

    bad = summary[summary["status"] == "infeasible"]
    found: dict[tuple[str, ...], Group] = {}
    rest = Group(0, [], ["(not diagnosed)"], "")
    for k, r in enumerate(bad.itertuples()):
        name, sid = str(r.scenario), int(r.id)
        if k >= limit:
            rest.scenarios.append(name)
            rest.ids.append(sid)
            continue
        try:
            ref, per, overrides = scenario_source(r.file, r.row, base, period)
            linked = isinstance(r.period, str) and "," in r.period
            d = _diagnose(ref, r.period if linked else per, overrides, linked)
        except Exception:  # a scenario that cannot be diagnosed stays ungrouped
            rest.scenarios.append(name)
            rest.ids.append(sid)
            continue
        key = tuple(sorted(m.name for m in d.members))
        if key not in found:
            found[key] = Group(0, list(key), [m.label.split(" / ")[0] for m in d.members],
                               d.sentences[0] if d.sentences else "")
        found[key].scenarios.append(name)
        found[key].ids.append(sid)
    groups = sorted(found.values(), key=lambda g: -g.count)
    for n, g in enumerate(groups, 1):
        g.number = n
    if rest.ids:
        rest.diagnosis = (f"not diagnosed (the first {limit} infeasible scenarios are); "
                          "`landalloc diagnose` explains it")
        groups.append(rest)
    return groups


def group_infeasible(out: Path, base: str | None, period: str | None,
                     limit: int) -> list[Group]:
    """Diagnose and group the infeasible rows of `out`/summary.parquet; write the groups
    and put each row's group into its message."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from landalloc.atomic import write_json

    path = Path(out) / "summary.parquet"
    table = pq.read_table(path)
    summary = table.select(["id", "scenario", "file", "row", "period", "status"]).to_pandas()
    groups = diagnose_groups(summary, base, period, limit)
    write_json(Path(out) / GROUPS_FILE, [g.to_dict() for g in groups])
    if not groups:
        return groups
    diagnosed = sum(1 for g in groups if g.rules)
    by_id = {i: g.message(diagnosed) for g in groups for i in g.ids}
    ids = table.column("id").to_pylist()
    msgs = [by_id.get(i, m) for i, m in zip(ids, table.column("message").to_pylist(),
                                             strict=True)]
    k = table.schema.get_field_index("message")
    table = table.set_column(k, table.schema.field(k), pa.array(msgs, type=pa.string()))
    tmp = path.with_name(".summary.parquet.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return groups


def read_groups(out: Path) -> list[dict]:
    """The groups a finished batch wrote ([] when none, or an older batch)."""
    try:
        return json.loads((Path(out) / GROUPS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return []
