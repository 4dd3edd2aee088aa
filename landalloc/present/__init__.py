"""What people see: screen tables, plots, and the Excel/HTML report."""
