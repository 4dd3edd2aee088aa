"""`landalloc forecast --lang zh|en|both`: Chinese only in zh, the answer first, and at 80 and
140 columns no line wider than the terminal and no number cut."""

from __future__ import annotations

import math

import pytest

from tests.test_handup import (
    WIDTHS,
    assert_fits,
    assert_whole,
    console,
    english_words,
    first_lines_have,
    text_of,
)


@pytest.fixture(scope="module")
def fc():
    from landalloc.analysis.forecast import run_forecast

    return run_forecast(None, [])


def screen(fc, width: int, lang: str) -> str:
    from landalloc.analysis.forecast import METHODS
    from landalloc.present.forecast_report import print_forecast

    c = console(width)
    print_forecast(fc, list(METHODS), c, lang=lang)
    return text_of(c)


def numbers(fc) -> list[str]:
    """Every figure the screen must show whole: each method's forecast and the plan's
    figure, the trend fits, each period's new land."""
    out = set()
    for m in fc.methods.values():
        out |= {f"{v:,.0f}" for v in m.totals.values()}
        out |= {f"{p[0]:,.0f}" for p in m.plan.values() if not math.isnan(p[0])}
    out |= {f"{v:,.0f}" for v in fc.final.values()}
    for f in fc.trend_fits.values():
        out |= {f"{f.r2:,.4f}", f"{f.r2_adjusted:,.4f}"}
    out |= {f"{v:,.0f}" for v in fc.increments.values()}
    return sorted(out)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_forecast_screen_fits_and_shows_every_number(fc, width, lang):
    text = screen(fc, width, lang)
    assert_fits(text, width)
    assert_whole(text, numbers(fc))
    last = max(fc.final)
    first_lines_have(text, f"{fc.final[last]:,.0f}", 2)  # the answer first


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_zh_is_chinese_only(fc, width):
    text = screen(fc, width, "zh")
    assert not english_words(text), english_words(text)
    assert "产值预测法" in text and "各期新增工业用地" in text
    en = screen(fc, width, "en")
    assert english_words(en)  # the word check does see English where there is some
    assert "Output-value method: total industrial land (ha)" in en


def test_forecast_cli_lang():
    import os
    import subprocess
    import sys

    def run(*args):
        return subprocess.run([sys.executable, "-m", "landalloc", "forecast", *args],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "COLUMNS": "100"})

    bad = run("--lang", "fr")
    assert bad.returncode == 2 and "--lang" in bad.stderr and "Traceback" not in bad.stderr
    ok = run("--lang", "zh")
    assert ok.returncode == 0, ok.stderr
    assert not english_words(ok.stdout) and "产值预测法" in ok.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_forecast_zh_gives_every_note_in_chinese(fc, width):
    """Each note on how a method differs from the plan is on the zh screen, in Chinese,
    with the English note's figures; none is left to --lang en."""
    import re

    zh, en = screen(fc, width, "zh"), screen(fc, width, "en")
    assert "--lang en" not in zh
    assert zh.count("•") == en.count("•") > 0
    flat = "".join(zh.split())
    for m in fc.methods.values():
        assert len(m.explanations_zh) == len(m.explanations) > 0
        for note in m.explanations:
            for fig in re.findall(r"[-+]?\d[\d,.]*\d|\d", note):
                assert fig in flat, (fig, note)
