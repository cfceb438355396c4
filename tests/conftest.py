"""Personas used across the suite. Department A and B are ordinary member departments; the office
is the joint-meeting office. Each persona holds the roles and guardian rights its name suggests."""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from accounts.choices import DepartmentKind, Role
from tests.accounts.factories import TEST_PASSWORD, DepartmentFactory, UserFactory


def _seed_official_calendar(django_db_blocker) -> None:
    from publication.calendar import calendar_cache_clear, calendar_seed

    with django_db_blocker.unblock():
        calendar_seed(apps=apps)  # as the migration runs it: idempotent, no audit event
    calendar_cache_clear()


def pytest_collection_modifyitems(config, items):
    """A test marked ``django_db(transaction=True)`` gets its flush after calendar_restored has put
    the official schedule back, leaving the tests after it in its process an empty calendar; such
    tests request the ``transactional_db`` fixture instead (see calendar_restored)."""
    marked = [
        item.nodeid
        for item in items
        if any(marker.kwargs.get("transaction") for marker in item.iter_markers("django_db"))
    ]
    if marked:
        raise pytest.UsageError(
            "use @pytest.mark.usefixtures('transactional_db') instead of "
            "django_db(transaction=True): " + ", ".join(marked[:5])
        )


def _build_workday_index(django_db_blocker) -> None:
    """Deadlines join the working-day index and read their rules; both made (committed) once, not
    in each test's rolled-back transaction. A transactional test's flush removes them."""
    from publication.deadlines.services import deadline_rules_ensure, deadlines_calendar_sync

    with django_db_blocker.unblock():
        deadline_rules_ensure()
        deadlines_calendar_sync()


@pytest.fixture(scope="module")
def workday_index(django_db_setup, django_db_blocker):
    """For modules that compute deadlines: the index is current before their first test (a
    transactional test elsewhere in the process may have flushed it)."""
    _build_workday_index(django_db_blocker)


def single_database_role() -> str | None:
    """Why the suite runs as one database role, or None when it has both (the usual case).

    With a DATABASE_URL whose role may not create roles and no DATABASE_OWNER_URL, the launcher
    (platform_site/embedded.py) runs everything as that role and says why; the tests of the role
    separation, which request ``separate_database_roles``, are then skipped, and pytest's header
    and summary repeat the launcher's notice."""
    import os

    from platform_site import dbroles

    if dbroles.owner_settings() is not None:
        return None
    return os.environ.get("DATABASE_SINGLE_ROLE_NOTICE") or (
        "DATABASE_OWNER_URL is unset: the suite runs as DATABASE_URL's role alone, migrations "
        "included, so the role separation cannot be tested (docs/operations.md, servers of your "
        "own)."
    )


def pytest_report_header(config):
    reason = single_database_role()
    return [f"database roles: ONE ROLE. {reason}"] if reason else []


def pytest_terminal_summary(terminalreporter):
    reason = single_database_role()
    if reason:
        terminalreporter.write_sep("=", "database roles: ONE ROLE", yellow=True)
        terminalreporter.write_line(reason)


@pytest.fixture
def separate_database_roles():
    """For tests of what the runtime role may not do: skipped when the suite has one role."""
    if single_database_role():
        pytest.skip(
            "one database role (DATABASE_OWNER_URL unset): nothing to separate; see the "
            "'database roles: ONE ROLE' notice at the end of the run"
        )


_RUNTIME_CREDENTIALS: dict = {}


def _connect_default_with(credentials: dict) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict.update(credentials)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test databases are created and migrated as the owner role, as production migrates (or
    as the one role there is: single_database_role)."""
    from django.db import connection

    from platform_site import dbroles

    owner = dbroles.owner_settings()
    if owner is None:  # one role for everything (single_database_role)
        return
    _RUNTIME_CREDENTIALS.update(
        {key: connection.settings_dict.get(key) for key in dbroles.CREDENTIAL_KEYS}
    )
    _connect_default_with({key: owner.get(key) for key in dbroles.CREDENTIAL_KEYS})


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test then runs as the application's runtime role (ssj_app), so that a permission the
    application lacks in production fails here too. The flush between transactional tests goes
    through the owner (accounts' flush command); the databases are dropped as the owner.

    The official holiday schedules (2004–2026) are seeded by a migration, but a reused test
    database may have been flushed by a transactional test of an earlier run. Seeded where the
    test database is set up, so a run whose tests need no database never touches one."""
    from platform_site import dbroles

    owner = dbroles.owner_settings()
    if owner is None:
        _seed_official_calendar(django_db_blocker)
        yield
        return
    with django_db_blocker.unblock():
        _connect_default_with(_RUNTIME_CREDENTIALS)
    _seed_official_calendar(django_db_blocker)
    yield
    with django_db_blocker.unblock():
        _connect_default_with({key: owner.get(key) for key in dbroles.CREDENTIAL_KEYS})


