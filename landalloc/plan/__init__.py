"""The plan as data: the typed Instance, instance and scenario files, `--set` overrides.

Reads files and returns validated objects; imports nothing that solves or presents.
"""
