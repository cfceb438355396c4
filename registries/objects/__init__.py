"""The inspection-object registry (检查对象名录库): market entities and other objects, the departments
that supervise each (claims and the office's dispute resolution), special-list flags, the change
history, and the COPY-based batch import (`importing/`, a sub-package of the same shape).

Inner shape: models, services, selectors, filters, forms, views, urls, exports, panels (what other
parts of the platform add to the object page), demo, api/. What both registries share stays at the
top of `registries/` (choices, tags, uscc, scopes, permissions, drawable, jobs).
"""
