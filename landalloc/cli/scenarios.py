"""`landalloc scenarios grid|sample` write scenario sets; `landalloc schema` the JSON Schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from landalloc.cli.common import PeriodOpt, within
from landalloc.errors import InputError
from landalloc.plan.choices import MAX_SCENARIO_FILES as MAX_FILES
from landalloc.plan.choices import MAX_SCENARIOS

scenarios_app = typer.Typer(
    help="Write scenario sets for `landalloc batch`: a grid of values or Monte Carlo draws.",
    no_args_is_help=True)

BaseOpt = Annotated[str, typer.Option(
    "--base", help="What every scenario extends: an instance (zhengzhou) or a scenario file")]
OutOpt = Annotated[Path, typer.Option(
    "--out", "-o", metavar="DIR|FILE",
    help="A folder DIR (one YAML file per scenario) or a .parquet/.csv FILE (one compact "
         "override table, for very large sets)")]
PrefixOpt = Annotated[str | None, typer.Option(
    "--name", help="Scenario name prefix (default: grid / sample)")]


@scenarios_app.command("grid")
def grid_cmd(
    param: Annotated[list[str], typer.Option(
        "--param", "-P", help="PATH=V1,V2,... or PATH=START:STOP:STEP (stop included), "
                              "repeatable, e.g. districts.airport.cap=1100:1500:100; at "
                              f"most {MAX_SCENARIOS:,} scenarios in all ({MAX_FILES:,} as "
                              "files)")],
    out: OutOpt,
    base: BaseOpt = "zhengzhou",
    period: PeriodOpt = None,
    name: PrefixOpt = None,
) -> None:
    """Every combination of the given values (the Cartesian product), one scenario each."""
    from landalloc.plan.generate import grid, grid_size, write_set

    size = grid_size(param)
    if size > MAX_SCENARIOS:
        raise InputError.one(f"{size:,} scenarios: at most {MAX_SCENARIOS:,} in one set",
                             file="--param")
    if size > MAX_FILES and out.suffix not in (".parquet", ".csv"):
        raise InputError.one(f"{size:,} scenarios: write them as a .parquet table, not files",
                             file="--out")
    paths, rows = grid(param)
    desc = "grid over " + ", ".join(paths)
    n = write_set(out, base, period, "grid" if name is None else name, paths, rows,
                  desc)
    typer.echo(f"{n:,} scenarios -> {out}")


@scenarios_app.command("sample")
def sample_cmd(
    param: Annotated[list[str], typer.Option(
        "--param", "-P", help="PATH=uniform(LO,HI) | normal(MEAN,SD) | "
                              "triangular(LO,MODE,HI), repeatable")],
    out: OutOpt,
    n: Annotated[int, typer.Option(
        "-n", "--count", callback=within(1, MAX_SCENARIOS),
        help=f"Number of draws (1–{MAX_SCENARIOS:,}; above {MAX_FILES:,} only as a "
             ".parquet/.csv table)")] = 100,
    seed: Annotated[int, typer.Option(
        "--seed", callback=within(0, 2**32 - 1),
        help="Random seed, 0–4,294,967,295 (same seed, same set)")] = 0,
    decimals: Annotated[int | None, typer.Option(
        "--decimals", help="Round draws to this many decimals")] = None,
    base: BaseOpt = "zhengzhou",
    period: PeriodOpt = None,
    name: PrefixOpt = None,
) -> None:
    """N Monte Carlo draws, each parameter from its own distribution, seeded."""
    from landalloc.plan.generate import sample, write_set

    if n > MAX_FILES and out.suffix not in (".parquet", ".csv"):
        raise InputError.one(f"{n:,} scenarios: write them as a .parquet table, not files",
                             file="--out")
    paths, values = sample(param, n, seed, decimals)
    desc = f"Monte Carlo draw (seed {seed}): " + "; ".join(param)
    count = write_set(out, base, period, "sample" if name is None else name, paths,
                      values, desc)
    typer.echo(f"{count:,} scenarios -> {out}")


def schema_cmd(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="FILE",
        help="Write the schema to this FILE (e.g. instances/scenario.schema.json); default: "
             "print")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Exit 1 if --out differs from the current schema")] = False,
) -> None:
    """The JSON Schema of scenario files, for editors (autocomplete, typos flagged)."""
    from landalloc.atomic import atomic_write_text
    from landalloc.plan.scenario import schema

    text = json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            typer.echo(f"{out} is out of date: run landalloc schema --out {out}", err=True)
            raise typer.Exit(1)
        return
    atomic_write_text(out, text)


def register(app: typer.Typer) -> None:
    app.add_typer(scenarios_app, name="scenarios")
    app.command("schema")(schema_cmd)
