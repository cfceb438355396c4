import yaml
from django.conf import settings


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
        assert "healthcheck" in service, name
    assert {"postgres-data", "redis-data"} <= set(compose["volumes"])
    assert any("postgres-data" in volume for volume in compose["services"]["postgres"]["volumes"])


def test_application_services_use_production_settings_and_wait_for_dependencies():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "platform_site.settings.production"
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert environment["REDIS_URL"].startswith("redis://")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
