"""A department's professional classification rules (专业分类) over the record.

Each rule names a signal of the object's record and the class it raises the object to at least.
The fused class is the worse (higher-risk) of the general class and every rule that applies: a
department's rules can only add risk, never hide what market regulation found.

Signals read the registry (special lists, licences, when the object entered the registry) and the
inspection record (results that found problems, open follow-up measures; tables of the tasks app,
read by name so that the registries import nothing above them)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registries.choices import RiskClass

RULES = {
    "anomaly": gettext_lazy("列入经营异常名录"),
    "serious_violation": gettext_lazy("列入严重违法失信名单"),
    "penalised": gettext_lazy("近若干年受到行政处罚"),
    "group_complaint": gettext_lazy("近若干年集体投诉属实"),
    "problems": gettext_lazy("近期检查发现问题达到次数"),
    "open_follow_ups": gettext_lazy("有未办结的后续处置措施"),
    "licence": gettext_lazy("未登记所需许可"),
    "new_entity": gettext_lazy("新入库对象"),
}

# The settings each rule takes besides its class, with their defaults.
SETTINGS: dict[str, dict[str, Any]] = {
    "penalised": {"years": 3},
    "group_complaint": {"years": 3},
    "problems": {"count": 2, "months": 12},
    "licence": {"required": []},
    "new_entity": {"months": 12},
}

DEFAULT_RULES = {
    "anomaly": {"class": "C"},
    "serious_violation": {"class": "D"},
    "penalised": {"class": "C", "years": 3},
    "group_complaint": {"class": "C", "years": 3},
    "problems": {"class": "C", "count": 2, "months": 12},
    "open_follow_ups": {"class": "C"},
}


def clean_rules(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Known rules with a class A–D and positive whole-number settings; unknown keys refused."""
    if not isinstance(raw, dict):
        raise ValidationError(_("规则格式不正确。"))
    cleaned: dict[str, dict[str, Any]] = {}
    for name, settings in raw.items():
        if name not in RULES:
            raise ValidationError(_("未知的规则：%(name)s。") % {"name": name})
        if not isinstance(settings, dict) or settings.get("class") not in RiskClass.values:
            raise ValidationError(_("规则“%(rule)s”须指定 A–D 类。") % {"rule": RULES[name]})
        rule: dict[str, Any] = {"class": settings["class"]}
        for key, default in SETTINGS.get(name, {}).items():
            value = settings.get(key, default)
            if isinstance(default, list):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValidationError(_("许可类别须为文字列表。"))
                value = [v.strip()[:40] for v in value if v.strip()]
                if not value:
                    raise ValidationError(_("请填写所需许可类别。"))
            else:
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
                    raise ValidationError(
                        _("规则“%(rule)s”的参数须为 1–120 的整数。") % {"rule": RULES[name]}
                    )
            rule[key] = value
        cleaned[name] = rule
    return cleaned
