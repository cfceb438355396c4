"""factory_boy factories for the registries' models. Rows are written directly (no service, no
history, no audit event): services are exercised by their own tests. The ``make_*`` helpers of
``object_factories`` and ``test_inspector_fixtures`` are built on these."""

from __future__ import annotations

import random
from datetime import timedelta

import factory
from django.db.models import Max
from django.utils import timezone

from registries.choices import InspectorStatus, RecusalReason, RecusalStatus
from registries.models import (
    ClassificationRuleSet,
    Expert,
    FusedRiskClass,
    GeneralClassImport,
    GeneralRiskClass,
    ImportJob,
    InspectionObject,
    Inspector,
    ObjectChange,
    ObjectSupervision,
    Recusal,
    RecusalRule,
)
from registries.uscc import random_uscc
from tests.accounts.factories import DepartmentFactory, UserFactory

_rng = random.Random(4242)


def new_uscc(region: str = "330106", kind: str = "91") -> str:
    """A valid unified social credit code no object of the database holds yet."""
    while True:
        code = random_uscc(_rng, region=region, kind=kind)
        if not InspectionObject.objects.filter(code=code).exists():
            return code


class InspectionObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionObject

    kind = "enterprise"
    name = factory.Sequence(lambda n: f"临江市测试{n}食品有限公司")
    region_code = "330106"
    industry_code = "F5221"
    risk_class = "B"
    status = "active"
    code = factory.LazyAttribute(lambda o: new_uscc(o.region_code))


class ObjectSupervisionFactory(factory.django.DjangoModelFactory):
    """A department's claim on an object (claimed unless told)."""

    class Meta:
        model = ObjectSupervision

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    department = factory.SubFactory(DepartmentFactory)


class ObjectChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectChange

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    source = "manual"
    changes = factory.LazyFunction(lambda: {"name": {"before": "旧名称", "after": "新名称"}})


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"INSP-{9000 + n:04d}")
    name = factory.Sequence(lambda n: f"测试人员{n}")
    post = "执法科员"
    certificate_number = factory.Sequence(lambda n: f"ZJ{n:08d}")
    certificate_valid_from = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=365)
    )
    certificate_valid_until = factory.LazyFunction(
        lambda: timezone.localdate() + timedelta(days=365 * 3)
    )
    tags = factory.LazyFunction(lambda: ["LE"])
    status = InspectorStatus.ACTIVE
    max_load = 3


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    code = factory.Sequence(lambda n: f"EXPERT-{9000 + n:04d}")
    name = factory.Sequence(lambda n: f"测试专家{n}")
    organisation = "临江市质量技术监督检测院"
    speciality = "特种设备检验"
    tags = factory.LazyFunction(lambda: ["SPECIAL_EQUIPMENT"])


class RecusalFactory(factory.django.DjangoModelFactory):
    """An inspector's recusal from an object (confirmed unless told)."""

    class Meta:
        model = Recusal

    inspector = factory.SubFactory(InspectorFactory)
    inspection_object = factory.SubFactory(InspectionObjectFactory)
    reason = RecusalReason.RELATIVE
    status = RecusalStatus.CONFIRMED
    declared_by = factory.SubFactory(UserFactory)


class RecusalRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecusalRule
        django_get_or_create = ("kind",)

    kind = RecusalRule.Kind.OWN_GRID
    is_active = True


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A job row as the upload page leaves it (pending, its file a small CSV)."""

    class Meta:
        model = ImportJob

    department = factory.SubFactory(DepartmentFactory)
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
    file = factory.django.FileField(filename="objects.csv", data="统一社会信用代码,名称\n".encode())
    original_name = "objects.csv"
    file_format = "csv"


# Credit-risk classes (registries/models/credit.py) ------------------------------------------------


class GeneralClassImportFactory(factory.django.DjangoModelFactory):
    """One import of the general classification, as `general_class_import` leaves it."""

    class Meta:
        model = GeneralClassImport

    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    source = "临江市市场监督管理局"
    filename = "general-classes.csv"
    rows = 1
    changed = 1
    imported_by = factory.SubFactory(UserFactory)


class GeneralRiskClassFactory(factory.django.DjangoModelFactory):
    """An object's general class as of one import (dated and sourced like the import)."""

    class Meta:
        model = GeneralRiskClass

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    batch = factory.SubFactory(GeneralClassImportFactory)
    risk_class = "B"
    valid_from = factory.SelfAttribute("batch.issued_on")
    source = factory.SelfAttribute("batch.source")


def _next_rule_set_version(rule_set) -> int:
    latest = ClassificationRuleSet.objects.filter(department=rule_set.department).aggregate(
        latest=Max("version")
    )["latest"]
    return (latest or 0) + 1


class ClassificationRuleSetFactory(factory.django.DjangoModelFactory):
    """The next version of a department's professional rules (one rule: anomaly → C)."""

    class Meta:
        model = ClassificationRuleSet

    department = factory.SubFactory(DepartmentFactory)
    version = factory.LazyAttribute(_next_rule_set_version)
    rules = factory.LazyFunction(lambda: {"anomaly": {"class": "C"}})
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))


class FusedRiskClassFactory(factory.django.DjangoModelFactory):
    """The current fused class of an object for a department (one professional rule hit: C). At
    most one current row per object and department: each call makes its own object (and
    department) unless told."""

    class Meta:
        model = FusedRiskClass

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    department = factory.SubFactory(DepartmentFactory)
    general_class = factory.SelfAttribute("inspection_object.risk_class")
    professional_class = "C"
    risk_class = "C"
    reasons = factory.LazyFunction(lambda: ["列入经营异常名录"])
    valid_from = factory.LazyFunction(timezone.now)
