"""Benchmark of the batch import of inspection objects (issue 3: >= 50,000 valid rows/s).

Sets up its own data in a dedicated database (``ssj_bench_import`` on the embedded server, dropped
and recreated every run): a CSV of N objects (default 1,000,000) with valid unified social credit
codes, optionally a share of bad rows. Then, in the same run:

1. the platform import end to end: the service the Celery job calls, run synchronously (into the
   empty registry: validation while COPYing straight into the registry, supervisions, the
   constraints, the error report, the commit; ``--phases`` logs each phase's time), then the
   search and filter indexes the load deferred past its commit, built concurrently and timed
   apart (``rows_per_s`` is to the commit; ``rows_per_s_incl_deferred_indexes`` includes them);
2. a raw COPY of the same file into a bare table with text columns and no index (the floor);
3. an ORM import with bulk_create (batch 5,000; code check, objects and their supervisions) on a
   subset (default 100,000 rows) into an emptied registry, extrapolated per row.

Usage:  .venv/bin/python bench/import_objects.py [--rows 1000000] [--bad-percent 0] [--orm-rows 100000]
        [--keep-file | --file PATH] [--phases]
The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_import"
HEADER = [
    "统一社会信用代码", "名称", "对象类型", "法定代表人", "住所", "行政区划代码", "行业代码", "许可类别",
    "规模", "信用风险分类", "登记状态", "登记机关", "网格", "经营异常名录日期", "经营异常名录来源",
]  # fmt: skip
REGIONS = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112"]
INDUSTRIES = ["F5221", "C1311", "H6210", "E4710", "I6510", "L7212", "F5123", "C3831"]
LICENCES = ["", "", "食品经营", "药品经营；医疗器械经营", "特种设备使用", "工业产品生产许可"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
WORDS = "华信达恒通宏泰丰盛安康瑞祥鑫源隆兴和新美佳德利金诚永昌"
SCALES = ["微型", "小型", "小型", "中型", "大型"]
RISKS = ["A", "B", "B", "B", "C", "D"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_database() -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    from platform_site import embedded

    url = embedded.ensure_postgres()
    parts = urlsplit(url)
    host = dict(item.split("=", 1) for item in parts.query.split("&"))["host"]
    from urllib.parse import unquote

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


def generate_csv(
    path: Path, rows: int, bad_percent: float, seed: int = 20261123
) -> tuple[int, int]:
    """Stream the file to disk; returns (valid rows, bad rows)."""
    from registries.uscc import random_uscc

    rng = random.Random(seed)
    seen: set[str] = set()
    bad = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            region = rng.choice(REGIONS)
            code = random_uscc(rng, region=region)
            while code in seen:
                code = random_uscc(rng, region=region)
            seen.add(code)
            name = f"临江市{''.join(rng.choices(WORDS, k=3))}{rng.choice(['贸易', '科技', '餐饮', '建材', '医药'])}有限公司{index}"
            row = [
                code, name, "企业", rng.choice(SURNAMES) + "某", f"临江市{rng.randint(1, 300)}号",
                region, rng.choice(INDUSTRIES), rng.choice(LICENCES), rng.choice(SCALES), rng.choice(RISKS),
                "存续", "临江市市场监督管理局", f"网格{rng.randint(1, 80):02d}",
                "" if rng.random() > 0.03 else "2025-06-30", "" ,
            ]  # fmt: skip
            if row[13]:
                row[14] = "临江市市场监督管理局"
            if bad_percent and rng.random() * 100 < bad_percent:
                bad += 1
                kind = rng.randrange(4)
                if kind == 0:
                    row[0] = code[:-1] + ("0" if code[-1] != "0" else "1")  # wrong check character
                elif kind == 1:
                    row[5] = "3301"  # region code too short
                elif kind == 2:
                    row[1] = ""  # name missing
                else:
                    row[13] = "2025-13-45"  # not a date
            writer.writerow(row)
    del seen
    return rows - bad, bad


def backend_cpu_seconds() -> float | None:
    """CPU seconds the database server process of this connection has used (user + system), read
    from /proc: on this shared VM, CPU time says what a change costs when wall time also says how
    busy the neighbours are. None when the server is not a local process."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_platform(path: Path, user) -> tuple[float, float, object, dict]:
    """Seconds until the job committed, seconds to build the indexes it deferred, the job, and the
    CPU seconds to the commit of this process and of its database server process."""
    from django.core.files import File

    from registries.models import ImportJob
    from registries.objects.importing import merge, services
    from registries.objects.importing.services import import_job_run

    # The job queues the deferred index build after its commit; the bench runs it itself, timed.
    queued = []
    services._build_deferred_indexes_after_commit = lambda: queued.append(True)

    with open(path, "rb") as handle:
        job = ImportJob(
            department=user.department, created_by=user, original_name=path.name, file_format="csv",
            file_size=path.stat().st_size, mode="valid_rows", duplicate_policy="update", status="queued",
        )  # fmt: skip
        job.file.save("bench.csv", File(handle), save=True)
    server_before, python_before = backend_cpu_seconds(), time.process_time()
    started = time.perf_counter()
    job = import_job_run(job_id=job.pk)
    committed = time.perf_counter() - started
    server_after, python_after = backend_cpu_seconds(), time.process_time()
    cpu = {"python_cpu_s": round(python_after - python_before, 2)}
    if server_before is not None and server_after is not None:
        cpu["server_cpu_s"] = round(server_after - server_before, 2)
    started = time.perf_counter()
    built = merge.build_deferred_indexes()
    indexing = time.perf_counter() - started
    log(
        f"[bench] committed in {committed:.1f} s; {len(built)} deferred indexes built in {indexing:.1f} s"
    )
    return committed, indexing if queued else 0.0, job, cpu


