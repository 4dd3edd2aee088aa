"""From a loaded scenario to the LP and solver settings that every command solves, and the
maps from `--set` paths to the LP numbers they move (sweeps, batches, what-ifs)."""
