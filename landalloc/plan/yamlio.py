"""Safe YAML 1.2 reading that keeps line numbers, so messages can point at the line.

Only data comes in: PyYAML (libyaml where built) composes the node tree and this module
builds plain dicts, lists and scalars from it, resolving plain scalars by the YAML 1.2 core
schema (`yes`, `on` and `1_000` stay text). No object construction, a size limit on the
file (safefile), a limit on how far aliases may expand (an alias bomb is refused before it
is expanded), duplicate keys refused, numbers finite and below the solver's infinity, and
nulls refused where a file must give a value.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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

_TAG = "tag:yaml.org,2002:"
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True,
          "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_NO = object()  # "does not match"


class _Refused(Exception):
    """A document that parses but is not plain data we accept (message, 1-based line)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


_PARSER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _Composer(_PARSER):  # type: ignore[misc, valid-type]
    """PyYAML's composer with its YAML 1.1 resolver switched off: an untagged plain
    scalar keeps tag None (resolved later by the 1.2 core schema), a quoted one is text."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str | None:
        if kind is ScalarNode:
            return None if implicit[0] else _TAG + "str"
        return _TAG + ("seq" if kind is SequenceNode else "map")


def _null(text: str) -> Any:
    return None if text in _NULLS else _NO


def _bool(text: str) -> Any:
    return _BOOLS.get(text, _NO)


def _int(text: str) -> Any:
    if _INT.fullmatch(text):
        return int(text)  # ValueError beyond Python's 4,300 digits
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    return _NO


def _float(text: str) -> Any:
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text[0] == "-" else math.inf
    return math.nan if _NAN.fullmatch(text) else _NO


_EXPLICIT = {_TAG + "null": _null, _TAG + "bool": _bool, _TAG + "int": _int,
             _TAG + "float": _float}


def _scalar(node: ScalarNode) -> Any:
    """The value of a scalar: by the core schema if plain and untagged, else by its tag."""
    text = node.value
    if node.tag is None:
        for kind in (_null, _bool, _int, _float):
            if (value := kind(text)) is not _NO:
                return value
        return text
    if node.tag == _TAG + "str":
        return text
    if node.tag not in _EXPLICIT:
        raise _Refused(f"tag {excerpt(node.tag, 40)} is not supported (only !!str, !!int, "
                       "!!float, !!bool, !!null)", node.start_mark.line + 1)
    if (value := _EXPLICIT[node.tag](text)) is _NO:
        raise _Refused(f"{excerpt(text, 40)} is not a valid !!{node.tag[len(_TAG):]}",
                       node.start_mark.line + 1)
    return value


def number_problem(value: Any) -> str | None:
    """Why a parsed number cannot be a plan figure, or None if it can."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if abs(value) >= MAX_NUMBER:
        try:
            shown = excerpt(value, 24)
        except ValueError:  # an integer too long for str() (e.g. thousands of hex digits)
            shown = "a number of thousands of digits"
        return f"{shown} is too large (the solver treats 1e20 and above as infinite)"
    return None


def _children(node: Any) -> Any:
    """A container's values (dict/list, or YAML node); None for a scalar."""
    if isinstance(node, dict):
        return node.values()
    if isinstance(node, list):
        return node
    if isinstance(node, MappingNode):
        return [v for _, v in node.value]
    if isinstance(node, SequenceNode):
        return node.value
    return None


def _expanded_size(node: Any, memo: dict[int, int], stack: set[int]) -> int:
    """Nodes the document holds once every alias is expanded, counted without expanding
    (an alias is the very node it names, so each distinct node is counted once)."""
    children = _children(node)
    if children is None:
        return 1
    key = id(node)
    if key in memo:
        return memo[key]
    if key in stack:  # a recursive alias: infinite
        return math.inf  # type: ignore[return-value]
    stack.add(key)
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


def _is_merge(key: Node) -> bool:
    return isinstance(key, ScalarNode) and (
        (key.tag is None and key.value == "<<") or key.tag == _TAG + "merge")


def _entries(node: MappingNode) -> list[tuple[str, int, Node]]:
    """(key, line, value node) of a mapping, merge keys `<<` applied as ruamel.yaml did:
    own keys first, then keys of the merged mappings not yet present (first source wins)."""
    own: list[tuple[str, int, Node]] = []
    merged: list[tuple[str, int, Node]] | None = None
    seen: set[str] = set()
    for k, v in node.value:
        line = k.start_mark.line + 1
        if _is_merge(k):
            if merged is not None:
                raise _Refused("duplicate merge key '<<'", line)
            merged = []
            sources = v.value if isinstance(v, SequenceNode) else [v]
            if not sources or not all(isinstance(s, MappingNode) for s in sources):
                raise _Refused("a merge key '<<' takes a mapping or a list of mappings", line)
            for s in sources:
                merged.extend(_entries(s))
            continue
        if not isinstance(k, ScalarNode):
            raise _Refused("a key must be a single value, not a list or mapping", line)
        key = str(_scalar(k))
        if key in seen:
            raise _Refused(f"duplicate key {excerpt(key, 40)}", line)
        seen.add(key)
        own.append((key, line, v))
    for key, line, v in merged or ():
        if key not in seen:
            seen.add(key)
            own.append((key, line, v))
    return own


