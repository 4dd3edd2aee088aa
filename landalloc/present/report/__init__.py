"""Reports an analyst can hand on: an Excel workbook, a self-contained HTML page with
charts (and each chart as PNG), with the plan's names in Chinese, English or both."""

from landalloc.present.report.build import write_comparison_report, write_report

__all__ = ["write_comparison_report", "write_report"]
