"""Benchmark of the printable documents (issue 12: a filled on-site record renders in under 1 s; a
task's 500 inspection notices print as one Celery job into one PDF with peak RSS under 500 MB).

Sets up its own data in a dedicated database (``ssj_bench_printing`` on the embedded server, dropped
and recreated every run): two departments with 40 inspectors each, 600 objects, a matter whose
standard form has 24 check points with their legal basis, and a joint task whose real, audited draw
(push, confirmation, reveal) picks 500 objects dealt to 25 groups of two.

Measured in the same run:
1. the on-site record of one drawn object for that matter, through the printing kind (fingerprint
   of the HTML plus the WeasyPrint render), 5 times, median and worst; a *filled* record when an
   inspection model exists, otherwise the full blank form with the task, object and group filled
   (the filled variant adds only the answers' text to the same layout);
2. the batch: the task's 500 notices as one document through the real service path
   (document_request, then document_render as the job runs it: 50 notices per WeasyPrint document,
   concatenated with pypdf), in a child process whose peak RSS is the batch's own;
3. the baseline: the same 500 notices as 500 separate WeasyPrint documents (one per drawn object,
   the way the per-object notice renders), in another child process, with its peak RSS.

Usage:  .venv/bin/python bench/printing.py [--notices 500]
The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_printing"


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


def setup(notices: int):
    """Departments, people, registry, matter and a drawn task of `notices` objects."""
    from accounts.choices import DepartmentKind, Role
    from accounts.models import Department, User
    from catalog.models import CheckPoint, Matter
    from registries.models import InspectionObject, Inspector
    from registries.uscc import make_uscc
    from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
    from tasks.services.tasks import task_approve, task_create, task_submit_for_approval

    office = Department.objects.create(code="LXB", name="联席办", kind=DepartmentKind.OFFICE)
    samr = Department.objects.create(
        code="SAMR", name="临江市市场监督管理局", short_name="临江市场监管"
    )
    epb = Department.objects.create(code="EPB", name="临江市生态环境局", short_name="临江生态环境")
    users = {
        d.code: User.objects.create(username=f"staff_{d.code}", department=d, roles=[Role.STAFF])
        for d in (samr, epb)
    }
    users["office"] = User.objects.create(
        username="office", department=office, roles=[Role.OFFICE_ADMIN]
    )
    today = date.today()
    Inspector.objects.bulk_create(
        Inspector(
            code=f"{d.code}-{n:04d}",
            name=f"{d.short_name[2:4]}检查员{n}",
            department=d,
            certificate_number=f"33010{n:06d}{d.code}",
            certificate_valid_from=today - timedelta(days=400),
            certificate_valid_until=today + timedelta(days=900),
            tags=["LE"],
            max_load=5,
        )
        for d in (samr, epb)
        for n in range(1, 41)
    )
    InspectionObject.objects.bulk_create(
        InspectionObject(
            code=make_uscc(f"91330100{n:09d}"),
            name=f"临江市第{n}食品有限公司",
            legal_representative=f"张{n}",
            address=f"临江市滨江区江南大道{n}号",
            region_code="330108",
            risk_class="B",
            registering_authority="临江市市场监督管理局",
        )
        for n in range(notices + 100)
    )
    matter = Matter.objects.create(
        code="SC-01",
        name="食品生产企业生产过程监督检查",
        legal_basis="《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》第十三条",
        inspection_content="生产环境条件、进货查验、生产过程控制、产品检验、贮存及交付控制等",
        methods=["on_site", "written"],
        category="key",
        list_year=2026,
        effective_from=date(2026, 1, 1),
    )
    matter.implementing_departments.add(samr)
    CheckPoint.objects.bulk_create(
        CheckPoint(
            matter=matter,
            position=n,
            text=f"检查要点{n}：生产场所、设备设施、人员健康管理和进货查验记录是否符合食品安全要求",
            basis=f"《中华人民共和国食品安全法》第{30 + n}条",
            method="on_site",
            allowed_answers=["符合", "不符合", "不适用"],
        )
        for n in range(1, 25)
    )
    task = task_create(
        created_by=users["SAMR"], title="食品生产企业联合抽查", matters=[matter],
        start_date=today + timedelta(days=7), end_date=today + timedelta(days=37),
        adhoc_reason="基准测试", participating_departments=[epb], scope={},
        strata={"B": {"count": notices}}, groups=25, group_composition={"SAMR": 1, "EPB": 1},
        required_tags={}, code="LJ-PRINT-0001",
    )  # fmt: skip
    from tasks.models import TaskPolicy

    # No waiting for the announced reveal time in a benchmark.
    TaskPolicy.objects.filter(pk=TaskPolicy.current().pk).update(reveal_delay_minutes=0)
    task = task_submit_for_approval(task=task, submitted_by=users["SAMR"])
    task = task_approve(task=task, approved_by=users["office"])
    draw = task_push_to_review(task=task, pushed_by=users["SAMR"])
    review_confirm(review=draw.reviews.get(), confirmed_by=users["EPB"], witness="1 2 3")
    draw_reveal(draw=draw, revealed_by=users["SAMR"])
    draw.refresh_from_db()
    assert draw.drawn_objects.count() == notices, draw.failure_reason
    return task, draw, matter, users


def time_record(draw, matter) -> tuple[float, float, int]:
    from platform_site import documents as rendering
    from platform_site.documents import get_kind

    kind = get_kind("tasks.onsite_record")
    drawn_object = draw.drawn_objects.order_by("code").first()
    params = {"drawn_object": drawn_object.pk, "matter": matter.pk}
    times = []
    cpu = []
    with tempfile.TemporaryDirectory() as workdir:
        rendering.render_to_file(kind, kind.load(params), Path(workdir) / "warm.pdf")  # fonts
        for n in range(5):
            started = time.perf_counter()
            cpu_started = time.process_time()
            subject = kind.load(params)
            rendering.fingerprint(kind, subject)
            _fingerprint, pages = rendering.render_to_file(
                kind, subject, Path(workdir) / f"{n}.pdf"
            )
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    return statistics.median(times), max(times), pages, statistics.median(cpu)


def _child(function, queue, *args) -> None:
    from django.db import connections

    for connection in connections.all():
        connection.close_if_unusable_or_obsolete()
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = function(*args)
    result["cpu_s"] = round(time.process_time() - cpu_started, 2)
    queue.put((time.perf_counter() - started, peak_rss_mb(), result))


def run_in_child(function, *args):
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(function, queue, *args))
    process.start()
    seconds, rss, result = queue.get()
    process.join()
    assert process.exitcode == 0
    return seconds, rss, result


def batch(task_id: int, user_id: int) -> dict:
    """The real path: the request queues the document, the job renders it."""
    from accounts.models import User
    from platform_site.documents import (
        document_get,
        document_render,
        document_request,
        get_kind,
    )

    kind = get_kind("tasks.inspection_notices")
    user = User.objects.get(pk=user_id)
    params = {"task": task_id}
    document = document_request(
        kind=kind, params=params, subject=kind.authorize(user, params), requested_by=user
    )
    # Eager Celery (this script) runs the job as the request commits; a worker would run the same
    # document_render call. Either way the document is rendered once.
    document_render(kind_name=kind.name, params=params, fingerprint=document.fingerprint)
    document = document_get(document.id)
    assert document is not None and document.is_ready, document
    assert document.progress_done == document.progress_total
    return {
        "pages": document.page_count,
        "bytes": document.path.stat().st_size,
        "progress_done": document.progress_done,
    }


def separate(draw_id: int) -> dict:
    """Baseline: one WeasyPrint document per notice."""
    from platform_site import documents as rendering
    from platform_site.documents import get_kind
    from tasks.models import DrawnObject

    kind = get_kind("tasks.inspection_notice")
    pages = size = 0
    with tempfile.TemporaryDirectory() as workdir:
        for drawn_object_id in DrawnObject.objects.filter(draw_id=draw_id).values_list(
            "pk", flat=True
        ):
            target = Path(workdir) / f"{drawn_object_id}.pdf"
            _fp, count = rendering.render_to_file(
                kind, kind.load({"drawn_object": drawn_object_id}), target
            )
            pages += count
            size += target.stat().st_size
            target.unlink()
    return {"pages": pages, "bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notices", type=int, default=500)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("DEBUG", "false")
    os.environ["DOCUMENTS_ROOT"] = tempfile.mkdtemp(prefix="ssj-bench-documents-")
    import django

    django.setup()
    from django.core.management import call_command

    log("migrating…")
    call_command("migrate", verbosity=0)
    log("setting up the drawn task…")
    t0 = time.perf_counter()
    task, draw, matter, users = setup(args.notices)
    log(f"setup {time.perf_counter() - t0:.1f}s")

    from django.apps import apps

    filled = apps.is_installed("results") or any(
        model._meta.model_name == "inspection" for model in apps.get_models()
    )
    log("on-site record…")
    record_median, record_worst, record_pages, record_cpu = time_record(draw, matter)
    log(f"record median {record_median:.3f}s worst {record_worst:.3f}s ({record_pages} page(s))")

    log(f"batch: {args.notices} notices as one job…")
    batch_s, batch_rss, batch_result = run_in_child(batch, task.pk, users["SAMR"].pk)
    log(f"batch {batch_s:.1f}s, peak RSS {batch_rss:.0f} MB, {batch_result}")
    log(f"baseline: {args.notices} separate documents…")
    base_s, base_rss, base_result = run_in_child(separate, draw.pk)
    log(f"baseline {base_s:.1f}s, peak RSS {base_rss:.0f} MB, {base_result}")
    assert batch_result["pages"] == base_result["pages"] >= args.notices

    rows = [
        ("on-site record (24 check points, median of 5)", f"{record_median:.3f} s", "target < 1 s"),
        ("on-site record, worst of 5", f"{record_worst:.3f} s", ""),
        ("on-site record, CPU time (median)", f"{record_cpu:.3f} s", "the rest of the wall time is waiting for a CPU"),
        (f"{args.notices} notices, one job, one PDF", f"{batch_s:.1f} s", f"CPU {batch_result['cpu_s']} s, peak RSS {batch_rss:.0f} MB (target < 500)"),
        (f"baseline: {args.notices} separate documents", f"{base_s:.1f} s", f"CPU {base_result['cpu_s']} s, peak RSS {base_rss:.0f} MB"),
        ("batch / baseline", f"{batch_s / base_s:.2f}", f"{batch_result['pages']} pages, {batch_result['bytes'] / 1e6:.1f} MB PDF"),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>10}  {note}")
    figures = {
        "record_pdf_s": round(record_median, 3),
        "record_cpu_s": round(record_cpu, 3),
        "record_pages": record_pages,
        "record_filled": filled,
        "notices": args.notices,
        "batch_s": round(batch_s, 2),
        "batch_cpu_s": batch_result["cpu_s"],
        "baseline_s": round(base_s, 2),
        "baseline_cpu_s": base_result["cpu_s"],
        "load_average": round(os.getloadavg()[0], 1),
        "batch_to_baseline": round(batch_s / base_s, 2),
        "peak_rss_mb": round(batch_rss, 1),
        "baseline_peak_rss_mb": round(base_rss, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
