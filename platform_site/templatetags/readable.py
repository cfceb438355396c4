"""Codes in words for the pages: rates in percent, departments by name, tags by label.

A page shows what a clerk reads, never what a program stores: {"A": {"rate_bp": 300}} is
"A类 3%", {"EMB": 1} is "应急管理局 1 人", "LE" is "持执法证"."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.models import Department
from plans.scoping import format_bp
from registries.drawable import EXPERT_DEPARTMENT
from registries.tags import tag_label

register = template.Library()

# The other apps' audit actions (accounts' own are in accounts/templatetags/audit.py, the ground
# floor naming no app above it).
OTHER_ACTION_LABELS = {
    "calendar.day_clear": _lazy("清除工作日调整"),
    "calendar.day_set": _lazy("设置工作日调整"),
    "calendar.seed": _lazy("生成工作日历"),
    "calendar.year_import": _lazy("导入年度工作日历"),
    "calendar.year_mark_fallback": _lazy("工作日历标为推算"),
    "calendar.year_mark_official": _lazy("工作日历标为官方"),
    "deadline.cancel": _lazy("取消期限"),
    "deadline.close": _lazy("期限办结"),
    "deadline.open": _lazy("开始计算期限"),
    "deadline.recompute": _lazy("重新计算期限"),
    "deadline.reschedule": _lazy("调整期限"),
    "deadline.set_responsible": _lazy("指定期限责任人"),
    "deadline.sweep": _lazy("期限巡检"),
    "deadline_rule.update": _lazy("修改期限规则"),
    "document.requested": _lazy("申请打印文书"),
    "document.pdf": _lazy("生成文书"),
    "draw.announce": _lazy("公告抽取"),
    "draw.failed": _lazy("抽取失败"),
    "draw.replacement_announce": _lazy("公告替补"),
    "draw.requeued": _lazy("重新排队抽取"),
    "draw.result": _lazy("抽取完成"),
    "draw.reveal_requested": _lazy("申请揭示"),
    "draw.reveal_requeued": _lazy("重新排队揭示"),
    "draw.review_confirm": _lazy("会审确认"),
    "draw.review_escalate": _lazy("会审催办上报"),
    "draw.review_return": _lazy("会审退回"),
    "draw.void": _lazy("作废抽取"),
    "draw.void_refused": _lazy("不予作废"),
    "draw.void_request": _lazy("申请作废"),
    "draw.withdraw": _lazy("撤回公告"),
    "draw.withdraw_refused": _lazy("不予撤回"),
    "draw.withdraw_request": _lazy("申请撤回公告"),
    "expert.create": _lazy("新增专家"),
    "expert.update": _lazy("修改专家"),
    "inspection_object.claim": _lazy("认领检查对象"),
    "inspection_object.create": _lazy("新增检查对象"),
    "inspection_object.demo_build": _lazy("生成演示对象"),
    "inspection_object.flag_clear": _lazy("移出特殊名单"),
    "inspection_object.flag_set": _lazy("列入特殊名单"),
    "inspection_object.release": _lazy("放弃认领"),
    "inspection_object.resolve_claim": _lazy("裁决认领争议"),
    "inspection_object.update": _lazy("修改检查对象"),
    "inspector.certificate": _lazy("更新执法证"),
    "inspector.create": _lazy("新增检查人员"),
    "inspector.status": _lazy("调整人员状态"),
    "inspector.update": _lazy("修改检查人员"),
    "matter.create": _lazy("新增事项"),
    "matter.retire": _lazy("废止事项"),
    "matter.set_check_points": _lazy("设置检查要点"),
    "matter.set_check_points_many": _lazy("批量设置检查要点"),
    "matter.update": _lazy("修改事项"),
    "matter_import.apply": _lazy("导入事项清单"),
    "matter_import.discard": _lazy("放弃导入"),
    "matter_import.preview": _lazy("预览事项清单导入"),
    "matter_proposal.accept": _lazy("采纳事项调整建议"),
    "matter_proposal.reject": _lazy("不予采纳事项调整建议"),
    "matter_proposal.submit": _lazy("提出事项调整建议"),
    "merge_proposal.accept": _lazy("同意合并建议"),
    "merge_proposal.reject": _lazy("不同意合并建议"),
    "merge_proposal.update": _lazy("修改合并建议"),
    "peak_season.create": _lazy("新增集中检查期"),
    "peak_season.delete": _lazy("删除集中检查期"),
    "peak_season.update": _lazy("修改集中检查期"),
    "plan.adjust_start": _lazy("开始调整计划"),
    "plan.approve": _lazy("批准年度计划"),
    "plan.propose_merges": _lazy("提出合并建议"),
    "plan.publish": _lazy("公开年度计划"),
    "plan.return": _lazy("退回年度计划"),
    "plan_department.return": _lazy("退回部门报送"),
    "plan_department.submit": _lazy("部门报送计划"),
    "plan_item.create": _lazy("新增计划事项"),
    "plan_item.delete": _lazy("删除计划事项"),
    "plan_item.update": _lazy("修改计划事项"),
    "plan_item.withdraw": _lazy("撤回计划事项"),
    "plan_year.compile": _lazy("汇编年度计划"),
    "plan_year.open": _lazy("启动年度计划编制"),
    "plan_year.submit_for_approval": _lazy("提交计划审批"),
    "recusal.confirm": _lazy("确认回避"),
    "recusal.declare": _lazy("申报回避"),
    "recusal.reject": _lazy("不予确认回避"),
    "recusal_rule.set": _lazy("设置回避规则"),
    "registries.import": _lazy("名录库导入"),
    "registries.import_retry": _lazy("重试名录库导入"),
    "registries.import_upload": _lazy("上传名录库文件"),
    "task.approve": _lazy("审批任务"),
    "task.create": _lazy("新建任务"),
    "task.grant_auditor_year": _lazy("授权审计人员查阅年度任务"),
    "task.revoke_auditor_year": _lazy("收回审计人员年度授权"),
    "task.start": _lazy("开始检查"),
    "task.submit_for_approval": _lazy("提交任务审批"),
    "task.update": _lazy("修改任务"),
    "task.witness_grant": _lazy("指定见证人"),
    "task.witness_revoke": _lazy("收回见证人指定"),
    "task_policy.update": _lazy("修改任务规则"),
    "deadline.open_many": _lazy("批量开始计算期限"),
    "task.complete": _lazy("任务办结"),
}


@register.filter
def action_label(action: str) -> str:
    """An audit action in words, whichever app records it; an unknown code shows as it is."""
    from accounts.templatetags.audit import ACTION_LABELS

    label = ACTION_LABELS.get(action) or OTHER_ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def department_names(codes) -> dict[str, str]:
    codes = [code for code in codes if code and code != EXPERT_DEPARTMENT]
    names = {
        code: short or name
        for code, name, short in Department.objects.filter(code__in=codes).values_list(
            "code", "name", "short_name"
        )
    }
    names[EXPERT_DEPARTMENT] = _("专家")
    return names


@register.filter
def department_name(code: str) -> str:
    return department_names([code]).get(code, code)


@register.filter
def strata_text(strata) -> str:
    """{"A": {"rate_bp": 300}, "D": {"count": 3}} → "A类 3%；D类 3 户"."""
    parts = []
    for risk_class, rule in (strata or {}).items():
        if rule.get("rate_bp") is not None:
            value = format_bp(int(rule["rate_bp"]))
        else:
            count = int(rule.get("count") or 0)
            value = ngettext("%(n)s 户", "%(n)s 户", count) % {"n": count}
        parts.append(_("%(cls)s类 %(value)s") % {"cls": risk_class, "value": value})
    return "；".join(parts)


@register.filter
def composition_text(composition) -> str:
    """{"SAMR": 1, "EMB": 1} → "市场监管局 1 人、应急管理局 1 人"."""
    composition = composition or {}
    names = department_names(composition)
    return "、".join(
        _("%(dept)s %(n)s 人") % {"dept": names.get(code, code), "n": n}
        for code, n in composition.items()
    )


@register.filter
def required_tags_text(required_tags) -> str:
    """{"SAMR": ["LE", "FOOD"]} → "市场监管局：持执法证、食品"."""
    required_tags = required_tags or {}
    names = department_names(required_tags)
    return "；".join(
        f"{names.get(code, code)}：{'、'.join(tag_label(tag) for tag in tags)}"
        for code, tags in required_tags.items()
    )


@register.filter
def tag_labels(tags) -> str:
    return "、".join(tag_label(tag) for tag in tags or [])


@register.filter(name="tag_label")
def tag_label_filter(tag: str) -> str:
    return tag_label(tag)
