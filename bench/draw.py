"""Benchmark of one audited draw (issue 5: under 2 s end to end; stage 1 <= 1.5 x the floor).

Sets up its own data in a dedicated database (``ssj_bench_draw`` on the embedded server, dropped and
recreated every run): a registry of 1,000,000 objects (COPY), of which ~100,000 are in the task's
scope in 3 strata (risk classes B, C, D) plus must-include objects (anomaly list); 900 inspectors of
3 departments; 5,000 confirmed recusals between them and candidates. The task draws ~3,000 objects
dealt to 100 groups of 3 (one per department).

Measured in the same run:
1. end to end: candidate selection from the database, inspector and conflict files, snapshot and
   announcement (task_push_to_review), the two confirmations, the reveal and the draw job
   (stage 1, stage 2, persisting the result, the drawn lists and the log in one transaction);
2. the floor: fetching the candidates' ids and codes plus computing their HMAC tickets, nothing else;
3. stage 1 alone: the platform's candidate query (scope, market entities, the low-risk yearly limit,
   the MUST rule and the USCC check) and the object draw (tasks.draw.fast, identical to the
   reference protocol.draw_objects, which the run also checks).
Then, untimed, the draw's published bundle is verified by tasks.draw.verify (the reference protocol
recomputes the whole result), so the fast stages the platform ran are checked at full size.

Usage:  .venv/bin/python bench/draw.py [--objects 1000000] [--candidates 100000]
The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_draw"
SCOPE_REGION = "330199"
OTHER_REGIONS = [f"3301{n:02d}" for n in range(1, 10)]


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


def copy_objects(total: int, in_scope: int, must: int, rng: random.Random) -> None:
    """COPY the registry in chunks: in-scope objects first (B 60 %, C 30 %, D 10 %)."""
    from django.db import connection

    from registries.uscc import make_uscc

    columns = [
        "kind", "code", "name", "legal_representative", "address", "region_code", "industry_code",
        "licence_types", "scale", "risk_class", "status", "registering_authority", "grid", "anomaly_since",
        "anomaly_source", "serious_violation_source", "penalised_source", "group_complaint_source",
        "created_at", "updated_at",
    ]  # fmt: skip
    now = "2026-01-01 00:00:00+00"
    chunk = 100_000
    with connection.cursor() as cursor:
        for start in range(0, total, chunk):
            buffer = io.StringIO()
            for index in range(start, min(total, start + chunk)):
                scoped = index < in_scope
                region = SCOPE_REGION if scoped else OTHER_REGIONS[index % len(OTHER_REGIONS)]
                draw = rng.random()
                risk = (
                    ("B" if draw < 0.6 else "C" if draw < 0.9 else "D")
                    if scoped
                    else rng.choice("ABCD")
                )
                anomaly = "2025-06-30" if scoped and index % (in_scope // must) == 0 else "\\N"
                code = make_uscc(f"91{region}{index:09d}")
                buffer.write(
                    f"enterprise\t{code}\t企业{index}\t\t\t{region}\tF5221\t{{}}\t\t{risk}\tactive\t临江市市场监督管理局\t"
                    f"\t{anomaly}\t\t\t\t\t{now}\t{now}\n"
                )
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY registries_inspectionobject ({', '.join(columns)}) FROM STDIN", buffer
            )
            log(f"  objects: {min(total, start + chunk):,}")
        cursor.execute("ANALYZE registries_inspectionobject")


def setup_people(rng: random.Random, conflicts: int):
    from accounts.choices import DepartmentKind, Role
    from accounts.models import Department, User
    from registries.choices import RecusalReason, RecusalStatus
    from registries.models import InspectionObject, Inspector, Recusal

    office = Department.objects.create(code="LXB", name="联席办", kind=DepartmentKind.OFFICE)
    departments = [
        Department.objects.create(code=code, name=name)
        for code, name in (("SAMR", "市场监管局"), ("EPB", "生态环境局"), ("HEALTH", "卫生健康委"))
    ]
    users = {}
    for department in departments:
        users[department.code] = User.objects.create(
            username=f"staff_{department.code}",
            full_name=department.code,
            department=department,
            roles=[Role.STAFF],
        )
    users["office"] = User.objects.create(
        username="office", full_name="office", department=office, roles=[Role.OFFICE_ADMIN]
    )
    today = date.today()
    inspectors = []
    for department in departments:
        for n in range(1, 301):
            inspectors.append(
                Inspector(
                    code=f"{department.code}-{n:04d}",
                    name=f"{department.code}{n}",
                    department=department,
                    certificate_number=f"C{department.code}{n}",
                    certificate_valid_from=today - timedelta(days=400),
                    certificate_valid_until=today + timedelta(days=900),
                    tags=["LE"],
                    max_load=3,
                )
            )
    inspectors = Inspector.objects.bulk_create(inspectors)
    candidate_ids = list(
        InspectionObject.objects.filter(region_code=SCOPE_REGION).values_list("id", flat=True)
    )
    pairs = set()
    while len(pairs) < conflicts:
        pairs.add((rng.choice(inspectors).pk, rng.choice(candidate_ids)))
    Recusal.objects.bulk_create(
        [
            Recusal(
                inspector_id=i,
                inspection_object_id=o,
                reason=RecusalReason.INTEREST,
                status=RecusalStatus.CONFIRMED,
                declared_by=users["SAMR"],
            )
            for i, o in pairs
        ],
        batch_size=5000,
    )
    return departments, users


def make_task(departments, users):
    from catalog.models import Matter
    from tasks.services.tasks import task_approve, task_create, task_submit_for_approval

    matter = Matter.objects.create(
        code="B-01",
        name="基准事项",
        category="key",
        list_year=2026,
        effective_from=date(2026, 1, 1),
    )
    lead, *others = departments
    today = date.today()
    task = task_create(
        created_by=users[lead.code], title="基准联合抽查", matters=[matter], start_date=today + timedelta(days=7),
        end_date=today + timedelta(days=37), adhoc_reason="基准测试", participating_departments=others,
        scope={"region_prefixes": [SCOPE_REGION]},
        strata={"A": {"rate_bp": 0}, "B": {"rate_bp": 200}, "C": {"rate_bp": 400}, "D": {"rate_bp": 300}},
        groups=100, group_composition={d.code: 1 for d in departments}, required_tags={lead.code: ["LE"]},
        code="LJ-BENCH-0001",
    )  # fmt: skip
    task = task_submit_for_approval(task=task, submitted_by=users[lead.code])
    return task_approve(task=task, approved_by=users["office"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--must", type=int, default=300)
    parser.add_argument("--conflicts", type=int, default=5_000)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    # the bench times the draw, not the announced wait before the reveal
    os.environ["DRAW_REVEAL_DELAY_MINUTES"] = "0"
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    log("migrating…")
    call_command("migrate", verbosity=0)
    rng = random.Random(20261123)
    log("loading the registry…")
    t0 = time.perf_counter()
    copy_objects(args.objects, args.candidates, args.must, rng)
    departments, users = setup_people(rng, args.conflicts)
    task = make_task(departments, users)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"setup {time.perf_counter() - t0:.1f}s")

    from django.utils import timezone

    from tasks.draw.fast import draw_objects_fast
    from tasks.draw.protocol import Ticketer, compute_seed, draw_objects
    from tasks.models import Draw, DrawnObject
    from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
    from tasks.services.snapshots import candidate_queryset, candidate_rows, stage1_rows

    # warm-up of connections and imports (not of the data: the bench runs once on a cold task),
    # including the Celery app's one-off finalisation, which a running web process or worker has
    # already done (~0.1 s of imports on the first .delay() otherwise); and the garbage of loading
    # a million rows is collected now, so that the full collection it is due does not land inside
    # the timed draw (a web process or worker does not carry this setup's garbage)
    list(candidate_queryset(task, on=timezone.localdate()).values_list("id")[:1])
    from tasks.jobs import draw_run_job

    draw_run_job.app.finalize(auto=True)
    gc.collect()

    # --- 1. end to end --------------------------------------------------------------------------
    lead = users[departments[0].code]
    started = time.perf_counter()
    draw = task_push_to_review(task=task, pushed_by=lead)
    announced = time.perf_counter()
    for review in draw.reviews.select_related("department"):
        review_confirm(
            review=review,
            confirmed_by=users[review.department.code],
            witness=f"{rng.randrange(10**10):010d}",
        )
    confirmed = time.perf_counter()
    draw_reveal(draw=draw, revealed_by=lead)  # commits, then the eager job draws and persists
    finished = time.perf_counter()
    draw = Draw.objects.get(pk=draw.pk)
    assert draw.state == "drawn", (draw.state, draw.failure_reason)
    end_to_end = finished - started
    objects = len(draw.result["objects"])
    groups = len(draw.result["groups"])
    assert DrawnObject.objects.filter(draw=draw).count() == objects
    log(
        f"end to end {end_to_end:.3f}s (announce {announced - started:.3f}s, confirmations {confirmed - announced:.3f}s, "
        f"reveal+draw+persist {finished - confirmed:.3f}s); candidates {draw.candidate_count:,}, must {draw.must_count}, "
        f"objects {objects:,}, groups {groups}, conflicts {draw.conflict_count:,}, attempt {draw.result['attempt']}"
    )

    seed = draw.seed
    on = timezone.localdate()

    # --- 2. the floor ---------------------------------------------------------------------------
    started = time.perf_counter()
    ticket = Ticketer(seed).ticket
    rows = candidate_queryset(task, on=on).order_by().values_list("id", "code")
    floor_tickets = [ticket("OBJ|" + code) for _pk, code in rows]
    floor = time.perf_counter() - started
    assert len(floor_tickets) == draw.candidate_count

    # --- 3. stage 1 alone -----------------------------------------------------------------------
    started = time.perf_counter()
    rows = stage1_rows(candidate_queryset(task, on=on), on=on)
    chosen = draw_objects_fast(rows, draw.params["strata"], seed)
    stage1 = time.perf_counter() - started
    assert chosen == draw.result["objects"]
    # and the reference implementation agrees on the same rows
    candidates, _ids, _must, _skipped = candidate_rows(candidate_queryset(task, on=on), on=on)
    assert draw_objects(candidates, draw.params["strata"], Ticketer(seed)) == chosen
    # the seed is the draw's own: recomputing it proves the stage-1 timing used identical inputs
    assert (
        compute_seed(
            draw.protocol_task_id, draw.snapshots, draw.revealed_secret, "none", draw.witnesses
        )
        == seed
    )

    # --- 4. the bundle verifies: the reference protocol (tasks.draw.verify) recomputes exactly the
    # platform's result, which the fast stages computed (not timed) --------------------------------
    from tasks.draw.verify import verify_bundle
    from tasks.services.bundles import draw_bundle

    report = verify_bundle(draw_bundle(draw, public=False))
    assert report.valid, report.problems

    figures = {
        "objects": objects,
        "groups": groups,
        "end_to_end_s": round(end_to_end, 3),
        "stage1_s": round(stage1, 3),
        "floor_s": round(floor, 3),
        "stage1_ratio_to_floor": round(stage1 / floor, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "verified": report.valid,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
