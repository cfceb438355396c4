"""The public verification page and API around the reference verifier (tasks.draw.verify).

- Chinese wording for the verifier's problem codes;
- the work cap: the page re-computes at most VERIFY_MAX_ATTEMPTS stage-2 attempts (whatever a
  bundle's max_attempts says), and a bundle larger than VERIFY_INLINE_MAX_BYTES is not verified
  inside the request but by a Celery job (`VerificationRequest`), whose result page anyone holding
  its random link can read; at most VERIFY_MAX_PENDING such jobs wait at once. The upload itself is
  refused before it is read when it exceeds the upload limit (platform_site settings).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.choices import VerificationStatus
from tasks.draw.verify import PUBLIC_NOTE, VerificationReport, parse_json, verify_bundle_text
from tasks.models import VerificationRequest

PROBLEM_MESSAGES = {
    "not_an_object": gettext_lazy("数据包不是一个 JSON 对象。"),
    "missing_key": gettext_lazy("数据包缺少必需字段。"),
    "unexpected_key": gettext_lazy("数据包含有协议之外的字段。"),
    "bad_type": gettext_lazy("数据包某个字段的类型不正确。"),
    "log_chain": gettext_lazy("抽取日志的哈希链断裂或被改动（序号、前一条哈希、时间或哈希不符）。"),
    "order": gettext_lazy("日志事件顺序不符合协议：应为公告、见证、揭示、结果。"),
    "log_data": gettext_lazy("日志条目的内容字段不符合协议。"),
    "announcement_mismatch": gettext_lazy(
        "数据包中的公告记录与抽取前存档的公告不一致：数据包可能是事后整体重算的。"
    ),
    "head_mismatch": gettext_lazy(
        "抽取前公布的日志链头哈希不在数据包的日志中：数据包可能是事后整体重算的。"
    ),
    "secret_format": gettext_lazy("秘密值格式不正确（应为64位小写十六进制）。"),
    "commitment": gettext_lazy("揭示的秘密值与事先公告的承诺值不一致。"),
    "reveal_mismatch": gettext_lazy("日志中揭示的秘密值与数据包中的不一致。"),
    "witness_mismatch": gettext_lazy("数据包中的见证值与日志记录（或其顺序）不一致。"),
    "witness_invalid": gettext_lazy("见证值未经规范化（NFC、去除首尾空白、单行）。"),
    "beacon_mismatch": gettext_lazy("随机信标与公告不一致。"),
    "snapshot_mismatch": gettext_lazy(
        "输入文件的哈希与事先公告的不一致（候选对象、检查人员、回避关系或参数被改动）。"
    ),
    "inputs_invalid": gettext_lazy("输入数据不符合协议要求。"),
    "row_invalid": gettext_lazy("输入文件中有不符合格式的行。"),
    "work_limit": gettext_lazy(
        "重新计算所需的分配尝试次数超过本页面的上限，未予验证；请使用独立验证程序并调高上限。"
    ),
    "seed_inputs": gettext_lazy("无法计算种子。"),
    "conflict_not_drawn": gettext_lazy("公开数据包中含有未被抽中对象的回避关系行。"),
    "recompute_failed": gettext_lazy("按数据包重新计算抽取时失败。"),
    "result_shape": gettext_lazy("结果的结构不符合协议。"),
    "seed_mismatch": gettext_lazy("公布的种子与重新计算的不一致。"),
    "attempt_mismatch": gettext_lazy("公布的分配尝试序号与重新计算的不一致。"),
    "objects_mismatch": gettext_lazy("公布的抽中对象与重新计算的不一致。"),
    "groups_mismatch": gettext_lazy("公布的检查组（成员或组长）与重新计算的不一致。"),
    "assignment_mismatch": gettext_lazy("公布的对象分组与重新计算的不一致。"),
    "result_hash": gettext_lazy("结果的哈希与日志中记录的不一致。"),
    "json": gettext_lazy("不是有效的 JSON（或含重复键、NaN 等不允许的值）。"),
    "announcement_json": gettext_lazy("存档的公告不是有效的 JSON。"),
}


class VerificationBusy(Exception):
    """Too many verification jobs are waiting; the message asks to try again later."""


@dataclass
class ProblemLine:
    code: str
    text: str
    detail: str


def explain(report: VerificationReport) -> list[ProblemLine]:
    return [
        ProblemLine(
            problem.code,
            str(PROBLEM_MESSAGES.get(problem.code, gettext_lazy("未知问题"))),
            problem.message,
        )
        for problem in report.problems
    ]


def report_payload(report: VerificationReport) -> dict[str, Any]:
    """The report as the page, the API and a stored verification job show it."""
    return {
        "valid": report.valid,
        "incomplete": report.incomplete,
        "seed": report.seed,
        "head": report.head,
        "commitment": report.commitment,
        "public": report.public,
        "public_note": PUBLIC_NOTE if report.public else "",
        "voided": report.voided,
        "problems": [
            {"code": line.code, "text": line.text, "detail": line.detail}
            for line in explain(report)
        ],
    }


def _announcement(text: str) -> tuple[Any, dict[str, Any] | None]:
    """The archived announcement, parsed; or an error payload."""
    if not (text or "").strip():
        return None, None
    try:
        return parse_json(text), None
    except ValueError:
        return None, {
            "valid": False,
            "incomplete": False,
            "seed": None,
            "head": None,
            "commitment": None,
            "public": False,
            "public_note": "",
            "voided": False,
            "problems": [
                {
                    "code": "announcement_json",
                    "text": str(PROBLEM_MESSAGES["announcement_json"]),
                    "detail": "",
                }
            ],
        }


def verify_now(text: str, *, announcement_text: str = "", head: str = "") -> dict[str, Any]:
    """Verify within the caller, with the platform's work cap."""
    announcement, error = _announcement(announcement_text)
    if error is not None:
        return error
    report = verify_bundle_text(
        text,
        announcement=announcement,
        head=head or None,
        max_attempts_limit=settings.VERIFY_MAX_ATTEMPTS,
    )
    return report_payload(report)


