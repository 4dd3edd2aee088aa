"""Names the command line checks before anything is loaded: no imports, so `--help` and
option callbacks stay fast. The modules that implement them import these from here."""

#: The solver backends, in the order they are listed (landalloc.solver.BACKENDS has these keys).
BACKEND_NAMES = ("highs", "pulp", "pyomo")

#: The output unit of an instance that declares none (`objective_unit` in instance.yaml).
DEFAULT_UNIT = "units"
