"""`landalloc export`: the period's LP as an MPS or LP file, for any solver."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import OnePeriodOpt, SetOpt
from landalloc.errors import InputError


def export_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or scenario YAML file")] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="FILE", help="The model FILE to write (.mps or .lp)")] = ...,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="mps or lp (default: from the --out suffix)")] = None,
    period: OnePeriodOpt = None,
    set_: SetOpt = None,
    minimise: Annotated[bool, typer.Option(
        "--minimise", help="Write 'minimise -output' instead of 'maximise output', for "
                           "readers that ignore the MPS OBJSENSE section (e.g. CBC 2.10)")]
        = False,
) -> None:
    """Write the linear program, with the plan's names, as an MPS or LP file.

    Rows are named as the rules are (district_cap[airport], sector_quota[electronics]),
    columns as the cells (x[electronics,airport]). The LP format does not allow square
    brackets: there the names read district_cap(airport), x(electronics,airport).
    The objective is the projected output in the instance's unit, maximised.
    """
    from landalloc.problem.build import load_problem
    from landalloc.solver.model_file import format_of, write_model

    try:
        kind = format_of(out, fmt)
    except ValueError as e:
        raise InputError.one(str(e), file=str(out), key="--format") from None
    from landalloc.analysis.linked import refuse_linked

    refuse_linked(path, period, "export")
    lp = load_problem(path, period, set_ or []).lp
    write_model(lp, out, kind, minimise=minimise)
    typer.echo(f"wrote {out} ({kind.upper()}, {lp.num_col} columns, {lp.num_row} rows, "
               f"{'minimise -output' if minimise else 'maximise output'})", err=True)


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)
