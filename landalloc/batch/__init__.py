"""Batch solving: many scenarios, in chunks, on local processes or a Dask cluster.

`inputs` expands files, globs, folders and override tables into numbered scenarios;
`worker` solves one chunk on a warm solver; `store` writes each chunk atomically and
merges them into the final tables; `run` drives it all and resumes after a crash.
"""

from landalloc.batch.run import BatchReport, run_batch

__all__ = ["BatchReport", "run_batch"]
