import datetime

import factory

from catalog.choices import MatterCategory
from catalog.models import Matter
from registries.models import InspectionObject


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
