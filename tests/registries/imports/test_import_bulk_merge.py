"""The bulk merge: indexes and constraints dropped and rebuilt inside the transaction, with every
trigger on (the import never switches them off)."""

import pytest
from django.db import connection

from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.objects.importing import merge
from tests.registries.imports.conftest import csv_bytes, object_rows

pytestmark = pytest.mark.django_db


def schema_of(table: str) -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        return constraints, cursor.fetchall()


def test_a_bulk_import_restores_every_index_and_constraint(
    run_import, office_admin, department_a, department_b, monkeypatch
):
    # given: an import large enough (here: any size) to rebuild, into a registry holding one object
    monkeypatch.setattr(merge, "BULK_REBUILD_MIN_ROWS", 1)
    rows = object_rows(30)
    run_import(office_admin, csv_bytes([[*rows[0][:7], "DEPB"]]))
    before = [schema_of(table) for table in (merge.OBJECT_TABLE, merge.SUPERVISION_TABLE)]
    for index, row in enumerate(rows):
        row[7] = "DEPA" if index % 3 else "DEPA;DEPB"
    rows[5][7] = ""  # the office's default: no supervising department
    rows[0][1] = "改名后的企业有限公司"  # the object already there changes (a history row)
    # when
    job = run_import(office_admin, csv_bytes(rows))
    # then: rows, supervisions, and the schema exactly as before
    assert (job.status, job.inserted_count, job.updated_count) == ("succeeded", 29, 1)
    assert ObjectChange.objects.get().changes["name"][1] == "改名后的企业有限公司"
    assert [schema_of(table) for table in (merge.OBJECT_TABLE, merge.SUPERVISION_TABLE)] == before
    assert InspectionObject.objects.count() == 30
    assert ObjectSupervision.objects.filter(department=department_a).count() == 29
    assert ObjectSupervision.objects.filter(department=department_b).count() == 10
    assert not ObjectSupervision.objects.filter(inspection_object__code=rows[5][0]).exists()
    # new objects are numbered in file order
    ids = dict(InspectionObject.objects.values_list("code", "id"))
    assert [ids[row[0]] for row in rows[1:]] == sorted(ids[row[0]] for row in rows[1:])


def test_a_department_import_makes_the_department_supervise_every_row(
    run_import, dept_admin_a, monkeypatch
):
    monkeypatch.setattr(merge, "BULK_REBUILD_MIN_ROWS", 1)
    rows = object_rows(12)
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert job.inserted_count == 12
    # into an empty registry too, the new objects are numbered in file order
    codes = list(InspectionObject.objects.order_by("id").values_list("code", flat=True))
    assert codes == [row[0] for row in rows]
    assert ObjectSupervision.objects.filter(department=dept_admin_a.department).count() == 12
