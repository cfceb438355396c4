"""Readable labels of the qualification and speciality tags on inspectors and experts.

Tags are free text in the registries (an import may bring a new speciality); the known ones get a
Chinese label here, an unknown one is shown as it is."""

from django.utils.translation import gettext_lazy as _

TAG_LABELS = {
    "LE": _("持执法证"),
    "FOOD": _("食品"),
    "DRUG": _("药品"),
    "SPECIAL_EQUIPMENT": _("特种设备"),
    "PRICE": _("价格"),
    "ADVERTISING": _("广告"),
    "QUALITY": _("产品质量"),
    "ENVIRONMENT": _("生态环境"),
    "CHEMICALS": _("危险化学品"),
    "TRANSPORT": _("交通运输"),
    "CULTURE": _("文化市场"),
    "TOURISM": _("旅游"),
    "AGRICULTURE": _("农业"),
    "CONSTRUCTION": _("建设工程"),
    "SAFETY": _("安全生产"),
    "HEALTH": _("卫生健康"),
    "TRADE": _("商务"),
    "FIRE": _("消防"),
    "LAND": _("国土资源"),
    "MINING": _("矿产"),
    "LABOUR": _("劳动保障"),
    "LAW": _("法律"),
    "ACCOUNTING": _("会计审计"),
}


def tag_label(tag: str) -> str:
    return str(TAG_LABELS.get(tag, tag))
