"""The demo inspector registry of 临江市: 400+ inspectors across the 12 departments, 20 experts,
about 60 recusal declarations against demo objects, and the own-grid rule switched on.

Everything goes through the ordinary services (so each person has an audit trail and a status
history), acting as the demo office admin and the departments' demo accounts. Idempotent: every
department is filled up to its target with people generated from their index by a seeded
generator, experts up to 20, and recusals only for planned pairs that do not exist yet.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_name
from accounts.models import Department, User
from registries.choices import InspectorStatus, RecusalReason, RecusalStatus
from registries.inspectors.services.inspectors import (
    expert_create,
    expert_update,
    inspector_create,
    inspector_update,
)
from registries.inspectors.services.recusals import (
    recusal_confirm,
    recusal_declare,
    recusal_reject,
    recusal_rule_set,
)
from registries.models import (
    Expert,
    InspectionObject,
    Inspector,
    ObjectSupervision,
    Recusal,
    RecusalRule,
)

SEED = 20260302
DISTRICTS = [
    "330102",
    "330105",
    "330106",
    "330108",
    "330109",
    "330110",
    "330111",
    "330112",
    "330122",
    "330127",
]
CITY_REGION = "330100"
GRIDS_PER_DISTRICT = 12

# department code -> (number of inspectors, expertise tags, posts, share of district staff, share with a grid)
DEPARTMENT_PLAN: dict[str, tuple[int, tuple[str, ...], tuple[str, ...], float, float]] = {
    "SAMR": (
        92,
        ("FOOD", "DRUG", "SPECIAL_EQUIPMENT", "PRICE", "ADVERTISING", "QUALITY"),
        (
            "执法科员",
            "执法科员",
            "执法科员",
            "一级主任科员",
            "科长",
            "副科长",
            "大队长",
            "中队长",
            "市场监管所所长",
        ),
        0.85,
        0.45,
    ),
    "EEB": (
        34,
        ("ENVIRONMENT", "CHEMICALS"),
        ("执法科员", "执法科员", "科长", "支队长", "大队长"),
        0.5,
        0.1,
    ),
    "TRANS": (30, ("TRANSPORT",), ("执法科员", "执法科员", "科长", "大队长", "中队长"), 0.4, 0.05),
    "CULT": (24, ("CULTURE", "TOURISM"), ("执法科员", "执法科员", "科长", "大队长"), 0.3, 0.0),
    "AGRI": (
        28,
        ("AGRICULTURE", "FOOD", "CHEMICALS"),
        ("执法科员", "执法科员", "科长", "大队长"),
        0.5,
        0.1,
    ),
    "HOUSE": (
        36,
        ("CONSTRUCTION", "QUALITY"),
        ("执法科员", "执法科员", "科长", "副科长", "大队长"),
        0.4,
        0.1,
    ),
    "EMB": (
        32,
        ("CHEMICALS", "SAFETY", "SPECIAL_EQUIPMENT"),
        ("执法科员", "执法科员", "科长", "支队长"),
        0.4,
        0.1,
    ),
    "HEALTH": (26, ("HEALTH", "DRUG"), ("卫生监督员", "卫生监督员", "科长", "所长"), 0.4, 0.0),
    "COMM": (22, ("TRADE", "PRICE"), ("执法科员", "执法科员", "科长"), 0.2, 0.0),
    "FIRE": (
        38,
        ("FIRE",),
        ("消防监督员", "消防监督员", "防火监督科科长", "大队长", "站长"),
        0.7,
        0.15,
    ),
    "NRB": (24, ("LAND", "MINING"), ("执法科员", "执法科员", "科长", "大队长"), 0.4, 0.0),
    "HRSS": (20, ("LABOUR",), ("劳动保障监察员", "劳动保障监察员", "科长"), 0.3, 0.0),
}
LEADER_POSTS = frozenset(
    {"科长", "大队长", "支队长", "所长", "市场监管所所长", "防火监督科科长", "站长"}
)

EXPERTS = [
    ("临江市特种设备检测研究院", "承压设备检验", ("SPECIAL_EQUIPMENT",)),
    ("临江市特种设备检测研究院", "电梯与起重机械检验", ("SPECIAL_EQUIPMENT",)),
    ("临江市食品药品检验研究院", "食品安全检测", ("FOOD",)),
    ("临江市食品药品检验研究院", "药品质量检验", ("DRUG",)),
    ("临江市质量技术监督检测研究院", "产品质量检验", ("QUALITY",)),
    ("临江市质量技术监督检测研究院", "计量检定", ("QUALITY", "PRICE")),
    ("临江市环境监测中心站", "水与大气监测", ("ENVIRONMENT",)),
    ("临江市环境监测中心站", "固体废物与土壤监测", ("ENVIRONMENT", "CHEMICALS")),
    ("临江市建设工程质量安全监督站", "建筑工程质量", ("CONSTRUCTION",)),
    ("临江市建筑设计研究院有限公司", "结构安全鉴定", ("CONSTRUCTION",)),
    ("临江大学化学工程学院", "危险化学品安全", ("CHEMICALS",)),
    ("临江大学食品科学学院", "食品生产工艺", ("FOOD",)),
    ("临江市消防技术服务中心", "建筑消防设施检测", ("FIRE",)),
    ("临江市疾病预防控制中心", "公共卫生", ("HEALTH",)),
    ("临江安信会计师事务所（第三方）", "财务审计", ("ACCOUNTING", "PRICE")),
    ("临江正衡律师事务所（第三方）", "行政执法法律咨询", ("LAW",)),
    ("临江市广告协会", "广告合规审查", ("ADVERTISING",)),
    ("临江市交通工程质量监督站", "道路运输车辆技术", ("TRANSPORT",)),
    ("临江市农业科学研究院", "农药与化肥检测", ("AGRICULTURE", "CHEMICALS")),
    ("临江市安全生产科学研究院", "安全生产评价", ("SAFETY",)),
]
EXPERT_STATUSES = {17: InspectorStatus.ON_LEAVE, 19: InspectorStatus.RETIRED}

RECUSALS = 60
RECUSAL_NOTES = {
    RecusalReason.RELATIVE: ("配偶系该单位股东", "兄弟任该单位负责人", "父母经营该店铺"),
    RecusalReason.FORMER_EMPLOYER: ("2019年至2021年曾在该单位任职", "曾在该单位担任质量负责人"),
    RecusalReason.PRIOR_INVOLVEMENT: ("曾参与该单位行政处罚案件的调查", "曾负责该单位投诉处理"),
    RecusalReason.INTEREST: ("与该单位存在经济往来", "系该单位负责人的同学"),
}


def _write(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _person(department: Department, position: int, index: int, today):
    """The index-th demo inspector of a department, generated from the index alone."""
    _count, expertise, posts, district_share, grid_share = DEPARTMENT_PLAN[department.code]
    rng = random.Random(f"{SEED}:{department.code}:{index}")
    post = posts[0] if index == 0 else rng.choice(posts)
    tags = set(rng.sample(expertise, k=min(len(expertise), 1 + int(rng.random() < 0.4))))
    roll = rng.random()
    certificate: dict[str, Any] = {
        "certificate_number": f"33{position:02d}{index + 1:05d}{rng.randint(10, 99)}"
    }
    issued = today - timedelta(days=rng.randint(60, 4 * 365))
    if index > 0 and roll < 0.03:
        certificate = {"certificate_number": ""}  # newly hired, certificate pending
    elif index > 0 and roll < 0.07:
        certificate.update(certificate_valid_until=today - timedelta(days=rng.randint(5, 300)))
    elif index > 0 and roll < 0.15:
        certificate.update(certificate_valid_until=today + timedelta(days=rng.randint(3, 58)))
    else:
        certificate.update(
            certificate_valid_until=today + timedelta(days=rng.randint(120, 5 * 365))
        )
    if certificate["certificate_number"]:
        certificate["certificate_valid_from"] = min(
            issued, certificate["certificate_valid_until"] - timedelta(days=30)
        )
    in_district = index == 0 or rng.random() < district_share
    region = rng.choice(DISTRICTS) if in_district else CITY_REGION
    grid = ""
    if in_district and (index == 0 or rng.random() < grid_share):
        grid = f"{region}-{rng.randint(1, GRIDS_PER_DISTRICT):02d}"
    status_roll = rng.random()
    status = {}
    if index > 0 and status_roll < 0.05:
        since = today + timedelta(days=rng.randint(-20, 25))
        status = {
            "status": InspectorStatus.ON_LEAVE,
            "status_since": since,
            "status_until": since + timedelta(days=rng.randint(7, 90)),
        }
    elif index > 0 and status_roll < 0.07:
        status = {
            "status": InspectorStatus.TRANSFERRED,
            "status_since": today - timedelta(days=rng.randint(1, 200)),
        }
    elif index > 0 and status_roll < 0.085:
        status = {
            "status": InspectorStatus.RETIRED,
            "status_since": today - timedelta(days=rng.randint(1, 300)),
        }
    max_load = 2 if post in LEADER_POSTS else (4 if rng.random() < 0.15 else 3)
    profile = {
        "name": demo_name(1000 + position * 100 + index),
        "post": post,
        "tags": sorted(tags),
        "region_code": region,
        "grid": grid,
        "max_load": max_load,
        **certificate,
    }
    return profile, status


def _build_inspectors(office_admin: User, today) -> int:
    created = 0
    departments = {
        department.code: department
        for department in Department.objects.filter(code__in=DEPARTMENT_PLAN)
    }
    for position, code in enumerate(DEPARTMENT_PLAN):
        department = departments.get(code)
        if department is None:
            continue
        target = DEPARTMENT_PLAN[code][0]
        existing = Inspector.objects.filter(department=department).count()
        account = User.objects.filter(username=f"{code.lower()}_inspector").first()
        for index in range(existing, target):
            profile, status = _person(department, position, index, today)
            link = None
            if (
                index == 0
                and account is not None
                and not Inspector.objects.filter(user=account).exists()
            ):
                link, profile["name"] = account, account.full_name or profile["name"]
            inspector = inspector_create(
                created_by=office_admin, department=department, user=link, source="demo", **profile
            )
            if status:
                inspector_update(inspector=inspector, updated_by=office_admin, **status)
            created += 1
    return created


def _build_experts(office_admin: User) -> int:
    created = 0
    for index in range(Expert.objects.count(), len(EXPERTS)):
        organisation, speciality, tags = EXPERTS[index]
        expert = expert_create(
            created_by=office_admin,
            name=demo_name(3000 + index),
            organisation=organisation,
            speciality=speciality,
            tags=list(tags),
            max_load=2,
            source="demo",
        )
        if index in EXPERT_STATUSES:
            expert_update(expert=expert, updated_by=office_admin, status=EXPERT_STATUSES[index])
        created += 1
    return created


def _build_recusals(office_admin: User) -> int:
    """About 60 declarations: mostly confirmed, some pending, a few rejected."""
    inspectors = list(
        Inspector.objects.filter(
            status=InspectorStatus.ACTIVE, department__code__in=DEPARTMENT_PLAN
        )
        .select_related("department", "user")
        .order_by("department__code", "code")
    )
    if not inspectors:
        return 0
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(range(len(inspectors)), k=min(RECUSALS, len(inspectors))))
    pools: dict[int, list[int]] = {}
    created = 0
    for order, position in enumerate(chosen):
        inspector = inspectors[position]
        department = inspector.department
        if department.pk not in pools:
            pools[department.pk] = list(
                ObjectSupervision.objects.filter(
                    department=department, status=ObjectSupervision.Status.CLAIMED
                )
                .order_by("inspection_object_id")
                .values_list("inspection_object_id", flat=True)[:400]
            )
        pool = pools[department.pk]
        if not pool:
            continue
        object_id = pool[(order * 37 + position) % len(pool)]
        if Recusal.objects.filter(inspector=inspector, inspection_object_id=object_id).exists():
            continue
        reason = list(RECUSAL_NOTES)[order % len(RECUSAL_NOTES)]
        declarer = (
            inspector.user
            or User.objects.filter(username=f"{department.code.lower()}_staff").first()
            or office_admin
        )
        decider = (
            User.objects.filter(username=f"{department.code.lower()}_admin", is_active=True).first()
            or office_admin
        )
        recusal = recusal_declare(
            inspector=inspector,
            inspection_object=InspectionObject.objects.get(pk=object_id),
            reason=reason,
            note=RECUSAL_NOTES[reason][order % len(RECUSAL_NOTES[reason])],
            declared_by=declarer,
        )
        if order % 10 in (3, 7):
            pass  # pending: waits in the department admin's queue
        elif order % 20 == 9:
            recusal_reject(recusal=recusal, decided_by=decider, note="所述关系不构成回避情形")
        else:
            recusal_confirm(recusal=recusal, decided_by=decider)
        created += 1
    return created


def build(stdout=None) -> dict[str, int]:
    """Create (or complete) the demo inspector registry; return what was created."""
    office_admin = User.objects.filter(username="office_admin").first()
    if office_admin is None or not office_admin.is_office_admin:
        _write(stdout, "执法检查人员名录库：缺少联席办管理员演示账户，跳过。")
        return {"inspectors": 0, "experts": 0, "recusals": 0}
    today = timezone.localdate()
    with transaction.atomic():
        inspectors = _build_inspectors(office_admin, today)
        experts = _build_experts(office_admin)
        recusals = (
            _build_recusals(office_admin) if not Recusal.objects.exists() or inspectors else 0
        )
        if not RecusalRule.objects.filter(kind=RecusalRule.Kind.OWN_GRID).exists():
            recusal_rule_set(
                kind=RecusalRule.Kind.OWN_GRID,
                is_active=True,
                set_by=office_admin,
                note="日常监管网格的责任人员不参加本网格对象的随机抽查",
            )
        if not RecusalRule.objects.filter(kind=RecusalRule.Kind.OWN_REGION).exists():
            recusal_rule_set(kind=RecusalRule.Kind.OWN_REGION, is_active=False, set_by=office_admin)
    pending = Recusal.objects.filter(status=RecusalStatus.DECLARED).count()
    _write(
        stdout,
        f"执法检查人员名录库：新增 {inspectors} 名执法检查人员、{experts} 名专家、{recusals} 条回避申报"
        f"（共 {Inspector.objects.count()} 人，待确认回避 {pending} 条）。",
    )
    return {"inspectors": inspectors, "experts": experts, "recusals": recusals}
