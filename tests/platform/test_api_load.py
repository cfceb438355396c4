"""API load limits (issue 11): throttling per scope with counters in Redis, the schema behind a login
in production, no demo city in production."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

RATES = {"anon": "3/minute", "user": "5/minute", "verify": "2/minute", "upload": "30/hour"}


@override_settings(API_THROTTLE_RATES=RATES)
def test_anonymous_api_use_is_throttled_per_address(client, db):
    codes = [client.get("/api/v1/catalog/public/matters/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other_address = client.get("/api/v1/catalog/public/matters/", REMOTE_ADDR="192.0.2.44")
    assert other_address.status_code == 200


@override_settings(API_THROTTLE_RATES=RATES)
def test_signed_in_api_use_is_throttled_per_account(api_client_for, staff_a, staff_b):
    client = api_client_for(staff_a)
    codes = [client.get("/api/v1/catalog/matters/").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert "Retry-After" in client.get("/api/v1/catalog/matters/")
    assert api_client_for(staff_b).get("/api/v1/catalog/matters/").status_code == 200


@override_settings(API_THROTTLE_RATES=RATES)
def test_a_named_scope_has_its_own_rate(client, db):
    codes = [
        client.post("/api/v1/tasks/verify/", {}, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert 429 not in codes[:2] and codes[2] == 429


def test_throttle_rates_come_from_the_environment():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.API_THROTTLE_RATES['anon'])"
    env = {
        **os.environ,
        "API_THROTTLE_ANON": "7/second",
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.base",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "7/second"


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_schema_and_docs_need_a_login_when_required(client_for, staff_a, path):
    with override_settings(API_SCHEMA_REQUIRES_LOGIN=True):
        assert client_for(None).get(path).status_code in (401, 403)
        assert client_for(staff_a).get(path).status_code == 200


def test_production_requires_a_login_for_the_schema():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.production",
        "DATABASE_URL": "postgresql://u:p@localhost:5432/x",
        "REDIS_URL": "redis://localhost:6379/0",
        "SECRET_KEY": "k" * 60,
        "DRAW_SECRET_KEY": "d" * 60,
    }
    env.pop("API_SCHEMA_REQUIRES_LOGIN", None)
    code = "from django.conf import settings; print(settings.API_SCHEMA_REQUIRES_LOGIN)"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "True"


@override_settings(PRODUCTION=True)
def test_demo_city_refuses_production_settings(db):
    from accounts.models import Department

    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo_city", objects=10)
    assert not Department.objects.exists()
