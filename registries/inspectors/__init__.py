"""The inspector registry (执法检查人员名录库) and the expert registry: inspectors, experts, recusals
(回避) and the automatic recusal rules.

Inner shape: models, services (`inspectors` for people, `recusals`), selectors, forms, views, urls,
importing (the CSV/XLSX import, validated whole and applied in one transaction), exports, demo, api/.
What both registries share stays at the top of `registries/` (choices, tags, uscc, scopes,
permissions, drawable, jobs).
"""
