"""The office's indicators from the records (003; domain.md, Indicators), beside the tasks and
inspections they measure (plans/indicators.py holds the plan-stage estimates):

- ``live``: each indicator from one set-based SQL query over the real records (no stored
  counters), with its target for the year, its monthly trend and the records behind it;
- ``league``: the per-department league table, overdue items and the draws' re-roll statistics;
- ``charts``: server-rendered SVG; ``exports``: XLSX; ``report``: the year-end summary PDF;
- ``services``: the year's targets and the other inspections (the random share's denominator).
"""
