"""The YAML reader (PyYAML's composer, YAML 1.2 core schema) reads what the ruamel.yaml
round-trip reader it replaced read: the same values, key lines and problems; the few
differences are pinned here on purpose."""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landalloc.errors import InputError, Problem
from landalloc.plan import yamlio
from landalloc.plan.yamlio import NULL_HINT, Where, number_problem, parse_scalar, read_yaml

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.joinpath("instances").rglob("*.yaml"),
                *ROOT.joinpath("tests", "data").rglob("*.yaml")])


# ---- the reader this replaced: ruamel.yaml round-trip, YAML 1.2, turned into plain data

def _old_plain(node, path: tuple, where: Where, problems: list[Problem]):
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarbool import ScalarBoolean

    if isinstance(node, CommentedMap):
        out = {}
        for k, v in node.items():
            line = None
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.key(k)[0] + 1
            where[(*path, str(k))] = ("f", line)
            key = ".".join(map(str, (*path, k)))
            if v is None:
                problems.append(Problem(NULL_HINT, "f", key, line))
            out[str(k)] = _old_plain(v, (*path, str(k)), where, problems)
            if (why := number_problem(v)) is not None:
                problems.append(Problem(why, "f", key, line))
        return out
    if isinstance(node, CommentedSeq):
        out_l = []
        for i, v in enumerate(node):
            line = node.lc.item(i)[0] + 1
            where[(*path, i)] = ("f", line)
            key = ".".join(map(str, path)) + f"[{i}]"
            if v is None:
                problems.append(Problem(NULL_HINT, "f", key, line))
            if (why := number_problem(v)) is not None:
                problems.append(Problem(why, "f", key, line))
            out_l.append(_old_plain(v, (*path, i), where, problems))
        return out_l
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, ScalarBoolean):  # an anchored boolean: the old reader gave 1 or 0
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    raise AssertionError(f"not plain data: {node!r}")


def old_read(text: str) -> tuple:
    """(value, where, problems) as the ruamel.yaml reader gave them (nulls refused)."""
    from ruamel.yaml import YAML

    reader = YAML(typ="rt")
    reader.version = (1, 2)
    where: Where = {}
    problems: list[Problem] = []
    value = _old_plain(reader.load(text), (), where, problems)
    if (why := number_problem(value)) is not None:
        problems.append(Problem(why, "f"))
    return value, where, problems


def new_read(text: str, tmp: Path) -> tuple:
    f = tmp / "f"
    f.write_text(text, encoding="utf-8")
    where: Where = {}
    problems: list[Problem] = []
    value = read_yaml(f, where, nulls=False, problems=problems)
    return value, {k: ("f", line) for k, (_, line) in where.items()}, problems


def same(old: tuple, new: tuple) -> None:
    (v0, w0, p0), (v1, w1, p1) = old, new
    assert repr(v1) == repr(v0)  # repr: 1, 1.0 and True differ; nan equals nan
    assert w1 == w0
    assert [(p.message, p.key, p.line) for p in p1] == [(p.message, p.key, p.line) for p in p0]


# ---- generated documents

#: Plain scalars that YAML 1.1 and 1.2 read differently, or that look like numbers,
#: on which ruamel.yaml's 1.2 resolver and the core schema agree.
PLAIN = ["x", "hello world", "yes", "no", "on", "off", "y", "n", "Yes", "NO", "1:20", "0o17",
         "0x1F", "0x1f", "0o", "0x", "017", "08", "+12", "-5", "0", "-0", "1e3", "1E3",
         "1.5E+10", "1e-3", "1.", ".5", "-.5", "+.5", "3.25", "1e", "1e400", "1e20", "-1e21",
         ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", "null", "Null",
         "NULL", "~", "", "true", "True", "TRUE", "false", "False", "FALSE", "tRUE", "nULL",
         "2021-2025", "中文 文本", "a.b", "9" * 30, "unbounded"]
