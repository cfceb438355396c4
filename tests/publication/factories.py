"""factory_boy factories for the publication app's models (publication/models.py and the public
site's tables in publication/site/models.py). Rows are written directly (no service, no audit event,
no cache invalidation): services are exercised by their own tests.

Calendar rows change the working-day calendar (for the test's own transaction only): the
factories use 2031 onwards, far from the years the other tests count days in. No factory for
`CalendarWorkday` or `CalendarIndexYear`: they are the working-day index, derived from the
calendar by publication.deadlines.workdays, never written by hand."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from publication.models import (
    CalendarDay,
    CalendarDayKind,
    CalendarSource,
    CalendarYear,
    CalendarYearStatus,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    Publication,
    PublicationKind,
)
from publication.site.models import Objection, ObjectionAttachment, PublicResult
from tasks.inspections.choices import ResultCategory
from tests.accounts.factories import UserFactory
from tests.tasks.factories import DrawnDrawFactory
from tests.tasks.inspections.factories import (
    PDF_BYTES,
    InspectionFactory,
    InspectionResultFactory,
)

FAR_YEAR = 2031


def _content_type(subject) -> ContentType:
    return ContentType.objects.get_for_model(type(subject))


class CalendarDayFactory(factory.django.DjangoModelFactory):
    """A manual day off in 2031 or later (one date per row)."""

    class Meta:
        model = CalendarDay
        django_get_or_create = ("date",)

    date = factory.Sequence(lambda n: date(FAR_YEAR, 1, 1) + timedelta(days=n))
    kind = CalendarDayKind.HOLIDAY
    name = "测试假日"
    source = CalendarSource.MANUAL


class CalendarYearFactory(factory.django.DjangoModelFactory):
    """A year from 2031 on whose official schedule is not loaded (weekends only)."""

    class Meta:
        model = CalendarYear
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: FAR_YEAR + n % 150)
    status = CalendarYearStatus.FALLBACK


class DeadlineRuleFactory(factory.django.DjangoModelFactory):
    """The rule of a deadline kind (the migration seeds one per kind: this returns it)."""

    class Meta:
        model = DeadlineRule
        django_get_or_create = ("kind",)

    kind = DeadlineKind.RESULT_ENTRY
    working_days = 20
    due_soon_working_days = 5


class DeadlineFactory(factory.django.DjangoModelFactory):
    """An open result-entry deadline on an inspection, owed by its task's lead department. The
    due dates are plausible, not computed from the calendar (publication.deadlines does that);
    with another `subject`, pass its `department` too."""

    class Meta:
        model = Deadline
        exclude = ("subject",)

    subject = factory.SubFactory(InspectionFactory)
    subject_type = factory.LazyAttribute(lambda deadline: _content_type(deadline.subject))
    subject_id = factory.SelfAttribute("subject.pk")
    kind = DeadlineKind.RESULT_ENTRY
    department = factory.SelfAttribute("subject.task.lead_department")
    title = factory.Sequence(lambda n: f"检查结果录入{n}")
    start_date = factory.LazyFunction(timezone.localdate)
    working_days = 20
    due_date = factory.LazyAttribute(lambda deadline: deadline.start_date + timedelta(days=28))
    due_soon_from = factory.LazyAttribute(lambda deadline: deadline.due_date - timedelta(days=7))


class PublicationFactory(factory.django.DjangoModelFactory):
    """The publication (公示) of a drawn main draw's list, by its task's lead department."""

    class Meta:
        model = Publication
        exclude = ("subject",)

    subject = factory.SubFactory(DrawnDrawFactory)
    subject_type = factory.LazyAttribute(lambda publication: _content_type(publication.subject))
    subject_id = factory.SelfAttribute("subject.pk")
    kind = PublicationKind.DRAWN_LIST
    published_on = factory.LazyFunction(timezone.localdate)
    published_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..subject.task.lead_department")
    )


class PublicResultFactory(factory.django.DjangoModelFactory):
    """The current public version 1 of a result ("no problem found"), projected from its task
    and object as `public_result_sync` would."""

    class Meta:
        model = PublicResult

    result = factory.SubFactory(InspectionResultFactory)
    version = 1
    task = factory.SelfAttribute("result.inspection.task")
    task_code = factory.SelfAttribute("task.code")
    task_title = factory.SelfAttribute("task.title")
    lead_department = factory.SelfAttribute("task.lead_department")
    departments = factory.SelfAttribute("lead_department.name")
    completed_on = factory.LazyFunction(timezone.localdate)
    year = factory.SelfAttribute("completed_on.year")
    month = factory.SelfAttribute("completed_on.month")
    categories = factory.LazyFunction(lambda: [ResultCategory.NO_PROBLEM])
    result_text = "未发现问题"
    inspection_object = factory.SelfAttribute("result.inspection.inspection_object")
    enterprise_name = factory.SelfAttribute("inspection_object.name")
    credit_code = factory.SelfAttribute("inspection_object.code")
    published_at = factory.LazyFunction(timezone.now)


class ObjectionFactory(factory.django.DjangoModelFactory):
    """A business's objection to a public result, received and not yet decided."""

    class Meta:
        model = Objection

    public_result = factory.SubFactory(PublicResultFactory)
    result = factory.SelfAttribute("public_result.result")
    department = factory.SelfAttribute("public_result.lead_department")
    credit_code = factory.SelfAttribute("public_result.credit_code")
    contact_name = "王经理"
    contact_phone = "0571-88880000"
    reason = "检查当日我司已完成整改，结果与事实不符。"


class ObjectionAttachmentFactory(factory.django.DjangoModelFactory):
    """A tiny PDF attached to an objection, stored like an upload."""

    class Meta:
        model = ObjectionAttachment

    objection = factory.SubFactory(ObjectionFactory)
    file = factory.django.FileField(filename="evidence.pdf", data=PDF_BYTES)
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
