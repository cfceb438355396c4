"""The page cache (publication.pagecache): the home page and the public task page are cached like
the other public pages and go stale with what they show; a page served early by the middleware
carries the same headers as a rendered one, and a CSRF token that works."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.audit import chain_head, record_event
from publication.site.services import drawn_list_publish
from tasks.choices import DrawState
from tests.accounts.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

SAME_HEADERS = [
    "Content-Type",
    "Content-Language",
    "Vary",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
]


def _fresh_visitor() -> Client:
    return Client()


@pytest.mark.parametrize(
    "name,args", [("publication:home", False), ("tasks:public_task", True)], ids=["home", "task"]
)
def test_an_early_hit_has_the_headers_of_a_rendered_page_and_a_working_token(world, name, args):
    url = reverse(name, args=[world.started.task.code] if args else [])
    rendered = _fresh_visitor().get(url)
    assert rendered.status_code == 200 and not rendered.has_header("X-Public-Cache")
    visitor = Client(enforce_csrf_checks=True)
    hit = visitor.get(url)
    assert hit["X-Public-Cache"] == "hit"
    for header in SAME_HEADERS:
        assert hit.get(header) == rendered.get(header), header
    assert "Accept-Language" in hit["Vary"] and "Cookie" in hit["Vary"]
    assert int(hit["Content-Length"]) == len(hit.content)
    # the page's form token goes with the cookie the hit set: the language switch accepts it
    page = hit.content.decode()
    assert "@@public-" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    switched = visitor.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    # and the English page is another entry, rendered in English
    english = visitor.get(url)
    assert english["Content-Language"] == "en"


def test_the_home_page_is_cached_and_shows_new_departments_and_the_live_audit_head(
    world, django_capture_on_commit_callbacks
):
    url = reverse("publication:home")
    _fresh_visitor().get(url)
    assert _fresh_visitor().get(url)["X-Public-Cache"] == "hit"
    # the audit head moves with every audited act; the cached page shows it live
    record_event(actor=None, action="test.public_cache")
    hit = _fresh_visitor().get(url)
    assert hit["X-Public-Cache"] == "hit"
    assert chain_head().hash in hit.content.decode()
    # a new department makes the page stale
    with django_capture_on_commit_callbacks(execute=True):
        DepartmentFactory(code="DEPN", name="新设部门（测试）")
    fresh = _fresh_visitor().get(url)
    assert not fresh.has_header("X-Public-Cache")
    assert "新设部门（测试）" in fresh.content.decode()


def test_the_public_task_page_follows_publication_and_void(
    world, draw, django_capture_on_commit_callbacks
):
    from tasks.services.draws import draw_void_decide, draw_void_request

    urls = [
        reverse("tasks:public_task", args=[draw.task.code]),
        reverse("publication:task_index"),
    ]
    for url in urls:
        _fresh_visitor().get(url)
        assert _fresh_visitor().get(url)["X-Public-Cache"] == "hit"
    page = _fresh_visitor().get(urls[0]).content.decode()
    assert 'data-testid="draw-awaiting-publication"' in page
    # when the drawn list is published, both pages show it at once
    with django_capture_on_commit_callbacks(execute=True):
        drawn_list_publish(draw=draw, published_by=world.users["staff_a"])
    page = _fresh_visitor().get(urls[0]).content.decode()
    assert 'data-testid="draw-awaiting-publication"' not in page
    assert draw.drawn_objects.first().code in page
    assert draw.task.code in _fresh_visitor().get(urls[1]).content.decode()
    _fresh_visitor().get(urls[0])
    assert _fresh_visitor().get(urls[0])["X-Public-Cache"] == "hit"
    # when the office voids the draw, the page shows it voided
    with django_capture_on_commit_callbacks(execute=True):
        draw_void_request(draw=draw, requested_by=world.users["staff_a"], reason="抽取参数有误")
        draw_void_decide(draw=draw, decided_by=world.users["office_admin"], approve=True)
    draw.refresh_from_db()
    assert draw.state == DrawState.VOIDED
    page = _fresh_visitor().get(urls[0])
    assert not page.has_header("X-Public-Cache")
    assert 'data-testid="public-draw-set-aside"' in page.content.decode()


def test_signed_in_staff_and_searches_are_not_served_early(client, world):
    url = reverse("publication:home")
    _fresh_visitor().get(url)
    client.force_login(world.users["staff_a"])
    page = client.get(url)
    assert not page.has_header("X-Public-Cache")
    assert "@@public-" not in page.content.decode()
    # a cached search is still counted by the rate limit (it is looked up after the check)
    search = reverse("publication:search")
    _fresh_visitor().get(search, {"q": "企业"})
    from django.test import override_settings

    with override_settings(PUBLIC_RATES={"search": "0/minute", "objection": "5/hour"}):
        assert _fresh_visitor().get(search, {"q": "企业"}).status_code == 429
