"""Checks of the inspection demo, run by tests/tasks/test_demo.py on its demo city (one build)."""

from __future__ import annotations

import io

from django.utils import timezone

from accounts.models import AuditEvent, User
from tasks.inspections.choices import CombinedVisitStatus, MeasureKind, MeasureStatus, ResultStatus
from tasks.inspections.models import (
    Attachment,
    CombinedVisit,
    FollowUpMeasure,
    InspectionResult,
    ResultVersion,
)
from tasks.inspections.selectors import MeasureFilters, groups_for_user, measure_list


def check_inspection_demo() -> None:
    from tasks.inspections import demo

    out = io.StringIO()
    demo.build(stdout=out)
    today = timezone.localdate()
    # results in every state, some overdue, corrections as new versions
    states = set(InspectionResult.objects.values_list("status", flat=True))
    assert set(ResultStatus.values) <= states, (states, out.getvalue())
    assert InspectionResult.objects.filter(
        status__in=[ResultStatus.OPEN, ResultStatus.RETURNED], due_on__lt=today
    ).exists()
    assert InspectionResult.objects.filter(version=2, status=ResultStatus.OPEN).exists()
    assert ResultVersion.objects.count() >= 5
    # follow-up open and closed, overdue, notifications acknowledged and waiting
    kinds = set(FollowUpMeasure.objects.values_list("kind", flat=True))
    assert {MeasureKind.RECTIFY, MeasureKind.NOTIFY, MeasureKind.JUDICIAL} <= kinds
    statuses = set(FollowUpMeasure.objects.values_list("status", flat=True))
    assert statuses == {MeasureStatus.OPEN, MeasureStatus.CLOSED}
    samr_staff = User.objects.get(username="samr_staff")
    assert measure_list(samr_staff, MeasureFilters(overdue=True)).exists()
    assert FollowUpMeasure.objects.filter(kind="notify", acknowledged_at__isnull=True).exists()
    assert Attachment.objects.filter(content_type="image/jpeg").exists()
    # combined visits agreed, waiting and declined
    visits = set(CombinedVisit.objects.values_list("status", flat=True))
    assert {
        CombinedVisitStatus.AGREED,
        CombinedVisitStatus.PROPOSED,
        CombinedVisitStatus.DECLINED,
    } <= visits, out.getvalue()
    # the demo inspector accounts lead groups
    for username in ("samr_inspector", "trans_inspector"):
        groups = groups_for_user(User.objects.get(username=username))
        assert any(group.is_leader for group in groups), username
    # idempotent
    before = (InspectionResult.objects.count(), AuditEvent.objects.count())
    demo.build(stdout=io.StringIO())
    assert (InspectionResult.objects.count(), AuditEvent.objects.count()) == before
    check_demo_deadlines()
    check_public_site_demo()


def check_demo_deadlines() -> None:
    """The demo's results and rectifications stand on real working-day deadlines, and the sweep
    (tasks.demo_deadlines, as the beat job would) puts yellow and red cards in SAMR's inboxes."""
    from accounts.models import Department, Notification
    from publication.models import Deadline, DeadlineKind, DeadlineState
    from tasks import demo_deadlines

    entry = Deadline.objects.filter(kind=DeadlineKind.RESULT_ENTRY)
    assert entry.filter(state=DeadlineState.OVERDUE).exists()
    assert entry.filter(state__in=[DeadlineState.MET, DeadlineState.LATE]).exists()
    assert entry.filter(state=DeadlineState.OPEN).exists()  # the task in progress
    rectification = Deadline.objects.filter(kind=DeadlineKind.RECTIFICATION)
    assert rectification.filter(state=DeadlineState.OVERDUE).exists()
    assert rectification.filter(state=DeadlineState.DUE_SOON).exists()
    assert rectification.filter(is_open=False).exists()
    assert FollowUpMeasure.objects.filter(kind=MeasureKind.RECTIFY).count() == (
        rectification.count()
    )
    demo_deadlines.build()
    samr = Department.objects.get(code="SAMR")
    assert samr.liaison is not None
    cards = set(
        Notification.objects.filter(recipient=samr.liaison).values_list("severity", flat=True)
    )
    assert {"yellow", "red"} <= cards, cards
    assert Notification.objects.filter(
        kind="deadline.escalation", recipient__username="samr_admin"
    ).exists()


def check_public_site_demo() -> None:
    """The demo city's public site: drawn lists published and the published results on the
    public pages with real-looking enterprises (what a citizen sees after `make run`)."""
    from django.test import Client
    from django.urls import reverse

    from publication.models import Publication
    from publication.site import demo as site_demo
    from publication.site.models import PublicResult

    site_demo.build(stdout=io.StringIO())
    assert Publication.objects.exists()
    current = PublicResult.objects.filter(is_current=True)
    assert current.count() >= 5
    sample = current.order_by("pk").first()
    assert sample is not None and "公司" in sample.enterprise_name
    client = Client()
    results_page = client.get(reverse("publication:result_list"))
    assert results_page.status_code == 200
    assert sample.enterprise_name in results_page.content.decode()
    assert (
        client.get(reverse("publication:task_detail", args=[sample.task_code])).status_code == 200
    )
    # idempotent: a second run publishes and projects nothing more
    counts = (Publication.objects.count(), PublicResult.objects.count())
    site_demo.build(stdout=io.StringIO())
    assert (Publication.objects.count(), PublicResult.objects.count()) == counts
