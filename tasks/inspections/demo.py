"""Inspection work of the demo city (临江市): results in every state, follow-up open and closed,
overdue items, combined visits, and inspector accounts that lead groups.

    0007 食品销售者（百货零售）  SAMR + COMM, FIRE   ran from 75 to 35 days ago: results
         published (some corrected), approved, submitted, returned, still open and overdue;
         rectifications closed after re-inspection, one overdue beside one due in two working days; a
         notification acknowledged and closed, one waiting; a case clue open, a judicial referral
         closed. Their working-day deadlines (result entry, rectification) are opened and closed
         by the services: the open results are overdue (red), and tasks.demo_deadlines' sweep
         puts the cards in the inboxes (SAMR's liaison, its admin and the office by escalation)
    0008 道路运输企业计量与车辆   SAMR + TRANS        in progress beside 0004 (same scope): the
         objects drawn by both get combined visits (one agreed, one waiting, one declined);
         `samr_inspector` leads its group G001, has set dates and is entering records
    0004 (tasks.demo)                                   `trans_inspector` leads G001 and has set
         its dates

Every step goes through the services (the audit trail is real). Group members get accounts
(`<inspector code>`, password as every demo account) linked to their registry records; the demo
accounts `samr_inspector` and `trans_inspector` are linked to the records that lead G001 (the
record's name follows the account, as the registry demo does). Idempotent: a task that exists is
left alone, and 0004's progress is made once.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.choices import DepartmentKind, Role
from accounts.models import Department, User
from tasks.demo import IN_PROGRESS, DemoTask, demo_task_build, task_code
from tasks.inspections.choices import (
    CombinedVisitStatus,
    MeasureKind,
    ResultCategory,
    ResultStatus,
)
from tasks.inspections.models import CombinedVisitPart, Inspection, MatterRecord
from tasks.models import GroupMember, Task

SEED = 20261204

PAST = DemoTask(
    number=7,
    title="{year}年秋季食品销售者（百货零售）食品安全和经营秩序联合抽查",
    lead="SAMR",
    participants=("COMM", "FIRE"),
    matters=("HN2020-105-3", "HN2020-106-13", "HN2020-60-1", "HN2020-91-1"),
    keywords=("食品销售", "百货"),
    scope={"region_prefixes": ["330105", "330106"], "industry_prefixes": ["F5211"]},
    strata={"A": 100, "B": 300, "C": 500, "D": 500},
    groups=3,
    composition={"SAMR": 1, "COMM": 1, "FIRE": 1},
    required_tags={"SAMR": ["LE", "FOOD"], "COMM": ["LE"], "FIRE": ["LE", "FIRE"]},
    start_in_days=-75,
    days=40,
    target=IN_PROGRESS,
    adhoc_reason="国庆中秋节前，对上城区、拱墅区百货零售企业开展食品安全、单用途预付卡和消防安全联合抽查。",
    witnesses={"COMM": "4 2 6 1 3", "FIRE": "5 5 1 6 2"},
)

CURRENT = DemoTask(
    number=8,
    title="{year}年道路运输企业计量器具和柴油车辆联合抽查",
    lead="SAMR",
    participants=("TRANS",),
    matters=("HN2020-112-1", "HN2020-39-2"),
    keywords=("计量器具", "柴油"),
    scope={"region_prefixes": ["330109", "330110"], "industry_prefixes": ["G54"]},
    strata={"A": 100, "B": 300, "C": 500, "D": 500},
    groups=3,
    composition={"SAMR": 1, "TRANS": 1},
    required_tags={"SAMR": ["LE"], "TRANS": ["LE", "TRANSPORT"]},
    start_in_days=-2,
    days=30,
    target=IN_PROGRESS,
    adhoc_reason="结合道路运输企业安全生产联合抽查，同步开展在用计量器具和柴油车辆检查，进一次门、查多项事。",
    witnesses={"TRANS": "3 6 6 2 1"},
)

RETURN_REASON = "检查完成日期与现场记录表的检查日期不一致，请核对后重新提交。"
CORRECTION_REASON = "企业对公示结果提出异议，经核实备注中的经营场所表述有误，予以更正。"
FINDINGS = {
    "ok": "现场核查经营场所、台账和相关证照，未发现违反本事项规定的情形。",
    "problem": "现场发现部分预包装食品未按规定标示价格及生产日期，进货查验记录不完整。",
}


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _admin(department: Department) -> User:
    admin = User.objects.filter(
        department=department, roles__contains=[Role.DEPARTMENT_ADMIN], is_active=True
    ).first()
    if admin is None:
        raise LookupError(f"{department.code} has no department admin in the demo city")
    return admin


def _staff(code: str) -> User:
    return User.objects.get(username=f"{code.lower()}_staff")


def _account_for(member: GroupMember) -> User | None:
    """The member's account: the one linked to their record, else a new demo account."""
    from accounts.demo import DEMO_PASSWORD
    from accounts.services import account_create
    from registries.inspectors.services.inspectors import inspector_update

    inspector = member.inspector
    if inspector is None:
        return None
    if inspector.user_id is not None:
        return inspector.user
    department = inspector.department
    admin = _admin(department)
    username = inspector.code.lower()
    account = User.objects.filter(username=username).first()
    if account is None:
        account, _password = account_create(
            created_by=admin,
            department=department,
            username=username,
            full_name=inspector.name,
            roles=[Role.INSPECTOR],
            password=DEMO_PASSWORD,
        )
    inspector_update(inspector=inspector, updated_by=admin, user=account)
    return account


