"""Benchmark of the public site (issue 13): cached pages under load, cold renders, search over
1,000,000 published results.

Sets up its own data in a dedicated database (``ssj_bench_public`` on the embedded server, dropped
and recreated every run): migrations, 12 departments, one task with one published drawn list, and
``--results`` (default 1,000,000) published results of as many enterprises with real-looking
Chinese names. Only the public projection (``publication_publicresult``) is what the public pages,
the search and the open data read; it is filled with set-based SQL, and the working rows it points
at (inspection objects, drawn objects, inspections, results) are inserted minimally for the
foreign keys.

Then gunicorn serves the project with the production settings (``platform_site.settings.production``:
DEBUG off, whitenoise, Redis cache; ``bench/public_site_settings.py`` adds only a bare cached "hello"
view) on 127.0.0.1 with ``--workers`` gthread workers of ``--threads`` threads (3 × 4, as
docker-compose.yml: threads keep the connections alive, which sync workers do not), and wrk drives it for
``--seconds`` (10) per case with ``--connections`` (8) connections:
1. baseline: the cached "hello" view (``hello_rps``);
2. warm: the results list and an enterprise page from the cache (``warm_rps``: the lower of the two,
   ``warm_p99_ms``: the higher p99), and the ratio to the baseline;
3. cold: the results list rendered afresh on every request (a unique query string per request, so
   every request misses the cache, renders from PostgreSQL and stores the page) (``cold_rps``);
4. search: 300 different searches (parts of names of 2 to 4 characters, and credit codes) one after
   the other, each a cache miss (``search_p95_ms``).

Usage:  .venv/bin/python bench/public_site.py [--results 1000000] [--seconds 10]
The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_public"
SEED = 13
WRK = shutil.which("wrk") or "/usr/bin/wrk"

REGIONS = [
    "临江",
    "江北",
    "城南",
    "西湖",
    "钱塘",
    "滨江",
    "临平",
    "富阳",
    "桐庐",
    "建德",
    "淳安",
    "萧山",
]
WORDS = list(
    "华恒丰泰盛兴隆鑫源昌达宏祥瑞福安康永宁嘉和顺通明远金银玉宝德信诚益新锦绣"
    "天地海山川湖林森春夏秋冬东南西北中佳美优品味香鲜"
)
TRADES = [
    "食品", "餐饮", "商贸", "超市", "药房", "医药", "电器", "建材", "服饰", "家具", "汽车服务",
    "物流", "农贸", "茶叶", "酒业", "粮油", "日用品", "五金", "眼镜", "化妆品", "母婴用品",
]  # fmt: skip
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "经营部", "商行", "店"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def database_url(*, reuse: bool = False) -> str:
    from urllib.parse import unquote, urlsplit, urlunsplit

    import psycopg2

    from platform_site import embedded

    url = embedded.ensure_postgres()
    parts = urlsplit(url)
    host = dict(item.split("=", 1) for item in parts.query.split("&"))["host"]
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=unquote(host))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if not (reuse and cursor.fetchone()):
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            cursor.execute(f"CREATE DATABASE \"{DATABASE}\" OWNER ssj_owner ENCODING 'UTF8'")
    admin.close()
    owner = urlsplit(embedded.ensure_postgres(embedded.OWNER_ROLE))
    os.environ["DATABASE_OWNER_URL"] = urlunsplit(owner._replace(path=f"/{DATABASE}"))
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def enterprise_names(count: int, rng: random.Random) -> list[str]:
    names = []
    for n in range(count):
        brand = "".join(rng.choice(WORDS) for _ in range(rng.choice((2, 2, 3))))
        names.append(f"{rng.choice(REGIONS)}市{brand}{rng.choice(TRADES)}{FORMS[n % len(FORMS)]}")
    return names


def credit_codes(count: int, rng: random.Random) -> list[str]:
    from registries.uscc import random_uscc

    seen: set[str] = set()
    codes = []
    while len(codes) < count:
        code = random_uscc(rng)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def _fill_columns(table: str, given: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT expressions for an INSERT … SELECT: `given` as written, every other
    NOT NULL column without a database default gets a neutral value of its type."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT column_name, data_type FROM information_schema.columns
               WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
            [table],
        )
        required = cursor.fetchall()
    neutral = {
        "character varying": "''", "text": "''", "integer": "0", "bigint": "0", "smallint": "0",
        "boolean": "false", "date": "current_date", "timestamp with time zone": "now()",
        "jsonb": "'{}'::jsonb", "ARRAY": "'{}'", "bytea": "''::bytea",
    }  # fmt: skip
    columns = dict(given)
    for name, kind in required:
        if name != "id" and name not in columns:
            columns[name] = neutral[kind]
    return ", ".join(columns), ", ".join(columns.values())


def build(total: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Department, User
    from publication.site.services import drawn_list_publish
    from tasks.choices import DrawState, TaskStatus
    from tasks.models import Draw, Task

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    departments = Department.objects.bulk_create(
        [Department(code=f"D{n:02d}", name=f"临江市{name}") for n, name in enumerate(
            ["市场监督管理局", "卫生健康委员会", "生态环境局", "交通运输局", "商务局", "应急管理局",
             "文化广电旅游局", "农业农村局", "住房和城乡建设局", "教育局", "药品监督管理局", "税务局"]
        )]
    )  # fmt: skip
    staff = User.objects.create(
        username="bench_staff", full_name="公示员", department=departments[0], roles=["staff"]
    )
    today = timezone.localdate()
    task = Task.objects.create(
        code="BENCH-2025-001", title="2025年度食品经营者联合抽查", lead_department=departments[0],
        adhoc_reason="bench", strata={}, start_date=today.replace(month=1, day=1),
        end_date=today, status=TaskStatus.IN_PROGRESS, created_by=staff,
    )  # fmt: skip
    task.participating_departments.set(departments[1:3])
    draw = Draw.objects.create(
        task=task, number=1, state=DrawState.DRAWN, protocol_task_id=task.code, sealed_secret=b"",
        commitment="0" * 64, candidate_file=b"", inspector_file=b"", conflict_file=b"",
        announced_by=staff, announced_at=timezone.now(), drawn_at=timezone.now(),
        result={"objects": {}},
    )  # fmt: skip
    drawn_list_publish(draw=draw, published_by=staff)
    log(f"names and credit codes for {total:,} enterprises …")
    names = enterprise_names(total, rng)
    codes = credit_codes(total, rng)
    years = [2023 + (n % 3) for n in range(total)]
    months = [1 + (n % 12) for n in range(total)]
    categories = ["no_problem"] * 7 + ["rectified", "not_publicised", "unreachable"]
    labels = {
        "no_problem": "未发现问题", "rectified": "发现问题已责令改正",
        "not_publicised": "未按规定公示应当公示的信息",
        "unreachable": "通过登记的住所（经营场所）无法联系",
    }  # fmt: skip
    picked = [categories[n % len(categories)] for n in range(total)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_rows (n int, code text, name text)")
        batch = 100_000
        for start in range(0, total, batch):
            cursor.execute(
                "INSERT INTO bench_rows SELECT * FROM unnest(%s::int[], %s::text[], %s::text[])",
                [list(range(start, min(total, start + batch))), codes[start : start + batch],
                 names[start : start + batch]],
            )  # fmt: skip
        columns, values = _fill_columns(
            "registries_inspectionobject",
            {"kind": "'enterprise'", "code": "r.code", "name": "r.name", "region_code": "'330102'",
             "registering_authority": "'临江市市场监督管理局'", "status": "'active'",
             "risk_class": "'B'"},
        )  # fmt: skip
        cursor.execute(f"INSERT INTO registries_inspectionobject ({columns}) "
                       f"SELECT {values} FROM bench_rows r ORDER BY r.n")  # fmt: skip
        log(f"  objects {time.perf_counter() - started:.0f} s")
        cursor.execute(
            "INSERT INTO tasks_drawnobject (draw_id, inspection_object_id, code, stratum, group_id) "
            "SELECT %s, o.id, o.code, 'B', 'G001' FROM registries_inspectionobject o",
            [draw.pk],
        )
        columns, values = _fill_columns(
            "tasks_inspection",
            {"task_id": str(task.pk), "drawn_object_id": "d.id",
             "inspection_object_id": "d.inspection_object_id", "group_id": "'G001'"},
        )  # fmt: skip
        cursor.execute(f"INSERT INTO tasks_inspection ({columns}) SELECT {values} "
                       "FROM tasks_drawnobject d")  # fmt: skip
        columns, values = _fill_columns(
            "tasks_inspectionresult",
            {"inspection_id": "i.id", "status": "'approved'", "version": "1",
             "categories": "'{}'", "remarks": "''"},
        )  # fmt: skip
        cursor.execute(f"INSERT INTO tasks_inspectionresult ({columns}) SELECT {values} "
                       "FROM tasks_inspection i")  # fmt: skip
        log(f"  working rows {time.perf_counter() - started:.0f} s")
        cursor.execute(
            """
            INSERT INTO publication_publicresult (result_id, version, is_current, task_id, task_code,
                task_title, plan_year, plan_title, lead_department_id, departments, is_directed,
                is_joint, completed_on, year, month, categories, result_text, remarks,
                correction_reason, inspection_object_id, enterprise_name, credit_code,
                registering_authority, published_at)
            SELECT r.id, 1, true, %s, %s, %s, NULL, '', %s, %s, false, true,
                   make_date(p.y, p.m, 1 + (p.n %% 27)), p.y, p.m, ARRAY[p.c], p.label, '', '',
                   o.id, o.name, o.code, o.registering_authority,
                   make_timestamptz(p.y, p.m, 1 + (p.n %% 27), 10, 0, 0, 'Asia/Shanghai')
            FROM unnest(%s::int[], %s::int[], %s::int[], %s::text[], %s::text[])
                 AS p(n, y, m, c, label)
            JOIN bench_rows b ON b.n = p.n
            JOIN registries_inspectionobject o ON o.code = b.code
            JOIN tasks_drawnobject d ON d.inspection_object_id = o.id
            JOIN tasks_inspection i ON i.drawn_object_id = d.id
            JOIN tasks_inspectionresult r ON r.inspection_id = i.id
            """,
            [task.pk, task.code, task.title, departments[0].pk,
             "、".join(d.name for d in departments[:3]), list(range(total)), years, months,
             picked, [labels[c] for c in picked]],
        )  # fmt: skip
        log(f"  public results {time.perf_counter() - started:.0f} s")
        for table in ("registries_inspectionobject", "publication_publicresult"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {"codes": codes, "names": names}


def existing_data(total: int) -> dict | None:
    """The names and codes of a previous run's data set, when it has `total` results."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('publication_publicresult') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT enterprise_name, credit_code FROM publication_publicresult")
        rows = cursor.fetchall()
    if len(rows) != total:
        return None
    return {"names": [row[0] for row in rows], "codes": [row[1] for row in rows]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    from platform_site import embedded

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="public_site_settings", PYTHONPATH=f"{BASE_DIR / 'bench'}:{BASE_DIR}",
        SECRET_KEY="bench-" + "k" * 60, DRAW_SECRET_KEY="bench-draw-" + "d" * 60,
        SECURE_SSL_REDIRECT="false",
        AUDIT_SIGNING_KEY=embedded.ensure_signing_key().read_text(encoding="utf-8"),
        REDIS_URL=embedded.ensure_redis(), PUBLIC_RATE_SEARCH="1000000/minute",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
        check=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "platform_site.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", worker_class,
         "--threads", str(threads), "--timeout", "60", "--log-level", "warning"],
        cwd=BASE_DIR, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


