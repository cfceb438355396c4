"""Benchmark of the deadline sweep (issue 12: 100,000 open inspections in under 5 s, set-based).

Sets up its own data in a dedicated database (``ssj_bench_deadlines`` on the embedded server, dropped
and recreated every run): the official calendar (migrations), 20 member departments with a liaison
and an admin each, the office with two admins, 5,000 inspector accounts, and 100,000 open
result-entry deadlines (20 working days after the inspection ends, the kind the sweep reads for
inspections) with one responsible inspector each. The inspections ended on working days spread over
the 30 working days before "today" (Monday 3 November 2025, so the National Day holiday and its
make-up days fall inside), which leaves about a third overdue, a sixth due soon and the rest open.

Measured in the same run, from the same starting state:
1. the sweep (`publication.deadlines.services.deadline_sweep`): the states of all 100,000, the
   claim of those to notify, their responsible users and the inbox notices (one INSERT), the
   escalation digests per department and the audit event, in one transaction (`sweep_s`);
2. the same sweep again, which must change and notify nothing (`second_sweep_s`);
3. the baseline: the per-row Python loop a straightforward implementation would run: for each open
   deadline, its due date and yellow window from the in-process calendar, its state saved when it
   changed, its notice created and its notified level saved, then one digest per department
   (`loop_s`). Both must end with the same states and the same number of notices (checked).
Also timed: recomputing the due dates of all 100,000 after a calendar change (`recompute_s`).

Usage:  .venv/bin/python bench/deadlines.py [--deadlines 100000]
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
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATABASE = "ssj_bench_deadlines"
TODAY = date(2025, 11, 3)
DEPARTMENTS = 20
INSPECTORS = 5_000
SPREAD_WORKING_DAYS = 30
SEED = 12


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def database_url() -> str:
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


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")
    os.environ.setdefault("DEBUG", "false")
    # The notices are what is measured; their e-mail jobs would only fill the broker.
    os.environ["NOTIFICATION_EMAIL"] = "false"
    import django

    django.setup()


def build(total: int) -> None:
    """Migrate, people, and `total` open result-entry deadlines (set-based inserts)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    from accounts.choices import DepartmentKind, Role
    from accounts.models import Department, User
    from publication.calendar import working_calendar
    from publication.deadlines.services import deadline_rules_ensure, deadlines_calendar_sync

    call_command("migrate", verbosity=0)
    deadline_rules_ensure()
    deadlines_calendar_sync()
    office = Department.objects.create(
        code="LXB", name="联席会议办公室", kind=DepartmentKind.OFFICE
    )
    users = [
        User(username=f"office{n}", full_name=f"联席办{n}", department=office,
             roles=[Role.OFFICE_ADMIN], email=f"office{n}@example.cn")
        for n in range(2)
    ]  # fmt: skip
    departments = Department.objects.bulk_create(
        [Department(code=f"D{n:02d}", name=f"部门{n:02d}") for n in range(DEPARTMENTS)]
    )
    for department in departments:
        users += [
            User(username=f"{department.code}_liaison", full_name="联络员", department=department,
                 roles=[Role.LIAISON], email=f"{department.code}l@example.cn"),
            User(username=f"{department.code}_admin", full_name="管理员", department=department,
                 roles=[Role.DEPARTMENT_ADMIN], email=f"{department.code}a@example.cn"),
        ]  # fmt: skip
    users += [
        User(username=f"insp{n:05d}", full_name=f"检查员{n}", department=departments[n % DEPARTMENTS],
             roles=[Role.INSPECTOR], email=f"insp{n}@example.cn")
        for n in range(INSPECTORS)
    ]  # fmt: skip
    User.objects.bulk_create(users, batch_size=2000)
    inspectors = list(
        User.objects.filter(roles__contains=[Role.INSPECTOR]).values_list("pk", "department_id")
    )
    calendar = working_calendar()
    starts, day = [], TODAY
    while len(starts) < SPREAD_WORKING_DAYS:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            starts.append(day)
    rng = random.Random(SEED)
    rows = []
    for number in range(1, total + 1):
        user_id, department_id = inspectors[rng.randrange(len(inspectors))]
        rows.append((number, department_id, user_id, rng.choice(starts)))
    subject_type = ContentType.objects.get_for_model(Department).pk  # a stand-in subject
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO publication_deadline (kind, subject_type_id, subject_id, department_id, title,
                url, start_date, working_days, due_date, due_soon_from, uses_fallback, state, is_open,
                opened_at, close_note, notified_level, reminder_count)
            SELECT 'result_entry', %s, n, d, '检查结果录入 #' || n, '', s, 20, s, s, false, 'open', true,
                   now(), '', '', 0
            FROM unnest(%s::bigint[], %s::bigint[], %s::date[]) AS r(n, d, s)
            """,
            [subject_type, [r[0] for r in rows], [r[1] for r in rows], [r[3] for r in rows]],
        )
        cursor.execute(
            """
            INSERT INTO publication_deadline_responsible (deadline_id, user_id)
            SELECT d.id, r.u FROM publication_deadline d
            JOIN unnest(%s::bigint[], %s::bigint[]) AS r(n, u) ON r.n = d.subject_id
            """,
            [[r[0] for r in rows], [r[2] for r in rows]],
        )
    from publication.deadlines.services import deadlines_recompute

    deadlines_recompute()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE publication_deadline")
        cursor.execute("VACUUM ANALYZE publication_deadline_responsible")


def snapshot() -> None:
    """Keep the starting state to restore it before the baseline."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_deadline_start")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_deadline_start AS SELECT id, state, notified_level, "
            "last_notified_on, reminder_count, escalated_at FROM publication_deadline"
        )


