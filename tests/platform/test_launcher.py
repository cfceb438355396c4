"""The launcher (platform_site/embedded.py) with servers of your own, and where `make run` listens.

A DATABASE_URL given without DATABASE_OWNER_URL (a CI service's superuser, say) gets the two roles of
platform_site/postgres/roles.sql made in its server, when its role may make them; these tests make
them under scratch names in a scratch database of the embedded server, as its superuser.
"""

import base64
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from platform_site import embedded


@dataclass(frozen=True)
class Scratch:
    superuser_url: str
    suffix: str

    def name(self, kind: str) -> str:
        return f"t_{kind}_{self.suffix}"

    def url(self, user: str, database: str, password: str = "") -> str:
        return embedded._url_with(
            self.superuser_url, user=user, password=password, database=database
        )

    def query(self, sql: str, params=()) -> list[tuple]:
        with _connected(self.superuser_url) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


@contextlib.contextmanager
def _connected(url: str):
    """A cursor of a second connection, in autocommit (CREATE DATABASE needs it)."""
    other = psycopg2.connect(url)
    other.autocommit = True
    try:
        yield other.cursor()
    finally:
        other.close()


@pytest.fixture(scope="module")
def scratch():
    """The embedded server's superuser, and every database and role named after this run's suffix
    dropped afterwards."""
    host = connection.settings_dict["HOST"]
    url = embedded.database_url(host, "postgres", "postgres")
    if not (host.startswith("/") and embedded._can_log_in(url)):
        pytest.skip("needs the embedded server's superuser; DATABASE_URL points at another server")
    scratch = Scratch(url, uuid.uuid4().hex[:8])
    yield scratch
    pattern = f"%\\_{scratch.suffix}%"
    for (database,) in scratch.query(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern]
    ):
        scratch.query(f'DROP DATABASE "{database}" WITH (FORCE)')
    roles = scratch.query(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolcreaterole, rolname",
        [pattern],
    )
    for (role,) in roles:
        scratch.query(f'DROP ROLE "{role}"')


