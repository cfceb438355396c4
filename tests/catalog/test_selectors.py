from datetime import timedelta

from django.utils import timezone

from catalog.choices import MatterStatus, ProposalKind
from catalog.models import Matter
from catalog.selectors import (
    NATURAL_CODE,
    common_matters,
    matter_list,
    pending_proposal_count,
    public_matter_list,
)
from catalog.services import proposal_reject, proposal_submit
from tests.catalog.factories import MatterFactory


def test_common_matters_are_the_current_ones_flagged_common(db):
    today = timezone.localdate()
    annual = MatterFactory(code="C-1", is_common=True)
    MatterFactory(code="C-2", is_common=True, status=MatterStatus.RETIRED, effective_until=today)
    MatterFactory(code="C-3", is_common=True, effective_from=today + timedelta(days=1))
    MatterFactory(code="C-4")
    assert list(common_matters()) == [annual]


def test_public_list_respects_effective_dates(db):
    today = timezone.localdate()
    ending = MatterFactory(code="E-1", effective_until=today)
    MatterFactory(code="E-2", effective_until=today - timedelta(days=1))
    assert list(public_matter_list().values_list("code", flat=True)) == [ending.code]


def test_pending_proposal_counts(office_admin, staff_a, staff_b, matter):
    proposal_submit(submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r")
    other = proposal_submit(
        submitted_by=staff_b, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    assert pending_proposal_count(office_admin) == 2
    assert pending_proposal_count(staff_a) == 1
    proposal_reject(proposal=other, rejected_by=office_admin, decision_reason="不需要")
    assert pending_proposal_count(staff_b) == 0


def test_matter_codes_sort_naturally(db):
    for code in ["HN-10-10", "HN-10-2", "HN-9-1", "HN-10-1"]:
        MatterFactory(code=code)
    codes = [m.code for m in matter_list() if m.code.startswith("HN-")]
    assert codes == ["HN-9-1", "HN-10-1", "HN-10-2", "HN-10-10"]
    natural = Matter.objects.filter(code__startswith="HN-").order_by(NATURAL_CODE)
    assert [m.code for m in natural] == codes
