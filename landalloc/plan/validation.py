"""pydantic errors -> Problems that name the file, the line, the key path, expected and got."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from landalloc.errors import Problem
from landalloc.plan.safefile import excerpt
from landalloc.plan.yamlio import Where

#: pydantic's names for the BeforeValidator wrappers of bound types: not part of a key path.
_WRAPPERS = ("function-before[", "function-after[", "tagged-union[", "union[")


def _clean_loc(loc: tuple) -> tuple:
    out = []
    for x in loc:
        if isinstance(x, int):
            out.append(x)
            continue
        s = str(x)
        if s.startswith(_WRAPPERS) or s in ("literal['max_output']", "ObjectiveSpec"):
            continue
        out.append(s)
    return tuple(out)


def _unwrap(ann: Any) -> Any:
    """Optional[X], Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
        elif origin in (typing.Union, types.UnionType):
            ann = next(a for a in typing.get_args(ann) if a is not type(None))
        else:
            return ann


def known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys `model` accepts at a location (ids of dicts skipped), for 'unknown key'."""
    ann: Any = model
    parts = list(loc)
    while parts:
        ann = _unwrap(ann)
        if typing.get_origin(ann) in (dict, list):
            ann = typing.get_args(ann)[-1]
            parts.pop(0)
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            field = ann.model_fields.get(str(parts.pop(0)))
            if field is None:
                return []
            ann = field.annotation
        else:
            return []
    ann = _unwrap(ann)
    return list(ann.model_fields) if isinstance(ann, type) and issubclass(ann, BaseModel) else []


def problems_from(err: ValidationError, where: Where, fallback: str,
                  prefix: tuple = (), touched: Where | None = None,
                  model: type[BaseModel] | None = None) -> list[Problem]:
    """One Problem per pydantic error; the line is the deepest key path the YAML recorded.

    `touched` holds the key paths overrides changed: an error on a bound whose `max` an
    override set points at the override's line, not at the file the bound came from.
    """
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for e in err.errors():
        loc = (*prefix, *_clean_loc(tuple(e["loc"])))
        file, line = fallback, None
        for n in range(len(loc), 0, -1):
            if loc[:n] in where:
                file, line = where[loc[:n]]
                break
        for key_path, origin in (touched or {}).items():
            if loc and key_path[:len(loc)] == loc:
                file, line = origin
                break
        key = ".".join(str(x) if not isinstance(x, int) else f"[{x}]" for x in loc)
        key = key.replace(".[", "[") or None
        msg = e["msg"].removeprefix("Value error, ")
        if len(msg) > 300:
            msg = msg[:300] + "…"
        if e["type"] == "extra_forbidden":
            known = known_keys(model, loc[len(prefix):-1]) if model is not None else []
            msg = "unknown key" + (f" (expected one of: {', '.join(known)})" if known else "")
        elif e["type"] == "missing":
            msg = "required key is missing"
        elif "input" in e and e["type"] != "value_error":
            msg = f"expected: {msg.removeprefix('Input should be ')}; got {excerpt(e['input'])}"
        if (key, msg) in seen:  # a union reports the same problem once per branch
            continue
        seen.add((key, msg))
        problems.append(Problem(msg, file, key, line))
    return problems