def _relink(username: str, member: GroupMember) -> User | None:
    """Link a demo account (e.g. samr_inspector) to the record of a member who leads a group;
    the two records swap names, so the account's name stays the name of its record."""
    from registries.inspectors.services.inspectors import inspector_update

    account = User.objects.filter(username=username, is_active=True).first()
    target = member.inspector
    if account is None or target is None:
        return None
    if target.user_id == account.pk:
        return account
    admin = _admin(target.department)
    previous = getattr(account, "inspector", None)
    target_name = target.name
    # The draw may have made a record linked to another account the leader: the two accounts
    # swap records, so the demo account always leads whoever the draw picked.
    other = target.user
    if other is not None:
        inspector_update(inspector=target, updated_by=admin, user=None)
    if previous is not None:
        inspector_update(inspector=previous, updated_by=admin, user=other, name=target_name)
    inspector_update(inspector=target, updated_by=admin, user=account, name=account.full_name)
    return account


def _members(task: Task) -> dict[tuple[str, str], GroupMember]:
    """One member per (group, department): the leader for the lead department."""
    members: dict[tuple[str, str], GroupMember] = {}
    for member in (
        GroupMember.objects.filter(
            draw__task=task, draw__state="drawn", draw__kind="draw", replaced_by__isnull=True
        )
        .select_related("inspector", "inspector__department", "inspector__user")
        .order_by("group_id", "-is_leader", "code")
    ):
        members.setdefault((member.group_id, member.department_code), member)
    return members


