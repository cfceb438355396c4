"""The draw secret is never shown before the reveal, to anyone (moved from the former hand-written
matrix; who may open which page is tests/permissions)."""

import pytest

from tasks.services.draws import task_push_to_review


@pytest.mark.django_db
def test_secret_is_never_shown_before_the_reveal(
    client_for, api_client_for, joint_task, office_admin, staff_a
):
    from tasks.services import secrets as draw_secrets

    announced = task_push_to_review(task=joint_task, pushed_by=staff_a)
    secret = draw_secrets.unseal(
        announced.sealed_secret, f"{announced.task.code}|{announced.number}"
    ).hex()
    pages = [
        client_for(staff_a).get(f"/tasks/draws/{announced.pk}/").content.decode(),
        client_for(office_admin).get(f"/tasks/{announced.task.pk}/").content.decode(),
        client_for(None).get(f"/tasks/public/{announced.task.code}/").content.decode(),
        api_client_for(office_admin).get(f"/api/v1/tasks/draws/{announced.pk}/").content.decode(),
        api_client_for(None).get(f"/api/v1/tasks/public/{announced.task.code}/").content.decode(),
    ]
    for page in pages:
        assert secret not in page
