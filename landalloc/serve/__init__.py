"""The analyst's workbench: a local web page and JSON API over warm HiGHS models."""