def restore() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE publication_deadline d SET state = s.state, notified_level = s.notified_level,
                last_notified_on = s.last_notified_on, reminder_count = s.reminder_count,
                escalated_at = s.escalated_at
            FROM bench_deadline_start s WHERE s.id = d.id
            """
        )
        cursor.execute("DELETE FROM accounts_notification")
        cursor.execute("VACUUM ANALYZE publication_deadline")


def outcome() -> tuple[dict[str, int], int]:
    from accounts.models import Notification
    from publication.models import Deadline

    states = Counter(Deadline.objects.values_list("state", flat=True))
    return dict(sorted(states.items())), Notification.objects.count()


def python_loop(today: date) -> None:
    """The baseline: one deadline at a time, as an ORM loop would do it, sending the same cards
    (one digest per recipient and level, one escalation digest per department)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.choices import NotificationSeverity
    from accounts.inbox.recipients import (
        department_admin_ids,
        department_liaison_ids,
        office_admin_ids,
    )
    from accounts.models import Notification
    from publication.calendar import working_calendar
    from publication.models import Deadline, DeadlineRule

    calendar = working_calendar()
    window = DeadlineRule.objects.get(kind="result_entry").due_soon_working_days
    cards: dict[tuple, list[str]] = defaultdict(list)
    escalations: dict[int, list[str]] = defaultdict(list)
    with transaction.atomic():
        deadlines = Deadline.objects.filter(is_open=True).prefetch_related("responsible")
        for deadline in deadlines.iterator(chunk_size=2000):
            due = calendar.add_working_days(deadline.start_date, deadline.working_days)
            left = calendar.working_days_between(today, due)
            state = "overdue" if today > due else "due_soon" if left <= window else "open"
            fields = []
            if state != deadline.state:
                deadline.state = state
                fields.append("state")
            level = {"overdue": "red", "due_soon": "yellow"}.get(state, "")
            if level and deadline.notified_level != level:
                people = [p.pk for p in deadline.responsible.all() if p.is_active]
                for who in people or [("liaison", deadline.department_id)]:
                    cards[(who, level)].append(f"{deadline.title}，截止日 {due}")
                deadline.notified_level = level
                deadline.reminder_count += 1
                deadline.last_notified_on = today
                fields += ["notified_level", "reminder_count", "last_notified_on"]
                if level == "red" and deadline.escalated_at is None:
                    deadline.escalated_at = timezone.now()
                    fields.append("escalated_at")
                    escalations[deadline.department_id].append(deadline.title)
            if fields:
                deadline.save(update_fields=fields)
        liaisons = department_liaison_ids(who[1] for who, _level in cards if isinstance(who, tuple))
        for (who, level), lines in cards.items():
            recipients = liaisons[who[1]] if isinstance(who, tuple) else [who]
            for user_id in recipients:
                Notification.objects.create(
                    recipient_id=user_id,
                    kind="deadline.result_entry",
                    severity=NotificationSeverity.RED if level == "red" else "yellow",
                    title=f"{len(lines)} 项期限",
                    body="\n".join(lines[:10]),
                )
        admins = department_admin_ids(escalations)
        office = office_admin_ids()
        for department_id, titles in escalations.items():
            for user_id in {*admins[department_id], *office}:
                Notification.objects.create(
                    recipient_id=user_id,
                    kind="deadline.escalation",
                    severity=NotificationSeverity.RED,
                    department_id=department_id,
                    title=f"{len(titles)} 项期限已逾期",
                    body="\n".join(titles[:10]),
                )


