"""Schematic tile layouts of an instance's districts (`tiles.yaml` beside instance.yaml).

The layout is instance data: another city brings its own file, and a report simply leaves
the map out for an instance that has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from landalloc.errors import InputError, Problem
from landalloc.plan.locate import instances_root
from landalloc.plan.yamlio import Where, read_yaml
from landalloc.results.result import Result

TILES_FILE = "tiles.yaml"


@dataclass(frozen=True)
class TileLayout:
    """district -> (row, col); row 0 is the north edge, col 0 the west edge."""

    tiles: dict[str, tuple[int, int]]
    assumption: str | None
    file: Path


def tiles_file(result: Result) -> Path | None:
    """The tiles.yaml of the instance a result was solved from, if there is one."""
    candidates = []
    inst_file = (result.record or {}).get("instance")
    if inst_file:
        candidates.append(Path(inst_file).parent / TILES_FILE)
    candidates.append(instances_root() / result.instance.name / TILES_FILE)
    return next((p for p in candidates if p.is_file()), None)


def load_tiles(path: Path, districts: list[str]) -> TileLayout:
    """Read and check a tile layout: known districts, integer cells, no two on one cell."""
    where: Where = {}
    data = read_yaml(path, where)
    problems: list[Problem] = []

    def line(*key) -> int | None:
        return where.get(key, (None, None))[1]

    if not isinstance(data, dict) or not isinstance(data.get("tiles"), dict):
        raise InputError.one("expected a mapping with a 'tiles:' block", file=str(path))
    tiles: dict[str, tuple[int, int]] = {}
    taken: dict[tuple[int, int], str] = {}
    for d, cell in data["tiles"].items():
        if d not in districts:
            problems.append(Problem(f"unknown district '{d}' (known: {', '.join(districts)})",
                                    str(path), f"tiles.{d}", line("tiles", d)))
            continue
        if not (isinstance(cell, dict) and set(cell) == {"row", "col"}
                and all(isinstance(cell[k], int) and not isinstance(cell[k], bool)
                        and cell[k] >= 0 for k in ("row", "col"))):
            problems.append(Problem(f"expected {{row: N, col: N}} with whole numbers >= 0, "
                                    f"got {cell!r}", str(path), f"tiles.{d}", line("tiles", d)))
            continue
        rc = (cell["row"], cell["col"])
        if rc in taken:
            problems.append(Problem(f"row {rc[0]}, col {rc[1]} is already taken by "
                                    f"'{taken[rc]}'", str(path), f"tiles.{d}", line("tiles", d)))
            continue
        taken[rc] = d
        tiles[d] = rc
    if problems:
        raise InputError(problems)
    assumption = data.get("assumption")
    return TileLayout(tiles, str(assumption) if assumption else None, path)


def layout_for(result: Result) -> TileLayout | None:
    """The tile layout for a result's instance, or None when the instance has no tiles file."""
    path = tiles_file(result)
    if path is None:
        return None
    return load_tiles(path, list(result.instance.districts))
