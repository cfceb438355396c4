"""The archive cannot be deleted or rewritten: the database refuses it whatever the caller (the
admin, a shell, a bug), and the admin offers no delete."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, transaction
from django.test import RequestFactory

from tasks.inspections.models import (
    Attachment,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
    RecordAnswer,
    ResultVersion,
)

pytestmark = pytest.mark.django_db

ARCHIVE = [
    Inspection,
    InspectionResult,
    ResultVersion,
    MatterRecord,
    RecordAnswer,
    FollowUpMeasure,
    Attachment,
]


@pytest.mark.parametrize("model", ARCHIVE, ids=lambda m: m.__name__)
def test_database_refuses_to_delete_archive_rows(world, model):
    assert model.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all()._raw_delete(model.objects.db)
    assert model.objects.exists()


def test_a_result_version_is_insert_only(world):
    version = ResultVersion.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        ResultVersion.objects.filter(pk=version.pk).update(reason="改写历史")


def test_an_attachments_content_never_changes_but_it_can_be_withdrawn(world):
    attachment = world.attachment_a
    with pytest.raises(DatabaseError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(sha256="0" * 64)
    assert Attachment.objects.filter(pk=attachment.pk).update(withdrawn_reason="拍错") == 1


@pytest.mark.parametrize("model", ARCHIVE, ids=lambda m: m.__name__)
def test_admin_has_no_delete_and_no_change(world, model):
    request = RequestFactory().get("/")
    request.user = world.users["office_admin"]
    request.user.is_superuser = True
    model_admin = site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_change_permission(request)


KEEP_TABLES = [model._meta.db_table for model in ARCHIVE if model is not ResultVersion]
# What the runtime role (the suite's connection, as in production) might try on the archive.
ATTACKS = {
    "delete": "DELETE FROM {table}",
    "truncate": "TRUNCATE {table}",
    "drop": "DROP TABLE {table} CASCADE",
    "disable its trigger": "ALTER TABLE {table} DISABLE TRIGGER {table}_no_delete",
    "take ownership": "ALTER TABLE {table} OWNER TO CURRENT_USER",
    "replica mode (skips ordinary triggers)": "SET session_replication_role = replica",
}


def test_the_runtime_role_cannot_get_rid_of_the_archive(db):
    from django.db import connection

    from platform_site import dbroles

    with connection.cursor() as cursor:
        assert dbroles.protection_problems(cursor, dbroles.current_user(cursor)) == []
        for table in KEEP_TABLES:
            for attack, statement in ATTACKS.items():
                with pytest.raises(DatabaseError), transaction.atomic():
                    cursor.execute(statement.format(table=table))
                    cursor.execute(f"DELETE FROM {table}")  # after a SET that did pass
                assert attack
