"""Departments and accounts of the demo city (临江市). Idempotent: re-running changes nothing."""

from __future__ import annotations

from django.db import transaction

from accounts.audit import record_event
from accounts.choices import DepartmentKind, Role
from accounts.models import Department, User
from accounts.services import account_create, department_create

DEMO_PASSWORD = "Demo-2026-ssj"

OFFICE = ("LXB", "临江市市场监管领域部门联合抽查联席会议办公室", "联席办")
DEPARTMENTS = [
    ("SAMR", "临江市市场监督管理局", "市场监管局"),
    ("EEB", "临江市生态环境局", "生态环境局"),
    ("TRANS", "临江市交通运输局", "交通运输局"),
    ("CULT", "临江市文化广电旅游局", "文广旅局"),
    ("AGRI", "临江市农业农村局", "农业农村局"),
    ("HOUSE", "临江市住房和城乡建设局", "住建局"),
    ("EMB", "临江市应急管理局", "应急管理局"),
    ("HEALTH", "临江市卫生健康委员会", "卫健委"),
    ("COMM", "临江市商务局", "商务局"),
    ("FIRE", "临江市消防救援支队", "消防救援支队"),
    ("NRB", "临江市自然资源和规划局", "自然资源局"),
    ("HRSS", "临江市人力资源和社会保障局", "人社局"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红飞鹏辉建国志文斌宇浩凯健俊峰晨阳帆欣怡佳琪雪梅兰婷倩颖慧莉宁蕾海波"


def demo_name(index: int) -> str:
    """A deterministic, real-sounding Chinese name for the index-th demo person, different for
    every index below len(SURNAMES) × len(GIVEN) (6,000): the surname and the first given
    character together identify the index (the step 1 + 7 × len(SURNAMES) is coprime with
    len(GIVEN)), so nobody in one department shares a name with someone in another."""
    surnames, given = len(SURNAMES), len(GIVEN)
    surname = SURNAMES[index % surnames]
    first = GIVEN[(index // surnames + 7 * index) % given]
    second = GIVEN[(index * 13 + 5) % given]
    return surname + first + (second if index % 3 else "")


# username suffix, roles, label for the printed table
DEPARTMENT_ACCOUNTS = [
    ("admin", [Role.DEPARTMENT_ADMIN], "部门系统管理员"),
    ("liaison", [Role.LIAISON, Role.STAFF], "联络员"),
    ("staff", [Role.STAFF], "部门工作人员"),
    ("inspector", [Role.INSPECTOR], "执法检查人员"),
]


def _ensure_office_admin() -> User:
    code, name, short_name = OFFICE
    office, created = Department.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": short_name, "kind": DepartmentKind.OFFICE}
    )
    if created:
        record_event(
            actor=None,
            action="department.create",
            target=office,
            details={"code": code, "demo": True},
        )
    admin = User.objects.filter(username="office_admin").first()
    if admin is None:
        admin = User(
            username="office_admin",
            full_name="周建国",
            department=office,
            roles=[Role.OFFICE_ADMIN],
            email="office@linjiang.example.cn",
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        record_event(
            actor=None,
            action="account.create",
            target=admin,
            details={"username": admin.username, "demo": True},
        )
    return admin


def _ensure_account(
    *, office_admin: User, department: Department, username: str, roles, index: int
) -> None:
    if User.objects.filter(username=username).exists():
        return
    account_create(
        created_by=office_admin,
        department=department,
        username=username,
        full_name=demo_name(index),
        roles=list(roles),
        email=f"{username}@linjiang.example.cn",
        password=DEMO_PASSWORD,
    )


# The liaison system: every demo department names its liaison account, except the last one, so
# the office's status page shows what an undesignated department looks like.
WITHOUT_LIAISON = "HRSS"


def _designate_liaisons(office_admin: User) -> None:
    from accounts.liaisons import department_set_liaison

    for code, _name, _short in DEPARTMENTS:
        if code == WITHOUT_LIAISON:
            continue
        department = Department.objects.get(code=code)
        liaison = User.objects.filter(username=f"{code.lower()}_liaison", is_active=True).first()
        if department.liaison_id is None and liaison is not None:
            department_set_liaison(department=department, liaison=liaison, set_by=office_admin)


@transaction.atomic
def build(stdout=None) -> list[tuple[str, str, str]]:
    """Create the office, the departments and one account per role; return the login table."""
    office_admin = _ensure_office_admin()
    office = office_admin.department
    assert office is not None  # _ensure_office_admin puts the admin in the office
    logins = [("office_admin", office.short_name, "联席办管理员")]
    _ensure_account(
        office_admin=office_admin,
        department=office,
        username="office_staff",
        roles=[Role.STAFF],
        index=1,
    )
    logins.append(("office_staff", office.short_name, "联席办工作人员"))
    for position, (code, name, short_name) in enumerate(DEPARTMENTS):
        department = Department.objects.filter(code=code).first() or department_create(
            created_by=office_admin, code=code, name=name, short_name=short_name
        )
        for offset, (suffix, roles, label) in enumerate(DEPARTMENT_ACCOUNTS):
            username = f"{code.lower()}_{suffix}"
            _ensure_account(
                office_admin=office_admin,
                department=department,
                username=username,
                roles=roles,
                index=10 + position * 10 + offset,
            )
            if position < 3:
                logins.append((username, short_name, label))
    _designate_liaisons(office_admin)
    samr = Department.objects.get(code="SAMR")
    _ensure_account(
        office_admin=office_admin,
        department=samr,
        username="samr_witness",
        roles=[Role.WITNESS],
        index=7,
    )
    logins.append(("samr_witness", samr.short_name, "纪检监督（见证人）"))
    return logins
