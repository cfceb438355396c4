"""factory_boy factories for the inspection work's models (tasks/inspections/models.py). Rows are
written directly (no service, no audit event, no deadline); `builders.start_joint_task` makes a
real drawn and started task through the services. By default every row hangs off one inspection
of an object drawn into group G001 of its own task, recorded by the task's lead department."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

from catalog.choices import InspectionMethod
from tasks.inspections.choices import (
    AttachmentKind,
    CommissionKind,
    MeasureKind,
    ResultCategory,
)
from tasks.inspections.models import (
    Attachment,
    CombinedVisit,
    CombinedVisitPart,
    CommissionedCheck,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
    RecordAnswer,
    ResultVersion,
)
from tests.accounts.factories import UserFactory
from tests.catalog.factories import MatterFactory
from tests.registries.factories import InspectionObjectFactory
from tests.tasks.factories import HASH, DrawnObjectFactory

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class InspectionFactory(factory.django.DjangoModelFactory):
    """The inspection of a drawn object by its group (not yet scheduled)."""

    class Meta:
        model = Inspection

    drawn_object = factory.SubFactory(DrawnObjectFactory)
    task = factory.SelfAttribute("drawn_object.draw.task")
    inspection_object = factory.SelfAttribute("drawn_object.inspection_object")
    group_id = factory.SelfAttribute("drawn_object.group_id")


class InspectionResultFactory(factory.django.DjangoModelFactory):
    """The open working copy of an inspection's result."""

    class Meta:
        model = InspectionResult

    inspection = factory.SubFactory(InspectionFactory)


class ResultVersionFactory(factory.django.DjangoModelFactory):
    """An approved version of a result ("no problem found"), kept two years (insert-only)."""

    class Meta:
        model = ResultVersion

    result = factory.SubFactory(InspectionResultFactory)
    number = factory.SelfAttribute("result.version")
    categories = factory.LazyFunction(lambda: [ResultCategory.NO_PROBLEM])
    completed_on = factory.LazyFunction(timezone.localdate)
    content = factory.LazyAttribute(
        lambda version: {"categories": list(version.categories), "records": []}
    )
    content_hash = HASH
    approved_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..result.inspection.task.lead_department")
    )
    approved_at = factory.LazyFunction(timezone.now)
    retain_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=2 * 366))


class MatterRecordFactory(factory.django.DjangoModelFactory):
    """The lead department's draft record of one matter at an inspection."""

    class Meta:
        model = MatterRecord

    inspection = factory.SubFactory(InspectionFactory)
    matter = factory.SubFactory(MatterFactory)
    matter_revision = factory.SelfAttribute("matter.revision")
    department = factory.SelfAttribute("inspection.task.lead_department")


class RecordAnswerFactory(factory.django.DjangoModelFactory):
    """An unanswered check point of a record."""

    class Meta:
        model = RecordAnswer

    record = factory.SubFactory(MatterRecordFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"检查要点{n}")
    method = InspectionMethod.ON_SITE
    allowed_answers = factory.LazyFunction(lambda: ["符合", "不符合", "不涉及"])


class CommissionedCheckFactory(factory.django.DjangoModelFactory):
    """A test commissioned from a laboratory, awaiting its conclusion."""

    class Meta:
        model = CommissionedCheck

    record = factory.SubFactory(MatterRecordFactory)
    kind = CommissionKind.TESTING
    body = "临江市质量技术监督检测院"
    subject = factory.Sequence(lambda n: f"样品{n}检验")
    commissioned_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..record.department")
    )


class FollowUpMeasureFactory(factory.django.DjangoModelFactory):
    """An open hand-over to routine supervision by the lead department (the kind with no
    deadline and no notified department; give `kind`, `deadline_on`, `notified_department`)."""

    class Meta:
        model = FollowUpMeasure

    result = factory.SubFactory(InspectionResultFactory)
    kind = MeasureKind.HANDOVER
    department = factory.SelfAttribute("result.inspection.task.lead_department")
    description = factory.Sequence(lambda n: f"发现问题{n}，移交日常监管。")
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A scanned document (a tiny PDF) on a record, stored like an upload."""

    class Meta:
        model = Attachment

    record = factory.SubFactory(MatterRecordFactory)
    kind = AttachmentKind.SCAN
    file = factory.django.FileField(filename="scan.pdf", data=PDF_BYTES)
    original_name = "scan.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()
    uploaded_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..record.department")
    )


class CombinedVisitFactory(factory.django.DjangoModelFactory):
    """A proposed combined visit of an object next week."""

    class Meta:
        model = CombinedVisit

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    visit_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    proposed_by = factory.SubFactory(UserFactory)


class CombinedVisitPartFactory(factory.django.DjangoModelFactory):
    """One inspection's pending part in a combined visit of its object."""

    class Meta:
        model = CombinedVisitPart

    inspection = factory.SubFactory(InspectionFactory)
    visit = factory.SubFactory(
        CombinedVisitFactory,
        inspection_object=factory.SelfAttribute("..inspection.inspection_object"),
    )
    department = factory.SelfAttribute("inspection.task.lead_department")
