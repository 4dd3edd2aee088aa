"""`landalloc forecast` (the demand forecast of Annex 2) and `landalloc audit` (the arithmetic)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import LangOpt, print_json


class MethodChoice(str, Enum):  # noqa: UP042 (typer needs a str Enum)
    output = "output"
    quota = "quota"
    trend = "trend"
    all = "all"


def forecast_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or a forecast.yaml")] = None,
    method: Annotated[MethodChoice, typer.Option(
        "--method", "-m", help="Which method to show; all adds the final combination")]
        = MethodChoice.all,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", "-s", help="Change a forecast parameter PATH=VALUE, repeatable, e.g. "
                            "methods.output.growth.2025=8 or combine.anchor=mean")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write forecast.json, methods.csv, trend-fits.csv and trend.png here")]
        = None,
    lang: LangOpt = "both",
) -> None:
    """Forecast total industrial land by the plan's three methods (Annex 2 附件2).

    产值预测法 output-value (S = a·Q/T), 定额指标法 investment-quota (S = Σ a·b·G/D) and
    趋势预测法 trend (least-squares fits of yearly supply), each beside the plan's figures
    (Tables 2-1, 2-3, 2-4), and their combination into the final forecast (Table 2-5) and
    the new land of each period. Parameters the plan leaves out are calibrated to its own
    figures and reported.
    """
    from landalloc.analysis.forecast import METHODS, run_forecast
    from landalloc.present.answer import check_lang
    from landalloc.present.forecast_report import print_forecast, write_forecast

    lang = check_lang(lang)
    fc = run_forecast(path, set_ or [])
    chosen = list(METHODS) if method == MethodChoice.all else [method.value]
    if out is not None:
        write_forecast(out, fc, chosen)
    if as_json:
        doc = fc.to_dict()
        doc["methods"] = {k: v for k, v in doc["methods"].items() if k in chosen}
        print_json(doc)
    else:
        print_forecast(fc, chosen, lang=lang)


def audit_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or a plan-figures.yaml")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document")] = False,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Also list the checks that hold")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 when an inconsistency is found")] = False,
    lang: LangOpt = "both",
) -> None:
    """Check the plan's own arithmetic: table rows against totals, shares against their
    bases, growth rates against levels, text against tables, periods against each other,
    forecast tables against their inputs. Rounding within half a unit of the last printed
    digit is never reported.
    """
    from landalloc.analysis.audit import audit
    from landalloc.present.audit_report import print_audit

    report = audit(path)
    if as_json:
        print_json(report.to_dict(show_all))
    else:
        from landalloc.present.answer import check_lang

        print_audit(report, show_all, lang=check_lang(lang))
    if strict and report.findings:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_cmd)
    app.command("audit")(audit_cmd)

