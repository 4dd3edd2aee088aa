"""The dependency direction, checked on every import the code makes (lazy ones too).

    plan  <-  formulations  <-  solver  <-  problem  <-  analysis  <-  results
          <-  present  <-  api  <-  batch  <-  serve  <-  cli

A module may import its own layer and the layers to its left; `errors`, `atomic` and
`safe_text` are shared by all. Modules are found through pyproject's package-dir map, as installed.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["plan", "formulations", "solver", "problem", "analysis", "results",
         "present", "api", "batch", "serve", "cli"]
SHARED = {"errors", "atomic", "lazy", "safe_text", "instances", "__init__", "__main__"}


def _rank(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "landalloc" or len(parts) < 2 or parts[1] in SHARED:
        return None
    for i, layer in enumerate(ORDER):
        if parts[1] in layer.split("|"):
            return i
    raise AssertionError(f"{module}: not in any layer; add it to ORDER")


def _modules() -> dict[str, Path]:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    out = {}
    for package, folder in cfg["package-dir"].items():
        for f in (ROOT / folder).rglob("*.py"):
            rel = f.relative_to(ROOT / folder).with_suffix("")
            name = ".".join([package, *rel.parts]).removesuffix(".__init__")
            out[name] = f
    return out


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return [(line, n) for line, n in found if n.startswith("landalloc")]


def test_every_import_points_down_the_layers():
    modules = _modules()
    assert "landalloc.solver.highs" in modules and "landalloc.cli.app" in modules
    wrong = []
    for module, path in modules.items():
        mine = _rank(module)
        if mine is None:
            continue
        for line, target in _imports(path, module):
            theirs = _rank(target)
            if theirs is not None and theirs > mine:
                wrong.append(f"{path.relative_to(ROOT)}:{line} {module} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The rule itself: a solver module importing presentation is caught."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from landalloc.present.screen import print_result\n")
    (line, target), = _imports(f, "landalloc.solver.m")
    assert _rank(target) > _rank("landalloc.solver.m") and line == 2


def test_plan_knows_the_backends_by_name():
    """The plan validates a scenario's `solver.backend` without importing the solvers."""
    from landalloc.solver import BACKENDS

    from landalloc.plan.model import BACKEND_NAMES

    assert tuple(BACKENDS) == BACKEND_NAMES


def test_no_row_or_column_name_is_read_back():
    """Rows and cells carry structured keys (kind, members, period): no module decodes a
    rule's or a cell's name (`district_cap[airport]`, `food@2026-2035`, `hectares[food]`)
    to learn what it is."""
    import re

    decoding = re.compile(
        r"""(partition|split|rpartition|rsplit)\(\s*["'](\[|@)["']"""  # name.partition("[")
        r"""|rstrip\(\s*["']\]["']\)"""                                  # ….rstrip("]")
        r"""|\[len\(\s*["']\w+\[["']\)\s*:"""                            # c[len("hectares["):]
        r"""|["']@["']\s+in\s""")                                        # "@" in name
    found = []
    for path in _modules().values():
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if decoding.search(code):
                found.append(f"{path}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
