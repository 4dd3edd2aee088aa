"""Screens at the widths people use: a block meant to be pasted survives being pasted, and
no figure or row name is cut."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

import landalloc
from landalloc.cli.app import app

runner = CliRunner()


def screen(args: list[str], columns: int = 80) -> tuple[int, str]:
    """A command's exit code and its screen at `columns` wide."""
    r = runner.invoke(app, args, env={"COLUMNS": str(columns)})
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r.exit_code, r.output


def set_block(text: str) -> str:
    """The `set:` block of a screen, as a person would select it: from `set:` to the
    first line that is not indented under it."""
    lines = text.splitlines()
    start = lines.index("set:")
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return "\n".join(block) + "\n"


# ---------------------------------------------------------------- pasted blocks


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_the_repair_block_pasted_at_80_columns_solves(tmp_path: Path, lang: str):
    """Other industries at 1,500 ha against the leading six's 83.3 % share: the repair's
    line (path, value and what it changes) is longer than 80 columns; pasted into a
    scenario that extends the broken one, it loads and solves."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nextends: zhengzhou\nset:\n  sectors.other.quota: 1500\n",
                   encoding="utf-8")
    code, out = screen(["diagnose", str(bad), "--relax", "groups", "--lang", lang])
    assert code == 3
    block = set_block(out)
    assert max(len(line) for line in block.splitlines()) > 80  # the case that wrapped
    assert "sector_groups.leading_six.share.min: 0.75" in block
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("name: fixed\nextends: bad.yaml\n" + block, encoding="utf-8")
    r = landalloc.solve(str(fixed))
    assert r.status == "optimal"
    assert r.instance.sector_groups["leading_six"].share.min == pytest.approx(0.75)


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_the_explain_block_pasted_at_80_columns_loads(tmp_path: Path, lang: str):
    """explain's smallest change of rules for 1,200 ha of electronics in 航空港区, pasted
    into a scenario: the cap it names is the one the scenario gets, and it solves."""
    code, out = screen(["explain", "electronics", "airport", "--target", "1200",
                        "--slack", "0.02", "--lang", lang])
    assert code == 0
    block = set_block(out)
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("name: fixed\nextends: zhengzhou\n" + block, encoding="utf-8")
    r = landalloc.solve(str(fixed))
    assert r.status == "optimal"
    # every named base keeps its 10 ha (an assumption), so the least repair gives the cap
    # 20 ha more than 1,200 (tests/test_alternatives.py)
    assert r.instance.districts["airport"].cap.max == pytest.approx(1220)


# ---------------------------------------------------------------- nothing cut

SWEEP = ["--param", "districts.airport.cap", "--from", "900", "--to", "1500", "--steps", "5"]
COMMANDS = {"solve": ["solve"], "tornado": ["tornado"], "sweep": ["sweep", *SWEEP],
            "tradeoff": ["tradeoff", "--points", "4"], "ranges": ["ranges"],
            "sensitivity": ["sensitivity"], "linked": ["solve", "--period", "all"]}


def number(v: float, digits: int, sign: bool = False) -> str:
    """A figure as the screens print it (never "-0")."""
    if abs(v) < 0.5 * 10 ** -digits:
        v = 0.0
    return f"{v:+,.{digits}f}" if sign else f"{v:,.{digits}f}"


def figures(command: str, doc: dict) -> list[str]:
    """Every figure of the command's --json document that its screen shows, printed as
    the screen prints it."""
    out: list[str] = []
    if command == "solve":
        out.append(number(doc["objective"], 1))
        out += [number(a["hectares"], 0) for a in doc["allocation"]]
        out += [number(v, 0) for kind in doc["totals"].values() for v in kind.values()]
        for r in doc["rules"]:
            if not r["binding"]:
                continue
            out.append(number(r["activity"], 0))
            if r["price_unique"] and r["dual"] is not None:
                out.append(number(r["dual"], 4))
            out += [number(r[k], 4, sign=True) for k in ("value_one_more_ha",
                                                          "value_one_less_ha")
                    if r[k] is not None]
    elif command == "tornado":
        for r in doc["rules"]:
            out += [number(r[k], 2) for k in ("change_low", "change_high", "swing")
                    if r[k] is not None]
    elif command == "sweep":
        for p in doc["points"]:
            out.append(number(p["districts.airport.cap"], 1))
            if p["objective"] is not None:
                out += [number(p["objective"], 3),
                        number(p["marginal[districts.airport.cap]"], 4)]
    elif command == "tradeoff":
        for p in doc["points"]:
            out += [number(p["objective"], 2), number(p["plan_fit"], 0)]
            if p["output_per_plan_fit_point"] is not None:
                out.append(number(p["output_per_plan_fit_point"], 4))
    elif command == "ranges":
        out += [number(c[k], 0) for c in doc["cells"] for k in ("hectares", "min", "max")]
    elif command == "linked":  # the periods side by side, and over the horizon
        out.append(number(doc["objective"], 1))
        tables = [doc["horizon_totals"], *(p["totals"] for p in doc["periods"].values())]
        out += [number(v, 0) for t in tables for kind in t.values() for v in kind.values()
                if v >= 0.05]
    elif command == "sensitivity":
        for r in doc["rules"]:
            out += [number(r[k], 1) for k in ("activity", "range_lower", "range_upper")
                    if r[k] is not None]
            out += [number(r[k], 4) for k in ("value_one_more_ha", "value_one_less_ha")
                    if r[k] is not None]
            if r["price_unique"] and r["shadow_price"] is not None:
                out.append(number(r["shadow_price"], 4))
        for c in doc["cells"]:
            if c["allowed"] and c["hectares"] > 0:
                out += [number(c["hectares"], 1), number(c["output_per_ha"], 4),
                        number(c["reduced_cost"], 4)]
    assert out, command
    return out


def row_names(command: str, doc: dict, lang: str) -> list[str]:
    """The ids (and, in Chinese, the labels) that name the screen's rows."""
    if command == "solve":
        rules = [r for r in doc["rules"] if r["binding"]]
        return [r["label"].split(" / ")[0] if lang == "zh" else r["name"] for r in rules]
    if command in ("tornado", "sensitivity"):
        return [r["label_zh"] if lang == "zh" else r["name"] for r in doc["rules"]]
    if command == "ranges" and lang != "zh":
        return sorted({c[k] for c in doc["cells"] for k in ("sector", "district")})
    if command == "sweep":  # the swept path heads its column
        return list(doc["params"])
    return []


