"""The world the generated permission matrix runs in: the nine actors and, for every object type, an
object of the actors' own department (A) and one of another department (B).

Built once per test module (``matrix_world``) inside a transaction that is rolled back when the
module ends; every request of the matrix runs in a savepoint of its own that is rolled back too, so
a request that succeeds changes nothing for the next one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import DepartmentKind, Role
from tests.accounts.factories import DepartmentFactory, UserFactory

ACTORS = (
    "office_admin",
    "dept_admin",
    "liaison",
    "staff",
    "inspector",
    "witness",
    "auditor",
    "frozen",
    "anonymous",
)
"""Every actor but the office admin belongs to department A (the "own" department)."""

ACTOR_ROLES = {
    "office_admin": [Role.OFFICE_ADMIN],
    "dept_admin": [Role.DEPARTMENT_ADMIN],
    "liaison": [Role.LIAISON, Role.STAFF],
    "staff": [Role.STAFF],
    "inspector": [Role.INSPECTOR],
    "witness": [Role.WITNESS],
    "auditor": [Role.AUDITOR],
    "frozen": [Role.STAFF],
}

MATTER_CSV = "序号,抽查事项,检查对象,事项类别\n1,测试事项,企业,一般检查事项\n".encode()
OBJECTS_CSV = "统一社会信用代码,名称\n".encode()


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    # app -> variant ("own", "other", "any") -> URL keyword -> value
    kwargs: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    def put(self, app: str, name: str, own, other=None) -> None:
        variants = self.kwargs.setdefault(app, {"own": {}, "other": {}})
        variants["own"][name] = own
        variants["other"][name] = own if other is None else other


def _user(username, department, roles, **fields):
    return UserFactory(username=username, department=department, roles=roles, **fields)


def build_world() -> World:
    world = World()
    office = DepartmentFactory(
        code="LXB", name="联席会议办公室", short_name="联席办", kind=DepartmentKind.OFFICE
    )
    dept_a = DepartmentFactory(code="DEPA", name="甲部门（市场监管局）", short_name="市场监管局")
    dept_b = DepartmentFactory(code="DEPB", name="乙部门（生态环境局）", short_name="生态环境局")
    dept_c = DepartmentFactory(code="DEPC", name="丙部门（交通运输局）", short_name="交通运输局")
    users = world.users
    users["office_admin"] = _user("m_office_admin", office, ACTOR_ROLES["office_admin"])
    for actor in ACTORS[1:-1]:
        users[actor] = _user(f"m_{actor}", dept_a, ACTOR_ROLES[actor])
    users["frozen"].is_active = False
    users["frozen"].frozen_at = timezone.now()
    users["frozen"].save(update_fields=["is_active", "frozen_at"])
    admin_b = _user("m_admin_b", dept_b, [Role.DEPARTMENT_ADMIN])
    liaison_b = _user("m_liaison_b", dept_b, [Role.LIAISON, Role.STAFF])
    staff_b = _user("m_staff_b", dept_b, [Role.STAFF])
    staff_c = _user("m_staff_c", dept_c, [Role.STAFF])
    world.extra.update(
        office=office, dept_a=dept_a, dept_b=dept_b, dept_c=dept_c, admin_b=admin_b,
        liaison_b=liaison_b, staff_b=staff_b, staff_c=staff_c,
    )  # fmt: skip

    _accounts(world, dept_a, dept_b)
    _catalog(world, dept_a, dept_b, staff_b)
    _registries(world, dept_a, dept_b, staff_b, admin_b)
    _plans(world, dept_a, dept_b, liaison_b)
    _tasks(world, dept_a, dept_b, dept_c, staff_b, staff_c)
    _inspections(world, dept_a, dept_b, dept_c, staff_b, staff_c)
    world.put("publication", "year", 2027)
    _deadlines(world, dept_a, dept_b)
    _public_site(world, dept_a, dept_b)
    return world


def _deadlines(world, dept_a, dept_b):
    from publication.deadlines.services import deadline_open

    own, other = (
        deadline_open(
            kind="rectification",
            subject=department,  # any saved row will do as a subject
            department=department,
            start_date=datetime.date(2025, 9, 26),
            title=f"责令整改：{department.code}",
        )
        for department in (dept_a, dept_b)
    )
    world.put("deadlines", "deadline_id", own.pk, other.pk)
    world.put("liaisons", "department_id", dept_a.pk, dept_b.pk)


def _accounts(world, dept_a, dept_b):
    target_a = _user("m_target_a", dept_a, [Role.STAFF])
    target_b = _user("m_target_b", dept_b, [Role.STAFF])
    world.put("accounts", "department_id", dept_a.pk, dept_b.pk)
    world.put("accounts", "account_id", target_a.pk, target_b.pk)
    world.put("accounts", "export_format", "csv")


def _catalog(world, dept_a, dept_b, staff_b):
    from catalog.choices import ProposalKind
    from catalog.services import matter_import_preview, proposal_submit
    from tests.catalog.factories import MatterFactory

    users = world.users
    matter = MatterFactory(code="M-1", name="食品生产企业监督检查", list_year=2026)
    matter.implementing_departments.add(dept_a)
    proposal_a = proposal_submit(
        submitted_by=users["staff"], kind=ProposalKind.RETIRE, matter=matter, reason="法规废止"
    )
    proposal_b = proposal_submit(
        submitted_by=staff_b, kind=ProposalKind.RETIRE, matter=matter, reason="职责调整"
    )
    matter_import = matter_import_preview(
        uploaded_by=users["office_admin"], content=MATTER_CSV, filename="list.csv", code_prefix="P-"
    )
    world.put("catalog", "matter_id", matter.pk)
    world.put("catalog", "proposal_id", proposal_a.pk, proposal_b.pk)
    world.put("catalog", "import_id", matter_import.pk)
    world.put("catalog", "export_format", "csv")
    world.extra["matter"] = matter


def _registries(world, dept_a, dept_b, staff_b, admin_b):
    from registries.choices import RecusalStatus
    from registries.models import ImportJob, ObjectSupervision
    from tests.registries.object_factories import make_object
    from tests.registries.test_inspector_fixtures import make_expert, make_inspector, make_recusal

    users = world.users
    object_a = make_object(departments=[dept_a], name="临江市恒达食品有限公司")
    object_a.anomaly_since = timezone.localdate()
    object_a.anomaly_source = "x"
    object_a.save()
    object_b = make_object(departments=[dept_b], name="临江市华兴化工有限公司")
    object_b.anomaly_since = timezone.localdate()
    object_b.anomaly_source = "x"
    object_b.save()
    contested_a = make_object(departments=[dept_a], disputed=[dept_b])
    contested_b = make_object(departments=[dept_b], disputed=[dept_a])
    unclaimed = make_object()
    free_object = make_object(name="临江市自由商贸有限公司")
    dispute_a = contested_a.supervisions.get(status=ObjectSupervision.Status.DISPUTED)
    dispute_b = contested_b.supervisions.get(status=ObjectSupervision.Status.DISPUTED)
    jobs = []
    for uploader in (users["staff"], staff_b):
        job = ImportJob(
            department=uploader.department, created_by=uploader, original_name="objects.csv",
            file_format="csv", file_size=len(OBJECTS_CSV), status="failed",
        )  # fmt: skip
        job.file.save("objects.csv", SimpleUploadedFile("objects.csv", OBJECTS_CSV), save=True)
        jobs.append(job)
    inspector_a = make_inspector(dept_a, name="张三", user=users["inspector"])
    inspector_b = make_inspector(dept_b, name="李四")
    expert = make_expert()
    recusal_a = make_recusal(
        inspector_a, object_a, declared_by=users["staff"], status=RecusalStatus.DECLARED
    )
    recusal_b = make_recusal(
        inspector_b, object_b, declared_by=staff_b, status=RecusalStatus.DECLARED
    )
    world.put("registries", "object_id", object_a.pk, object_b.pk)
    world.put("registries", "supervision_id", dispute_a.pk, dispute_b.pk)
    world.put("registries", "export_format", "csv")
    world.put("registries", "job_id", jobs[0].pk, jobs[1].pk)
    world.put("registries", "inspector_id", inspector_a.pk, inspector_b.pk)
    world.put("registries", "expert_id", expert.pk)
    world.put("registries", "recusal_id", recusal_a.pk, recusal_b.pk)
    world.put("registries", "kind", "own_grid")
    world.extra.update(
        object_a=object_a, object_b=object_b, unclaimed=unclaimed, free_object=free_object,
        inspector_a=inspector_a, inspector_b=inspector_b,
    )  # fmt: skip


def _plans(world, dept_a, dept_b, liaison_b):
    from plans import services
    from plans.models import PeakSeason, PlanVersion
    from tests.plans.conftest import item_kwargs
    from tests.plans.factories import InspectionObjectFactory, KeyMatterFactory, MatterFactory

    users = world.users
    office_admin, liaison_a = users["office_admin"], users["liaison"]
    general = MatterFactory(code="G001", name="食品生产企业监督检查", ratio_cap_bp=500)
    general.implementing_departments.add(dept_a)
    key = KeyMatterFactory(code="K001", name="特种设备安全监督检查")
    key.implementing_departments.add(dept_b)
    for index in range(8):
        InspectionObjectFactory(risk_class="ABCD"[index % 4], industry_code="C1391")
    year = services.plan_year_open(year=2027, opened_by=office_admin)
    services.plan_item_create(
        plan_year=year, department=dept_a, created_by=liaison_a, **item_kwargs([general])
    )
    services.plan_item_create(
        plan_year=year, department=dept_b, created_by=liaison_b,
        **item_kwargs([key], title="特种设备抽查", window_start_month=5, window_end_month=8),
    )  # fmt: skip
    for department, liaison in ((dept_a, liaison_a), (dept_b, liaison_b)):
        services.plan_department_submit(plan_year=year, department=department, submitted_by=liaison)
    services.plan_compile(plan_year=year, compiled_by=office_admin)
    for proposal in year.merge_proposals.filter(status="proposed"):
        services.merge_proposal_accept(proposal=proposal, accepted_by=office_admin)
    services.plan_submit_for_approval(plan_year=year, submitted_by=office_admin)
    services.plan_approve(plan_year=year, approved_by=office_admin, comment="同意")
    services.plan_publish(plan_year=year, published_by=office_admin)
    year.refresh_from_db()

    next_year = services.plan_year_open(year=2028, opened_by=office_admin)
    item_a = services.plan_item_create(
        plan_year=next_year, department=dept_a, created_by=liaison_a, **item_kwargs([general])
    )
    item_b = services.plan_item_create(
        plan_year=next_year, department=dept_b, created_by=liaison_b, **item_kwargs([key])
    )
    PlanVersion.objects.create(
        plan_year=next_year, number=1, created_by=office_admin, created_at=next_year.opened_at
    )
    season = PeakSeason.objects.create(industry_prefix="C13", months=[9, 10], note="秋收")
    notification_a = liaison_a.notifications.first()
    notification_b = liaison_b.notifications.first()
    world.put("plans", "year", 2028)
    world.put("plans", "number", 1)
    world.put("plans", "export_format", "csv")
    world.put("plans", "department_id", dept_a.pk, dept_b.pk)
    world.put("indicators", "department_id", dept_a.pk, dept_b.pk)
    world.put("plans", "item_id", item_a.pk, item_b.pk)
    world.put("plans", "proposal_id", year.merge_proposals.first().pk)
    world.put("plans", "season_id", season.pk)
    world.put("accounts", "notification_id", notification_a.pk, notification_b.pk)
    world.put("inbox", "notification_id", notification_a.pk, notification_b.pk)
    world.extra.update(approved_item=year.items.first().pk, general_matter=general)


def _tasks(world, dept_a, dept_b, dept_c, staff_b, staff_c):
    from tasks.services.draws import task_push_to_review
    from tasks.services.grants import task_grant_auditor_year
    from tests.tasks.factories import approve, make_inspectors, make_objects, make_task

    users = world.users
    office_admin = users["office_admin"]
    make_objects(24, start=500)
    for department in (dept_a, dept_b, dept_c):
        make_inspectors(department, 4, prefix=f"T{department.code}")
    # own: led by A (B takes part); other: led by B with C, A not in it; partner: led by B with A
    # taking part, so that department A has a joint-review row of its own.
    own = approve(
        make_task(users["staff"], participants=[dept_b], composition={"DEPA": 1, "DEPB": 1},
                  code="T-OWN"), office_admin,
    )  # fmt: skip
    other = approve(
        make_task(staff_b, participants=[dept_c], composition={"DEPB": 1, "DEPC": 1},
                  code="T-OTHER"), office_admin,
    )  # fmt: skip
    partner = approve(
        make_task(staff_b, participants=[dept_a], composition={"DEPB": 1, "DEPA": 1},
                  code="T-PARTNER"), office_admin,
    )  # fmt: skip
    draw_own = task_push_to_review(task=own, pushed_by=users["staff"])
    draw_other = task_push_to_review(task=other, pushed_by=staff_b)
    draw_partner = task_push_to_review(task=partner, pushed_by=staff_b)
    review_a = draw_partner.reviews.get(department=dept_a)
    review_c = draw_other.reviews.get(department=dept_c)
    review_lead = draw_own.reviews.get(department=dept_b)
    # The auditor of department A is granted the year of the other department's task.
    task_grant_auditor_year(
        auditor=users["auditor"], year=other.start_date.year, granted_by=office_admin
    )
    world.put("tasks", "task_id", own.pk, other.pk)
    world.put("tasks", "export_format", "xlsx")
    world.put("tasks", "draw_id", draw_own.pk, draw_other.pk)
    world.put("tasks", "review_id", review_a.pk, review_c.pk)
    world.put("tasks", "code", own.code, other.code)
    world.put("tasks", "number", draw_own.number, draw_other.number)
    # a verification job's result page (the bundle is queued after a commit that never comes)
    from tasks.verification import verification_request_create

    world.put("tasks", "token", verification_request_create(text="{}").token)

    # No draw of the world stands (they are announced), so no drawn object has forms to print: the
    # print routes answer 404 to everyone (tests/platform/documents/ covers a drawn task).
    world.put("tasks", "drawn_object_id", 0)
    # Printed documents are addressed by the id of their content; none exists here.
    world.put("documents", "document_id", "0" * 32)
    world.put("documents_api", "document_id", "0" * 32)
    world.extra.update(
        task_own=own, task_other=other, task_partner=partner, draw_own=draw_own,
        draw_partner=draw_partner, review_lead=review_lead, lead_member=users["dept_admin"],
    )  # fmt: skip


def _started_task(code, lead, participants, created_by, members, objects, matters):
    """A task in progress with one group (G001) of `members` [(inspector, is_leader)] that visits
    `objects`, written without a ceremony (the draw is not the question here), and its inspections
    opened by the service."""
    from tasks.choices import TaskStatus
    from tasks.inspections.services.inspections import inspections_open
    from tests.tasks.factories import (
        DrawnDrawFactory,
        DrawnObjectFactory,
        GroupMemberFactory,
        TaskFactory,
    )

    today = timezone.localdate()
    task = TaskFactory(
        code=code, title=f"{code} 检查", lead_department=lead, adhoc_reason="matrix",
        strata={}, group_composition={}, start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=25), status=TaskStatus.IN_PROGRESS,
        created_by=created_by, matters=matters,
    )  # fmt: skip
    task.participating_departments.set(participants)
    draw = DrawnDrawFactory(
        task=task, protocol_task_id=code, announced_by=created_by, result=None, result_hash=""
    )
    for obj in objects:
        DrawnObjectFactory(draw=draw, inspection_object=obj, stratum="B")
    for inspector, is_leader in members:
        GroupMemberFactory(draw=draw, inspector=inspector, is_leader=is_leader)
    inspections_open(task=task, opened_by=None)
    return {i.inspection_object_id: i for i in task.inspections.select_related("result")}


def _inspections(world, dept_a, dept_b, dept_c, staff_b, staff_c):
    """own: a task led by A (B takes part) whose group the inspector actor leads (张三 is their
    record), with an object also drawn by a task led by B, and a combined visit A proposed; other:
    a task led by B with C, and a combined visit between it and one led by C (A in neither)."""
    from registries.models import Inspector
    from tasks.inspections.choices import (
        AttachmentKind,
        CombinedVisitStatus,
        ConsentStatus,
        MeasureKind,
    )
    from tests.registries.object_factories import make_object
    from tests.tasks.inspections.builders import jpeg_bytes, make_form_matter
    from tests.tasks.inspections.factories import (
        AttachmentFactory,
        CombinedVisitFactory,
        CombinedVisitPartFactory,
        CommissionedCheckFactory,
        FollowUpMeasureFactory,
    )

    users = world.users
    today = timezone.localdate()
    matters = {
        department.code: make_form_matter(department, f"{department.code} 检查事项")
        for department in (dept_a, dept_b, dept_c)
    }
    person = {code: Inspector.objects.get(code=f"T{code}-0001") for code in ("DEPB", "DEPC")}
    person["DEPB2"] = Inspector.objects.get(code="TDEPB-0002")
    person["DEPC2"] = Inspector.objects.get(code="TDEPC-0002")
    shared_a = make_object(departments=[dept_a], name="临江市联检商贸有限公司")
    shared_b = make_object(departments=[dept_b], name="临江市合检物流有限公司")
    own = _started_task(
        "I-OWN", dept_a, [dept_b], users["staff"],
        [(world.extra["inspector_a"], True), (person["DEPB"], False)], [shared_a],
        [matters["DEPA"], matters["DEPB"]],
    )[shared_a.pk]  # fmt: skip
    partner = _started_task(
        "I-PARTNER", dept_b, [dept_a], staff_b, [(person["DEPB2"], True)], [shared_a],
        [matters["DEPB"]],
    )[shared_a.pk]  # fmt: skip
    other = _started_task(
        "I-OTHER", dept_b, [dept_c], staff_b,
        [(person["DEPB"], True), (person["DEPC"], False)], [shared_b],
        [matters["DEPB"], matters["DEPC"]],
    )[shared_b.pk]  # fmt: skip
    third = _started_task(
        "I-THIRD", dept_c, [dept_b], staff_c, [(person["DEPC2"], True)], [shared_b],
        [matters["DEPC"]],
    )[shared_b.pk]  # fmt: skip

    def visit(first, second, proposer):
        made = CombinedVisitFactory(
            inspection_object_id=first.inspection_object_id, visit_on=today, proposed_by=proposer
        )
        CombinedVisitPartFactory(
            visit=made, inspection=first, status=ConsentStatus.AGREED, decided_by=proposer,
            decided_at=timezone.now(),
        )  # fmt: skip
        CombinedVisitPartFactory(visit=made, inspection=second)
        assert made.status == CombinedVisitStatus.PROPOSED
        return made

    visit_own = visit(own, partner, users["staff"])
    visit_other = visit(other, third, staff_b)
    record_own = own.records.get(department=dept_a)
    record_other = other.records.get(department=dept_b)
    checks, attachments, measures = [], [], []
    for record, uploader in ((record_own, users["inspector"]), (record_other, staff_b)):
        checks.append(
            CommissionedCheckFactory(
                record=record, body="临江市检验检测院", subject="抽样检测", created_by=uploader
            )
        )
        attachments.append(
            AttachmentFactory(
                record=record, kind=AttachmentKind.PHOTO, original_name="现场.jpg",
                content_type="image/jpeg", size=len(jpeg_bytes()), sha256="0" * 64,
                uploaded_by=uploader,
                file=factory.django.FileField(filename="upload", data=jpeg_bytes()),
            )
        )  # fmt: skip
    for inspection, department, author in (
        (own, dept_a, users["inspector"]),
        (other, dept_b, staff_b),
    ):
        measures.append(
            FollowUpMeasureFactory(
                result=inspection.result,
                kind=MeasureKind.NOTIFY,
                department=department,
                notified_department=dept_c,
                description="抄告",
                deadline_on=today,
                created_by=author,
            )
        )
    rectify_own = FollowUpMeasureFactory(
        result=own.result,
        kind=MeasureKind.RECTIFY,
        department=dept_a,
        description="责令整改",
        deadline_on=today,
        created_by=users["inspector"],
    )
    world.put("inspections", "task_id", own.task_id, other.task_id)
    world.put("inspections", "group_id", "G001")
    world.put("inspections", "inspection_id", own.pk, other.pk)
    world.put("inspections", "record_id", record_own.pk, record_other.pk)
    world.put("inspections", "check_id", checks[0].pk, checks[1].pk)
    world.put("inspections", "attachment_id", attachments[0].pk, attachments[1].pk)
    world.put("inspections", "measure_id", measures[0].pk, measures[1].pk)
    world.put("inspections", "visit_id", visit_own.pk, visit_other.pk)
    world.put("inspections", "result_id", own.result.pk, other.result.pk)
    world.extra.update(
        inspection_own=own, inspection_other=other, peer_own=partner, peer_other=third,
        rectify_own=rectify_own,
    )  # fmt: skip


def plan_dates() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today + datetime.timedelta(days=10), today + datetime.timedelta(days=40)


def _public_site(world, dept_a, dept_b):
    """Published drawn lists (of the B- and C-led started tasks), a result of each side shown on
    the public site, and an objection to each (own: A decides it; other: B does). The drawn list
    of the A-led started task is left to publish (own) beside the B-led partner's (other)."""
    from django.contrib.contenttypes.models import ContentType

    from publication.models import Publication, PublicationKind
    from publication.site.models import Objection, ObjectionAttachment, PublicResult
    from tasks.models import Draw
    from tests.tasks.inspections.builders import jpeg_bytes

    extra = world.extra
    draw_type = ContentType.objects.get_for_model(Draw)
    for inspection in (extra["inspection_other"], extra["peer_other"]):
        Publication.objects.create(
            kind=PublicationKind.DRAWN_LIST, subject_type=draw_type,
            subject_id=inspection.drawn_object.draw_id, published_on=timezone.localdate(),
        )  # fmt: skip
    rows, objections, files = [], [], []
    for inspection in (extra["inspection_own"], extra["inspection_other"]):
        task, obj = inspection.task, inspection.inspection_object
        row = PublicResult.objects.create(
            result=inspection.result, version=1, task=task, task_code=task.code,
            task_title=task.title, lead_department=task.lead_department,
            departments=task.lead_department.name, year=timezone.localdate().year,
            month=timezone.localdate().month, categories=["no_problem"], result_text="未发现问题",
            inspection_object=obj, enterprise_name=obj.name, credit_code=obj.code,
            published_at=timezone.now(),
        )  # fmt: skip
        objection = Objection.objects.create(
            public_result=row, result=inspection.result, department=task.lead_department,
            credit_code=obj.code, contact_name="王经理", contact_phone="0571-88886666",
            reason="记录与事实不符，请予更正。",
        )  # fmt: skip
        attachment = ObjectionAttachment(
            objection=objection, original_name="证明.jpg", content_type="image/jpeg",
            size=len(jpeg_bytes()), sha256="0" * 64,
        )  # fmt: skip
        attachment.file.save("upload", SimpleUploadedFile("证明.jpg", jpeg_bytes()), save=True)
        rows.append(row)
        objections.append(objection)
        files.append(attachment)
    world.put(
        "publication", "code", extra["inspection_other"].task.code, extra["peer_other"].task.code
    )
    world.put("publication", "result_id", rows[0].result_id, rows[1].result_id)
    world.put("publication", "credit_code", rows[0].credit_code, rows[1].credit_code)
    world.put("publication", "reference", objections[0].reference, objections[1].reference)
    world.put("publication", "objection_id", objections[0].pk, objections[1].pk)
    world.put("publication", "attachment_id", files[0].pk, files[1].pk)
    world.put(
        "publication",
        "draw_id",
        extra["inspection_own"].drawn_object.draw_id,
        extra["inspection_other"].drawn_object.draw_id,
    )
    world.put("publication", "dataset", "results")
    world.put("publication", "fmt", "csv")
    world.extra.update(public_rows=rows, objections=objections)
