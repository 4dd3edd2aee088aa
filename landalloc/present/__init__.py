"""What people see: screen tables, plots, and the Excel/HTML report."""

from landalloc.safe_text import guard_rich

guard_rich()  # every screen shows control characters from data as pictures, never raw