COLD_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "?cold=" .. counter .. "-" .. math.random(1, 1000000000))
end
"""


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    command = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return {"rps": rps, "p99_ms": float(p99.group(1)) * factor}


def get(url: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        return response.status, body, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn's (gthread, sync)")
    parser.add_argument("--threads", type=int, default=4, help="per worker, for gthread")
    parser.add_argument(
        "--reuse-data", action="store_true", help="keep the data set of the previous run"
    )
    args = parser.parse_args()
    if not os.access(WRK, os.X_OK):
        sys.exit("bench/public_site.py needs the load generator wrk: apt-get install -y wrk")
    url = database_url(reuse=args.reuse_data)
    setup_django(url)
    started = time.perf_counter()
    data = None
    if args.reuse_data:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        data = existing_data(args.results)
    if data is None:
        data = build(args.results)
    log(f"data set-up {time.perf_counter() - started:.0f} s")
    port = free_port()
    server = start_gunicorn(port, args.workers, args.worker_class, args.threads)
    log(f"gunicorn: {args.workers} {args.worker_class} workers, {args.threads} thread(s) each")
    base = f"http://127.0.0.1:{port}"
    try:
        rng = random.Random(SEED + 1)
        enterprise = f"{base}/public/enterprises/{data['codes'][rng.randrange(args.results)]}/"
        results = f"{base}/public/results/"
        for page in (f"{base}/bench-hello/", results, enterprise):
            status, body, _ = get(page)
            assert status == 200 and body, page
        hello = wrk(f"{base}/bench-hello/", args.seconds, args.connections)
        warm_results = wrk(results, args.seconds, args.connections)
        warm_enterprise = wrk(enterprise, args.seconds, args.connections)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(COLD_LUA)
        cold = wrk(results, args.seconds, args.connections, script=handle.name)
        os.unlink(handle.name)
        queries = []
        for _ in range(300):
            if rng.random() < 0.2:
                queries.append(data["codes"][rng.randrange(args.results)])
            else:
                name = data["names"][rng.randrange(args.results)]
                length = rng.choice((2, 3, 4))
                start = rng.randrange(3, max(4, len(name) - length))
                queries.append(name[start : start + length])
        timings = []
        for query in queries:
            status, _, ms = get(f"{base}/public/search/?q={urllib.parse.quote(query)}")
            assert status == 200
            timings.append(ms)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    warm_rps = min(warm_results["rps"], warm_enterprise["rps"])
    warm_p99 = max(warm_results["p99_ms"], warm_enterprise["p99_ms"])
    search_p95 = statistics.quantiles(timings, n=20)[18]
    rows = [
        ("hello (cached, baseline)", hello["rps"], hello["p99_ms"]),
        ("results list, warm", warm_results["rps"], warm_results["p99_ms"]),
        ("enterprise page, warm", warm_enterprise["rps"], warm_enterprise["p99_ms"]),
        ("results list, cold", cold["rps"], cold["p99_ms"]),
    ]
    print(f"{'case':<28}{'req/s':>10}{'p99 ms':>10}")
    for label, rps, p99 in rows:
        print(f"{label:<28}{rps:>10.0f}{p99:>10.1f}")
    print(f"search over {args.results:,} results: p50 {statistics.median(timings):.1f} ms, "
          f"p95 {search_p95:.1f} ms, max {max(timings):.1f} ms ({len(timings)} queries)")  # fmt: skip
    print(
        json.dumps(
            {
                "warm_rps": round(warm_rps),
                "warm_p99_ms": round(warm_p99, 1),
                "hello_rps": round(hello["rps"]),
                "ratio_to_hello": round(warm_rps / hello["rps"], 2),
                "cold_rps": round(cold["rps"]),
                "search_p95_ms": round(search_p95, 1),
                "results": args.results,
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
