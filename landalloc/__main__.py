"""`python -m landalloc` runs the CLI."""

from landalloc.cli.app import main

main()
