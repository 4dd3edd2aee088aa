"""`python -m landalloc` runs the CLI."""

from landalloc.cli import main

main()