def _photo(rng: random.Random) -> bytes:
    """A small stand-in for a photo of the premises."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (rng.randint(150, 220), rng.randint(150, 220), 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 120, 580, 440), fill=(rng.randint(80, 160), 90, 70))
    draw.rectangle((120, 200, 300, 440), fill=(230, 230, 210))
    draw.rectangle((360, 200, 520, 330), fill=(180, 210, 235))
    draw.rectangle((60, 60, 580, 120), fill=(180, 30, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _enter(record: MatterRecord, user: User, day: date, *, problem: bool, rng, complete=True):
    from tasks.inspections.services.records import record_complete, record_update

    answers = []
    for answer in record.answers.all():
        allowed = list(answer.allowed_answers)
        value = allowed[0]
        if problem and answer.position == 1 and len(allowed) > 1:
            value = allowed[1]
        elif len(allowed) > 2 and rng.random() < 0.1:
            value = allowed[2]
        answers.append(
            {
                "position": answer.position,
                "answer": value,
                "note": "标签缺少生产日期" if value == allowed[1] else "",
            }
        )
    record_update(
        record=record,
        entered_by=user,
        answers=answers,
        methods=["on_site", "written"] if rng.random() < 0.3 else ["on_site"],
        inspected_on=day,
        findings=FINDINGS["problem" if problem else "ok"],
        opinion="责令当场改正，限期整改。" if problem else "未发现问题。",
        object_opinion="对检查情况无异议。",
        object_representative=f"{rng.choice('王李张刘陈杨黄赵')}经理",
    )
    if complete:
        record_complete(record=record, completed_by=user)


def _simulate_past(task: Task, stdout) -> None:
    """Results in every state for a task whose period is over."""
    from tasks.inspections.services import followups, results
    from tasks.inspections.services.attachments import attachment_add_to_record
    from tasks.inspections.services.inspections import inspection_schedule
    from tasks.inspections.services.records import (
        commissioned_check_add,
        commissioned_check_conclude,
    )

    rng = random.Random(SEED)
    members = _members(task)
    accounts = {key: _account_for(member) for key, member in members.items()}
    reviewer = _staff(task.lead_department.code)
    lead = task.lead_department.code
    notified = Department.objects.filter(code="HEALTH", is_active=True).first()
    inspections = list(
        Inspection.objects.filter(task=task)
        .select_related("result", "drawn_object", "inspection_object")
        .order_by("group_id", "drawn_object__code")
    )
    n = len(inspections)
    plan = ["published"] * max(3, int(n * 0.45))
    plan += ["approved", "approved", "submitted", "submitted", "returned", "corrected"]
    plan += ["partial", "untouched"] * n
    problem_kinds = ["rectify_closed", "notify_closed", "rectify_open", "judicial"]
    problem_kinds += ["notify_waiting", "case_clue", "rectify_open", "rectify_closed"]
    problems = photos = 0
    second_rectification = False
    span = max((task.end_date - task.start_date).days - 4, 1)
    for index, inspection in enumerate(inspections):
        state = plan[index]
        leader = accounts.get((inspection.group_id, lead))
        if leader is None:
            continue
        day = task.start_date + timedelta(days=2 + (index * 3) % span)
        inspection_schedule(inspection=inspection, scheduled_on=day, scheduled_by=leader)
        if state == "untouched":
            continue
        problem = state in ("published", "approved") and index % 2 == 1
        kind = problem_kinds[problems % len(problem_kinds)] if problem else ""
        problems += problem
        records = list(
            MatterRecord.objects.filter(inspection=inspection)
            .select_related("department", "matter", "inspection__result")
            .order_by("department__code", "matter__code")
        )
        problem_record = next((r for r in records if r.department.code == lead), None)
        for position, record in enumerate(records):
            user = accounts.get((inspection.group_id, record.department.code)) or leader
            if state == "partial" and record.department.code != lead:
                continue
            _enter(
                record,
                user,
                day,
                problem=problem and record == problem_record,
                rng=rng,
                complete=state != "partial",
            )
            if photos < 6 and record.department.code == lead and state != "partial":
                attachment_add_to_record(
                    record=record,
                    uploaded_by=user,
                    upload=SimpleUploadedFile("现场照片.jpg", _photo(rng)),
                    name=f"现场照片{photos + 1}.jpg",
                    kind="photo",
                    caption="经营场所门头及货架",
                )
                photos += 1
            if index == 0 and position == 0:
                check = commissioned_check_add(
                    record=record,
                    added_by=user,
                    kind="testing",
                    body="临江市食品药品检验研究院",
                    subject="散装熟食抽样检测（菌落总数、大肠菌群）",
                    commissioned_on=day,
                )
                commissioned_check_conclude(
                    check=check,
                    concluded_by=user,
                    conclusion="所检项目符合食品安全国家标准（GB 2726-2016）。",
                    concluded_on=min(day + timedelta(days=7), timezone.localdate()),
                )
        if state == "partial":
            continue
        inspection.result.refresh_from_db()
        categories = [ResultCategory.NO_PROBLEM]
        pending = []
        if problem:
            if kind.startswith("notify") and notified is not None:
                categories = [ResultCategory.NOT_PUBLICISED, ResultCategory.PENDING_FOLLOW_UP]
                pending = [notified]
            elif kind in ("case_clue", "judicial"):
                categories = [ResultCategory.FALSE_INFORMATION, ResultCategory.PENDING_FOLLOW_UP]
                pending = [task.lead_department]
            else:
                categories = [ResultCategory.RECTIFIED]
        result = results.result_compile(
            result=inspection.result,
            compiled_by=leader,
            categories=categories,
            completed_on=day,
            remarks="检查组现场责令改正。" if problem else "",
            pending_departments=pending,
        )
        measure = None
        if problem:
            measure = _register_measure(result, leader, task, kind, notified, day)
            if kind == "rectify_open" and not second_rectification:
                _register_second_rectification(result, leader, task)
                second_rectification = True
        result = results.result_submit(result=result, submitted_by=leader)
        if state == "submitted":
            continue
        if state == "returned":
            results.result_return(result=result, returned_by=reviewer, reason=RETURN_REASON)
            continue
        result = results.result_approve(result=result, approved_by=reviewer)
        if state in ("published", "corrected"):
            result = results.result_publish(result=result, published_by=reviewer)
        if state == "corrected":
            results.result_correct(result=result, corrected_by=reviewer, reason=CORRECTION_REASON)
        if measure is not None:
            _follow_up(measure, kind, leader, day, followups)
    _say(stdout, f"检查结果：{task.code} 共 {n} 户，已按各种状态录入")


def _register_measure(result, leader, task, kind, notified, day):
    from tasks.inspections.services import followups

    department = task.lead_department
    if kind.startswith("notify") and notified is not None:
        return followups.measure_add(
            result=result,
            added_by=leader,
            kind=MeasureKind.NOTIFY,
            department=department,
            notified_department=notified,
            description="发现该超市熟食操作间从业人员未持有效健康证明，属卫生健康部门职责，予以抄告。",
        )
    if kind == "case_clue":
        return followups.measure_add(
            result=result,
            added_by=leader,
            kind=MeasureKind.CASE_CLUE,
            department=department,
            receiving_body="临江市市场监管综合行政执法队",
            description="年度报告公示的从业人数、资产状况与现场核查明显不符，涉嫌隐瞒真实情况，移送案件线索。",
        )
    if kind == "judicial":
        return followups.measure_add(
            result=result,
            added_by=leader,
            kind=MeasureKind.JUDICIAL,
            department=department,
            receiving_body="临江市公安局经济犯罪侦查支队",
            description="现场发现大量假冒注册商标的食品，货值金额较大，涉嫌销售假冒注册商标的商品罪。",
        )
    return followups.measure_add(
        result=result,
        added_by=leader,
        kind=MeasureKind.RECTIFY,
        department=department,
        description="责令十个工作日内完善进货查验记录，规范标示预包装食品价格和生产日期。",
        deadline_on=_working_days_after(day, 10),
    )


def _register_second_rectification(result, leader, task) -> None:
    """A second order on the same object whose period (granted on application) ends in two
    working days: a yellow card beside the overdue one."""
    from tasks.inspections.services import followups

    followups.measure_add(
        result=result,
        added_by=leader,
        kind=MeasureKind.RECTIFY,
        department=task.lead_department,
        description="责令限期办理食品经营许可证载明事项变更（经申请延长整改期限）。",
        deadline_on=_working_days_after(timezone.localdate(), 2),
    )


def _working_days_after(day: date, n: int) -> date:
    from publication.calendar import add_working_days

    return add_working_days(day, n)


def _follow_up(measure, kind, leader, day, followups) -> None:
    today = timezone.localdate()
    later = min(day + timedelta(days=16), today)
    if kind == "rectify_closed":
        followups.measure_recheck(
            measure=measure,
            rechecked_by=leader,
            recheck_on=later,
            note="复查：进货查验记录已补齐，价格标签已规范。",
        )
        followups.measure_close(
            measure=measure, closed_by=leader, outcome="复查合格，已整改到位。", outcome_on=later
        )
    elif kind == "notify_closed":
        health = User.objects.filter(username="health_staff", is_active=True).first()
        if health is not None:
            followups.measure_acknowledge(
                measure=measure, acknowledged_by=health, note="已收到，已安排卫生监督员跟进。"
            )
            followups.measure_close(
                measure=measure,
                closed_by=leader,
                outcome="卫健委已签收并责令相关人员办理健康证明。",
                outcome_on=today,
            )
    elif kind == "judicial":
        followups.measure_close(
            measure=measure,
            closed_by=leader,
            outcome="公安机关已受理并立案侦查，移送记录已归档。",
            outcome_on=later,
        )


def _arrange_group(task: Task, group_id: str, leader: User, *, start: int = 1) -> list:
    from tasks.inspections.services.inspections import inspection_schedule

    inspections = list(
        Inspection.objects.filter(task=task, group_id=group_id, combined_visit__isnull=True)
        .select_related("result")
        .order_by("drawn_object__code")
    )
    today = timezone.localdate()
    for offset, inspection in enumerate(inspections):
        day = max(task.start_date, today) + timedelta(days=start + offset * 2)
        if day > task.end_date:
            break
        inspection_schedule(inspection=inspection, scheduled_on=day, scheduled_by=leader)
    return inspections


def _simulate_current(task: Task, stdout) -> None:
    """samr_inspector leads G001: dates set, one result compiled, one record in draft."""
    rng = random.Random(SEED + 8)
    members = _members(task)
    lead = task.lead_department.code
    leader_member = members.get(("G001", lead))
    if leader_member is None:
        return
    leader = _relink(f"{lead.lower()}_inspector", leader_member) or _account_for(leader_member)
    if leader is None:  # the lead department's member is always an inspector with a record
        return
    accounts = {
        key: _account_for(member)
        for key, member in members.items()
        if key[0] == "G001" and key[1] != lead
    }
    accounts[("G001", lead)] = leader
    inspections = _arrange_group(task, "G001", leader)
    today = timezone.localdate()
    for index, inspection in enumerate(inspections[:2]):
        for record in MatterRecord.objects.filter(inspection=inspection).select_related(
            "department", "matter", "inspection__result"
        ):
            user = accounts.get(("G001", record.department.code)) or leader
            complete = index == 0
            if index == 1 and record.department.code != lead:
                continue
            _enter(
                record,
                user,
                max(task.start_date, today),
                problem=False,
                rng=rng,
                complete=complete,
            )
        if index == 0:
            from tasks.inspections.services.results import result_compile

            inspection.result.refresh_from_db()
            result_compile(
                result=inspection.result,
                compiled_by=leader,
                categories=[ResultCategory.NO_PROBLEM],
                completed_on=max(task.start_date, today),
            )
    _say(stdout, f"检查工作：{task.code} 检查组 G001 由 {leader.username} 任组长，已安排检查日期")


def _combine(first: Task, second: Task, stdout) -> None:
    """Combined visits for the objects both tasks drew: agreed, waiting, declined."""
    from tasks.inspections.services.combined import (
        combined_visit_accept,
        combined_visit_decline,
        combined_visit_propose,
    )

    mine = {i.inspection_object_id: i for i in Inspection.objects.filter(task=first)}
    theirs = {i.inspection_object_id: i for i in Inspection.objects.filter(task=second)}
    common = sorted(set(mine) & set(theirs))
    taken = set(
        CombinedVisitPart.objects.filter(is_open=True).values_list("inspection_id", flat=True)
    )
    common = [o for o in common if mine[o].pk not in taken and theirs[o].pk not in taken]
    if not common:
        return
    first_staff, second_staff = (
        _staff(first.lead_department.code),
        _staff(second.lead_department.code),
    )
    day = max(first.start_date, second.start_date, timezone.localdate()) + timedelta(days=4)
    outcomes = [CombinedVisitStatus.AGREED, CombinedVisitStatus.PROPOSED]
    outcomes.append(CombinedVisitStatus.DECLINED)
    made = 0
    for object_id, outcome in zip(common, outcomes, strict=False):
        if mine[object_id].result.status != ResultStatus.OPEN:
            continue
        visit = combined_visit_propose(
            inspection=mine[object_id],
            other=theirs[object_id],
            visit_on=day + timedelta(days=made),
            proposed_by=first_staff,
            note="同一对象两项任务检查期间重叠，建议合并一次上门。",
        )
        if outcome == CombinedVisitStatus.AGREED:
            combined_visit_accept(visit=visit, accepted_by=second_staff)
        elif outcome == CombinedVisitStatus.DECLINED:
            combined_visit_decline(
                visit=visit,
                declined_by=second_staff,
                reason="本任务该对象已安排在检查期间第一周，时间无法调整。",
            )
        made += 1
    _say(
        stdout, f"合并检查：{first.code} 与 {second.code} 共同抽中 {len(common)} 户，提议 {made} 次"
    )


def _progress_in_progress_task(stdout) -> None:
    """tasks.demo's task in progress (0004): trans_inspector leads G001 and sets its dates."""
    task = Task.objects.filter(code=task_code(4), status="in_progress").first()
    if task is None:
        return
    members = _members(task)
    lead = task.lead_department.code
    member = members.get(("G001", lead))
    if member is None or member.inspector is None or member.inspector.user_id is not None:
        return
    leader = _relink(f"{lead.lower()}_inspector", member) or _account_for(member)
    if leader is None:
        return
    _arrange_group(task, "G001", leader, start=2)
    _say(stdout, f"检查工作：{task.code} 检查组 G001 由 {leader.username} 任组长，已安排检查日期")


