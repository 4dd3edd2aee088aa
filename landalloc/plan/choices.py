"""Names the command line checks before anything is loaded: no imports, so `--help` and
option callbacks stay fast. The modules that implement them import these from here."""

#: The solver backends, in the order they are listed (landalloc.solver.BACKENDS has these keys).
BACKEND_NAMES = ("highs", "pulp", "pyomo")

#: The output unit of an instance that declares none (`objective_unit` in instance.yaml).
DEFAULT_UNIT = "units"

#: Most scenarios one `scenarios grid` or `sample` writes, and most written as YAML files
#: (beyond it: one override table). A grid's values are counted before they exist.
MAX_SCENARIOS = 1_000_000
MAX_SCENARIO_FILES = 100_000