def run(total: int) -> dict:
    from django.urls import reverse

    from publication.deadlines.services import deadline_sweep, deadlines_recompute

    # As in a running worker, the URL configuration is loaded before the sweep.
    reverse("publication:deadline_list")
    snapshot()
    started = time.perf_counter()
    report = deadline_sweep(today=TODAY)
    sweep_s = time.perf_counter() - started
    set_based = outcome()
    log(f"sweep: {report.as_dict()}")
    started = time.perf_counter()
    again = deadline_sweep(today=TODAY)
    second_sweep_s = time.perf_counter() - started
    assert (again.states_changed, again.notifications) == (0, 0), again.as_dict()

    started = time.perf_counter()
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            # As after a calendar change: every due date recomputed (here to the same values, so
            # force the writes by clearing one column first).
            cursor.execute("UPDATE publication_deadline SET uses_fallback = NOT uses_fallback")
        recompute_started = time.perf_counter()
        changed = deadlines_recompute()
        recompute_s = time.perf_counter() - recompute_started
    assert changed == total, changed
    log(
        f"recompute: {changed:,} in {recompute_s:.3f} s (+ {time.perf_counter() - started - recompute_s:.1f} s to dirty them)"
    )

    restore()
    started = time.perf_counter()
    python_loop(TODAY)
    loop_s = time.perf_counter() - started
    looped = outcome()
    assert looped[0] == set_based[0], (looped, set_based)
    assert looped[1] == set_based[1], (looped, set_based)

    states, notices = set_based
    rows = [
        ("set-based sweep (first run)", sweep_s),
        ("set-based sweep (second run: nothing to do)", second_sweep_s),
        ("recompute all due dates", recompute_s),
        ("per-row Python loop (baseline)", loop_s),
    ]
    log("")
    log(f"{total:,} open deadlines on {TODAY}: states after {states}, {notices:,} notices")
    log(f"{'':46} {'seconds':>9} {'vs sweep':>9}")
    for label, seconds in rows:
        log(f"{label:46} {seconds:9.3f} {seconds / sweep_s:8.1f}x")
    return {
        "inspections": total,
        "sweep_s": round(sweep_s, 3),
        "loop_s": round(loop_s, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "second_sweep_s": round(second_sweep_s, 3),
        "recompute_s": round(recompute_s, 3),
        "notices": notices,
        "states": states,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=100_000)
    args = parser.parse_args()
    url = database_url()
    setup_django(url)
    started = time.perf_counter()
    build(args.deadlines)
    log(f"setup: {time.perf_counter() - started:.1f} s")
    result = run(args.deadlines)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
