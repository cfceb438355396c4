import fnmatch
import re

import pytest
import yaml
from django.conf import settings

APPLICATION = ("web", "worker", "beat")


def _compose():
    return yaml.safe_load(
        settings.BASE_DIR.joinpath("docker-compose.yml").read_text(encoding="utf-8")
    )


def _command(service) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_runs_the_production_shape():
    services = _compose()["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"].startswith("postgres:18")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn" in _command(services["web"]) and "platform_site.wsgi" in _command(
        services["web"]
    )
    assert "celery" in _command(services["worker"]) and " worker" in _command(services["worker"])
    assert "celery" in _command(services["beat"]) and " beat" in _command(services["beat"])
    assert "DatabaseScheduler" in _command(services["beat"])


def test_every_service_has_a_health_check_and_state_lives_in_volumes():
    compose = _compose()
    for name, service in compose["services"].items():
        if service.get("restart") == "no":  # a one-shot job (migrate) is waited for instead
            continue
        assert "healthcheck" in service, name
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])
    assert any("postgres-data" in volume for volume in compose["services"]["postgres"]["volumes"])


def test_application_services_use_production_settings_and_wait_for_dependencies():
    services = _compose()["services"]
    for name in (*APPLICATION, "migrate"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "platform_site.settings.production"
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert environment["REDIS_URL"].startswith("redis://")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def _user(url: str) -> str:
    """The user of a postgresql:// URL whose password is a ${VARIABLE:?message}."""
    return re.match(r"postgresql://([^:@/]+)[:@]", url).group(1)


def test_the_application_connects_as_the_runtime_role_and_only_migrate_as_the_owner():
    services = _compose()["services"]
    for name in APPLICATION:
        environment = services[name]["environment"]
        assert _user(environment["DATABASE_URL"]) == "ssj_app", name
        assert not any("OWNER" in key for key in environment), name
        assert "POSTGRES_PASSWORD" not in str(environment), name
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    migrate = services["migrate"]
    assert "migrate" in _command(migrate) and "migrate" not in _command(services["web"])
    assert _user(migrate["environment"]["DATABASE_OWNER_URL"]) == "ssj_owner"
    assert _user(migrate["environment"]["DATABASE_URL"]) == "ssj_app"
    # the superuser is the postgres image's own, for the operator; no application role is one
    assert services["postgres"]["environment"]["POSTGRES_USER"] == "postgres"


def test_postgres_init_creates_both_roles_with_the_sql_the_embedded_setup_runs():
    postgres = _compose()["services"]["postgres"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in postgres["volumes"]}
    init = mounts["/docker-entrypoint-initdb.d/10-roles.sh"]
    script = settings.BASE_DIR.joinpath(init).read_text(encoding="utf-8")
    assert "-f /ssj/roles.sql" in script
    assert mounts["/ssj/roles.sql"] == "./platform_site/postgres/roles.sql"
    assert "DATABASE_OWNER_PASSWORD" in script and "DATABASE_APP_PASSWORD" in script
    from platform_site import embedded

    assert embedded.ROLES_SQL == settings.BASE_DIR / "platform_site" / "postgres" / "roles.sql"
    roles = embedded.ROLES_SQL.read_text(encoding="utf-8")
    assert "CREATE ROLE ssj_app LOGIN" in roles and "NOSUPERUSER" in roles
    assert "GRANT ssj_app TO ssj_owner" in roles


def test_postgres_and_redis_publish_no_port_and_the_web_only_on_loopback():
    services = _compose()["services"]
    for name in ("postgres", "redis"):
        assert "ports" not in services[name], name
        assert services[name].get("network_mode") != "host", name
    for name, service in services.items():
        if name != "web":
            assert "ports" not in service, name
    assert all(port.startswith("127.0.0.1:") for port in services["web"]["ports"])


def test_draw_and_audit_keys_are_separate_docker_secrets():
    compose = _compose()
    assert set(compose["secrets"]) == {"draw_secret_key", "audit_signing_key"}
    assert (
        compose["secrets"]["draw_secret_key"]["file"]
        != compose["secrets"]["audit_signing_key"]["file"]
    )
    for name in (*APPLICATION, "migrate"):
        service = compose["services"][name]
        environment = service["environment"]
        assert environment["DRAW_SECRET_KEY_FILE"] == "/run/secrets/draw_secret_key"
        assert environment["AUDIT_SIGNING_KEY_FILE"] == "/run/secrets/audit_signing_key"
        assert "DRAW_SECRET_KEY" not in environment and "AUDIT_SIGNING_KEY" not in environment
        assert set(service["secrets"]) == {"draw_secret_key", "audit_signing_key"}
        # the checkpoint log lives outside the database, on a volume of its own
        log = environment["AUDIT_CHECKPOINT_LOG"]
        assert any(
            volume.startswith("audit-checkpoints:") and log.startswith(volume.split(":")[1])
            for volume in service["volumes"]
        )
    assert "audit-checkpoints" in compose["volumes"]


def _ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore semantics: a pattern excludes a path or any directory above it; a later
    ``!pattern`` re-includes; ``**`` matches any number of directories."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        candidates = (
            [pattern, pattern.removeprefix("**/")] if pattern.startswith("**/") else [pattern]
        )
        if any(
            fnmatch.fnmatchcase(prefix, candidate)
            for prefix in prefixes
            for candidate in candidates
        ):
            ignored = not negate
    return ignored


def _dockerignore() -> list[str]:
    text = settings.BASE_DIR.joinpath(".dockerignore").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        ".git/config",
        ".data/postgres/PG_VERSION",
        ".data/audit-signing-key",
        ".data/media/uploads/x.xlsx",
        ".venv/bin/python",
        "media/attachments/x.pdf",
        "secrets/audit_signing_key",
        "secrets/draw_secret_key",
        "accounts/__pycache__/models.cpython-311.pyc",
    ],
)
def test_dockerignore_keeps_private_and_local_files_out_of_the_image(path):
    assert _ignored(path, _dockerignore()), path


@pytest.mark.parametrize(
    "path", ["manage.py", "pyproject.toml", "accounts/models.py", "static/css/site.css", "locale"]
)
def test_dockerignore_keeps_what_the_image_needs(path):
    assert not _ignored(path, _dockerignore()), path


def test_the_image_copies_the_build_context_only():
    dockerfile = settings.BASE_DIR.joinpath("Dockerfile").read_text(encoding="utf-8")
    assert "ADD http" not in dockerfile
    for line in dockerfile.splitlines():
        if line.startswith(("COPY", "ADD")):
            assert ".env" not in line and ".data" not in line and ".git" not in line, line
