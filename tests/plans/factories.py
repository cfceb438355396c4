import datetime
from datetime import date

import factory
from django.utils import timezone

from catalog.choices import MatterCategory
from catalog.models import Matter
from plans.models import PeakSeason, PlanItem, PlanYear
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
