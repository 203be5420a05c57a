"""SQL-first customer segmentation in dbt: the `segments` command-line companion."""

__version__ = "0.1.0"
