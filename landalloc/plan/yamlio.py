"""Safe YAML 1.2 reading that keeps line numbers, so messages can point at the line.

Only data comes in: no object construction, a size limit on the file (safefile), a limit
on how far aliases may expand (an alias bomb is refused before it is expanded), numbers
finite and below the solver's infinity, and nulls refused where a file must give a value.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from landalloc.errors import InputError, Problem
from landalloc.plan.safefile import excerpt, read_text

#: key path (tuple of keys/indices) -> (file, line), for error messages.
Where = dict[tuple, tuple[str, int | None]]

#: HiGHS reads any magnitude >= 1e20 as infinite: a finite figure must stay below it.
MAX_NUMBER = 1e20
#: Aliases may repeat a node, but the expanded document may hold at most this many nodes
#: beyond ten times the nodes written out (anchors for shared defaults stay fine).
ALIAS_SLACK = 10_000
NULL_HINT = ("no value (empty, null or ~); give a number, true/false or text — to remove a "
             "bound on purpose write `unbounded`")


def number_problem(value: Any) -> str | None:
    """Why a parsed number cannot be a plan figure, or None if it can."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if abs(value) >= MAX_NUMBER:
        return f"{excerpt(value, 24)} is too large (the solver treats 1e20 and above as infinite)"
    return None


def _expanded_size(node: Any, memo: dict[int, int], stack: set[int]) -> int:
    """Nodes the document holds once every alias is expanded, counted without expanding."""
    if not isinstance(node, dict | list):
        return 1
    key = id(node)
    if key in memo:
        return memo[key]
    if key in stack:  # a recursive alias: infinite
        return math.inf  # type: ignore[return-value]
    stack.add(key)
    children = node.values() if isinstance(node, dict) else node
    total = 1 + sum(_expanded_size(c, memo, stack) for c in children)
    stack.discard(key)
    memo[key] = total
    return total


def _check_aliases(node: Any, file: str) -> None:
    memo: dict[int, int] = {}
    expanded = _expanded_size(node, memo, set())
    distinct = len(memo) + 1
    if expanded > 10 * distinct + ALIAS_SLACK:
        size = "infinitely many" if math.isinf(expanded) else f"{expanded:,}"
        raise InputError.one(f"aliases expand to {size} nodes from {distinct:,} written; "
                             "refused (an alias bomb or a recursive alias)", file=file)


def _plain(node: Any, file: str, path: tuple, where: Where, problems: list[Problem],
           nulls: bool) -> Any:
    """Turn ruamel's containers into dicts/lists, recording the line of every key."""
    if isinstance(node, CommentedMap):
        out = {}
        for k, v in node.items():
            line = None
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.key(k)[0] + 1
            where[(*path, str(k))] = (file, line)
            key = ".".join(map(str, (*path, k)))
            if v is None and not nulls:
                problems.append(Problem(NULL_HINT, file, key, line))
            out[str(k)] = _plain(v, file, (*path, str(k)), where, problems, nulls)
            if (why := number_problem(v)) is not None:
                problems.append(Problem(why, file, key, line))
        return out
    if isinstance(node, CommentedSeq | list):
        out_l = []
        for i, v in enumerate(node):
            line = None
            with contextlib.suppress(KeyError, TypeError, AttributeError, IndexError):
                line = node.lc.item(i)[0] + 1
            where[(*path, i)] = (file, line)
            key = ".".join(map(str, path)) + f"[{i}]"
            if v is None and not nulls:
                problems.append(Problem(NULL_HINT, file, key, line))
            if (why := number_problem(v)) is not None:
                problems.append(Problem(why, file, key, line))
            out_l.append(_plain(v, file, (*path, i), where, problems, nulls))
        return out_l
    if isinstance(node, dict):
        out_d = {}
        for k, v in node.items():
            key = ".".join(map(str, (*path, k)))
            if v is None and not nulls:
                problems.append(Problem(NULL_HINT, file, key))
            if (why := number_problem(v)) is not None:
                problems.append(Problem(why, file, key))
            out_d[str(k)] = _plain(v, file, (*path, str(k)), where, problems, nulls)
        return out_d
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _load(text: str, shown: str) -> Any:
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    try:
        return yaml.load(text)
    except MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        msg = f"YAML syntax error: {e.problem or e.context}"
        raise InputError.one(msg, file=shown, line=line) from None
    except YAMLError as e:
        raise InputError.one(f"YAML error: {type(e).__name__}", file=shown) from None
    except ValueError as e:  # e.g. an integer of thousands of digits
        raise InputError.one(f"a value cannot be read: {excerpt(str(e), 80)}",
                             file=shown) from None
    except RecursionError:
        raise InputError.one("nested too deeply", file=shown) from None


def read_yaml(path: Path, where: Where | None = None, *, nulls: bool = True,
              problems: list[Problem] | None = None) -> Any:
    """Read one YAML file safely (no object construction); errors name the file and line.

    `nulls=False` (scenarios, instances): a key without a value is an error, never "unset".
    Every problem of the file's values is reported at once — raised, or appended to
    `problems` when the caller has more of the file to check.
    """
    shown = str(path)
    node = _load(read_text(Path(path)), shown)
    _check_aliases(node, shown)
    found: list[Problem] = []
    out = _plain(node, shown, (), where if where is not None else {}, found, nulls)
    if (why := number_problem(node)) is not None:
        found.append(Problem(why, shown))
    if problems is not None:
        problems.extend(found)
    elif found:
        raise InputError(found)
    return out


def parse_scalar(text: str, origin: str = "--set") -> Any:
    """Parse a `--set` value the way YAML 1.2 would (numbers, booleans, {min: .., max: ..}).

    Text that is not YAML stays text; empty, null and ~ are refused (a value is never
    absent by accident), and so are numbers that are not finite or beyond the solver's range.
    """
    if len(text) > 10_000:
        raise InputError.one("value is longer than 10,000 characters", file=origin)
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        value = yaml.load(text)
    except YAMLError:
        return text
    except ValueError as e:  # an integer of thousands of digits
        raise InputError.one(f"a value cannot be read: {excerpt(str(e), 80)}",
                             file=origin) from None
    except RecursionError:
        raise InputError.one("nested too deeply", file=origin) from None
    if value is None:
        raise InputError.one(NULL_HINT, file=origin)
    _check_aliases(value, origin)
    problems: list[Problem] = []
    out = _plain(value, origin, (), {}, problems, False)
    if (why := number_problem(value)) is not None:
        problems.append(Problem(why, origin))
    if problems:
        raise InputError(problems)
    return out
