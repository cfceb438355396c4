"""API fuzzing (issue 11): schemathesis generates requests for every operation of the OpenAPI
schema and sends them, authenticated over HTTP Basic as an office admin and as department staff,
to the real application (WSGI, real PostgreSQL and Redis). Every response must be free of server
errors and conform to the schema it documents. Each request runs in a savepoint that is rolled
back; a few examples per operation keep the run short (FUZZ_EXAMPLES)."""

import base64
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
ROLES = ("office_admin", "staff")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()
# The coverage phase would send every boundary case of every schema (thousands of requests); the
# fuzzing phase with a few examples per operation, valid and invalid, keeps the run to a minute.
schema.config.phases.coverage.enabled = False
schema.config.generation.update(max_examples=EXAMPLES)


@pytest.fixture(scope="module", autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (as in production);
    the test's transaction lives on that connection, so, as Django's test client does, not here."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _basic(username: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{TEST_PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_without_server_errors_or_schema_violations(case, matrix):
    world, _clients = matrix
    for role in ROLES:
        with transaction.atomic():
            response = case.call(headers=_basic(world.users[role].username))
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS)


def test_a_bundle_that_is_not_an_object_is_reported_not_a_server_error(client):
    """Found by the fuzzing: a JSON array as the body made the verification API fail with 500."""
    response = client.post("/api/v1/tasks/verify/", [None, None], content_type="application/json")
    assert response.status_code == 200
    assert response.json()["valid"] is False
