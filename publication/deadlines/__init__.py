"""Working-day deadlines (期限) on any subject, computed in SQL from the official calendar.

Interface for the other apps (names kept stable; import from `publication.deadlines.services`):

* `deadline_open(*, kind, subject, department, start_date, title, url="", working_days=None,
  due_date=None, responsible=(), opened_by=None) -> Deadline` (idempotent per kind and subject)
* `deadline_close(*, kind, subject, closed_by=None, closed_on=None, note="") -> Deadline | None`
* `deadline_cancel(*, kind, subject, cancelled_by=None, reason) -> Deadline | None`
* `deadline_reschedule(*, deadline, rescheduled_by, reason, start_date=None, working_days=None,
  due_date=None) -> Deadline`, `deadline_set_responsible(*, deadline, responsible, set_by)`
* `deadline_sweep(*, today=None, kinds=None) -> SweepReport` (the beat job; idempotent)
* `deadlines_recompute(*, kinds=None, deadline_ids=None) -> int`
* `deadline_rule_update(*, kind, updated_by, ...) -> DeadlineRule`
* selectors: `deadline_for_subject(kind, subject)`, `deadline_list_visible_to(user, ...)`.
"""
