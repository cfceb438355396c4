"""Walk the main pages as a demo role at desktop and phone width, and say what is wrong on each:
an HTTP error, a page wider than the phone, a raw code or an unformatted message, a console error.

Used by tests/e2e/test_walk_every_page.py; also runnable against `make run` while working:
    .venv/bin/python -m tests.e2e.walk http://127.0.0.1:8000 samr_staff
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DESKTOP, PHONE = 1366, 390
DEMO_PASSWORD = "Demo-2026-ssj"

# What a clerk must never read: department and tag codes, basis points, empty-choice dashes,
# "unknown" filter choices, unformatted placeholders, audit and draw-log codes.
RAW_CODES = re.compile(
    r"(?<![A-Za-z0-9_-])(?:SAMR|EEB|EMB|AGRI|TRANS|CULT|HOUSE|HEALTH|COMM|FIRE|NRB|HRSS|EXPERT|"
    r"CHEMICALS|FOOD|DRUG|SPECIAL_EQUIPMENT|LE)(?![A-Za-z0-9_-])"
    r"|基点|rate_bp|---------|%\([a-z_]+\)[sd]|\{\{|\{%"
    r"|(?<![\w./-])(?:task|draw|plan|plan_item|plan_year|matter|inspector|account|recusal|deadline)"
    r"\.[a-z_]+(?![\w./-])"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
)
DEPARTMENT_CODES = re.compile(
    r"(?<![A-Za-z0-9_-])(?:SAMR|EEB|EMB|AGRI|TRANS|CULT|HOUSE|HEALTH|COMM|FIRE|NRB|HRSS)"
    r"(?![A-Za-z0-9_-])"
)
SKIP_LINK = re.compile(
    r"format=|export|\.pdf|\.json|\.xlsx|\.csv|/bundle|/file/|/download|logout|/i18n/|/print"
    r"|/api/"
)


@dataclass
class Finding:
    role: str
    url: str
    width: int
    problem: str

    def __str__(self) -> str:
        return f"{self.role} {self.width}px {self.url}: {self.problem}"


@dataclass
class Walk:
    base_url: str
    artifacts: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    visited: list[tuple[str, str, int]] = field(default_factory=list)
    shot: set[str] = field(default_factory=set)  # pages with screenshots already

    def login(self, page, username: str) -> None:
        page.context.clear_cookies()
        page.goto(self.base_url + "/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def _local(self, href: str) -> str | None:
        parts = urlsplit(href)
        base = urlsplit(self.base_url)
        if parts.netloc != base.netloc or SKIP_LINK.search(href):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def check(self, page, role: str, path: str) -> None:
        """Load the page once at desktop width (HTTP status, words, console), then narrow the
        same page to the phone's width (overflow): a second load would show the same words and
        run the same scripts. Screenshots of both widths, unless this page was shot already."""
        errors: list[str] = []

        def on_console(message):
            if message.type == "error":
                errors.append(message.text)

        def on_error(error):
            errors.append(str(error))

        page.on("console", on_console)
        page.on("pageerror", on_error)
        page.set_viewport_size({"width": DESKTOP, "height": 900})
        response = page.goto(self.base_url + path, wait_until="load")
        if page.query_selector("[hx-trigger^='load']"):
            page.wait_for_load_state("networkidle")
        if path in RENDERED_BY_SCRIPT:
            # the API docs draw themselves after fetching the schema: wait for the whole page
            page.wait_for_selector(RENDERED_BY_SCRIPT[path])
            page.wait_for_load_state("networkidle")
        status = response.status if response else 0
        if status >= 400:
            self.findings.append(Finding(role, path, DESKTOP, f"HTTP {status}"))
        text = page.inner_text("body") if not path.startswith("/api/") else ""  # API field names
        if path.startswith("/departments/"):
            # the account pages manage departments, and a department's code is one of its fields
            text = DEPARTMENT_CODES.sub("", text)
        for match in sorted({m.group(0) for m in RAW_CODES.finditer(text)}):
            self.findings.append(Finding(role, path, DESKTOP, f"raw code {match!r}"))
        if role != "public":
            for bare in page.eval_on_selector_all(
                BARE_EMPTY_ROWS, "els => els.map(e => e.innerText)"
            ):
                self.findings.append(
                    Finding(role, path, DESKTOP, f"an empty list without a next step: {bare!r}")
                )
        # each role's home differs; any other page is shot by the first role that reaches it
        shot_key = f"{role} {path}" if path in ("/", "/workspace/") else path
        shoot = self.artifacts is not None and shot_key not in self.shot
        name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
        if shoot:
            # the desktop's first screen, the phone's whole page (where overflow shows)
            page.screenshot(
                path=str(self.artifacts / f"{role}-{name}-{DESKTOP}.jpg"), type="jpeg", quality=70
            )
        page.set_viewport_size({"width": PHONE, "height": 900})
        scroll_width = page.evaluate(SETTLED_SCROLL_WIDTH)
        if scroll_width > PHONE:
            wide = page.evaluate(WIDEST_ELEMENT, PHONE)
            self.findings.append(Finding(role, path, PHONE, f"{scroll_width}px wide ({wide})"))
        if shoot:
            page.screenshot(
                path=str(self.artifacts / f"{role}-{name}-{PHONE}.jpg"),
                # (the API docs run to thousands of screens: their first one)
                full_page=path not in RENDERED_BY_SCRIPT,
                type="jpeg",
                quality=70,
            )
            self.shot.add(shot_key)
        for error in errors:
            self.findings.append(Finding(role, path, DESKTOP, f"console: {error[:200]}"))
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
        self.visited.extend([(role, path, DESKTOP), (role, path, PHONE)])

    def walk_role(
        self,
        browser,
        role: str,
        *,
        details: set[str] | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        """The role's home, every page of its navigation (and ``extra``), and the first item and
        the header buttons of each list on them. An item or form already seen by another role
        (in ``details``) is not walked again: the same template with other data."""
        context = browser.new_context(locale="zh-CN", viewport={"width": DESKTOP, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        start = "/"
        if role != "public":
            self.login(page, role)
            start = "/workspace/"
        details = details if details is not None else set()
        queue, seen = [start, *extra], {start, *extra}
        while queue:
            path = queue.pop(0)
            self.check(page, role, path)
            if path in extra:
                links = []
            elif path == start:
                links = page.eval_on_selector_all(
                    ".sidenav a, main .actions a, main .cards a, main .todo-list a",
                    "els => els.map(e => e.href)",
                )
            elif path in details:
                links = []
            else:
                links = page.eval_on_selector_all(
                    "main table.data tbody a[href]", "els => els.slice(0, 1).map(e => e.href)"
                ) + page.eval_on_selector_all(
                    "main .page-header a.button", "els => els.map(e => e.href)"
                )
            for link in links:
                local = self._local(link)
                if local and local not in seen and (path == start or local not in details):
                    seen.add(local)
                    queue.append(local)
                    if path != start:
                        details.add(local)
        context.close()


# Pages that draw themselves with a script, and what shows they are done.
RENDERED_BY_SCRIPT = {
    "/api/redoc/": "text=API docs by Redocly",
    "/api/docs/": ".swagger-ui .opblock",
}
# A table row that says its list is empty without the next step (templates/includes/empty.html).
BARE_EMPTY_ROWS = "main table.data tbody tr:only-child > td[colspan]:not(:has(.empty-state))"
# The width once the narrower layout has been drawn.
SETTLED_SCROLL_WIDTH = """() => new Promise(done => requestAnimationFrame(() =>
  requestAnimationFrame(() => done(document.documentElement.scrollWidth))))"""


WIDEST_ELEMENT = """(width) => {
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && (!worst || r.right > worst.right)) {
      let scroller = el.parentElement, clipped = false;
      while (scroller) {
        const s = getComputedStyle(scroller);
        if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) { clipped = true; break; }
        scroller = scroller.parentElement;
      }
      if (!clipped) worst = {right: r.right, name: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '')};
    }
  }
  return worst ? worst.name + ' to ' + Math.round(worst.right) + 'px' : 'unknown';
}"""


if __name__ == "__main__":
    import sys

    from playwright.sync_api import sync_playwright

    base, roles = sys.argv[1], sys.argv[2:]
    out = Path("test-artifacts/walk")
    out.mkdir(parents=True, exist_ok=True)
    walk = Walk(base, artifacts=out)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
        )
        details: set[str] = set()
        for role in roles:
            walk.walk_role(browser, role, details=details)
        browser.close()
    print(f"{len(walk.visited)} page views")
    for finding in walk.findings:
        print(finding)
