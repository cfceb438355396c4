"""The demo city's matter list: the real Hainan provincial lists, imported through the import
services as the office admin, the common matters marked, and an inspection form (3–6 check
points) for every matter. Idempotent: a second run changes nothing."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from django.db import transaction

from accounts.models import User
from catalog.choices import ImportStatus, InspectionMethod
from catalog.models import Matter, MatterImport
from catalog.services import (
    DEFAULT_ANSWERS,
    matter_import_apply,
    matter_import_discard,
    matter_import_preview,
    matter_set_check_points_many,
    matter_update,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# file, code prefix, list year, effective from
SOURCES = [
    ("hainan-2020-random-inspection-matters.xlsx", "HN2020-", 2020, date(2020, 1, 1)),
    ("hainan-joint-inspection-matters-v2.xls", "HNLH-", 2021, date(2021, 1, 1)),
]
# Matters merged into every task (003 I): annual-report publicity, instant publicity, price
# labelling, standards self-declaration.
COMMON_MATTER_CODES = ["HN2020-96-1", "HN2020-96-2", "HN2020-97-1", "HN2020-118-1"]

# keywords in the matter's name -> check points specific to it
SPECIFIC_POINTS: list[tuple[tuple[str, ...], list[str]]] = [
    (
        ("年度报告", "年报"),
        [
            "是否按时报送并公示年度报告",
            "年度报告公示信息是否真实、准确、完整",
            "是否存在隐瞒真实情况、弄虚作假的情形",
        ],
    ),
    (("即时公示",), ["是否按规定即时公示股东出资、行政许可等信息", "即时公示信息是否真实、准确"]),
    (
        ("明码标价", "价格"),
        ["是否按规定明码标价", "是否执行政府定价、政府指导价", "是否存在价格欺诈等不正当价格行为"],
    ),
    (
        ("标准自我声明",),
        [
            "是否在企业标准信息公共服务平台公开所执行的标准",
            "公开的标准信息是否完整、真实",
            "产品是否符合所公开的标准",
        ],
    ),
    (
        ("食品", "餐饮"),
        [
            "是否建立并落实进货查验记录制度",
            "从业人员是否持有有效健康证明",
            "经营场所环境卫生是否符合要求",
        ],
    ),
    (
        ("特种设备",),
        ["特种设备是否依法办理使用登记", "特种设备是否按期定期检验", "作业人员是否持证上岗"],
    ),
    (("安全",), ["安全管理制度和操作规程是否建立并落实", "是否定期开展隐患排查并及时整改"]),
    (
        ("劳动", "用人单位", "工资", "社会保险"),
        ["是否依法与劳动者订立书面劳动合同", "是否按时足额支付劳动报酬"],
    ),
    (
        ("许可", "资质", "备案", "登记"),
        ["是否依法取得相关许可、资质或备案并在有效期内", "实际经营活动是否与许可范围一致"],
    ),
    (("广告",), ["广告内容是否真实、合法", "是否存在虚假或引人误解的宣传"]),
    (
        ("药品", "医疗器械", "化妆品"),
        ["产品是否取得注册证或备案凭证", "是否按规定储存并记录购销情况"],
    ),
    (("排污", "环境", "废"), ["是否依法取得排污许可并按证排污", "污染防治设施是否正常运行"]),
]
GENERIC_POINTS = [
    "相关台账、记录是否完整并按规定保存",
    "是否按要求配合检查、如实提供有关材料",
    "以往检查发现的问题是否已整改到位",
    "是否存在其他违反相关法律法规规定的行为",
]
_WRITTEN_WORDS = ("台账", "记录", "公示", "材料", "报告", "备案", "登记", "声明")
_BASIS = re.compile(r"《[^》]{2,60}》(?:[^《\n；;。]{0,20}?第[一二三四五六七八九十百零〇\d]+条)?")


def _basis(matter: Matter) -> str:
    match = _BASIS.search(matter.legal_basis or "")
    return match[0][:500] if match else ""


def check_points_for(matter: Matter, index: int) -> list[dict]:
    """3 to 6 check points written from the matter's name and legal basis."""
    texts: list[str] = []
    name = matter.name
    if "是否" in name and len(name) <= 200:
        texts.append(name)
    for keywords, points in SPECIFIC_POINTS:
        if any(keyword in name or keyword in matter.field for keyword in keywords):
            texts += points
    basis = _basis(matter)
    law = basis.split("》")[0] + "》" if basis else ""
    if law:
        texts.append(f"是否遵守{law}的相关规定")
    texts += GENERIC_POINTS
    texts = list(dict.fromkeys(texts))[: 3 + index % 4]
    methods = list(matter.methods) or [InspectionMethod.ON_SITE]
    form = []
    for text in texts:
        written = InspectionMethod.WRITTEN in methods and any(
            word in text for word in _WRITTEN_WORDS
        )
        method = InspectionMethod.WRITTEN if written else methods[0]
        form.append(
            {
                "text": text,
                "basis": basis,
                "method": method,
                "allowed_answers": list(DEFAULT_ANSWERS),
            }
        )
    return form


def _import_sources(office_admin: User, stdout) -> None:
    for filename, prefix, year, effective_from in SOURCES:
        content = (FIXTURES / filename).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if MatterImport.objects.filter(
            sha256=digest, code_prefix=prefix, status=ImportStatus.APPLIED
        ).exists():
            continue
        preview = matter_import_preview(
            uploaded_by=office_admin,
            content=content,
            filename=filename,
            code_prefix=prefix,
            list_year=year,
            effective_from=effective_from,
        )
        if preview.has_changes:
            matter_import_apply(matter_import=preview, applied_by=office_admin)
        else:
            matter_import_discard(matter_import=preview, discarded_by=office_admin)
        if stdout:
            stdout.write(
                f"抽查事项清单：{filename} 新增 {preview.added_count}，修改 {preview.changed_count}，"
                f"不变 {preview.unchanged_count}"
            )


@transaction.atomic
def build(stdout=None, **options) -> None:
    office_admin = User.objects.get(username="office_admin")
    _import_sources(office_admin, stdout)
    for matter in Matter.objects.filter(code__in=COMMON_MATTER_CODES, is_common=False):
        matter_update(
            matter=matter,
            updated_by=office_admin,
            data={"is_common": True},
            reason="演示：通用事项，并入每项任务",
        )
    without_form = Matter.objects.filter(check_points__isnull=True).order_by("code")
    forms = {matter: check_points_for(matter, index) for index, matter in enumerate(without_form)}
    if forms:
        matter_set_check_points_many(forms=forms, set_by=office_admin, reason="演示：标准检查表")
    if stdout:
        stdout.write(f"抽查事项清单：共 {Matter.objects.count()} 项事项")
