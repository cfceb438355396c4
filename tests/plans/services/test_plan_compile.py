import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans import services


def test_compile_opens_draft_version_one_and_proposes_merges(
    plan_year,
    office_admin,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
    make_item,
):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    make_item(
        plan_year, department_b, liaison_b, [key_matter], window_start_month=6, window_end_month=9
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_b, submitted_by=liaison_b
    )
    plan_year = services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    assert plan_year.status == "compiling"
    assert plan_year.versions.get().number == 1
    proposal = plan_year.merge_proposals.get()
    assert (proposal.window_start_month, proposal.window_end_month) == (6, 6)
    with pytest.raises(ValidationError):
        services.plan_compile(plan_year=plan_year, compiled_by=office_admin)


def test_only_office_admins_compile(plan_year, liaison_a):
    with pytest.raises(PermissionDenied):
        services.plan_compile(plan_year=plan_year, compiled_by=liaison_a)


def test_late_reports_are_still_accepted_while_compiling(
    plan_year, office_admin, liaison_a, department_a, general_matter, make_item
):
    services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    make_item(plan_year, department_a, liaison_a, [general_matter])
    submission = services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    assert submission.status == "submitted"
