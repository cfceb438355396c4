"""The tasks' working-day deadlines (publication.deadlines), kept in step with the draws.

* Joint-review answers (会审答复): every pending review of an announced draw has an open
  `joint_review` deadline owned by the reviewing department, counted from the announcement; a
  confirmation or return closes it (met or late), a withdrawn announcement cancels it.
* Drawn-list publication (抽查名单公示, 002 plan 3 VII.5: within 5 working days): a completed
  main draw opens its `drawn_list_publication` deadline, owned by the lead department, counted
  from the draw. The public site's publish step (publication.site.services.drawn_list_publish,
  the explicit and audited publication) closes it with `drawn_list_deadline_close`; a draw
  published before this sync saw it gets its deadline opened and closed on its publication date.

Both are synchronised here by the review-reminders job rather than from inside the draw services,
so the draw code stays untouched; the deadlines' dates come from the draws' own timestamps, so a
late synchronisation changes nothing but when the deadline appears.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from publication.deadlines.services import deadline_cancel, deadline_close, deadline_open
from publication.models import Deadline, DeadlineKind, Publication, PublicationKind
from tasks.choices import DrawKind, DrawState, ReviewStatus
from tasks.models import Draw, DrawReview

JOINT_REVIEW = DeadlineKind.JOINT_REVIEW
DRAWN_LIST = DeadlineKind.DRAWN_LIST_PUBLICATION


def _local(moment: datetime | None) -> date:
    return timezone.localdate(moment)


def _deadline_subject_ids(kind: str, model: type[Model], *, open_only: bool) -> set[int]:
    deadlines = Deadline.objects.filter(
        kind=kind, subject_type=ContentType.objects.get_for_model(model)
    )
    if open_only:
        deadlines = deadlines.filter(is_open=True)
    return set(deadlines.values_list("subject_id", flat=True))


@transaction.atomic
def review_deadlines_sync() -> dict[str, int]:
    """Open the answer deadline of each pending review, close or cancel the others'."""
    opened = closed = cancelled = 0
    have_open = _deadline_subject_ids(JOINT_REVIEW, DrawReview, open_only=True)
    pending = (
        DrawReview.objects.filter(status=ReviewStatus.PENDING, draw__state=DrawState.ANNOUNCED)
        .exclude(pk__in=have_open)
        .select_related("draw__task", "department")
        .order_by("pk")
    )
    for review in pending:
        task = review.draw.task
        deadline_open(
            kind=JOINT_REVIEW,
            subject=review,
            department=review.department,
            start_date=_local(review.draw.announced_at),
            title=_("会审答复：%(code)s %(title)s") % {"code": task.code, "title": task.title},
            url=reverse("tasks:task_detail", args=[task.pk]),
        )
        opened += 1
    finished = (
        DrawReview.objects.filter(pk__in=have_open)
        .exclude(status=ReviewStatus.PENDING, draw__state=DrawState.ANNOUNCED)
        .select_related("draw")
        .order_by("pk")
    )
    for review in finished:
        if review.status in (ReviewStatus.CONFIRMED, ReviewStatus.RETURNED) and review.decided_at:
            deadline_close(
                kind=JOINT_REVIEW,
                subject=review,
                closed_by=review.decided_by,
                closed_on=_local(review.decided_at),
                note=str(ReviewStatus(review.status).label),
            )
            closed += 1
        else:
            deadline_cancel(
                kind=JOINT_REVIEW,
                subject=review,
                reason=_("会审已撤回或公告已撤回（%(state)s）")
                % {"state": DrawState(review.draw.state).label},
            )
            cancelled += 1
    return {"opened": opened, "closed": closed, "cancelled": cancelled}


def drawn_list_deadline_open(*, draw: Draw) -> Deadline:
    task = draw.task
    return deadline_open(
        kind=DRAWN_LIST,
        subject=draw,
        department=task.lead_department,
        start_date=_local(draw.drawn_at),
        title=_("公示抽查名单：%(code)s 第%(number)d次抽取")
        % {"code": task.code, "number": draw.number},
        url=reverse("tasks:task_detail", args=[task.pk]),
    )


def drawn_list_deadline_close(
    *, draw: Draw, published_on: date, published_by: User | None = None
) -> Deadline | None:
    """The drawn list of `draw` was published on `published_on`."""
    return deadline_close(
        kind=DRAWN_LIST,
        subject=draw,
        closed_by=published_by,
        closed_on=published_on,
        note=_("抽查名单已公示"),
    )


@transaction.atomic
def drawn_list_deadlines_sync() -> int:
    """Give every completed main draw its drawn-list deadline (see the module docstring)."""
    have_any = _deadline_subject_ids(DRAWN_LIST, Draw, open_only=False)
    draws = (
        Draw.objects.filter(
            kind=DrawKind.DRAW,
            state__in=[DrawState.DRAWN, DrawState.VOIDED],
            drawn_at__isnull=False,
        )
        .exclude(pk__in=have_any)
        .select_related("task__lead_department")
        .order_by("pk")
    )
    published = dict(
        Publication.objects.filter(
            kind=PublicationKind.DRAWN_LIST,
            subject_type=ContentType.objects.get_for_model(Draw),
            subject_id__in=[draw.pk for draw in draws],
        ).values_list("subject_id", "published_on")
    )
    count = 0
    for draw in draws:
        drawn_list_deadline_open(draw=draw)
        if draw.pk in published:
            drawn_list_deadline_close(draw=draw, published_on=published[draw.pk])
        count += 1
    return count
