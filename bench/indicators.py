"""Benchmark of the office's indicators and of recomputing the credit-risk classes.

Sets up its own data in a dedicated database (``ssj_bench_indicators``, dropped and recreated
every run): 1,000,000 registry objects (COPY, as bench/draw.py), ten departments each supervising
a tenth of them, 50 matters, 1,000 drawn tasks (30 % joint) with 100,000 inspections and their
results (80 % approved, 60 % published, 10 % with problems and a follow-up measure), 20,000 other
inspections and a plan of 200 items. Rows are written set-based (the draws' protocol files are
empty: this measures the indicators, not the draw).

Measured in the same run:
1. the office dashboard (ten indicators for the city and the league table: every indicator for
   every department, overdue items, draw statistics);
2. a department's dashboard;
3. the naive baseline of three of the indicators (sampling ratio, joint share, results on time)
   computed by looping over the inspections in Python, one object at a time;
4. recomputing every object's fused credit-risk class for every department (set-based), and
   the naive per-object loop on a sample of 5,000 objects, extrapolated to the same work.

Usage:  .venv/bin/python bench/indicators.py [--objects 1000000] [--inspections 100000]
The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_indicators"
YEAR = 2025


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_database(*, keep: bool = False) -> str:
    from urllib.parse import unquote, urlsplit, urlunsplit

    import psycopg2

    from platform_site import embedded

    url = embedded.ensure_postgres()
    parts = urlsplit(url)
    host = dict(item.split("=", 1) for item in parts.query.split("&"))["host"]
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=unquote(host))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if not keep:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            cursor.execute(f"CREATE DATABASE \"{DATABASE}\" OWNER ssj_owner ENCODING 'UTF8'")
    admin.close()
    # Migrated as the owner, used as the application's role: as in production.
    owner = urlsplit(embedded.ensure_postgres(embedded.OWNER_ROLE))
    os.environ["DATABASE_OWNER_URL"] = urlunsplit(owner._replace(path=f"/{DATABASE}"))
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def setup(objects: int, inspections: int):
    from django.db import connection

    from accounts.choices import DepartmentKind, Role
    from accounts.models import Department, User
    from bench.draw import copy_objects
    from catalog.models import Matter
    from plans.models import PlanItem, PlanYear
    from registries.credit.services import rule_set_create

    rng = random.Random(20261205)
    copy_objects(objects, objects // 10, max(objects // 100, 1), rng)
    office = Department.objects.create(code="LXB", name="联席办", kind=DepartmentKind.OFFICE)
    departments = [
        Department.objects.create(code=f"D{n:02d}", name=f"部门{n:02d}") for n in range(10)
    ]
    admin = User.objects.create(
        username="office", department=office, roles=[Role.OFFICE_ADMIN], full_name="联席办"
    )
    department_admin = User.objects.create(
        username="dept", department=departments[0], roles=[Role.DEPARTMENT_ADMIN]
    )
    for index in range(50):
        matter = Matter.objects.create(
            code=f"M-{index:03d}", name=f"事项{index}", list_year=YEAR,
            effective_from=date(YEAR, 1, 1), category="general", ratio_cap_bp=500,
        )  # fmt: skip
        matter.implementing_departments.set([departments[index % 10]])
    tasks_per_department = 100
    per_task = max(inspections // (10 * tasks_per_department), 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registries_objectsupervision (inspection_object_id, department_id,
                status, claimed_at)
            SELECT o.id, d.ids[1 + o.id %% 10], 'claimed', now()
            FROM registries_inspectionobject o,
                 (SELECT array_agg(id ORDER BY code) AS ids FROM accounts_department
                  WHERE kind = 'department') d
            """,
            {},
        )
        cursor.execute(
            """
            INSERT INTO tasks_task (code, title, lead_department_id, adhoc_reason, approved_by_id,
                approved_at, scope, strata, groups, group_composition, required_tags, start_date,
                end_date, inspection_method, max_attempts, status, last_return_reason,
                deviation_reason, created_by_id, created_at, updated_at)
            SELECT 'T-' || n, '任务' || n, d.ids[1 + n %% 10], '基准', %(admin)s,
                   make_date(%(year)s, 1 + n %% 12, 1)::timestamptz, '{}', '{}', 1, '{}', '{}',
                   make_date(%(year)s, 1 + n %% 12, 1), make_date(%(year)s, 1 + n %% 12, 20),
                   'on_site', 20, 'in_progress', '', '', %(admin)s, now(), now()
            FROM generate_series(0, %(tasks)s - 1) n,
                 (SELECT array_agg(id ORDER BY code) AS ids FROM accounts_department
                  WHERE kind = 'department') d
            """,
            {"admin": admin.pk, "year": YEAR, "tasks": 10 * tasks_per_department},
        )
        cursor.execute(
            """
            INSERT INTO tasks_task_participating_departments (task_id, department_id)
            SELECT t.id, d.ids[1 + (t.id + 1) %% 10]
            FROM tasks_task t, (SELECT array_agg(id ORDER BY code) AS ids FROM accounts_department
                                WHERE kind = 'department') d
            WHERE t.id %% 10 < 3;
            INSERT INTO tasks_task_matters (task_id, matter_id)
            SELECT t.id, m.id FROM tasks_task t JOIN catalog_matter m
              ON m.id %% 40 = t.id %% 40;
            INSERT INTO tasks_draw (task_id, number, kind, state, protocol_task_id, sealed_secret,
                revealed_secret, commitment, beacon, snapshots, params, candidate_file,
                inspector_file, conflict_file, candidate_count, must_count, inspector_count,
                conflict_count, must_reasons, selection_notes, witnesses, seed, result_hash,
                head_hash, failure_reason, announced_by_id, announced_at, drawn_at, redraw_reason,
                withdrawn_reason, void_reason, replaced_inspector_code, replaced_group,
                replacement_reason, job_attempts, replacement_category, withdraw_request_reason)
            SELECT t.id, 1, 'draw', 'drawn', t.code, '\\x00', '', repeat('0', 64), 'none', '{}',
                   '{}', '', '', '', 0, 0, 0, 0, '{}', '{}', '[]', '', repeat('1', 64),
                   repeat('2', 64), '', %(admin)s, t.approved_at,
                   t.approved_at + make_interval(days => (2 + t.id %% 9)::int), '', '', '', '', '', '',
                   0, '', ''
            FROM tasks_task t;
            """,
            {"admin": admin.pk},
        )
        cursor.execute(
            """
            INSERT INTO tasks_drawnobject (draw_id, inspection_object_id, code, stratum, group_id)
            SELECT dr.id, o.id, o.code, o.risk_class, 'G001'
            FROM tasks_draw dr
            CROSS JOIN LATERAL generate_series(0, %(per_task)s - 1) k
            JOIN registries_inspectionobject o
              ON o.id = 1 + ((dr.id * 7919 + k * 104729) %% %(objects)s);
            INSERT INTO tasks_inspection (task_id, drawn_object_id, inspection_object_id,
                group_id, scheduled_on, opened_at)
            SELECT dr.task_id, dobj.id, dobj.inspection_object_id, 'G001',
                   t.start_date + (dobj.id %% 15)::int, now()
            FROM tasks_drawnobject dobj JOIN tasks_draw dr ON dr.id = dobj.draw_id
            JOIN tasks_task t ON t.id = dr.task_id;
            INSERT INTO tasks_inspectionresult (inspection_id, status, version, categories,
                remarks, completed_on, due_on, submitted_at, return_reason, correction_reason,
                updated_at)
            SELECT i.id, 'open', 1,
                   CASE WHEN i.id %% 10 = 0 THEN ARRAY['rectified'] ELSE ARRAY['no_problem'] END,
                   '', i.scheduled_on, i.scheduled_on + 28,
                   CASE WHEN i.id %% 10 < 8 THEN (i.scheduled_on + 10 + (i.id %% 25)::int)::timestamptz
                   END, '', '', now()
            FROM tasks_inspection i;
            INSERT INTO tasks_resultversion (result_id, number, reason, categories, completed_on,
                content, content_hash, approved_by_id, approved_at, retain_until)
            SELECT r.id, 1, '', r.categories, r.completed_on, '{}', repeat('0', 64), %(admin)s,
                   r.submitted_at + interval '1 day', r.completed_on + 730
            FROM tasks_inspectionresult r WHERE r.submitted_at IS NOT NULL;
            UPDATE tasks_inspectionresult r SET status = 'approved', approved_version_id = v.id
            FROM tasks_resultversion v WHERE v.result_id = r.id;
            UPDATE tasks_inspectionresult r SET status = 'published',
                   published_version_id = approved_version_id, published_at = now()
            WHERE approved_version_id IS NOT NULL AND r.id %% 4 <> 0;
            INSERT INTO tasks_followupmeasure (result_id, kind, department_id, receiving_body,
                description, recheck_note, status, created_by_id, created_at,
                acknowledgement_note, outcome, outcome_on, closed_at)
            SELECT r.id, 'handover', t.lead_department_id, '', '移交', '',
                   CASE WHEN r.id %% 3 = 0 THEN 'open' ELSE 'closed' END, %(admin)s,
                   r.completed_on::timestamptz, '',
                   CASE WHEN r.id %% 3 = 0 THEN '' ELSE '已移交' END,
                   CASE WHEN r.id %% 3 = 0 THEN NULL ELSE r.completed_on + 20 END,
                   CASE WHEN r.id %% 3 = 0 THEN NULL ELSE now() END
            FROM tasks_inspectionresult r JOIN tasks_inspection i ON i.id = r.inspection_id
            JOIN tasks_task t ON t.id = i.task_id
            WHERE r.categories = ARRAY['rectified']::varchar[];
            INSERT INTO plans_otherinspection (department_id, kind, inspected_on, object_code,
                object_name, reference, source, created_by_id, created_at)
            SELECT d.ids[1 + n %% 10], 'complaint', make_date(%(year)s, 1 + n %% 12, 1 + n %% 28),
                   '', '对象' || n, 'R-' || n, 'import', %(admin)s, now()
            FROM generate_series(1, 20000) n,
                 (SELECT array_agg(id ORDER BY code) AS ids FROM accounts_department
                  WHERE kind = 'department') d;
            """,
            {"admin": admin.pk, "per_task": per_task, "objects": objects, "year": YEAR},
        )
    plan_year = PlanYear.objects.create(
        year=YEAR, submission_deadline=date(YEAR - 1, 11, 30),
        approval_deadline=date(YEAR - 1, 12, 31), opened_by=admin,
        opened_at="2024-10-01T00:00:00+08:00",
    )  # fmt: skip
    PlanItem.objects.bulk_create(
        PlanItem(
            plan_year=plan_year, department=departments[n % 10], title=f"计划{n}",
            ratios={"A": 100, "B": 200, "C": 300, "D": 400} if n % 5 else {"A": 300, "B": 300, "C": 300, "D": 300},
            window_start_month=3, window_end_month=10, status="approved", created_by=admin,
        )
        for n in range(200)
    )  # fmt: skip
    setup_general_classes(admin)
    rule_set_create(
        department=departments[0],
        rules={
            "anomaly": {"class": "C"},
            "problems": {"class": "C", "count": 1, "months": 24},
            "open_follow_ups": {"class": "C"},
        },
        note="基准",
        created_by=department_admin,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return departments


def setup_general_classes(admin) -> None:
    """Market regulation's general classification of every object, as one import would leave it
    (the objects' own class, dated and sourced), so that every fused class names its source."""
    from django.db import connection

    from registries.models import GeneralClassImport

    batch = GeneralClassImport.objects.create(
        issued_on=date(YEAR, 6, 30), source="市市场监管局", filename="bench.csv",
        imported_by=admin,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registries_generalriskclass (inspection_object_id, risk_class, valid_from,
                source, batch_id)
            SELECT o.id, o.risk_class, %(issued_on)s, %(source)s, %(batch)s
            FROM registries_inspectionobject o ORDER BY o.id
            """,
            {"issued_on": batch.issued_on, "source": batch.source, "batch": batch.pk},
        )
        batch.rows = cursor.rowcount
    batch.save(update_fields=["rows"])


def timed(function, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def cpu_timed(function, repeat: int = 3) -> float:
    """The CPU time of a call, this process's and its database backend's (read from /proc; the
    query runs without parallel workers so that the backend does all of it): what the call costs
    whatever else the machine is doing. None where /proc of the backend cannot be read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        if not stat.exists():
            return None
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    ticks = os.sysconf("SC_CLK_TCK")

    def backend_cpu() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    best = float("inf")
    for _ in range(repeat):
        own, backend = time.process_time(), backend_cpu()
        function()
        best = min(best, time.process_time() - own + backend_cpu() - backend)
    with connection.cursor() as cursor:
        cursor.execute("RESET max_parallel_workers_per_gather")
    return best


def naive_three(year: int, today: date, limit: int | None = None) -> dict[str, tuple[int, int]]:
    """Sampling ratio, joint share and results on time, the naive way: every inspection through
    the ORM, one object and one task at a time (the first `limit` inspections for a sample)."""
    from registries.models import InspectionObject
    from tasks.models import Inspection

    objects_seen, visits, joint = set(), set(), 0
    on_time = due = 0
    inspections = Inspection.objects.filter(drawn_object__draw__state="drawn").order_by("pk")
    for inspection in inspections[:limit] if limit else inspections:
        result = getattr(inspection, "result", None)
        day = (result.completed_on if result else None) or inspection.scheduled_on
        if day is None or day.year != year:
            continue
        objects_seen.add(inspection.inspection_object_id)
        key = f"c{inspection.combined_visit_id}" if inspection.combined_visit_id else inspection.pk
        if key not in visits:
            visits.add(key)
            if inspection.task.participating_departments.exists():
                joint += 1
        if result and result.due_on and (result.due_on < today or result.submitted_at):
            due += 1
            if result.submitted_at and result.submitted_at.date() <= result.due_on:
                on_time += 1
    market = InspectionObject.objects.filter(
        kind__in=["enterprise", "individual", "cooperative"], status="active"
    ).count()
    return {
        "sampling": (len(objects_seen), market),
        "joint_share": (joint, len(visits)),
        "results_on_time": (on_time, due),
    }


def naive_classes(department, object_ids: list[int]) -> int:
    """The fused class the naive way: per object, its general class, its special lists and its
    problem results, then one write."""
    from registries.models import FusedRiskClass, InspectionObject
    from tasks.models import FollowUpMeasure, ResultVersion

    written = 0
    for inspection_object in InspectionObject.objects.filter(pk__in=object_ids):
        reasons, classes = [], [inspection_object.risk_class]
        if inspection_object.anomaly_since:
            classes.append("C")
            reasons.append("anomaly")
        problems = ResultVersion.objects.filter(
            result__inspection__inspection_object=inspection_object,
            categories__overlap=["rectified", "not_publicised"],
        ).count()
        if problems:
            classes.append("C")
            reasons.append(f"problems {problems}")
        if FollowUpMeasure.objects.filter(
            result__inspection__inspection_object=inspection_object, status="open"
        ).exists():
            classes.append("C")
        fused = max(classes)
        current = FusedRiskClass.objects.filter(
            inspection_object=inspection_object, department=department, valid_to__isnull=True
        ).first()
        if current is None or current.risk_class != fused:
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument(
        "--dashboards-only",
        action="store_true",
        help="measure the dashboards again on the database of the previous run (no setup)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure everything on the database of the previous run (no setup)",
    )
    parser.add_argument(
        "--setup-only", action="store_true", help="build the database and stop (for --reuse)"
    )
    args = parser.parse_args()
    reuse = args.dashboards_only or args.reuse

    os.environ["DATABASE_URL"] = setup_database(keep=reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from registries.credit.services import risk_classes_recompute
    from tasks.indicators.league import dashboard
    from tasks.indicators.live import Scope, compute_all

    if reuse:
        from accounts.models import Department

        call_command("migrate", verbosity=0)
        departments = list(Department.objects.filter(kind="department").order_by("code"))
    else:
        log("migrating…")
        call_command("migrate", verbosity=0)
        log("loading…")
    t0 = time.perf_counter()
    if not reuse:
        departments = setup(args.objects, args.inspections)
    if args.setup_only:
        log(f"setup {time.perf_counter() - t0:.1f}s")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tasks_inspection")
        inspections = cursor.fetchone()[0]
    log(f"setup {time.perf_counter() - t0:.1f}s ({inspections:,} inspections)")
    today = date(YEAR + 1, 3, 1)

    def office():
        return dashboard(Scope(YEAR, today=today))

    def department():
        return dashboard(Scope(YEAR, departments[0].pk, today=today))

    office_s, _ = timed(office)
    department_s, _ = timed(department)
    log(f"office dashboard {office_s:.3f}s, department {department_s:.3f}s")
    office_cpu_s, department_cpu_s = cpu_timed(office), cpu_timed(department)
    log(f"CPU time: office dashboard {office_cpu_s}s, department {department_cpu_s}s")
    if args.dashboards_only:
        print(json.dumps({"office_dashboard_s": round(office_s, 3),
                          "department_dashboard_s": round(department_s, 3),
                          "office_dashboard_cpu_s": office_cpu_s,
                          "department_dashboard_cpu_s": department_cpu_s}))  # fmt: skip
        return
    three_sql_s, _ = timed(lambda: compute_all(Scope(YEAR, today=today)), 1)
    sample_size = min(5000, inspections)
    naive_sample_s, _naive = timed(lambda: naive_three(YEAR, today, sample_size), 1)
    naive_s = naive_sample_s * inspections / sample_size

    def classes():
        with transaction.atomic():
            return risk_classes_recompute()

    with connection.cursor() as cursor:  # a first computation, also on a reused database
        cursor.execute("TRUNCATE registries_fusedriskclass")
        cursor.execute("ANALYZE registries_fusedriskclass")
    classes_s, counts = timed(classes, 1)
    log(f"classes {classes_s:.1f}s {counts}")
    unchanged_s, _unchanged = timed(classes, 1)
    sample = list(departments[0].supervisions.values_list("inspection_object_id", flat=True)[:5000])
    sample_s, _ = timed(lambda: naive_classes(departments[0], sample), 1)
    supervised_pairs = sum(department.supervisions.count() for department in departments)
    classes_loop_s = sample_s * supervised_pairs / len(sample)

    rows = [
        ("office dashboard (10 indicators + league of 10 departments)", office_s),
        ("department dashboard", department_s),
        (
            "office dashboard, CPU time (this process + its backend, no parallel workers)",
            office_cpu_s or 0,
        ),
        ("department dashboard, CPU time", department_cpu_s or 0),
        ("10 city indicators, set-based", three_sql_s),
        ("3 city indicators, naive ORM loop (extrapolated from 5,000 inspections)", naive_s),
        ("recompute every fused class (10 departments)", classes_s),
        ("recompute again, nothing changed", unchanged_s),
        ("naive per-object loop (extrapolated from 5,000)", classes_loop_s),
    ]
    print(f"{'measure':<72} {'seconds':>10}")
    for label, seconds in rows:
        print(f"{label:<72} {seconds:>10.3f}")
    print(f"naive/set-based (3 indicators vs all 10): {naive_s / three_sql_s:.1f}x")
    print(f"classes naive/set-based: {classes_loop_s / classes_s:.1f}x; written {counts}")
    print(
        json.dumps(
            {
                "objects": args.objects,
                "inspections": inspections,
                "office_dashboard_s": round(office_s, 3),
                "department_dashboard_s": round(department_s, 3),
                "office_dashboard_cpu_s": office_cpu_s and round(office_cpu_s, 3),
                "department_dashboard_cpu_s": department_cpu_s and round(department_cpu_s, 3),
                "naive_three_indicators_s": round(naive_s, 3),
                "classes_s": round(classes_s, 2),
                "classes_unchanged_s": round(unchanged_s, 2),
                "classes_loop_s": round(classes_loop_s, 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
