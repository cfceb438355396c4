"""Benchmark of the object registry's name search (issue 3: p95 under 100 ms on 1,000,000 objects).

Sets up its own data in a dedicated database (``ssj_bench`` on the embedded server, dropped and
recreated every run unless ``--reuse`` finds it already built): the demo city's departments and
accounts, then the demo registry of N objects (default 1,000,000) through registries.objects.demo's COPY
path, in a child process so that its memory does not count against the search.

Then it runs S searches (default 200) of random real-looking name fragments, 2 to 4 Chinese
characters cut from names in the registry (so most have matches, some very many, some few),
through exactly what the list page runs: ``object_search`` (the user's visibility + the filters)
and ``object_page`` (first page of 20 with its supervising departments, plus the capped count,
"1,000+"). Searches run as the office admin (who sees everything: the heaviest counts) and, for
comparison, as a department's staff member. Ten warm-up searches are not counted.

Usage:  .venv/bin/python bench/search_objects.py [--objects 1000000] [--searches 200] [--reuse]
The last line printed is one JSON object: {"p50_ms", "p95_ms", "rows", "peak_rss_mb", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench"
SEED = 7
WARM_UP = 10


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database_url(*, fresh: bool) -> str:
    """Create (or recreate) the bench database on the embedded server; return its URL."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    import psycopg2

    from platform_site import embedded

    url = embedded.ensure_postgres()
    parts = urlsplit(url)
    host = dict(item.split("=", 1) for item in parts.query.split("&"))["host"]
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=unquote(host))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE \"{DATABASE}\" OWNER ssj_owner ENCODING 'UTF8'")
    admin.close()
    # Migrated as the owner, used as the application's role: as in production.
    owner = urlsplit(embedded.ensure_postgres(embedded.OWNER_ROLE))
    os.environ["DATABASE_OWNER_URL"] = urlunsplit(owner._replace(path=f"/{DATABASE}"))
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def build(objects: int) -> None:
    """Child process: migrate, demo accounts, demo registry (COPY)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from accounts import demo as accounts_demo
    from registries.models import InspectionObject
    from registries.objects import demo

    accounts_demo.build()
    existing = InspectionObject.objects.count()
    if existing == objects:
        log(f"registry: reusing {existing:,} objects")
        return
    if existing:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE registries_inspectionobject CASCADE")
    started = time.perf_counter()
    demo.build_objects(objects)
    log(f"registry: {objects:,} objects in {time.perf_counter() - started:.1f} s")
    # The steady state autovacuum reaches in production: hint bits set, visibility map built,
    # statistics current (otherwise the first searches pay for writing back the whole table).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) registries_inspectionobject")
        cursor.execute("VACUUM (ANALYZE) registries_objectsupervision")
    log(f"vacuum analyze: {time.perf_counter() - started:.1f} s")


def fragments(count: int, rng: random.Random) -> list[str]:
    """Substrings of 2-4 characters of random names, Chinese characters only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM registries_inspectionobject")
        top = cursor.fetchone()[0]
        ids = [rng.randint(1, top) for _ in range(count * 3)]
        cursor.execute("SELECT name FROM registries_inspectionobject WHERE id = ANY(%s)", [ids])
        names = [row[0] for row in cursor.fetchall()]
    rng.shuffle(names)
    result = []
    for name in names:
        chinese = "".join(char for char in name if "\u4e00" <= char <= "\u9fff")
        length = rng.choice((2, 3, 4))
        if len(chinese) < length:
            continue
        start = rng.randint(0, len(chinese) - length)
        result.append(chinese[start : start + length])
        if len(result) == count:
            break
    return result


def search_once(user, term: str) -> tuple[float, int, bool]:
    from registries.objects.selectors import object_page, object_search

    started = time.perf_counter()
    search = object_search(user, {"name": term})
    page = object_page(search, page=1)
    rows = len(page.object_list)
    count = page.paginator.count
    elapsed = (time.perf_counter() - started) * 1000
    assert rows <= count
    return elapsed, count, page.paginator.capped


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def run(objects: int, searches: int) -> dict:
    from accounts.models import User
    from registries.models import InspectionObject
    from registries.objects.selectors import COUNT_CAP

    rows = InspectionObject.objects.count()
    office_admin = User.objects.get(username="office_admin")
    department_staff = User.objects.get(username="samr_staff")
    rng = random.Random(SEED)
    terms = fragments(searches + WARM_UP, rng)
    for term in terms[:WARM_UP]:
        search_once(office_admin, term)
    terms = terms[WARM_UP:]
    office = [(term, *search_once(office_admin, term)) for term in terms]
    department = [(term, *search_once(department_staff, term)) for term in terms]

    print(
        f"\nName search on {rows:,} objects: {len(terms)} fragments, first page of 20 + count capped at {COUNT_CAP:,}"
    )
    print(
        f"{'user':<12}{'chars':>6}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'capped':>9}{'no hit':>8}"
    )
    for label, results in (("office", office), ("SAMR staff", department)):
        for length in (2, 3, 4, None):
            subset = [item for item in results if length is None or len(item[0]) == length]
            if not subset:
                continue
            times = [item[1] for item in subset]
            print(
                f"{label:<12}{length or 'all':>6}{len(subset):>6}{statistics.median(times):>10.1f}"
                f"{percentile(times, 0.95):>10.1f}{max(times):>10.1f}"
                f"{sum(1 for item in subset if item[3]):>9}{sum(1 for item in subset if item[2] == 0):>8}"
            )
    slowest = sorted(office, key=lambda item: -item[1])[:5]
    print(
        "slowest (office): "
        + ", ".join(
            f"{term} {ms:.0f} ms ({count:,}{'+' if capped else ''})"
            for term, ms, count, capped in slowest
        )
    )
    office_times = [item[1] for item in office]
    department_times = [item[1] for item in department]
    return {
        "p50_ms": round(statistics.median(office_times), 1),
        "p95_ms": round(percentile(office_times, 0.95), 1),
        "rows": rows,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "searches": len(office_times),
        "department_p95_ms": round(percentile(department_times, 0.95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument(
        "--reuse", action="store_true", help="keep ssj_bench if it already holds the registry"
    )
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        setup_django(os.environ["DATABASE_URL"])
        build(args.objects)
        return
    url = database_url(fresh=not args.reuse)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--build-only", "--objects", str(args.objects)],
        check=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    log(f"setup: {time.perf_counter() - started:.1f} s")
    setup_django(url)
    result = run(args.objects, args.searches)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