@pytest.fixture(autouse=True)
def audit_checkpoint_log(tmp_path_factory):
    """Each test signs checkpoints into a log of its own (the test database is rolled back after
    each test; a shared log would hold checkpoints of chains that no longer exist)."""
    import uuid

    from django.test import override_settings

    path = tmp_path_factory.getbasetemp() / "audit-checkpoints" / f"{uuid.uuid4().hex}.jsonl"
    with override_settings(AUDIT_CHECKPOINT_LOG=path):
        yield path


@pytest.fixture(autouse=True)
def calendar_restored(request, django_db_blocker):
    """Every test starts with an empty in-process calendar cache, and a transactional test (live
    server, real worker), which flushes every table, puts the official schedule back afterwards."""
    from publication.calendar import calendar_cache_clear

    calendar_cache_clear()
    yield
    calendar_cache_clear()
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        _seed_official_calendar(django_db_blocker)
        # The flush removed the deadline rules and the working-day index too.
        _build_workday_index(django_db_blocker)


@pytest.fixture(autouse=True)
def rate_counters_reset():
    """Login lock-out and API throttling count in Redis, which outlives a test's transaction: every
    test starts with no attempts counted (only this process's keys, by its cache prefix). The
    public site's cached pages and rate counters go too (a page cached by one test would show
    another test's rolled-back data)."""
    _delete_cache_keys("login:*", "throttle_*", "public:*")


def _delete_cache_keys(*patterns: str) -> None:
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for pattern in patterns:
        keys = list(client.scan_iter(match=cache.make_key(pattern), count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def office(db):
    return DepartmentFactory(
        code="LXB", name="联席会议办公室", short_name="联席办", kind=DepartmentKind.OFFICE
    )


@pytest.fixture
def department_a(db):
    return DepartmentFactory(code="DEPA", name="甲部门（市场监管局）", short_name="市场监管局")


@pytest.fixture
def department_b(db):
    return DepartmentFactory(code="DEPB", name="乙部门（生态环境局）", short_name="生态环境局")


@pytest.fixture
def office_admin(office):
    return UserFactory(username="office_admin", department=office, roles=[Role.OFFICE_ADMIN])


@pytest.fixture
def dept_admin_a(department_a):
    return UserFactory(username="admin_a", department=department_a, roles=[Role.DEPARTMENT_ADMIN])


@pytest.fixture
def dept_admin_b(department_b):
    return UserFactory(username="admin_b", department=department_b, roles=[Role.DEPARTMENT_ADMIN])


@pytest.fixture
def liaison_a(department_a):
    return UserFactory(
        username="liaison_a", department=department_a, roles=[Role.LIAISON, Role.STAFF]
    )


@pytest.fixture
def staff_a(department_a):
    return UserFactory(username="staff_a", department=department_a, roles=[Role.STAFF])


@pytest.fixture
def staff_b(department_b):
    return UserFactory(username="staff_b", department=department_b, roles=[Role.STAFF])


@pytest.fixture
def inspector_a(department_a):
    return UserFactory(username="inspector_a", department=department_a, roles=[Role.INSPECTOR])


@pytest.fixture
def witness_a(department_a):
    return UserFactory(username="witness_a", department=department_a, roles=[Role.WITNESS])


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def client_for(db):
    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for(db):
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def clean_documents(settings):
    """Printable documents start from nothing: no rendered file, no render lock or progress in
    Redis (only this process's keys: the cache prefix is per process)."""
    import shutil
    from pathlib import Path

    from django.core.cache import cache

    root = Path(settings.DOCUMENTS_ROOT)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    client = cache._cache.get_client()
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*documents:*"))
    if keys:
        client.delete(*keys)
    return root
