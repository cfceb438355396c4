"""Done when (issue 16): every main page, for each demo role, at desktop (1366 px) and phone
(390 px) width: no HTTP error, nothing wider than the phone, no raw code or unformatted message,
no console error. Screenshots go to test-artifacts/walk/ (gitignored).

One test: the demo city is built once (with fewer objects than `make run`), then each role walks
its home, its navigation and the first item of each list (tests/e2e/walk.py)."""

import io
import shutil

import pytest
from django.core.management import call_command

from tests.e2e.walk import Walk

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]

# Each of these walks all its pages...
ROLES = ["public", "office_admin", "samr_staff"]
# ...and these their home and the pages the roles above did not reach (kept fast: the same
# templates with a few buttons more or less are not walked again).
OTHER_ROLES = ["office_staff", "samr_admin", "samr_liaison", "samr_inspector", "samr_witness"]


def test_every_main_page_for_every_demo_role_at_both_widths(browser, live_server, artifacts):
    call_command("demo_city", objects=1500, stdout=io.StringIO())
    out = artifacts / "walk"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    walk = Walk(live_server.url, artifacts=out)
    details: set[str] = set()
    for role in ROLES:
        walk.walk_role(browser, role, details=details)
    walked = {path for _role, path, _width in walk.visited}
    for role in OTHER_ROLES:
        walk.walk_role(browser, role, details=details, walked=walked)
    assert not walk.findings, "\n".join(str(finding) for finding in walk.findings)
    walked = {path for _role, path, _width in walk.visited}
    # the walk reached the pages that matter, not just the homes
    for page in ("/tasks/", "/catalog/", "/registries/objects/", "/plans/", "/tasks/new/"):
        assert any(path.startswith(page) for path in walked), page
    assert len(walk.visited) > 120
    assert {role for role, _path, _width in walk.visited} == {*ROLES, *OTHER_ROLES}