QUOTED = [*PLAIN, "a: b", "#x", "- x", "x, y", "[x]", " lead", "trail ", "it's"]
#: Keys whose text as read (str of the resolved value) is distinct, and whose values are
#: too (ruamel.yaml compared values: `1.0` and `true` were one key to it).
KEYS = ["a", "b", "name", "yes", "no", "on", "2021", "0.25", "1.50", "1e3", "0o17", "0x1F",
        "+12", "true", "null", ".inf", "中文", "a b", "'quoted'", '"2022"']
LINES = st.lists(st.sampled_from(["one", "two words", "", "  indented", "x: y", "# not"]),
                 min_size=1, max_size=3).filter(lambda ls: ls[0][:1].isalpha())

SCALAR = st.one_of(
    st.tuples(st.just("plain"), st.sampled_from(PLAIN)),
    st.tuples(st.just("single"), st.sampled_from(QUOTED)),
    st.tuples(st.just("double"), st.sampled_from([*QUOTED, "two\nlines", "tab\there"])),
    st.tuples(st.just("block"), st.tuples(st.sampled_from(["|", "|-", ">", ">-"]), LINES)),
    st.tuples(st.just("alias"), st.integers(0, 20)),
)
TREE = st.recursive(SCALAR, lambda kids: st.one_of(
    st.tuples(st.just("seq"), st.lists(kids, max_size=4)),
    st.tuples(st.just("map"), st.lists(st.tuples(st.sampled_from(KEYS), kids), max_size=4,
                                       unique_by=lambda kv: kv[0])),
), max_leaves=14)


class Render:
    """Writes a tree as YAML: block or flow style, anchors, aliases to earlier anchors,
    comments; `choices` decides each of these (so that Hypothesis can shrink them)."""

    def __init__(self, choices: list[int]) -> None:
        self.choices, self.i, self.count, self.defined = choices or [0], 0, 0, []

    def pick(self, n: int) -> int:
        self.i += 1
        return self.choices[self.i % len(self.choices)] % n

    def anchor(self) -> str:
        """An anchor for the next node, or "": aliases may name it once `done` is called."""
        if self.pick(4):
            return ""
        self.count += 1
        return f"&a{self.count} "

    def done(self, anchor: str) -> None:
        if anchor:  # after the node's children: never a recursive alias
            self.defined.append(anchor[1:].strip())

    def inline(self, node: tuple, flow: bool) -> str | None:
        """A scalar or a flow collection on one line; None for a block collection."""
        kind, body = node
        if kind == "alias":
            return f"*{self.defined[body % len(self.defined)]}" if self.defined else "x"
        if kind in ("block", "seq", "map") and not flow and (kind == "block" or (
                body and self.pick(2))):
            return None
        a = self.anchor()
        if kind == "plain":
            text = "~" if flow and body == "" else body
        elif kind == "single":
            text = "'" + body.replace("'", "''") + "'"
        elif kind in ("double", "block"):
            text = json.dumps(body if kind == "double" else "\n".join(body[1]),
                              ensure_ascii=False)
        elif kind == "seq":
            text = "[" + ", ".join(self.inline(c, True) for c in body) + "]"
        else:
            text = "{" + ", ".join(f"{k}: {self.inline(v, True)}" for k, v in body) + "}"
        self.done(a)
        return (a + text).rstrip()

    def block(self, node: tuple, indent: int) -> list[str]:
        """Lines of a block collection or block scalar's body, indented by `indent`."""
        kind, body = node
        pad = " " * indent
        if kind == "block":
            return [f"{pad}{ln}" if ln else "" for ln in body[1]] + (
                [""] if self.pick(3) == 0 else [])
        out = []
        for item in body:
            if self.pick(5) == 0:
                out.append(f"{pad}# a comment")
            head = f"{pad}- " if kind == "seq" else f"{pad}{item[0]}: "
            value = item if kind == "seq" else item[1]
            text = self.inline(value, False)
            if text is not None:
                comment = " # c" if text and self.pick(4) == 0 else ""
                out.append((head + text).rstrip() + comment)
                continue
            a = self.anchor()
            out.append((head + a + (value[1][0] if value[0] == "block" else "")).rstrip())
            out += self.block(value, indent + 2)
            self.done(a)
        return out

    def document(self, tree: tuple) -> str:
        if tree[0] in ("seq", "map") and tree[1] and self.pick(3):
            return "\n".join(["# top", *self.block(tree, 0), ""])
        return (self.inline(tree, True) or "x") + "\n"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tree=TREE, choices=st.lists(st.integers(0, 11), max_size=40))
