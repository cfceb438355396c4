import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from platform_site import env


def test_env_bool_refuses_ambiguous_values(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env.env_bool("FLAG", False)


def test_env_int_refuses_text_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("COUNT", 1)
    monkeypatch.setenv("COUNT", "0")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("COUNT", 1, minimum=1)


def test_env_secret_reads_docker_secret_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file\n")
    monkeypatch.setenv("API_TOKEN_FILE", str(secret))
    assert env.env_secret("API_TOKEN") == "from-file"


def test_only_postgresql_urls_are_accepted():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL"):
        env.database_from_url("sqlite:///db.sqlite3")
    config = env.database_from_url("postgresql://u:p%40ss@db.example:6543/ssj?sslmode=require")
    assert (config["HOST"], config["PORT"], config["PASSWORD"], config["OPTIONS"]) == (
        "db.example",
        "6543",
        "p@ss",
        {"sslmode": "require"},
    )


def test_unix_socket_redis_url_becomes_kombu_socket_url():
    assert (
        env.celery_url_from_redis_url("unix:///run/redis.sock?db=0")
        == "redis+socket:///run/redis.sock"
    )


def test_defaults_are_chinese_and_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert "en" in dict(settings.LANGUAGES)


def _production_env(**extra):
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DRAW_SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "ssj.example.cn",
        **extra,
    }


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    production_env = _production_env()
    del production_env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=production_env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _production_check(environment: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_production_requires_its_own_draw_secret_key():
    # no DRAW_SECRET_KEY: refused, nothing falls back to SECRET_KEY
    missing = _production_env()
    del missing["DRAW_SECRET_KEY"]
    result = _production_check(missing)
    assert result.returncode != 0
    assert "DRAW_SECRET_KEY" in result.stderr
    # the same value as SECRET_KEY: refused
    same = _production_env()
    same["DRAW_SECRET_KEY"] = same["SECRET_KEY"]
    result = _production_check(same)
    assert result.returncode != 0
    assert "DRAW_SECRET_KEY must differ from SECRET_KEY" in result.stderr
    # too short, or the development default: refused
    for weak in ("short", "dev-only-draw-secret-key-change-me-in-production-0123456789"):
        result = _production_check(_production_env(DRAW_SECRET_KEY=weak))
        assert result.returncode != 0, weak
        assert "DRAW_SECRET_KEY" in result.stderr
    # its own random value: accepted
    assert _production_check(_production_env()).returncode == 0


def test_sealing_never_falls_back_to_the_secret_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    from tasks.services.secrets import new_secret, seal

    settings.DRAW_SECRET_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="DRAW_SECRET_KEY"):
        seal(new_secret(), "LJ-2026-0001|1")


def test_security_headers_on_every_page(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_load_no_asset_from_the_internet():
    for path in settings.BASE_DIR.joinpath("templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "//cdn" not in text and "unpkg.com" not in text and "googleapis" not in text, path


def test_english_is_available(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Staff sign-in" in response.content.decode()


def test_health_endpoint_reports_database_and_redis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_openapi_schema_is_served(client_for, office_admin):
    response = client_for(office_admin).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/accounts/departments/" in response.content


def test_openapi_schema_of_every_endpoint_generates_without_warnings(db, tmp_path):
    """Also a valid OpenAPI document (--validate); in-process, so the suite generates it once here
    rather than once per app in a subprocess."""
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/catalog/",
        "/api/v1/registries/objects/",
        "/api/v1/plans/",
        "/api/v1/tasks/",
        "/api/v1/inspections/",
        "/api/v1/calendar/",
    ):
        assert path in text, path


def test_templates_use_no_inline_style_attributes():
    """The Content-Security-Policy forbids inline styles; a style="" attribute would be ignored."""
    for path in settings.BASE_DIR.joinpath("templates").rglob("*.html"):
        if "/pdf/" in str(path):
            continue  # WeasyPrint documents are not served to browsers
        text = path.read_text(encoding="utf-8")
        assert 'style="' not in text, path
        assert "<style" not in text, path
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), path
        assert not re.search(r"\son[a-z]+=\"", text), path


def test_production_refuses_to_start_without_the_audit_signing_key():
    production_env = _production_env()
    for name in ("AUDIT_SIGNING_KEY", "AUDIT_SIGNING_KEY_FILE"):
        production_env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=production_env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "AUDIT_SIGNING_KEY" in result.stderr


def test_production_migrate_refuses_to_run_as_the_application_role():
    production_env = _production_env()
    production_env.pop("DATABASE_OWNER_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        env=production_env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "Set DATABASE_OWNER_URL" in result.stderr
