"""Health of the platform's parts, for the office's status page and the container health check."""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

BEAT_STALE_AFTER_SECONDS = 90


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return Check(str(_("数据库")), True, f"PostgreSQL {version}")
    except Exception as error:
        return Check(str(_("数据库")), False, str(error)[:200])


def check_redis() -> Check:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        info = client.info("server")
        return Check("Redis", True, f"Redis {info.get('redis_version', '?')}")
    except Exception as error:
        return Check("Redis", False, str(error)[:200])


def check_worker(timeout: float = 1.5) -> Check:
    from platform_site.celery import app

    try:
        replies = app.control.ping(timeout=timeout)
    except Exception as error:
        return Check(str(_("任务处理进程")), False, str(error)[:200])
    if not replies:
        return Check(str(_("任务处理进程")), False, str(_("没有进程响应")))
    names = ", ".join(sorted(name for reply in replies for name in reply))
    return Check(str(_("任务处理进程")), True, names)


def check_beat() -> Check:
    try:
        last = cache.get(settings.BEAT_HEARTBEAT_KEY)
    except Exception as error:
        return Check(str(_("定时调度")), False, str(error)[:200])
    if last is None:
        return Check(str(_("定时调度")), False, str(_("从未收到心跳")))
    age = time.time() - float(last)
    ok = age < BEAT_STALE_AFTER_SECONDS
    return Check(str(_("定时调度")), ok, str(_("%(seconds)d 秒前收到心跳")) % {"seconds": age})


def platform_checks() -> list[Check]:
    return [check_database(), check_redis(), check_worker(), check_beat()]
