"""Chinese wording for the reference verifier's problem codes (tasks.draw.verify.Problem.code)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tasks.draw.verify import VerificationReport, verify_bundle_text

PROBLEM_MESSAGES = {
    "not_an_object": _("数据包不是一个 JSON 对象。"),
    "missing_key": _("数据包缺少必需字段。"),
    "unexpected_key": _("数据包含有协议之外的字段。"),
    "bad_type": _("数据包某个字段的类型不正确。"),
    "log_chain": _("抽取日志的哈希链断裂或被改动（序号、前一条哈希、时间或哈希不符）。"),
    "order": _("日志事件顺序不符合协议：应为公告、见证、揭示、结果。"),
    "log_data": _("日志条目的内容字段不符合协议。"),
    "secret_format": _("秘密值格式不正确（应为64位小写十六进制）。"),
    "commitment": _("揭示的秘密值与事先公告的承诺值不一致。"),
    "reveal_mismatch": _("日志中揭示的秘密值与数据包中的不一致。"),
    "witness_mismatch": _("数据包中的见证值与日志记录（或其顺序）不一致。"),
    "witness_invalid": _("见证值未经规范化（NFC、去除首尾空白、单行）。"),
    "beacon_mismatch": _("随机信标与公告不一致。"),
    "snapshot_mismatch": _(
        "输入文件的哈希与事先公告的不一致（候选对象、检查人员、回避关系或参数被改动）。"
    ),
    "inputs_invalid": _("输入数据不符合协议要求。"),
    "row_invalid": _("输入文件中有不符合格式的行。"),
    "seed_inputs": _("无法计算种子。"),
    "recompute_failed": _("按数据包重新计算抽取时失败。"),
    "result_shape": _("结果的结构不符合协议。"),
    "seed_mismatch": _("公布的种子与重新计算的不一致。"),
    "attempt_mismatch": _("公布的分配尝试序号与重新计算的不一致。"),
    "objects_mismatch": _("公布的抽中对象与重新计算的不一致。"),
    "groups_mismatch": _("公布的检查组（成员或组长）与重新计算的不一致。"),
    "assignment_mismatch": _("公布的对象分组与重新计算的不一致。"),
    "result_hash": _("结果的哈希与日志中记录的不一致。"),
    "json": _("不是有效的 JSON（或含重复键、NaN 等不允许的值）。"),
}


@dataclass
class ProblemLine:
    code: str
    text: str
    detail: str


def explain(report: VerificationReport) -> list[ProblemLine]:
    return [
        ProblemLine(
            problem.code, str(PROBLEM_MESSAGES.get(problem.code, _("未知问题"))), problem.message
        )
        for problem in report.problems
    ]


def verify_text(text: str) -> tuple[VerificationReport, list[ProblemLine]]:
    report = verify_bundle_text(text)
    return report, explain(report)
