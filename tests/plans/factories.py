import datetime
from datetime import date

import factory
from django.utils import timezone

from catalog.choices import MatterCategory
from catalog.models import Matter
from plans.choices import SubmissionAction, SubmissionStatus, VersionStatus
from plans.models import (
    DepartmentSubmission,
    IndicatorTarget,
    MergeProposal,
    OtherInspection,
    PeakSeason,
    PlanItem,
    PlanVersion,
    PlanYear,
    SubmissionEvent,
)
from registries.models import InspectionObject
from tests.accounts.factories import DepartmentFactory, UserFactory


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"测试抽查事项{n}")
    category = MatterCategory.GENERAL
    ratio_cap_bp = 500
    list_year = 2026
    effective_from = datetime.date(2026, 1, 1)


class KeyMatterFactory(MatterFactory):
    category = MatterCategory.KEY
    ratio_cap_bp = None


class InspectionObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionObject

    code = factory.Sequence(lambda n: f"91330100MA{n:08d}")
    name = factory.Sequence(lambda n: f"临江测试企业{n}有限公司")
    region_code = "330102"
    industry_code = "C1391"
    risk_class = "B"


class PlanYearFactory(factory.django.DjangoModelFactory):
    """A plan year row as opened (no notices, no deadlines: `plan_year_open` does those)."""

    class Meta:
        model = PlanYear
        django_get_or_create = ("year",)

    year = 2027
    submission_deadline = factory.LazyAttribute(lambda o: date(o.year - 1, 11, 30))
    approval_deadline = factory.LazyAttribute(lambda o: date(o.year - 1, 12, 31))
    opened_by = factory.SubFactory(UserFactory)
    opened_at = factory.LazyFunction(timezone.now)


class PlanItemFactory(factory.django.DjangoModelFactory):
    """A department's draft item (matters are added with ``matters=[…]``)."""

    class Meta:
        model = PlanItem
        skip_postgeneration_save = True

    plan_year = factory.SubFactory(PlanYearFactory)
    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"测试计划事项{n}")
    window_start_month = 3
    window_end_month = 5
    ratios = factory.LazyFunction(lambda: {"A": 100, "B": 200, "C": 300, "D": 500})
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))

    @factory.post_generation
    def matters(self, create, extracted, **kwargs):
        if create and extracted:
            self.matters.set(extracted)


class PeakSeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeakSeason

    industry_prefix = factory.Sequence(lambda n: f"C{n % 90 + 10}")
    months = factory.LazyFunction(lambda: [9, 10])
    note = "秋收"


class DepartmentSubmissionFactory(factory.django.DjangoModelFactory):
    """A department's report for the plan year, still being drafted."""

    class Meta:
        model = DepartmentSubmission

    plan_year = factory.SubFactory(PlanYearFactory)
    department = factory.SubFactory(DepartmentFactory)
    status = SubmissionStatus.DRAFTING


class SubmissionEventFactory(factory.django.DjangoModelFactory):
    """One submission of a department's report (its history is append-only)."""

    class Meta:
        model = SubmissionEvent

    submission = factory.SubFactory(DepartmentSubmissionFactory)
    action = SubmissionAction.SUBMITTED
    actor = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..submission.department")
    )
    occurred_at = factory.LazyFunction(timezone.now)
    item_count = 1


class MergeProposalFactory(factory.django.DjangoModelFactory):
    """A proposed joint task (add the items with ``items=[…]``)."""

    class Meta:
        model = MergeProposal
        skip_postgeneration_save = True

    plan_year = factory.SubFactory(PlanYearFactory)
    suggested_lead = factory.SubFactory(DepartmentFactory)
    lead_department = factory.SelfAttribute("suggested_lead")
    window_start_month = 3
    window_end_month = 5

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """An approved version of the plan, numbered in order (a year has one draft at most: give
    ``status=VersionStatus.DRAFT`` for it)."""

    class Meta:
        model = PlanVersion

    plan_year = factory.SubFactory(PlanYearFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.APPROVED
    snapshot = factory.LazyFunction(lambda: {"items": []})
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    approved_by = factory.SubFactory(UserFactory)
    approved_at = factory.LazyFunction(timezone.now)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    """The office's target of the joint-inspection share for one year."""

    class Meta:
        model = IndicatorTarget
        django_get_or_create = ("year", "key")

    year = factory.Sequence(lambda n: 2000 + n)
    key = "joint_share"
    target_bp = 4000
    updated_by = factory.SubFactory(UserFactory)


class OtherInspectionFactory(factory.django.DjangoModelFactory):
    """A complaint check recorded by hand (the denominator of the random share)."""

    class Meta:
        model = OtherInspection

    department = factory.SubFactory(DepartmentFactory)
    kind = OtherInspection.Kind.COMPLAINT
    inspected_on = factory.LazyFunction(timezone.localdate)
    object_name = factory.Sequence(lambda n: f"临江市被检查企业{n}有限公司")
    reference = factory.Sequence(lambda n: f"临市监投〔2026〕{n}号")
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
