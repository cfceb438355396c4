"""The matrix covers every route: a new URL without an entry in the table fails here, and so does
an entry whose route is gone. Also the django-admin routes (every actor to the admin login)."""

import pytest

from tests.permissions.matrix import run_case, url_routes
from tests.permissions.table import TABLE, cases_for

pytestmark = pytest.mark.django_db

ADMIN_ROUTES = {route.name: route for route in url_routes() if route.name.startswith("admin:")}


def test_every_route_has_an_entry():
    missing = sorted(route.name for route in url_routes() if cases_for(route.name) is None)
    assert not missing, (
        "These routes have no entry in the permission table. Add one per route to TABLE in "
        "tests/permissions/table.py, with the answer each of the nine actors should get for an "
        "object of their own and of another department (the module docstring says how; the "
        "failure of tests/permissions shows the actual answers):\n  " + "\n  ".join(missing)
    )


def test_every_entry_names_a_route():
    names = {route.name for route in url_routes()}
    stale = sorted(set(TABLE) - names)
    assert not stale, f"Entries for routes that no longer exist: {stale}"


def test_the_table_covers_api_routes_and_pages():
    routes = url_routes()
    assert sum(route.is_api for route in routes) > 100
    assert all(cases_for(route.name) for route in routes)


@pytest.mark.parametrize("name", sorted(ADMIN_ROUTES))
def test_django_admin_answers_every_actor_as_the_table_says(matrix, name):
    world, clients = matrix
    problems = []
    for case in cases_for(name):
        problems += run_case(ADMIN_ROUTES[name], case, world, clients)
    assert not problems, "\n".join(problems)
