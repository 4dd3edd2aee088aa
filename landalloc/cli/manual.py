"""`--help` as a manual: examples per command, readable placeholders instead of Python type
labels, defaults shown. Applied to the click commands once they are built (app.py)."""

from __future__ import annotations

#: command -> examples (shown verbatim, one per line).
EXAMPLES: dict[str, list[str]] = {
    "solve": ["landalloc solve",
              "landalloc solve --period 2026-2035 --lang zh",
              "landalloc solve --set districts.airport.cap=1200 --out results/",
              "landalloc solve instances/zhengzhou/scenarios/airport-expansion.yaml --json"],
    "diagnose": ["landalloc diagnose --set districts.airport.cap=100",
                 "landalloc diagnose my-scenario.yaml --relax districts --weight districts=2",
                 "landalloc diagnose --set zones.integration.total=0 --json"],
    "report": ["landalloc report --out rep            # report.pdf, report.html, report.xlsx",
               "landalloc report scenarios/airport.yaml --lang zh --out rep",
               "landalloc report --compare zhengzhou --vs districts.airport.cap=1500 --out cmp"],
    "sensitivity": ["landalloc sensitivity",
                    "landalloc sensitivity --period 2026-2035 --all-cells --lang en",
                    "landalloc sensitivity --out sens/ --json"],
    "sweep": ["landalloc sweep --param districts.airport.cap --from 600 --to 1600 --steps 11",
              "landalloc sweep --param districts.airport.cap --from 800 --to 1400 "
              "--param districts.etdz.cap --from 600 --to 1000 --out grid/"],
    "tornado": ["landalloc tornado", "landalloc tornado --delta 50 --lang zh",
                "landalloc tornado --delta 5% --out tornado/"],
    "forecast": ["landalloc forecast", "landalloc forecast --out fc/"],
    "audit": ["landalloc audit", "landalloc audit --all --lang zh",
              "landalloc audit --strict --json"],
    "export": ["landalloc export --format mps --out zz.mps",
               "landalloc export --period 2026-2035 --format lp --out zz.lp"],
    "batch": ["landalloc batch instances/zhengzhou/scenarios --out results/",
              "landalloc batch mc.parquet --base zhengzhou -j 2 --out mc/ --report mc-report/",
              "landalloc batch --out results/ --resume"],
    "schema": ["landalloc schema > instances/scenario.schema.json"],
    "compare": ["landalloc compare zhengzhou instances/zhengzhou/scenarios/airport-expansion.yaml",
                "landalloc compare base.yaml a.yaml b.yaml --lang zh --report cmp/",
                "landalloc compare base.yaml variant.yaml --out compare.csv"],
    "tradeoff": ["landalloc tradeoff", "landalloc tradeoff --points 21 --out tradeoff/"],
    "scenarios": ["landalloc scenarios grid -P districts.airport.cap=1000:1500:100 --out grid/",
                  "landalloc scenarios sample -P 'districts.airport.cap=uniform(1000,1500)' "
                  "-n 1000 --seed 1 --out mc.parquet"],
}

#: option name -> placeholder shown in --help (instead of <str>, <float>, <list[str]>).
METAVARS = {
    "period": "PERIOD", "set_": "PATH=VALUE", "out": "DIR", "report": "DIR",
    "report_dir": "DIR", "backend": "highs|pulp|pyomo", "time_limit": "SECONDS",
    "threads": "N", "lang": "zh|en|both", "jobs": "N", "scheduler": "local|tcp://HOST:PORT",
    "base": "SCENARIO", "chunk_size": "N", "relax": "KINDS|RULES", "weight": "KIND=W",
    "iis_method": "auto|highs|deletion|certificate", "iis_time_limit": "SECONDS",
    "param": "PATH", "start": "VALUE", "stop": "VALUE", "steps": "N", "delta": "PCT%|HA",
    "vs": "PATH=VALUE", "forecast_set": "PATH=VALUE", "increment_from": "plan|forecast",
    "scale_rules": "proportional|none", "path": "INSTANCE|FOLDER|SCENARIO.yaml",
    "paths": "INSTANCE|SCENARIO.yaml", "scenarios": "SCENARIO", "inputs": "INPUT",
    "format": "FORMAT", "points": "N", "seed": "N", "n": "N", "samples": "N",
}

#: Units of the figures each command prints (one line in every --help).
UNITS = ("Units: land in hectares (ha, 公顷); output in the instance's unit (objective_unit "
         "in its instance.yaml); shadow prices in that unit per ha of the rule's figure.")


def _placeholder(param) -> str:
    name = param.name or ""
    if name in METAVARS:
        return METAVARS[name]
    return name.upper().replace("_", "-") or "VALUE"


def apply(group, exit_codes: str) -> None:
    """Examples, exit codes and units in every command's help; placeholders; defaults."""
    for name, cmd in list(getattr(group, "commands", {}).items()):
        sub = getattr(cmd, "commands", None)
        if sub:
            apply(cmd, exit_codes)
        lines = [f"  {e}" for e in EXAMPLES.get(name, [])]
        epilog = (("Examples:\n\n\b\n" + "\n".join(lines) + "\n\n") if lines else "")
        cmd.epilog = epilog + UNITS + "\n\n" + exit_codes
        for p in cmd.params:
            option = getattr(p, "param_type_name", "") == "option"  # typer bundles its click
            if getattr(p, "param_type_name", "") == "argument":
                p.display_type_rich = lambda ctx: None  # the placeholder says it; no "<str>"
            if option and getattr(p, "is_flag", False):
                continue
            if getattr(p, "metavar", None) is None or "<" in str(p.metavar):
                p.metavar = _placeholder(p)
            if option and p.default not in (None, False, (), []):
                p.show_default = True
