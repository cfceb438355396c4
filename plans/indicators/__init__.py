"""The office's indicators (domain.md, 003).

- ``estimates``: what a plan is expected to achieve, computed while it is compiled and frozen
  into each approved version;
- ``live``: what the records say now: each indicator from one set-based SQL query over the real
  records (no stored counters), with its target for the year, its monthly trend and the records
  behind it;
- ``league``: the per-department league table, overdue items and the draws' re-roll statistics;
- ``charts``: server-rendered SVG; ``exports``: XLSX; ``report``: the year-end summary PDF.
"""

from plans.indicators.estimates import (
    Indicators,
    Measure,
    Row,
    compute_indicators,
    included_items,
    is_joint,
    ratio_bp,
)

__all__ = [
    "Indicators",
    "Measure",
    "Row",
    "compute_indicators",
    "included_items",
    "is_joint",
    "ratio_bp",
]
