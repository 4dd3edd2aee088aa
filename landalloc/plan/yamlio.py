"""Safe YAML 1.2 reading that keeps line numbers, so messages can point at the line."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from landalloc.errors import InputError

#: key path (tuple of keys/indices) -> (file, line), for error messages.
Where = dict[tuple, tuple[str, int | None]]


def _plain(node: Any, file: str, path: tuple, where: Where) -> Any:
    """Turn ruamel's containers into dicts/lists, recording the line of every key."""
    if isinstance(node, CommentedMap):
        out = {}
        for k, v in node.items():
            line = None
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.key(k)[0] + 1
            where[(*path, str(k))] = (file, line)
            out[str(k)] = _plain(v, file, (*path, str(k)), where)
        return out
    if isinstance(node, CommentedSeq):
        out_l = []
        for i, v in enumerate(node):
            line = None
            with contextlib.suppress(KeyError, TypeError, AttributeError, IndexError):
                line = node.lc.item(i)[0] + 1
            where[(*path, i)] = (file, line)
            out_l.append(_plain(v, file, (*path, i), where))
        return out_l
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def read_yaml(path: Path, where: Where | None = None) -> Any:
    """Read one YAML file safely (no object construction); errors name the file and line."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.one("file not found", file=shown) from None
    except IsADirectoryError:
        raise InputError.one("is a directory, expected a YAML file", file=shown) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError.one(f"cannot read: {e}", file=shown) from None
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    try:
        node = yaml.load(text)
    except MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        msg = f"YAML syntax error: {e.problem or e.context}"
        raise InputError.one(msg, file=shown, line=line) from None
    except YAMLError as e:
        raise InputError.one(f"YAML error: {e}", file=shown) from None
    return _plain(node, shown, (), where if where is not None else {})


def parse_scalar(text: str) -> Any:
    """Parse a `--set` value the way YAML 1.2 would (numbers, booleans, {min: .., max: ..})."""
    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        value = yaml.load(text)
    except YAMLError:
        return text
    return _plain(value, "--set", (), {}) if value is not None else None
