"""The direct bulk load: a large file into an empty registry is COPYed straight into the registry
(no staging table), its indexes and constraints dropped and rebuilt in the same transaction."""

import pytest
from django.db import connection
from django.urls import reverse

from registries.models import ImportJob, InspectionObject, ObjectChange, ObjectSupervision
from registries.objects.importing import merge
from tests.registries.imports.conftest import HEADER, csv_bytes, object_rows, read_report, upload
from tests.registries.imports.test_import_bulk_merge import schema_of

pytestmark = pytest.mark.django_db

FULL_HEADER = [
    *HEADER,
    "法定代表人",
    "住所",
    "规模",
    "登记状态",
    "经营异常名录日期",
    "经营异常名录来源",
]


@pytest.fixture
def bulk(monkeypatch):
    """Every import counts as large; records whether the staging path ran."""
    monkeypatch.setattr(merge, "BULK_REBUILD_MIN_ROWS", 1)
    calls = {"staging": 0, "direct": 0}
    create_staging_table, copy_into_registry = merge.create_staging_table, merge.copy_into_registry

    def staging(table):
        calls["staging"] += 1
        return create_staging_table(table)

    def direct(chunks):
        calls["direct"] += 1
        return copy_into_registry(chunks)

    monkeypatch.setattr(merge, "create_staging_table", staging)
    monkeypatch.setattr(merge, "copy_into_registry", direct)
    return calls


def schemas():
    return [schema_of(table) for table in (merge.OBJECT_TABLE, merge.SUPERVISION_TABLE)]


def full_rows(count: int) -> list[list[str]]:
    rows = []
    for index, row in enumerate(object_rows(count)):
        rows.append(
            [
                *row,
                f"张{index}",
                f"临江市{index}号",
                "小型",
                "",
                "2025/6/30" if index % 4 else "",
                "",
            ]
        )
    return rows


def test_a_large_file_into_an_empty_registry_is_copied_straight_in(run_import, dept_admin_a, bulk):
    # given: an empty registry, and a file with a bad row and a duplicate code
    before = schemas()
    rows = full_rows(40)
    rows[3][3] = "3301"  # region code too short
    rows[7][0] = rows[5][0]  # the same code as row 7 of the sheet
    rows[9][5] = ""  # no licence types
    rows[10][1] = 'a "quoted"\tname\\x'  # characters COPY must escape
    rows[11][5] = '食品经营；"特殊"许可\\类'  # and an array literal must quote
    # when
    job = run_import(dept_admin_a, csv_bytes(rows, header=FULL_HEADER))
    # then: the direct path ran, with the same counts as the staging path
    assert bulk == {"staging": 0, "direct": 1}
    assert job.status == "succeeded", job.failure_reason
    assert (job.inserted_count, job.updated_count, job.unchanged_count) == (38, 0, 0)
    assert (job.valid_rows, job.invalid_rows, job.error_count) == (38, 2, 2)
    assert job.processed_rows == job.total_rows == 40
    assert [row[:2] for row in read_report(job)[1:]] == [
        ["5", "行政区划代码"],
        ["9", "统一社会信用代码"],
    ]
    # the objects, numbered in file order, with the values the staging path would store
    codes = list(InspectionObject.objects.order_by("id").values_list("code", flat=True))
    assert codes == [row[0] for index, row in enumerate(rows) if index not in (3, 7)]
    first = InspectionObject.objects.get(code=rows[1][0])
    assert (first.kind, first.status, first.risk_class, first.scale) == (
        "enterprise",
        "active",
        "B",
        "small",
    )
    assert first.licence_types == ["食品经营", "药品经营"]
    assert (first.legal_representative, first.address) == ("张1", "临江市1号")
    assert str(first.anomaly_since) == "2025-06-30"
    assert first.created_at == first.updated_at
    assert InspectionObject.objects.get(code=rows[0][0]).anomaly_since is None
    assert InspectionObject.objects.get(code=rows[9][0]).licence_types == []
    assert InspectionObject.objects.get(code=rows[10][0]).name == 'a "quoted"\tname\\x'
    assert InspectionObject.objects.get(code=rows[11][0]).licence_types == [
        "食品经营",
        '"特殊"许可\\类',
    ]
    # every object supervised by the importing department, the job as their claimer (no claimer
    # per row: its foreign-key check would cost a trigger call per row), nothing in the history
    supervisions = ObjectSupervision.objects.filter(department=dept_admin_a.department)
    assert supervisions.filter(status="claimed", claimed_by=None).count() == 38
    assert set(supervisions.values_list("claimed_at", flat=True)) == {job.loaded_at}
    assert job.loaded_at == first.created_at
    assert ObjectSupervision.objects.count() == 38
    assert not ObjectChange.objects.exists()
    # the schema as before, and the sequences past the loaded ids
    assert schemas() == before
    created = InspectionObject.objects.create(
        code="OWN-0001", name="手工录入", region_code="330102"
    )
    assert created.pk > max(
        InspectionObject.objects.exclude(pk=created.pk).values_list("pk", flat=True)
    )
    supervision = ObjectSupervision.objects.create(
        inspection_object=created, department=dept_admin_a.department
    )
    assert supervision.pk > max(
        supervisions.exclude(pk=supervision.pk).values_list("pk", flat=True)
    )