def test_generated_documents_read_as_the_ruamel_reader_read_them(tree, choices, tmp_path):
    text = Render(choices).document(tree)
    same(old_read(text), new_read(text, tmp_path))


def test_the_generator_writes_what_it_should():
    """The property above sees anchors, aliases, comments, block scalars, both styles."""
    tree = ("map", [("a", ("seq", [("plain", "yes"), ("block", ("|", ["one"]))])),
                    ("b", ("map", [("x", ("alias", 0))])), ("c", ("seq", []))])
    texts = {Render([i, j]).document(tree) for i in range(12) for j in range(12)}
    joined = "\n".join(texts)
    for part in ("&a1", "*a1", "# a comment", " # c", "- |", "[", "{", "\n  - yes"):
        assert part in joined, part


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_reads_as_before(path, tmp_path):
    text = path.read_text("utf-8")
    same(old_read(text), new_read(text, tmp_path))


def test_the_pure_python_composer_reads_the_same(monkeypatch, tmp_path):
    """Without libyaml, PyYAML's own composer is used: the same values and lines."""
    texts = [p.read_text("utf-8") for p in FILES] + ["a: yes\nb: 0o17\n2021: [.inf, ~]\n"]
    with_c = [new_read(t, tmp_path) for t in texts]

    class Pure(yaml.SafeLoader):
        resolve = yamlio._Composer.resolve

    monkeypatch.setattr(yamlio, "_Composer", Pure)
    assert [new_read(t, tmp_path) for t in texts] == with_c
    with pytest.raises(InputError, match="nested too deeply"):
        read(tmp_path, "[" * 3000 + "]" * 3000)


# ---- hand-written cases

def read(tmp_path: Path, text: str, **kw) -> object:
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    return read_yaml(f, **kw)


def refused(tmp_path: Path, text: str) -> Problem:
    with pytest.raises(InputError) as e:
        read(tmp_path, text)
    (p,) = e.value.problems
    assert p.file and p.file.endswith("t.yaml")
    return p


def test_a_duplicate_key_names_its_line_and_key(tmp_path):
    p = refused(tmp_path, "a: 1\nb:\n  c: 2\n  c: 3\n")
    assert p.line == 4 and "duplicate key 'c'" in p.message
    p = refused(tmp_path, "x: {a: 1, b: 2,\n    a: 1}\n")
    assert p.line == 2 and "'a'" in p.message


def test_keys_that_read_as_one_text_are_duplicates(tmp_path):
    """`1` and `'1'` are both the key "1" once read (ruamel.yaml kept the last silently);
    keys are compared as read, not as values (ruamel.yaml refused `1.0` beside `true`)."""
    assert refused(tmp_path, "1: a\n'1': b\n").line == 2
    assert read(tmp_path, "1.0: a\ntrue: b\n") == {"1.0": "a", "True": "b"}  # 1.0 == True


def test_non_string_keys_are_the_text_of_their_value(tmp_path):
    text = "2021: a\n1.50: b\ntrue: c\nnull: d\n0x1F: e\n1e3: f\n.inf: g\n+12: h\n"
    assert read(tmp_path, text) == {"2021": "a", "1.5": "b", "True": "c", "None": "d",
                                    "31": "e", "1000.0": "f", "inf": "g", "12": "h"}
    assert read(tmp_path, text) == old_read(text)[0]