def _note(value: Any, nulls: bool, problems: list[Problem], *where: Any) -> None:
    """A null (where refused) or a number no plan figure can be, at (file, key, line)."""
    if value is None and not nulls:
        problems.append(Problem(NULL_HINT, *where))
    if (why := number_problem(value)) is not None:
        problems.append(Problem(why, *where))


def _plain(node: Node, file: str, path: tuple, where: Where, problems: list[Problem],
           nulls: bool) -> Any:
    """Build dicts, lists and scalars from the node tree, recording the line of every key
    and item, and noting nulls (when refused) and numbers no plan figure can be."""
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, MappingNode):
        if node.tag != _TAG + "map":
            raise _Refused(f"tag {excerpt(node.tag, 40)} is not supported on a mapping",
                           node.start_mark.line + 1)
        out: dict[str, Any] = {}
        for k, line, v in _entries(node):
            key = ".".join(map(str, (*path, k)))
            where[(*path, k)] = (file, line)
            out[k] = _plain(v, file, (*path, k), where, problems, nulls)
            _note(out[k], nulls, problems, file, key, line)
        return out
    if node.tag != _TAG + "seq":
        raise _Refused(f"tag {excerpt(node.tag, 40)} is not supported on a list",
                       node.start_mark.line + 1)
    out_l = []
    for i, v in enumerate(node.value):
        line = v.start_mark.line + 1
        where[(*path, i)] = (file, line)
        key = ".".join(map(str, path)) + f"[{i}]"
        out_l.append(_plain(v, file, (*path, i), where, problems, nulls))
        _note(out_l[-1], nulls, problems, file, key, line)
    return out_l


def _compose(text: str) -> Node | None:
    loader = _Composer(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _syntax_error(e: yaml.MarkedYAMLError, shown: str) -> InputError:
    line = e.problem_mark.line + 1 if e.problem_mark else None
    problem = e.problem or e.context or ""
    if e.problem and e.context and not e.context.startswith("while "):  # one sentence
        at = f" (line {e.context_mark.line + 1})" if e.context_mark else ""
        problem = f"{e.context}{at}, {e.problem}"
    if "nesting depth" in problem:  # libyaml's own limit
        return InputError.one("nested too deeply", file=shown, line=line)
    return InputError.one(f"YAML syntax error: {problem}", file=shown, line=line)


def read_yaml(path: Path, where: Where | None = None, *, nulls: bool = True,
              problems: list[Problem] | None = None) -> Any:
    """Read one YAML file safely (no object construction); errors name the file and line.

    `nulls=False` (scenarios, instances): a key without a value is an error, never "unset".
    Every problem of the file's values is reported at once — raised, or appended to
    `problems` when the caller has more of the file to check.
    """
    shown = str(path)
    text = read_text(Path(path))
    found: list[Problem] = []
    try:
        node = _compose(text)
        if node is None:  # an empty file
            return None
        _check_aliases(node, shown)
        out = _plain(node, shown, (), where if where is not None else {}, found, nulls)
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, shown) from None
    except yaml.YAMLError as e:
        raise InputError.one(f"YAML error: {type(e).__name__}", file=shown) from None
    except _Refused as e:
        raise InputError.one(e.message, file=shown, line=e.line) from None
    except ValueError as e:  # e.g. an integer of thousands of digits
        raise InputError.one(f"a value cannot be read: {excerpt(str(e), 80)}",
                             file=shown) from None
    except RecursionError:
        raise InputError.one("nested too deeply", file=shown) from None
    if (why := number_problem(out)) is not None:
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
    problems: list[Problem] = []
    try:
        node = _compose(text)
        if node is not None:
            _check_aliases(node, origin)
        value = None if node is None else _plain(node, origin, (), {}, problems, False)
    except yaml.MarkedYAMLError as e:
        if "nesting depth" in (e.problem or ""):
            raise InputError.one("nested too deeply", file=origin) from None
        return text  # not YAML: it is text
    except (yaml.YAMLError, _Refused, UnicodeEncodeError):  # not plain data: it is text
        return text
    except ValueError as e:  # an integer of thousands of digits
        raise InputError.one(f"a value cannot be read: {excerpt(str(e), 80)}",
                             file=origin) from None
    except RecursionError:
        raise InputError.one("nested too deeply", file=origin) from None
    if value is None:
        raise InputError.one(NULL_HINT, file=origin)
    if (why := number_problem(value)) is not None:
        problems.append(Problem(why, origin))
    if problems:
        raise InputError(problems)
    return value
