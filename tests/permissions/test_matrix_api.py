"""The generated permission matrix over every API route (see tests/permissions/matrix.py)."""

import pytest

from tests.permissions.matrix import run_case, run_missing, url_routes
from tests.permissions.table import cases_for

pytestmark = pytest.mark.django_db

ROUTES = {route.name: route for route in url_routes() if route.is_api and cases_for(route.name)}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_api_route_answers_every_actor_as_the_table_says(matrix, name):
    world, clients = matrix
    route = ROUTES[name]
    problems = []
    for case in cases_for(name):
        problems += run_case(route, case, world, clients)
        problems += run_missing(route, case, world, clients)
    assert not problems, "\n".join(problems)