@pytest.mark.parametrize(("text", "value"), [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("1:20", "1:20"),
    ("0o17", 15), ("0x1F", 31), ("017", 17), ("+12", 12), ("1e3", 1000.0), ("1.", 1.0),
    ("+.5", 0.5), ("~", None), ("", None), ("Null", None), ("TRUE", True), ("False", False),
    ("tRUE", "tRUE"), ("'1'", "1"), ('"true"', "true"), ("! 12", 12),
    ("!!str 12", "12"), ("!!int '12'", 12), ("!!float 1", 1.0), ("!!bool 'true'", True),
    ("!!null ''", None), ("!!str", ""),
])
def test_scalars_by_the_core_schema(tmp_path, text, value):
    assert read(tmp_path, f"v: {text}\n") == {"v": value}


@pytest.mark.parametrize(("text", "value", "ruamel"), [
    ("1_000", "1_000", 1000), ("0b1", "0b1", 1), ("-0o17", "-0o17", -15),
    ("+0x1F", "+0x1F", 31), ("1_0.5", "1_0.5", 10.5), (".5e3", 500.0, ".5e3"),
    ("2001-01-01", "2001-01-01", "date"),
])
def test_where_the_core_schema_differs_from_ruamel(tmp_path, text, value, ruamel):
    """On purpose: the YAML 1.2 core schema, not ruamel.yaml's wider 1.2 resolver."""
    assert read(tmp_path, f"v: {text}\n") == {"v": value}
    with contextlib.suppress(AssertionError):  # ruamel gave a date: not plain data
        assert old_read(f"v: {text}\n")[0] == {"v": ruamel}
        return
    assert ruamel == "date"


def test_an_anchored_boolean_stays_a_boolean(tmp_path):
    """ruamel.yaml's reader turned `&x true` into 1 (its anchored booleans are ints)."""
    assert read(tmp_path, "a: &x true\nb: *x\n") == {"a": True, "b": True}


@pytest.mark.parametrize(("text", "why"), [
    ("v: !!binary aGk=", "tag"), ("v: !foo x", "tag"), ("v: !!set {a, b}", "tag"),
    ("v: !!bool yes", "not a valid !!bool"), ("v: !!int 1_000", "not a valid !!int"),
    ("v: !!null x", "not a valid !!null"), ("? [a, b]\n: x", "a key must be a single value"),
])
def test_other_tags_and_collection_keys_are_refused_at_their_line(tmp_path, text, why):
    p = refused(tmp_path, "a: 1\n" + text + "\n")
    assert p.line == 2 and why in p.message


def test_a_plan_figure_of_inf_is_refused(tmp_path):
    from landalloc.plan.loading import load

    for text in (".inf", "-.inf", ".nan", "1e400", "1e20"):
        f = tmp_path / "s.yaml"
        f.write_text(f"extends: zhengzhou\nset:\n  districts.airport.cap: {text}\n", "utf-8")
        with pytest.raises(InputError, match=r"finite|too large") as e:
            load(f)
        assert e.value.problems[0].line == 3


def test_a_recursive_alias_is_refused(tmp_path):
    for text in ("a: &a [*a]\n", "a: &a {b: [1, *a]}\n", "a: &a {<<: *a}\n"):
        assert "alias" in refused(tmp_path, text).message
    with pytest.raises(InputError, match="alias"):
        parse_scalar("&a [*a]")


def test_aliases_share_a_value_and_are_counted_without_expanding(tmp_path):
    doc = read(tmp_path, "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n")
    assert doc == {"a": [1, 2], "b": [1, 2], "c": [[1, 2], [1, 2]]}
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert "alias bomb" in refused(tmp_path, "\n".join(lines)).message


def test_a_syntax_error_names_its_line(tmp_path):
    p = refused(tmp_path, "a: 1\nb: 2\nc: [1, 2\nd: 4\n")
    assert p.line is not None and p.line >= 3 and "YAML syntax error" in p.message
    p = refused(tmp_path, "a: 1\nb: 2\n  c: 3\n")
    assert p.line == 3 and "YAML syntax error" in p.message
    p = refused(tmp_path, "a: 1\n---\nb: 2\n")  # one document per file
    assert p.line == 2 and "single document" in p.message
    p = refused(tmp_path, "a: 1\nb: *nowhere\n")
    assert p.line == 2 and "undefined alias" in p.message