def _user_and_password(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.username, parts.password


def _is_password_of(scratch: Scratch, role: str, password: str) -> bool:
    """Whether ``password`` is ``role``'s, by its SCRAM verifier (the embedded server trusts its
    socket, so logging in would prove nothing)."""
    [(verifier,)] = scratch.query("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
    iterations_and_salt, keys = verifier.removeprefix("SCRAM-SHA-256$").split("$")
    iterations, salt = iterations_and_salt.split(":")
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return hashlib.sha256(client_key).digest() == base64.b64decode(keys.split(":")[0])


def _provision(scratch: Scratch, url: str, passwords_file) -> embedded.DatabaseRoles:
    return embedded.database_roles(
        url,
        app_role=scratch.name("app"),
        owner_role=scratch.name("owner"),
        passwords_file=passwords_file,
    )


def test_a_superuser_gets_the_two_roles_and_a_rerun_reuses_their_passwords(scratch, tmp_path):
    app, owner, database = scratch.name("app"), scratch.name("owner"), scratch.name("db")
    passwords_file = tmp_path / "database-roles.json"
    # when: the database does not even exist yet
    roles = _provision(scratch, scratch.url("postgres", database), passwords_file)
    # then: URLs of the two roles for the same server and database, their passwords stored
    app_user, app_password = _user_and_password(roles.url)
    owner_user, owner_password = _user_and_password(roles.owner_url)
    assert (app_user, owner_user) == (app, owner)
    assert urlsplit(roles.url).path == urlsplit(roles.owner_url).path == f"/{database}"
    assert "created the roles" in roles.notice
    assert _is_password_of(scratch, app, app_password)
    assert _is_password_of(scratch, owner, owner_password)
    [known] = json.loads(passwords_file.read_text()).values()  # one server
    assert known == {app: app_password, owner: owner_password}
    assert passwords_file.stat().st_mode & 0o077 == 0
    # and the roles are roles.sql's: neither is a superuser; the owner may create the test
    # databases, owns the database, and is a member of the application role, never the reverse
    attributes = "rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls"
    assert scratch.query(
        f"SELECT rolname, {attributes} FROM pg_roles WHERE rolname IN (%s, %s) ORDER BY 1",
        [app, owner],
    ) == [(app, False, False, False, False, False), (owner, False, False, True, False, False)]
    assert scratch.query(
        "SELECT pg_has_role(%(owner)s, %(app)s, 'MEMBER'), pg_has_role(%(app)s, %(owner)s, 'MEMBER')",
        {"owner": owner, "app": app},
    ) == [(True, False)]
    assert scratch.query(
        "SELECT pg_get_userbyid(datdba), has_database_privilege(%s, datname, 'CONNECT'), "
        "EXISTS (SELECT 1 FROM aclexplode(datacl) WHERE grantee = 0) "
        "FROM pg_database WHERE datname = %s",
        [app, database],
    ) == [(owner, True, False)]
    with _connected(roles.owner_url) as cursor:
        cursor.execute(f'CREATE DATABASE "test_{database}"')
    # when: run again, it changes nothing and reuses the stored passwords
    again = _provision(scratch, scratch.url("postgres", database), passwords_file)
    assert (again.url, again.owner_url) == (roles.url, roles.owner_url)
    assert "using the roles" in again.notice
    assert scratch.query("SELECT 1 FROM pg_database WHERE datname = %s", [f"test_{database}"])
    # when: the stored passwords are lost (make clean-data), the roles it made get new ones
    passwords_file.unlink()
    renewed = _provision(scratch, scratch.url("postgres", database), passwords_file)
    new_password = _user_and_password(renewed.url)[1]
    assert new_password != app_password
    assert _is_password_of(scratch, app, new_password)
    assert not _is_password_of(scratch, app, app_password)


def test_roles_it_did_not_make_are_left_alone(scratch, tmp_path):
    app, owner, database = scratch.name("app2"), scratch.name("owner2"), scratch.name("db2")
    scratch.query(f"CREATE ROLE {app} LOGIN PASSWORD 'theirs'")
    scratch.query(f"CREATE ROLE {owner} LOGIN PASSWORD 'theirs'")
    with pytest.raises(embedded.LauncherError, match="did not make") as refused:
        embedded.database_roles(
            scratch.url("postgres", database),
            app_role=app,
            owner_role=owner,
            passwords_file=tmp_path / "database-roles.json",
        )
    assert "DATABASE_OWNER_URL" in str(refused.value)
    assert _is_password_of(scratch, app, "theirs")
    assert not (tmp_path / "database-roles.json").exists()


def test_a_createrole_createdb_role_provisions_and_takes_over_an_older_database(scratch, tmp_path):
    # given: a role with CREATEROLE and CREATEDB (no superuser) whose database and test database
    # predate the two roles
    admin, database = scratch.name("admin"), scratch.name("db3")
    app, owner = scratch.name("app3"), scratch.name("owner3")
    scratch.query(f"CREATE ROLE {admin} LOGIN CREATEROLE CREATEDB")
    scratch.query(f'CREATE DATABASE "{database}" OWNER {admin}')
    scratch.query(f'CREATE DATABASE "test_{database}_gw0" OWNER {admin}')
    with _connected(scratch.url(admin, database)) as cursor:
        cursor.execute("CREATE TABLE older (id serial PRIMARY KEY)")
    # when
    roles = embedded.database_roles(
        scratch.url(admin, database),
        app_role=app,
        owner_role=owner,
        passwords_file=tmp_path / "database-roles.json",
    )
    # then: the database and its table belong to the owner role; the stale test database is gone
    assert _user_and_password(roles.owner_url)[0] == owner
    assert scratch.query(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
    ) == [(owner,)]
    with _connected(roles.owner_url) as cursor:
        cursor.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'older'")
        assert cursor.fetchone() == (owner,)
    assert not scratch.query(
        "SELECT 1 FROM pg_database WHERE datname = %s", [f"test_{database}_gw0"]
    )
    assert scratch.query(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
        "WHERE rolname IN (%s, %s) ORDER BY 1",
        [app, owner],
    ) == [(app, False, False, False), (owner, False, False, True)]


@pytest.mark.parametrize(
    ("kind", "rights", "lacks"),
    [("plaincd", "CREATEDB", "CREATEROLE."), ("plain", "NOCREATEDB", "CREATEROLE and CREATEDB")],
)
def test_a_role_that_may_not_create_roles_runs_alone_and_is_told_what_it_lacks(
    scratch, tmp_path, kind, rights, lacks
):
    plain = scratch.name(kind)
    scratch.query(f"CREATE ROLE {plain} LOGIN {rights}")
    url = scratch.url(plain, "postgres")
    roles = embedded.database_roles(
        url,
        app_role=scratch.name("app4"),
        owner_role=scratch.name("owner4"),
        passwords_file=tmp_path / "database-roles.json",
    )
    assert (roles.url, roles.owner_url) == (url, None)
    assert f"it lacks {lacks}" in roles.notice
    assert ("cannot even create its test databases" in roles.notice) == (rights == "NOCREATEDB")
    assert "DATABASE_OWNER_URL" in roles.notice
    assert not scratch.query(
        "SELECT 1 FROM pg_roles WHERE rolname IN (%s, %s)",
        [scratch.name("app4"), scratch.name("owner4")],
    )


# make run -------------------------------------------------------------------------------------


def test_make_run_listens_on_this_machine_only_unless_told():
    assert embedded.web_address({}) == ("127.0.0.1:8000", "http://127.0.0.1:8000/")
    assert embedded.web_address({"HOST": "0.0.0.0", "PORT": "9000"})[0] == "0.0.0.0:9000"
    assert embedded.web_address({"HOST": "::1"}) == ("[::1]:8000", "http://[::1]:8000/")
    env = {key: value for key, value in os.environ.items() if key not in {"HOST", "PORT"}}
    dry_run = subprocess.run(
        ["make", "-n", "run"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert "HOST='127.0.0.1' PORT='8000'" in dry_run.stdout
    told = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=9000"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert "HOST='0.0.0.0' PORT='9000'" in told.stdout


def test_make_run_keeps_the_mails_in_files_unless_a_backend_is_chosen(tmp_path, monkeypatch):
    from django.core import mail
    from django.test import override_settings

    monkeypatch.setenv("EMBEDDED_DATA_DIR", str(tmp_path))
    chosen = embedded.demo_mail({})
    assert chosen["EMAIL_FILE_PATH"] == str(tmp_path.resolve() / "mail")
    assert (
        embedded.demo_mail({"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}) == {}
    )
    with override_settings(**chosen):
        mail.get_connection().send_messages(
            [mail.EmailMessage("检查结果待审核", "请审核。", to=["samr_staff@example.cn"])]
        )
    (written,) = (tmp_path / "mail").iterdir()
    assert "samr_staff@example.cn" in written.read_text(encoding="utf-8")
