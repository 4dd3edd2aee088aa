"""What is learned from an optimum or its absence: prices and their uniqueness, ranging,
sweeps, tornado charts, infeasibility diagnosis; and the plan's forecast and audit."""
