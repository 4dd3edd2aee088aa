"""The `landalloc` command: app.py builds it, one module per command (register(app))."""