def test_named_departments_supervise_their_rows_in_a_direct_load(
    run_import, office_admin, department_a, department_b, bulk
):
    rows = object_rows(9)
    for index, row in enumerate(rows):
        row[7] = ["DEPA", "DEPA;DEPB", ""][index % 3]
    job = run_import(office_admin, csv_bytes(rows))
    assert bulk == {"staging": 0, "direct": 1}
    assert (job.status, job.inserted_count) == ("succeeded", 9)
    assert ObjectSupervision.objects.filter(department=department_a).count() == 6
    assert ObjectSupervision.objects.filter(department=department_b).count() == 3
    # the office names no default department: rows without one are unsupervised
    assert not ObjectSupervision.objects.filter(inspection_object__code=rows[2][0]).exists()


def test_a_department_file_claims_only_for_its_department(
    run_import, dept_admin_a, department_b, bulk
):
    # given: a department's file naming another department for one row, its own for another
    rows = object_rows(4)
    rows[0][7] = "DEPB"
    rows[1][7] = "DEPA"
    # when
    job = run_import(dept_admin_a, csv_bytes(rows))
    # then: the row naming B is refused, every other object is supervised by A alone
    assert bulk == {"staging": 0, "direct": 1}
    assert (job.status, job.inserted_count, job.invalid_rows) == ("succeeded", 3, 1)
    assert read_report(job)[1][:2] == ["2", "监管部门"]
    assert "只能填写本部门" in read_report(job)[1][3]
    pairs = set(
        ObjectSupervision.objects.values_list("inspection_object__code", "department__code")
    )
    assert pairs == {(row[0], "DEPA") for row in rows[1:]}


def test_all_or_nothing_leaves_the_registry_empty_and_indexed(run_import, dept_admin_a, bulk):
    before = schemas()
    rows = object_rows(10)
    rows[4][3] = "99"
    job = run_import(dept_admin_a, csv_bytes(rows), mode="all_or_nothing")
    assert bulk["direct"] == 1
    assert (job.status, job.valid_rows, job.invalid_rows, job.inserted_count) == (
        "rejected",
        9,
        1,
        0,
    )
    assert read_report(job)[1][0] == "6"
    assert not InspectionObject.objects.exists()
    assert not ObjectSupervision.objects.exists()
    assert schemas() == before


def test_a_registry_with_objects_takes_the_staging_path(run_import, dept_admin_a, bulk):
    rows = object_rows(6)
    run_import(dept_admin_a, csv_bytes(rows[:2]))
    rows[0][1] = "改名后的企业有限公司"
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert bulk == {"staging": 1, "direct": 1}
    assert (job.inserted_count, job.updated_count, job.unchanged_count) == (4, 1, 1)
    assert ObjectChange.objects.get().changes["name"][1] == "改名后的企业有限公司"


def test_a_failure_after_the_copy_leaves_the_registry_as_before_and_a_retry_loads_it(
    dept_admin_a, bulk, monkeypatch
):
    # given: the load dies once the rows are in, before the indexes are back
    from registries.objects.importing.services import import_job_run

    before = schemas()
    job = ImportJob(
        department=dept_admin_a.department, created_by=dept_admin_a, original_name="objects.csv",
        file_format="csv", status="queued",
    )  # fmt: skip
    job.file.save("objects.csv", upload(csv_bytes(object_rows(8))), save=True)
    finish = merge.bulk_load_finish

    def die(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(merge, "bulk_load_finish", die)
    with pytest.raises(RuntimeError):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert not InspectionObject.objects.exists()
    assert schemas() == before
    # when: it is run again
    monkeypatch.setattr(merge, "bulk_load_finish", finish)
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    job = import_job_run(job_id=job.pk)
    # then: the rows, and the search indexes once the job queued after the commit has run
    assert (job.status, job.inserted_count) == ("succeeded", 8)
    assert ObjectSupervision.objects.count() == 8
    assert schemas() != before
    merge.build_deferred_indexes()
    assert schemas() == before


def test_a_file_only_of_bad_rows_imports_nothing(run_import, dept_admin_a, bulk):
    rows = object_rows(3)
    for row in rows:
        row[3] = "1"
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert (job.status, job.inserted_count, job.invalid_rows) == ("succeeded", 0, 3)
    assert not InspectionObject.objects.exists()
    assert not ObjectSupervision.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [merge.OBJECT_TABLE])
        assert cursor.fetchone()[0] > 5


def test_a_role_that_may_not_alter_the_registry_gets_the_everyday_path(
    run_import, dept_admin_a, bulk, monkeypatch
):
    # given: a runtime role that does not own the registry's tables (no DROP INDEX for it)
    before = schemas()
    monkeypatch.setattr(merge, "may_rebuild_indexes", lambda: False)
    # when
    job = run_import(dept_admin_a, csv_bytes(object_rows(6)))
    # then: staged and merged with every index in place, nothing deferred
    assert bulk == {"staging": 1, "direct": 0}
    assert (job.status, job.inserted_count) == ("succeeded", 6)
    assert schemas() == before
    assert not merge.deferred_indexes_pending()


def test_the_object_page_names_the_import_that_claimed_a_bulk_loaded_object(
    run_import, dept_admin_a, client_for, bulk
):
    rows = object_rows(3)
    job = run_import(dept_admin_a, csv_bytes(rows))
    inspection_object = InspectionObject.objects.get(code=rows[0][0])
    response = client_for(dept_admin_a).get(
        reverse("registries:object_detail", args=[inspection_object.pk])
    )
    assert f"批量导入 #{job.pk}（{dept_admin_a.full_name}）" in response.content.decode()
    # a staged import names the claimer on the row itself
    staged = run_import(dept_admin_a, csv_bytes(object_rows(2, seed=99)))
    assert staged.loaded_at is None
    assert ObjectSupervision.objects.filter(claimed_by=dept_admin_a).count() == 2