def test_a_redefined_anchor_is_refused_at_its_line(tmp_path):
    """PyYAML refuses it (ruamel.yaml warned and used the last definition)."""
    p = refused(tmp_path, "a: &x 1\nb: &x 2\nc: *x\n")
    assert p.line == 2 and "duplicate anchor" in p.message


def test_merge_keys_as_ruamel_applied_them(tmp_path):
    """`<<` merges: the mapping's own keys first, then the merged ones (the first source
    wins); a merged key is cited at the line where the merged mapping writes it."""
    text = ("a: &a {x: 1, y: 1}\nb: &b {z: 1, x: 2}\n"
            "c:\n  <<: [*b, *a]\n  w: 0\n  y: 5\n")
    where: Where = {}
    doc = read(tmp_path, text, where=where)
    assert doc == old_read(text)[0]
    assert list(doc["c"].items()) == [("w", 0), ("y", 5), ("z", 1), ("x", 2)]
    assert where[("c", "z")][1] == 2 and where[("c", "y")][1] == 6
    assert read(tmp_path, "c: {'<<': 1}\n") == {"c": {"<<": 1}}  # quoted: an ordinary key
    for bad in ("c: {<<: 1}\n", "c: {<<: [1]}\n", "c: {<<: []}\n"):
        assert "merge key" in refused(tmp_path, bad).message
    assert "duplicate merge key" in refused(tmp_path, "a: &a {x: 1}\nc:\n  <<: *a\n"
                                                      "  <<: *a\n").message


def test_nulls_when_refused_and_when_allowed(tmp_path):
    assert read(tmp_path, "a:\nb: [~, null]\n") == {"a": None, "b": [None, None]}
    with pytest.raises(InputError) as e:
        read(tmp_path, "a:\nb:\n  - 1\n  - ~\n", nulls=False)
    assert [(p.key, p.line) for p in e.value.problems] == [("a", 1), ("b[1]", 4)]


def test_long_numbers_are_messages(tmp_path):
    p = refused(tmp_path, "a: " + "9" * 5000 + "\n")
    assert "cannot be read" in p.message
    p = refused(tmp_path, "a: 0x" + "f" * 5000 + "\n")
    assert "too large" in p.message
    assert read(tmp_path, "a: 1e19\n") == {"a": 1e19}


def test_nested_too_deeply(tmp_path):
    assert "nested too deeply" in refused(tmp_path, "[" * 3000 + "]" * 3000).message
    assert "nested too deeply" in refused(tmp_path, "- " * 3000 + "x").message
    with pytest.raises(InputError, match="nested too deeply"):
        parse_scalar("[" * 3000)


def test_an_empty_file_is_none(tmp_path):
    assert read(tmp_path, "") is None and read(tmp_path, "# only a comment\n") is None


def test_parse_scalar_reads_yaml_and_leaves_other_text_alone():
    assert parse_scalar("1200") == 1200 and parse_scalar("yes") == "yes"
    assert parse_scalar("0o17") == 15 and parse_scalar("1_000") == "1_000"
    assert parse_scalar("{min: 1, max: 2.5}") == {"min": 1, "max": 2.5}
    for text in ("[1, 2", "!foo", "a\x07", "a\udc80", "{a: 1, a: 2}", ": x"):
        assert parse_scalar(text) == text
    for text in ("", "~", "null"):
        with pytest.raises(InputError, match="no value"):
            parse_scalar(text)
    with pytest.raises(InputError, match="finite"):
        parse_scalar(".inf")
    assert math.isclose(parse_scalar("-1e19"), -1e19)


def test_loading_the_plan_does_not_import_ruamel():
    import subprocess
    import sys

    code = ("import sys, landalloc.plan.loading\n"
            "print(sorted(m for m in sys.modules if m.startswith('ruamel')))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert res.stdout.strip() == "[]"