def rows_missing(command: str, doc: dict, text: str) -> list[str]:
    """Rows (and headers) that do not read as one: the trade-off front's breakpoints each
    numbered on their row; a sweep's swept path heading its column and each value
    starting its row; solve's +1 and −1 each in a cell of its own."""
    if command == "tradeoff":
        return [f"{k} {p['objective']:,.2f}" for k, p in enumerate(doc["points"])
                if not re.search(rf"^ *{k} +{re.escape(number(p['objective'], 2))} ",
                                 text, re.M)]
    if command == "sweep":
        (path,) = doc["params"]
        heads = [] if re.search(rf"^ {re.escape(path)}  ", text, re.M) else [path]
        return heads + [number(p[path], 1) for p in doc["points"]
                        if not re.search(rf"^ +{re.escape(number(p[path], 1))}  ", text,
                                         re.M)]
    if command == "solve":
        return [line for line in text.splitlines()
                if re.search(r"(不可行|infeasible) / (不可行|infeasible) /", line)]
    return []


def whole(figure: str, text: str) -> bool:
    """`figure` is on the screen in one piece: not a part of a longer number and not
    broken across lines."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}(?![.,]?\d)", text) is not None


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    docs = {}
    for command, args in COMMANDS.items():
        code, out = screen([*args, "--json"])
        assert code == 0, out
        docs[command] = json.loads(out)
    return docs


@pytest.mark.parametrize("columns", [80, 140])
@pytest.mark.parametrize("lang", ["zh", "en", "both"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_figure_and_row_name_is_whole(documents, command, lang, columns):
    code, out = screen([*COMMANDS[command], "--lang", lang], columns)
    assert code == 0, out
    assert max(cell_len(line) for line in out.splitlines()) <= columns
    doc = documents[command]
    cut = [f for f in figures(command, doc) if not whole(f, out)]
    assert not cut, f"figures not whole on the {command} screen: {cut[:10]}"
    names = row_names(command, doc, lang)
    lost = [n for n in names if n not in out]
    assert not lost, f"row names not whole on the {command} screen: {lost[:10]}"
    rows = rows_missing(command, doc, out)
    assert not rows, f"rows without their name on the {command} screen: {rows}"
    if lang == "zh":  # no English word but the names the user gave (instance, path)
        typed = {"zhengzhou", *re.findall(r"[a-z]+", " ".join(COMMANDS[command]))}
        assert latin_words(out) <= LATIN_OK | typed, latin_words(out) - typed


# ---------------------------------------------------------------- Chinese drops nothing

#: Latin words a Chinese screen may show: the solver's name and the option a user types.
LATIN_OK = {"HiGHS", "Farkas", "set"}


def latin_words(text: str) -> set[str]:
    """Words of three or more Latin letters that are not part of an id, a path or a
    number (district_cap[airport], sectors.other.quota, --set)."""
    return set(re.findall(r"(?<![\w\-./\[])[A-Za-z]{3,}(?![\w\-./\]\[(])", text))


@pytest.mark.parametrize("sets,sentence,arithmetic", [
    (["zones.integration.total=0", "plan_fit.base_minimum.ha=0"],
     "本期新增工业用地至少 6,000 公顷，容纳不下：制造业高质量发展引领区 2,300 + "
     "制造业转型升级示范区 3,500 最多只能容纳 5,800 公顷。缺口 200 公顷。",
     "0 ≤ (2,300 + 3,500) − (6,000) = 5,800 − 6,000 = -200，不可能成立。"),
    (["sectors.other.quota=1500"],
     "各项下限合计 1,500 公顷（其他产业 1,500），超过 1,002 公顷，即本期总量 0.167 × "
     "6,000 公顷 中下述规则留给它们的部分。缺口 498 公顷。",
     "0 ≤ (0.167×6,000) − (1,500) = 1,002 − 1,500 = -498，不可能成立。"),
    (["districts.zhengdong.cap.min=150", "districts.jinshui.cap.min=100"],
     "缺口 50 公顷。", "= -50，不可能成立。"),
])
def test_diagnose_in_chinese_gives_the_arithmetic(sets, sentence, arithmetic):
    """--lang zh says what --lang en says — the conflict's sentence, the arithmetic that
    proves it, where each figure comes from — in Chinese, with the same figures."""
    args = ["diagnose", *[a for s in sets for a in ("--set", s)]]
    _, en = screen([*args, "--lang", "en"], 400)
    code, zh = screen([*args, "--lang", "zh"], 400)
    assert code == 3
    assert sentence in zh and arithmetic in zh
    doc = json.loads(screen([*args, "--json"])[1])
    assert len(doc["sentences_zh"]) == len(doc["sentences"])
    english_labels = [m["label"].split(" / ", 1)[-1] for m in doc["members"]]
    for en_s, zh_s in zip(doc["sentences"], doc["sentences_zh"], strict=True):
        for label in english_labels:  # a label's own words (share min 0.833) aside
            en_s = en_s.replace(label, "")
        figs = re.findall(r"\d[\d,.]*\d|\d", en_s)
        assert all(f in zh_s for f in figs), (en_s, zh_s)
    body = zh.split("\nset:\n")[0]  # the pasted block is YAML, its keys are ids
    assert latin_words(body) <= LATIN_OK, latin_words(body)
    assert "Adding the rules" in en and "Adding the rules" not in zh


@pytest.mark.parametrize("columns", [80, 140])
def test_solve_in_chinese_keeps_the_notes_and_the_plan_fit_by_role(documents, columns):
    """The notes on the optimum (degenerate, other allocations of equal output) and the
    plan fit by role are said in Chinese, with their figures, not left out."""
    doc = documents["solve"]
    _, zh = screen(["solve", "--lang", "zh"], columns)
    flat = "".join(zh.split())
    notes = " ".join(doc["notes"])  # the same figures as the English notes of --json
    basic = re.search(r"(\d+) basic variables sit on a bound", notes).group(1)
    cells = re.search(r"(\d+) unused cells have a zero reduced cost", notes).group(1)
    assert f"退化最优解：{basic}个基变量处于界上" in flat
    assert f"另有产出相同的分配：{cells}个未用地块的检验数为零" in flat
    fit = doc["plan_fit"]
    roles = {"core": "核心区", "cluster": "集群", "node": "节点", "zone_list": "片区名单"}
    assert f"规划契合度：{fit['score']:,.0f}" in flat
    for role, words in roles.items():
        assert f"{words}{fit['by_role'][role]:,.0f}" in flat, role
    assert latin_words(zh) <= LATIN_OK, latin_words(zh)
    assert "note:" not in zh


def test_diagnose_in_chinese_says_why_there_is_no_repair():
    """When the rules the repair may move cannot repair it, --lang zh says so in Chinese,
    naming the kind it was allowed to move."""
    args = ["diagnose", "--set", "zones.integration.total=0", "--relax", "allowed"]
    code, zh = screen([*args, "--lang", "zh"], 120)
    assert code == 3
    assert "只改动 允许布局 无法修复：请放开更多规则（--relax all）" in zh
    assert latin_words(zh) <= LATIN_OK | {"relax", "all"}, latin_words(zh)
