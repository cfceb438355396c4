"""Done when (issue 16): every main page, for each demo role, at desktop (1366 px) and phone
(390 px) width: no HTTP error, nothing wider than the phone, no raw code or unformatted message,
no console error. Screenshots go to test-artifacts/walk/ (gitignored).

One test: the demo city is built once (with fewer objects than `make run`), then every demo role
walks its home, its whole navigation and the first item of each list not yet seen by a role
before it (tests/e2e/walk.py); the public role also the API docs. Each page is loaded once and
narrowed to the phone's width, and shot once (by the first role that reaches it)."""

import io
import shutil
import time

import pytest
from django.core.management import call_command

from tests.e2e.walk import BARE_EMPTY_ROWS, Walk

pytestmark = pytest.mark.e2e

ROLES = [
    "public",
    "office_admin",
    "samr_staff",
    "office_staff",
    "samr_admin",
    "samr_liaison",
    "samr_inspector",
    "samr_witness",
]
API_DOCS = ("/api/redoc/", "/api/docs/")


@pytest.mark.usefixtures("transactional_db")
def test_every_main_page_for_every_demo_role_at_both_widths(browser, live_server, artifacts):
    call_command("demo_city", objects=1500, stdout=io.StringIO())
    out = artifacts / "walk"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    walk = Walk(live_server.url, artifacts=out)
    details: set[str] = set()
    started = time.monotonic()
    for role in ROLES:
        walk.walk_role(browser, role, details=details, extra=API_DOCS if role == "public" else ())
    print(f"walk: {len(walk.visited)} page views in {time.monotonic() - started:.0f} s")
    assert not walk.findings, "\n".join(str(finding) for finding in walk.findings)
    walked = {path for _role, path, _width in walk.visited}
    # the walk reached the pages that matter, not just the homes
    for page in (
        "/tasks/",
        "/catalog/",
        "/registries/objects/",
        "/plans/",
        "/tasks/new/",
        *API_DOCS,
    ):
        assert any(path.startswith(page) for path in walked), page
    assert len(walk.visited) > 120
    # every role walked its whole navigation (the links of its home's side menu)
    for role in ROLES[1:]:
        reached = {path for walker, path, _width in walk.visited if walker == role}
        assert {"/tasks/", "/catalog/", "/inbox/"} <= reached, role


def test_the_walk_tells_a_bare_empty_row_from_one_with_a_next_step(page):
    page.set_content(
        '<main><table class="data"><tbody><tr><td colspan="3" class="muted">暂无。</td></tr>'
        '</tbody></table><table class="data"><tbody><tr><td colspan="3">'
        '<div class="empty-state">还没有任务。<a href="/tasks/new/">新建任务</a></div>'
        "</td></tr></tbody></table></main>"
    )
    bare = page.eval_on_selector_all(BARE_EMPTY_ROWS, "els => els.map(e => e.innerText)")
    assert bare == ["暂无。"]