def bench_copy(path: Path) -> float:
    from django.db import connection

    columns = ", ".join(f"c{index} text" for index in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_copy")
        cursor.execute(f"CREATE TABLE bench_bare_copy ({columns})")
    started = time.perf_counter()
    with open(path, encoding="utf-8-sig", newline="") as handle, connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY bench_bare_copy FROM STDIN WITH (FORMAT csv, HEADER true)", handle, size=1 << 16
        )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_copy")
    return elapsed


def bench_bulk_create(path: Path, user, limit: int) -> tuple[float, int]:
    """A plain ORM import of the first `limit` rows: check, build objects, bulk_create, supervisions."""
    from django.db import connection, transaction

    from registries.models import InspectionObject, ObjectSupervision
    from registries.uscc import is_valid_uscc

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registries_inspectionobject CASCADE")
    risk = {"A": "A", "B": "B", "C": "C", "D": "D"}
    scales = {"微型": "micro", "小型": "small", "中型": "medium", "大型": "large"}
    started = time.perf_counter()
    imported = 0
    with open(path, encoding="utf-8-sig", newline="") as handle, transaction.atomic():
        reader = csv.reader(handle)
        next(reader)
        batch: list[InspectionObject] = []

        def flush() -> None:
            created = InspectionObject.objects.bulk_create(batch, batch_size=5000)
            ObjectSupervision.objects.bulk_create(
                [
                    ObjectSupervision(
                        inspection_object=obj, department=user.department, claimed_by=user
                    )
                    for obj in created
                ],
                batch_size=5000,
            )
            batch.clear()

        for index, row in enumerate(reader):
            if index >= limit:
                break
            if not is_valid_uscc(row[0]) or not row[1] or len(row[5]) != 6:
                continue
            if row[13]:
                try:
                    dt.date.fromisoformat(row[13])
                except ValueError:
                    continue
            batch.append(
                InspectionObject(
                    kind="enterprise",
                    code=row[0],
                    name=row[1],
                    legal_representative=row[3],
                    address=row[4],
                    region_code=row[5],
                    industry_code=row[6],
                    licence_types=[part for part in row[7].replace("；", ";").split(";") if part],
                    scale=scales.get(row[8], ""),
                    risk_class=risk.get(row[9], "B"),
                    status="active",
                    registering_authority=row[11],
                    grid=row[12],
                    anomaly_since=row[13] or None,
                    anomaly_source=row[14],
                )
            )
            imported += 1
            if len(batch) >= 5000:
                flush()
        if batch:
            flush()
    return time.perf_counter() - started, imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad-percent", type=float, default=0.0)
    parser.add_argument("--orm-rows", type=int, default=100_000)
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument(
        "--file", type=Path, help="reuse a CSV generated by an earlier run (--keep-file)"
    )
    parser.add_argument(
        "--phases", action="store_true", help="log the time of each phase of the platform import"
    )
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = setup_database()
    os.environ["DJANGO_SETTINGS_MODULE"] = "platform_site.settings.base"
    os.environ.setdefault("DEBUG", "false")
    workdir = Path(tempfile.mkdtemp(prefix="ssj-bench-import-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    if args.phases:
        import logging

        logging.getLogger("registries.objects.importing").setLevel(logging.DEBUG)
    from django.core.management import call_command

    from accounts.choices import Role
    from accounts.models import Department, User

    log(f"[bench] migrating {DATABASE} …")
    call_command("migrate", verbosity=0)
    department = Department.objects.create(
        code="SAMR", name="临江市市场监督管理局", short_name="市场监管局"
    )
    user = User.objects.create(
        username="bench_admin",
        full_name="基准测试",
        department=department,
        roles=[Role.DEPARTMENT_ADMIN],
    )

    if args.file:
        path = args.file
        valid, bad = args.rows, 0  # counted by the import below
    else:
        path = workdir / "objects.csv"
        log(f"[bench] generating {args.rows:,} rows …")
        started = time.perf_counter()
        valid, bad = generate_csv(path, args.rows, args.bad_percent)
        log(
            f"[bench] generated {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
        )

    log("[bench] (1) platform import …")
    platform_seconds, indexing_seconds, job, cpu = bench_platform(path, user)
    platform_rss = peak_rss_mb()
    if args.file:
        args.rows = job.total_rows
        valid, bad = job.valid_rows, job.invalid_rows
    if job.status != "succeeded" or job.inserted_count != valid:
        raise SystemExit(
            f"platform import went wrong: {job.status} {job.failure_reason} inserted={job.inserted_count}"
        )
    log("[bench] (2) raw COPY …")
    copy_seconds = bench_copy(path)
    log(f"[bench] (3) ORM bulk_create on {args.orm_rows:,} rows …")
    orm_seconds, orm_rows = bench_bulk_create(path, user, min(args.orm_rows, args.rows))

    platform_rate = valid / platform_seconds
    copy_rate = args.rows / copy_seconds
    orm_rate = orm_rows / orm_seconds
    lines = [
        ("platform import, to the commit", args.rows, platform_seconds, platform_rate, "measured"),
        ("  + search/filter indexes built after it", args.rows, platform_seconds + indexing_seconds,
         valid / (platform_seconds + indexing_seconds),
         f"measured: {indexing_seconds:.1f} s of CREATE INDEX CONCURRENTLY, nothing blocked meanwhile"),
        ("raw COPY into a bare table (floor)", args.rows, copy_seconds, copy_rate, "measured"),
        ("ORM bulk_create, batch 5,000", orm_rows, orm_seconds, orm_rate,
         f"measured on {orm_rows:,} rows; 1M rows ≈ {args.rows / orm_rate:.0f} s (extrapolated)"),
    ]  # fmt: skip
    print(
        f"\nObject import benchmark — {args.rows:,} rows ({valid:,} valid, {bad:,} bad), {os.cpu_count()} CPUs"
    )
    print(f"{'method':44} {'rows':>10} {'seconds':>9} {'rows/s':>10}  note")
    for label, rows, seconds, rate, note in lines:
        print(f"{label:44} {rows:>10,} {seconds:>9.2f} {rate:>10,.0f}  {note}")
    print(
        f"\nplatform: inserted {job.inserted_count:,}, invalid {job.invalid_rows:,}; "
        f"throughput is {platform_rate / copy_rate:.2f}× raw COPY and {platform_rate / orm_rate:.1f}× bulk_create; "
        f"peak RSS {platform_rss:.0f} MB (whole process, after the platform import); CPU to the "
        f"commit: {cpu['python_cpu_s']} s Python, {cpu.get('server_cpu_s', '?')} s database server"
    )
    print(
        json.dumps(
            {
                "rows": args.rows,
                "rows_per_s": round(platform_rate),
                "deferred_indexes_s": round(indexing_seconds, 2),
                "rows_per_s_incl_deferred_indexes": round(
                    valid / (platform_seconds + indexing_seconds)
                ),
                "ratio_to_copy": round(platform_rate / copy_rate, 3),
                "ratio_to_bulk_create": round(platform_rate / orm_rate, 2),
                **cpu,
                "peak_rss_mb": round(platform_rss, 1),
            }
        )
    )
    # the job's stored copy of the upload and its error report (the file's size again)
    shutil.rmtree(workdir / "media", ignore_errors=True)
    if not args.keep_file and not args.file:
        path.unlink()
    elif not args.file:
        log(f"[bench] kept {path}")
    with contextlib.suppress(OSError):
        workdir.rmdir()  # empty unless the generated file was kept


if __name__ == "__main__":
    main()
