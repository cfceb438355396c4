"""The generated permission matrix: the one test base for who may open what.

Every URL pattern and every API route is enumerated from the resolver (``url_routes``); the table in
``tests/permissions/table.py`` says, for each route, how to call it and what each of the nine actors
gets for an object of their own department ("own") and of another department ("other"). A route
without an entry fails the suite (``test_every_route_has_an_entry``).

An expected answer is one token per actor, in the order of ``world.ACTORS``:
- an HTTP status code (``200``, ``201``, ``204``, ``400``, ``403``, ``404``, ``405``, ``429``…);
- ``302`` a redirect somewhere other than a login page;
- ``login`` a page's redirect to the login page (the django-admin login for django-admin).

Each request runs in a savepoint that is rolled back, so a write that succeeds changes nothing for
the next actor; a refused request must leave no audit event (checked for every refusal).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions.world import ACTORS, World

OWN, OTHER = "own", "other"
REFUSED = {"400", "401", "403", "404", "405", "login"}


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    pattern: str
    kwargs: tuple[str, ...]
    is_api: bool

    @property
    def app(self) -> str:
        namespace = self.name.split(":")[0] if ":" in self.name else ""
        return namespace.removesuffix("_api")


@dataclass
class Case:
    """One way to call a route, with the expected answers. ``own``/``other`` for routes that take
    an object (the object of department A, of department B); ``every`` for routes that take none
    (or whose object belongs to no department)."""

    method: str = "get"
    data: Any = None
    query: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    own: str = ""
    other: str = ""
    every: str = ""
    multipart: bool = False
    label: str = ""
    path: str = ""  # for a route without a name

    def variants(self) -> dict[str, str]:
        if self.every:
            return {"any": self.every}
        return {OWN: self.own, OTHER: self.other}

    @property
    def scoped_payload(self) -> bool:
        return isinstance(self.data, str) and self.data[1:] in SCOPED_PAYLOADS


def get(**fields) -> Case:
    return Case(method="get", **fields)


def post(data=None, **fields) -> Case:
    return Case(method="post", data=data, **fields)


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            label = pattern.name or f"<{prefix}{pattern.pattern}>"
            yield (
                (f"{namespace}:{label}" if namespace else label),
                prefix + str(pattern.pattern),
                pattern,
            )


def url_routes() -> list[Route]:
    """Every URL pattern of the project, API routes included, from the resolver."""
    routes = []
    for name, pattern, url_pattern in _walk(get_resolver().url_patterns):
        keys = tuple(sorted(url_pattern.pattern.regex.groupindex))
        routes.append(
            Route(name=name, pattern=pattern, kwargs=keys, is_api=pattern.startswith("api/v1/"))
        )
    return routes


ADMIN_KWARGS = {
    "app_label": "accounts",
    "object_id": "1",
    "object_pk": "1",
    "content_type_id": 1,
    "url": "x",
    "user_id": 1,
    "group_id": 1,
}


def route_url(route: Route, world: World, variant: str, case: Case) -> str:
    if case.path:
        return case.path
    if "<" in route.name:  # a route without a name: fill its pattern
        return "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda match: str(ADMIN_KWARGS[match.group(1)]), route.pattern
        )
    if route.name.startswith("admin:"):
        values = {key: ADMIN_KWARGS[key] for key in route.kwargs}
    else:
        source = world.kwargs.get(route.app, {}).get(variant if variant != "any" else OWN, {})
        values = {
            key: _fill(case.kwargs.get(key, source.get(key)), world, variant)
            for key in route.kwargs
        }
        missing = [key for key, value in values.items() if value is None]
        assert not missing, f"{route.name}: the world has no value for {missing}"
    url = reverse(route.name, kwargs=values)
    return f"{url}?{case.query}" if case.query else url


def outcome(response, *, admin: bool) -> str:
    if response.status_code == 302:
        location = response["Location"]
        login = "/django-admin/login/" if admin else "/login/"
        if location.startswith(login) or (not admin and location.startswith("/login/")):
            return "login"
        return "302"
    return str(response.status_code)


def _department(world: World, variant: str):
    return world.extra["dept_b" if variant == OTHER else "dept_a"]


def _inspector(world: World, variant: str):
    return world.extra["inspector_b" if variant == OTHER else "inspector_a"]


def _registry_object(world: World, variant: str):
    return world.extra["object_b" if variant == OTHER else "object_a"]


def _upload(name: str, content: bytes, **fields) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **fields}


def _new_code() -> str:
    from tests.registries.object_factories import new_uscc

    return new_uscc()


# Payloads that depend on the variant or must be built per request ("@name" in the table).
PAYLOADS = {
    "matter_csv": lambda world, variant: _upload(
        "list.csv", "序号,抽查事项,检查对象,事项类别\n1,测试事项,企业,一般检查事项\n".encode(),
        code_prefix="Q-",
    ),
    "objects_csv": lambda world, variant: _upload(
        "objects.csv", "统一社会信用代码,名称\n".encode()
    ),
    "people_csv": lambda world, variant: _upload("people.csv", "姓名,部门代码\n王五,DEPA\n".encode()),
    "object_edit": lambda world, variant: {
        "kind": "enterprise", "code": _registry_object(world, variant).code, "name": "改名后的公司",
        "region_code": "330106", "risk_class": "B", "status": "active",
    },
    "object_create": lambda world, variant: {
        "kind": "enterprise", "code": _new_code(), "name": "临江市新建有限公司",
        "region_code": "330106",
    },
    "inspector_create_api": lambda world, variant: {
        "department": _department(world, variant).code, "name": "新人"
    },
    "release_page": lambda world, variant: {
        "department": _department(world, variant).pk, "reason": "测试"
    },
    "release_api": lambda world, variant: {
        "department": _department(world, variant).code, "reason": "测试"
    },
    "recusal_declare_page": lambda world, variant: {
        "inspector": _inspector(world, variant).pk, "object_code": world.extra["free_object"].code,
        "reason": "relative",
    },
    "recusal_declare_api": lambda world, variant: {
        "inspector": _inspector(world, variant).pk, "object_code": world.extra["free_object"].code,
        "reason": "relative",
    },
    "inspection_dates": lambda world, variant: {
        f"date_{_inspection(world, variant).pk}": _today(1)
    },
    "combine_page": lambda world, variant: {
        "other": _peer(world, variant).pk, "visit_on": _today(1)
    },
    "combine_api": lambda world, variant: {
        "other": _peer(world, variant).pk, "visit_on": _today(1)
    },
    "photo_page": lambda world, variant: {"file": _photo(), "caption": "门头"},
    "photo_api": lambda world, variant: {"kind": "photo", "file": _photo()},
    "scan_page": lambda world, variant: {"kind": "scan", "file": _photo(), "caption": "回执"},
}  # fmt: skip


def _inspection(world: World, variant: str):
    return world.extra["inspection_other" if variant == OTHER else "inspection_own"]


def _peer(world: World, variant: str):
    return world.extra["peer_other" if variant == OTHER else "peer_own"]


def _today(days: int = 0) -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.tasks.inspections.builders import jpeg_bytes

    return SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")


SCOPED_PAYLOADS = {
    "inspection_dates",
    "combine_page",
    "combine_api",
    "inspector_create_api",
    "release_page",
    "release_api",
    "recusal_declare_page",
    "recusal_declare_api",
}


def _fill(value: Any, world: World, variant: str) -> Any:
    """Payload values may name world objects: "{object_a.code}"-style strings; "@name" builds the
    payload ``PAYLOADS[name]`` for the variant."""
    if isinstance(value, str) and value.startswith("@"):
        return PAYLOADS[value[1:]](world, variant)
    if value == "{today}":
        from django.utils import timezone

        return timezone.localdate().isoformat()
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        path = value[1:-1].split(".")
        found: Any = world.extra[path[0]]
        for attribute in path[1:]:
            found = getattr(found, attribute)
        return found
    if isinstance(value, dict):
        return {key: _fill(item, world, variant) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, world, variant) for item in value]
    return value


def call(client, route: Route, case: Case, world: World, variant: str) -> Any:
    url = route_url(route, world, variant, case)
    data = _fill(case.data, world, variant)
    if route.is_api and not case.multipart:
        if case.method == "get":
            return client.get(url)
        return getattr(client, case.method)(url, data, format="json")
    if case.multipart:
        return client.post(url, data, format="multipart")
    return getattr(client, case.method)(url, data or {})


def run_case(route: Route, case: Case, world: World, clients: dict) -> list[str]:
    """Every actor and variant of one case; returns the mismatches (empty when all agree)."""
    from accounts.models import AuditEvent
    from publication.calendar import calendar_cache_clear

    problems = []
    for variant, expected_row in case.variants().items():
        expected = expected_row.split()
        assert len(expected) == len(ACTORS), f"{route.name}: {expected_row!r} needs 9 answers"
        actual = []
        for actor in ACTORS:
            client = clients[route.is_api][actor]
            cookies = copy.deepcopy(client.cookies)
            with transaction.atomic():
                head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
                response = call(client, route, case, world, variant)
                got = outcome(response, admin=route.name.startswith("admin:"))
                if got in REFUSED:
                    written = AuditEvent.objects.filter(seq__gt=head or 0).values_list(
                        "action", flat=True
                    )
                    if written:
                        got += f"(wrote {','.join(written)})"
                transaction.set_rollback(True)
            client.cookies = cookies
            calendar_cache_clear()
            actual.append(got)
        if actual != expected:
            label = f"{route.name} {case.method.upper()}{' ' + case.label if case.label else ''}"
            diffs = [
                f"{actor}: expected {want}, got {got}"
                for actor, want, got in zip(ACTORS, expected, actual, strict=True)
                if want != got
            ]
            problems.append(
                f"{label} [{variant}]: "
                + "; ".join(diffs)
                + f'\n    actual row: "{" ".join(actual)}"'
            )
    return problems


MISSING_ID = 987654321


def run_missing(route: Route, case: Case, world: World, clients: dict) -> list[str]:
    """An object that does not exist gets the same answer as another department's object that the
    actor may not see (404), so that nobody learns what exists elsewhere."""
    if case.method != "get" or case.every or not any(key.endswith("_id") for key in route.kwargs):
        return []
    problems = []
    expected = case.other.split()
    for actor, answer in zip(ACTORS, expected, strict=True):
        if answer != "404":
            continue
        missing = Case(
            method="get",
            query=case.query,
            kwargs={
                **case.kwargs,
                **{key: MISSING_ID for key in route.kwargs if key.endswith("_id")},
            },
        )
        response = call(clients[route.is_api][actor], route, missing, world, OTHER)
        if response.status_code != 404:
            problems.append(
                f"{route.name}: {actor} gets 404 for another department's object but "
                f"{response.status_code} for a missing one"
            )
    return problems
