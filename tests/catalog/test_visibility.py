"""What each department sees of the proposals (kept from the former hand-written matrix; who may
open which page is the generated matrix's, tests/permissions)."""

from catalog.choices import ProposalKind
from catalog.services import proposal_submit


def test_department_proposal_list_shows_only_its_own(client_for, matter, staff_a, staff_b):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="法规废止"
    )
    assert "法规废止" not in client_for(staff_b).get("/catalog/proposals/?status=").content.decode()
    response = client_for(staff_a).get("/catalog/proposals/?status=")
    assert f"/catalog/proposals/{proposal.pk}/" in response.content.decode()