SPECS = [(PAST, _simulate_past), (CURRENT, _simulate_current)]


def _open_missing(stdout) -> None:
    """Tasks started before inspections existed on the platform get theirs, and inspections
    opened before the deadlines were wired their result-entry deadlines (idempotent)."""
    from tasks.inspections.services.deadlines import result_deadlines_backfill
    from tasks.inspections.services.inspections import inspections_open

    for task in Task.objects.filter(status="in_progress", inspections__isnull=True):
        opened = inspections_open(task=task, opened_by=None)
        _say(stdout, f"检查工作：{task.code} 开启 {opened} 户检查")
    working = Task.objects.filter(
        status__in=["in_progress", "completed"], inspections__isnull=False
    )
    for task in working.distinct().order_by("pk"):
        with transaction.atomic():
            backfilled = result_deadlines_backfill(task=task)
        if backfilled:
            _say(stdout, f"期限：{task.code} 补开 {backfilled} 项检查结果录入期限")


def build(stdout=None, **options) -> None:
    office_admin = User.objects.filter(username="office_admin", is_active=True).first()
    if office_admin is None or not office_admin.is_office_admin:
        return
    _open_missing(stdout)
    departments = {
        department.code: department
        for department in Department.objects.filter(is_active=True, kind=DepartmentKind.DEPARTMENT)
    }
    for spec, simulate in SPECS:
        code = task_code(spec.number)
        if Task.objects.filter(code=code).exists():
            continue
        try:
            with transaction.atomic():
                task = demo_task_build(spec, departments, office_admin)
                if task is None:
                    _say(stdout, f"检查结果：{code} 跳过（缺少部门、账户或执法检查人员）")
                    continue
                simulate(task, stdout)
                if spec is CURRENT:
                    other = Task.objects.filter(code=task_code(4), status="in_progress").first()
                    if other is not None:
                        _combine(task, other, stdout)
        except ValidationError as error:
            _say(stdout, f"检查结果：{code} 未完成：{'；'.join(error.messages)}")
    try:
        with transaction.atomic():
            _progress_in_progress_task(stdout)
    except ValidationError as error:
        _say(stdout, f"检查工作：{'；'.join(error.messages)}")
