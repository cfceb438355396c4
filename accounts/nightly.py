"""The outcome of each nightly integrity check (the audit chain, the draws), kept where the office's
status page reads it, and a red notice to the office when a check finds a problem: a verification
that fails at 02:30 with nobody told is no better than none."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import NotificationSeverity
from platform_site.health import Check

CACHE_KEY = "nightly-check:{name}"
# Two nights: one missed run (a restart at the wrong hour) is not yet a problem, two are.
STALE_AFTER_SECONDS = 2 * 24 * 3600


@dataclass(frozen=True)
class NightlyOutcome:
    name: str
    ok: bool
    detail: str
    finished_at: float

    @property
    def stale(self) -> bool:
        return time.time() - self.finished_at > STALE_AFTER_SECONDS


def nightly_check_record(*, name: str, title: str, ok: bool, detail: str, url: str = "") -> None:
    """Keep the outcome of the nightly check `name`; on a problem, tell the office admins once a
    day per check (a re-run the same day does not notify again)."""
    cache.set(
        CACHE_KEY.format(name=name),
        {"ok": ok, "detail": detail[:500], "finished_at": time.time()},
        timeout=None,
    )
    if ok:
        return
    from accounts.inbox.services import notification_send

    notification_send(
        kind=f"integrity.{name}",
        severity=NotificationSeverity.RED,
        title=_("夜间核验发现问题：%(title)s") % {"title": title},
        body=detail[:2000],
        url=url,
        office=True,
        dedupe_key=f"nightly:{name}:{timezone.localdate().isoformat()}",
    )


def nightly_check_read(name: str) -> NightlyOutcome | None:
    """The last recorded outcome of the nightly check `name`, or None when it has not run yet."""
    value = cache.get(CACHE_KEY.format(name=name))
    if not value:
        return None
    return NightlyOutcome(
        name=name, ok=value["ok"], detail=value["detail"], finished_at=value["finished_at"]
    )


NIGHTLY_CHECKS = (
    ("audit", gettext_lazy("审计链夜间核验")),
    ("draws", gettext_lazy("抽取夜间核验")),
)


def nightly_check(name: str, label: str | Promise) -> Check:
    """The last outcome of a nightly integrity job; two nights without one is a problem too."""
    try:
        outcome = nightly_check_read(name)
    except Exception as error:
        return Check(str(label), False, str(error)[:200])
    if outcome is None:
        return Check(str(label), True, str(_("尚未运行（每晚 02:30 起运行）")))
    finished = timezone.localtime(datetime.fromtimestamp(outcome.finished_at, tz=UTC))
    when = finished.strftime("%Y-%m-%d %H:%M")
    if outcome.stale:
        return Check(str(label), False, str(_("超过两天未运行，上次：%(when)s")) % {"when": when})
    return Check(str(label), outcome.ok, f"{when} · {outcome.detail}")


def nightly_checks() -> list[Check]:
    """The nightly checks as lines of the office's status page."""
    return [nightly_check(name, label) for name, label in NIGHTLY_CHECKS]
