import hashlib
from datetime import date

import factory
from django.utils import timezone

from catalog.choices import InspectionMethod, MatterCategory, ProposalKind, RevisionAction
from catalog.models import CheckPoint, Matter, MatterChangeProposal, MatterImport, MatterRevision
from tests.accounts.factories import DepartmentFactory, UserFactory


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F-{n:04d}")
    name = factory.Sequence(lambda n: f"测试抽查事项{n}")
    legal_basis = "《中华人民共和国测试法》第一条"
    object_type = "企业"
    methods = factory.LazyFunction(lambda: [InspectionMethod.ON_SITE, InspectionMethod.WRITTEN])
    category = MatterCategory.GENERAL
    ratio_cap_bp = 500
    list_year = 2020
    effective_from = date(2020, 1, 1)
    source = "测试清单"


class CheckPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckPoint

    matter = factory.SubFactory(MatterFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"检查要点{n}")
    allowed_answers = factory.LazyFunction(lambda: ["符合", "不符合", "不涉及"])


class MatterChangeProposalFactory(factory.django.DjangoModelFactory):
    """A department's pending proposal to change a matter (``kind="add"`` with ``matter=None``
    proposes a new one)."""

    class Meta:
        model = MatterChangeProposal

    kind = ProposalKind.CHANGE
    matter = factory.SubFactory(MatterFactory)
    department = factory.SubFactory(DepartmentFactory)
    proposed_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
    payload = factory.LazyFunction(lambda: {"name": "调整后的事项名称"})
    reason = "依据新修订的法规调整。"
    created_at = factory.LazyFunction(timezone.now)


class MatterRevisionFactory(factory.django.DjangoModelFactory):
    """A history row of a matter: its next revision, an office edit of its name. The services
    write the real ones (with the snapshot of the whole matter)."""

    class Meta:
        model = MatterRevision

    matter = factory.SubFactory(MatterFactory)
    revision = factory.LazyAttribute(lambda row: row.matter.revision + 1)
    action = RevisionAction.UPDATE
    snapshot = factory.LazyAttribute(lambda row: {"code": row.matter.code, "name": row.matter.name})
    changes = factory.LazyAttribute(lambda row: {"name": ["旧名称", row.matter.name]})
    reason = "按新清单调整名称。"
    changed_by = factory.SubFactory(UserFactory)
    changed_at = factory.LazyFunction(timezone.now)


class MatterImportFactory(factory.django.DjangoModelFactory):
    """An uploaded provincial list awaiting its decision (previewed, nothing to change); the
    content is a stand-in, not a parsed workbook."""

    class Meta:
        model = MatterImport

    filename = factory.Sequence(lambda n: f"省级抽查事项清单{n}.xlsx")
    content = factory.Sequence(lambda n: f"list {n}".encode())
    sha256 = factory.LazyAttribute(lambda row: hashlib.sha256(row.content).hexdigest())
    list_name = "浙江省市场监管领域部门联合抽查事项清单"
    list_year = 2026
    effective_from = date(2026, 1, 1)
    uploaded_by = factory.SubFactory(UserFactory)
    uploaded_at = factory.LazyFunction(timezone.now)
