"""Benchmark of opening a large task's inspections and of the inspection lists.

Sets up its own data in a dedicated database (``ssj_bench_inspections`` on the embedded server,
dropped and recreated every run): three departments, 8 matters with 6 check points each (3 of the
lead department, 3 and 2 of the others), and two identical started tasks of 500 drawn objects in 50
groups of 3 inspectors (the draw rows are written directly: this measures the inspection work, not
the draw). Each object gets 8 records (one per matter) with 6 answers: 4,000 records and 24,000
answers per task.

Measured in the same run:
1. `inspections_open` (set-based: a handful of bulk INSERTs, the result-entry deadlines
   included through `deadline_open_many`) on the first task;
2. the baseline: the same rows written one `create()` at a time on the second task, each
   deadline through `deadline_open`;
3. the lead department's inspection list (first page, as the API serves it) and the
   review queue, with the number of queries each takes.

Usage:  .venv/bin/python bench/inspections.py [--objects 500]
The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_inspections"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_database() -> str:
    from urllib.parse import unquote, urlsplit, urlunsplit

    import psycopg2

    from platform_site import embedded

    url = embedded.ensure_postgres()
    parts = urlsplit(url)
    host = dict(item.split("=", 1) for item in parts.query.split("&"))["host"]
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=unquote(host))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f"CREATE DATABASE \"{DATABASE}\" OWNER ssj_owner ENCODING 'UTF8'")
    admin.close()
    # Migrated as the owner, used as the application's role: as in production.
    owner = urlsplit(embedded.ensure_postgres(embedded.OWNER_ROLE))
    os.environ["DATABASE_OWNER_URL"] = urlunsplit(owner._replace(path=f"/{DATABASE}"))
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def setup(objects: int):
    from datetime import date

    from django.utils import timezone

    from accounts.choices import DepartmentKind, Role
    from accounts.models import Department, User
    from catalog.models import CheckPoint, Matter
    from registries.models import InspectionObject, Inspector
    from registries.uscc import make_uscc
    from tasks.choices import DrawState, TaskStatus
    from tasks.models import Draw, DrawnObject, GroupMember, Task

    codes = ["LEAD", "PART", "HELP"]
    departments = [
        Department.objects.create(code=code, name=f"{code} 部门", kind=DepartmentKind.DEPARTMENT)
        for code in codes
    ]
    staff = User.objects.create(
        username="lead_staff", department=departments[0], roles=[Role.STAFF], full_name="审核人"
    )
    matters = []
    for index, department in enumerate([0, 0, 0, 1, 1, 1, 2, 2]):
        matter = Matter.objects.create(
            code=f"B-{index}",
            name=f"事项{index}",
            list_year=2026,
            effective_from=date(2026, 1, 1),
            category="key",
        )
        matter.implementing_departments.set([departments[department]])
        CheckPoint.objects.bulk_create(
            CheckPoint(
                matter=matter,
                position=p,
                text=f"事项{index}要点{p}",
                allowed_answers=["符合", "不符合", "不涉及"],
            )
            for p in range(1, 7)
        )
        matters.append(matter)
    rows = InspectionObject.objects.bulk_create(
        InspectionObject(
            kind="enterprise",
            code=make_uscc(f"91330100{n:09d}"),
            name=f"企业{n}",
            region_code="330102",
            risk_class="B",
        )
        for n in range(2 * objects)
    )
    groups = max(objects // 10, 1)
    inspectors = {
        department.code: Inspector.objects.bulk_create(
            Inspector(code=f"{department.code}-{i:04d}", name=f"人员{i}", department=department)
            for i in range(groups * 2)
        )
        for department in departments
    }
    today = timezone.localdate()
    tasks = []
    for number in (1, 2):
        task = Task.objects.create(
            code=f"BENCH-{number}",
            title=f"基准任务{number}",
            lead_department=departments[0],
            adhoc_reason="bench",
            strata={},
            start_date=today - timedelta(days=5),
            end_date=today + timedelta(days=25),
            status=TaskStatus.IN_PROGRESS,
            created_by=staff,
        )
        task.participating_departments.set(departments[1:])
        task.matters.set(matters)
        draw = Draw.objects.create(
            task=task,
            number=1,
            state=DrawState.DRAWN,
            protocol_task_id=task.code,
            sealed_secret=b"",
            commitment="0" * 64,
            candidate_file=b"",
            inspector_file=b"",
            conflict_file=b"",
            announced_by=staff,
            announced_at=timezone.now(),
            drawn_at=timezone.now(),
        )
        chunk = rows[(number - 1) * objects : number * objects]
        DrawnObject.objects.bulk_create(
            DrawnObject(
                draw=draw,
                inspection_object=obj,
                code=obj.code,
                stratum="B",
                group_id=f"G{index % groups + 1:03d}",
            )
            for index, obj in enumerate(chunk)
        )
        GroupMember.objects.bulk_create(
            GroupMember(
                draw=draw,
                group_id=f"G{g + 1:03d}",
                code=inspectors[d.code][g + (number - 1) * groups].code,
                department_code=d.code,
                inspector=inspectors[d.code][g + (number - 1) * groups],
                is_leader=d.code == "LEAD",
            )
            for g in range(groups)
            for d in departments
        )
        tasks.append(task)
    return tasks, staff


def open_row_by_row(task) -> int:
    """The baseline: the same rows as inspections_open, one create() at a time."""
    from django.db import transaction

    from catalog.models import CheckPoint
    from publication.deadlines.services import deadline_open
    from publication.models import DeadlineKind
    from tasks.inspections.models import (
        Inspection,
        InspectionResult,
        MatterRecord,
        RecordAnswer,
    )
    from tasks.inspections.services.inspections import matter_assignments
    from tasks.models import GroupMember

    with transaction.atomic():
        draw = task.draws.get()
        created = 0
        for row in draw.drawn_objects.order_by("group_id", "code"):
            departments = set(
                GroupMember.objects.filter(draw=draw, group_id=row.group_id).values_list(
                    "department_code", flat=True
                )
            )
            inspection = Inspection.objects.create(
                task=task,
                drawn_object=row,
                inspection_object_id=row.inspection_object_id,
                group_id=row.group_id,
            )
            deadline = deadline_open(  # the per-row service: one deadline at a time
                kind=DeadlineKind.RESULT_ENTRY,
                subject=inspection,
                department=task.lead_department,
                start_date=task.end_date,
                title=f"检查结果录入：{row.code}",
            )
            InspectionResult.objects.create(inspection=inspection, due_on=deadline.due_date)
            for matter, department in matter_assignments(task, departments):
                record = MatterRecord.objects.create(
                    inspection=inspection,
                    matter=matter,
                    matter_revision=matter.revision,
                    department=department,
                )
                for point in CheckPoint.objects.filter(matter=matter).order_by("position"):
                    RecordAnswer.objects.create(
                        record=record,
                        position=point.position,
                        text=point.text,
                        basis=point.basis,
                        method=point.method,
                        allowed_answers=list(point.allowed_answers),
                    )
            created += 1
    return created


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=500)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["NOTIFICATION_EMAIL"] = "false"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tasks.inspections.models import MatterRecord, RecordAnswer
    from tasks.inspections.selectors import inspection_list, results_awaiting_review
    from tasks.inspections.services.inspections import inspections_open

    log("migrating…")
    call_command("migrate", verbosity=0)
    log("setting up…")
    (first, second), staff = setup(args.objects)
    from publication.deadlines.services import deadlines_calendar_sync

    deadlines_calendar_sync()  # the working-day index is built once per database, not per task
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    profile = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    started = time.perf_counter()
    opened = inspections_open(task=first, opened_by=staff)
    open_s = time.perf_counter() - started
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    records = MatterRecord.objects.filter(inspection__task=first).count()
    answers = RecordAnswer.objects.filter(record__inspection__task=first).count()

    started = time.perf_counter()
    baseline = open_row_by_row(second)
    loop_s = time.perf_counter() - started
    assert baseline == opened
    assert MatterRecord.objects.filter(inspection__task=second).count() == records

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        page = list(inspection_list(staff)[:50])
        list_s = time.perf_counter() - started
    list_queries = len(queries)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        review = list(results_awaiting_review(staff)[:20])
        review_s = time.perf_counter() - started
    review_queries = len(queries)

    print(f"{'step':<40}{'seconds':>10}{'ratio':>10}")
    print(f"{'inspections_open (bulk)':<40}{open_s:>10.3f}{1:>10.2f}")
    print(f"{'row by row (baseline)':<40}{loop_s:>10.3f}{loop_s / open_s:>10.2f}")
    print(f"{'inspection list, first 50':<40}{list_s:>10.3f}{'':>10}  {list_queries} queries")
    print(f"{'review queue':<40}{review_s:>10.3f}{'':>10}  {review_queries} queries")
    print(f"inspections {opened}, records {records}, answers {answers}, listed {len(page)}")
    print(
        json.dumps(
            {
                "inspections": opened,
                "records": records,
                "answers": answers,
                "open_s": round(open_s, 3),
                "loop_s": round(loop_s, 3),
                "list_s": round(list_s, 4),
                "list_queries": list_queries,
                "review_queries": review_queries,
                "reviewable": len(review),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