def verify_needs_job(text: str) -> bool:
    return len(text.encode("utf-8")) > settings.VERIFY_INLINE_MAX_BYTES


@transaction.atomic
def verification_request_create(
    *, text: str, announcement_text: str = "", head: str = ""
) -> VerificationRequest:
    """Store a large bundle and queue its verification after the commit."""
    pending = VerificationRequest.objects.select_for_update().filter(
        status__in=[VerificationStatus.QUEUED, VerificationStatus.RUNNING]
    )
    if len(pending) >= settings.VERIFY_MAX_PENDING:
        raise VerificationBusy(_("当前排队验证的数据包较多，请稍后再试。"))
    payload = json.dumps(
        {"bundle": text, "announcement": announcement_text, "head": head}, ensure_ascii=False
    ).encode("utf-8")
    verification = VerificationRequest.objects.create(
        bundle=gzip.compress(payload, compresslevel=3), size=len(text.encode("utf-8"))
    )
    from tasks.jobs import verification_request_job

    transaction.on_commit(lambda: verification_request_job.delay(verification.pk))
    return verification


def verification_request_run(*, request_id: int) -> str:
    """The job body: claim the request (once; again after a lost worker), verify, store."""
    stale = timezone.now() - timedelta(minutes=15)
    claimed = VerificationRequest.objects.filter(
        Q(status=VerificationStatus.QUEUED)
        | Q(status=VerificationStatus.RUNNING, finished_at__isnull=True, created_at__lt=stale),
        pk=request_id,
    ).update(status=VerificationStatus.RUNNING)
    if not claimed:
        return (
            VerificationRequest.objects.filter(pk=request_id)
            .values_list("status", flat=True)
            .first()
            or ""
        )
    verification = VerificationRequest.objects.get(pk=request_id)
    try:
        stored = json.loads(gzip.decompress(bytes(verification.bundle)).decode("utf-8"))
        report = verify_now(
            stored["bundle"], announcement_text=stored["announcement"], head=stored["head"]
        )
        status = VerificationStatus.DONE
    except Exception:  # a bundle that breaks the verifier is reported, never retried for ever
        report, status = None, VerificationStatus.FAILED
    VerificationRequest.objects.filter(pk=request_id).update(
        status=status, report=report, finished_at=timezone.now()
    )
    return status


def verification_requests_delete_old(*, days: int = 7) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _details = VerificationRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
