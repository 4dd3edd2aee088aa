"""Names the command line checks before anything is loaded: no imports, so `--help` and
option callbacks stay fast. The modules that implement them import these from here."""

#: The solver backends, in the order they are listed (landalloc.solver.BACKENDS has these keys).
BACKEND_NAMES = ("highs", "pulp", "pyomo")
