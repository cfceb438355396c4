"""Every model registered in /django-admin/ is either read-only or audited like any other change."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from accounts.admin_audit import AuditedAdminMixin
from accounts.choices import Role
from accounts.models import AuditEvent, Department
from tasks.models import TaskPolicy
from tests.accounts.factories import UserFactory

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
# Writable admins, each with a test below that changes it through /django-admin/ and finds the event.
WRITABLE = {
    "accounts.Department",
    "accounts.User",
    "auth.Group",
    "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule",
    "django_celery_beat.IntervalSchedule",
    "django_celery_beat.PeriodicTask",
    "django_celery_beat.SolarSchedule",
    "tasks.TaskPolicy",
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, department=None, roles=[])


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _writable(model_admin, request) -> bool:
    return (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRY, ids=[model._meta.label for model, _ in REGISTRY]
)
def test_every_admin_model_is_read_only_or_audited(model, model_admin, superuser, admin_client):
    assert isinstance(model_admin, AuditedAdminMixin)
    if _writable(model_admin, _request(superuser)):
        assert model._meta.label in WRITABLE, "add a test that changes it through the admin"
        return
    assert model._meta.label not in WRITABLE
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.post(f"/django-admin/{info[0]}/{info[1]}/add/", {}).status_code == 403


def test_the_writable_list_is_exactly_the_writable_admins(superuser):
    request = _request(superuser)
    assert {m._meta.label for m, a in REGISTRY if _writable(a, request)} == WRITABLE


def _post_values(form) -> dict:
    """A bound-form's current values as a browser would post them."""
    data = {}
    for name, field in form.fields.items():
        key, value = form.add_prefix(name), form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value) if value is not None else []
            values = {
                f"{key}_{i}": "" if part is None else str(part) for i, part in enumerate(parts)
            }
        elif isinstance(value, bool):
            values = {key: "on"} if value else {}
        elif isinstance(value, list | tuple):
            values = {key: [str(item) for item in value]}
        else:
            values = {} if value is None else {key: str(value)}
        data.update(values)
        if field.show_hidden_initial:  # fields with a callable default post their initial too
            data.update({f"initial-{k}": v for k, v in values.items()})
    return data


def _form_data(model_admin, superuser, obj=None, **changes):
    """The admin page's form and inline forms as posted unchanged, then with ``changes``."""
    request = _request(superuser)
    form = model_admin.get_form(request, obj, change=obj is not None)(instance=obj)
    data = _post_values(form)
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request, obj):
        formset = formset_class(
            instance=obj or model_admin.model(), prefix=formset_class.get_default_prefix()
        )
        initial = formset.initial_forms
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(initial))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(len(initial))
        for inline_form in initial:
            data.update(_post_values(inline_form))
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _change(admin_client, superuser, obj, **changes):
    model_admin = admin.site._registry[type(obj)]
    meta = obj._meta
    url = f"/django-admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/"
    response = admin_client.post(url, _form_data(model_admin, superuser, obj, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def _last_event(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def test_roles_and_the_superuser_flag_changed_in_the_admin_are_audited(
    admin_client, superuser, department_a
):
    account = UserFactory(username="promoted", department=department_a, roles=[Role.STAFF])
    _change(
        admin_client,
        superuser,
        account,
        roles=f"{Role.STAFF},{Role.DEPARTMENT_ADMIN}",
        is_superuser="on",
    )
    event = _last_event("admin.change")
    assert event.actor == superuser
    assert (event.target_type, event.target_id) == ("accounts.user", str(account.pk))
    assert event.details["fields"]["roles"] == [
        [Role.STAFF],
        [Role.STAFF, Role.DEPARTMENT_ADMIN],
    ]
    assert event.details["fields"]["is_superuser"] == [False, True]
    # the object rights follow the roles, as account_set_roles gives them
    account.refresh_from_db()
    assert account.has_perm("accounts.manage_accounts", department_a)


def test_an_unchanged_save_writes_no_event(admin_client, superuser, department_a):
    # (the admin's widgets show whole seconds; a save truncates finer times, a real change)
    department_a.created_at = department_a.created_at.replace(microsecond=0)
    department_a.save(update_fields=["created_at"])
    before = AuditEvent.objects.count()
    _change(admin_client, superuser, department_a)
    assert AuditEvent.objects.count() == before


def test_a_department_added_and_deleted_in_the_admin_is_audited(admin_client, superuser):
    data = _form_data(admin.site._registry[Department], superuser)
    data.update(code="NEWD", name="新部门", short_name="新部门", kind="department", is_active="on")
    assert admin_client.post("/django-admin/accounts/department/add/", data).status_code == 302
    department = Department.objects.get(code="NEWD")
    added = _last_event("admin.add")
    assert added.target_id == str(department.pk)
    assert added.details["fields"]["code"] == [None, "NEWD"]
    url = f"/django-admin/accounts/department/{department.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    deleted = _last_event("admin.delete")
    assert (deleted.target_id, deleted.target_label) == (str(department.pk), "新部门")


def test_task_policy_changed_in_the_admin_is_audited(admin_client, superuser):
    policy = TaskPolicy.objects.first() or TaskPolicy.objects.create()
    new_value = policy.escalate_after_working_days + 1
    _change(admin_client, superuser, policy, escalate_after_working_days=str(new_value))
    event = _last_event("admin.change")
    assert event.details["model"] == "tasks.taskpolicy"
    assert event.details["fields"]["escalate_after_working_days"][1] == new_value


def test_a_group_with_permissions_added_in_the_admin_is_audited(admin_client, superuser):
    permission = Permission.objects.get(codename="manage_accounts")
    data = {"name": "审计员组", "permissions": [str(permission.pk)]}
    assert admin_client.post("/django-admin/auth/group/add/", data).status_code == 302
    event = _last_event("admin.add")
    assert event.target_id == str(Group.objects.get(name="审计员组").pk)
    assert event.details["fields"]["permissions"] == [None, [str(permission.pk)]]


@pytest.fixture
def beat_task(db):
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.create(
        name="试验任务", task="platform_site.jobs.ping", interval=interval, enabled=True
    )


def test_beat_schedules_changed_in_the_admin_are_audited(admin_client, superuser, beat_task):
    _change(admin_client, superuser, beat_task, enabled=False)
    event = _last_event("admin.change")
    assert event.details["fields"]["enabled"] == [True, False]
    _change(admin_client, superuser, beat_task.interval, every="1")
    assert _last_event("admin.change").details["fields"]["every"] == [10, 1]


def test_beat_admin_actions_are_audited(admin_client, beat_task):
    response = admin_client.post(
        "/django-admin/django_celery_beat/periodictask/",
        {"action": "disable_tasks", "_selected_action": [str(beat_task.pk)]},
    )
    assert response.status_code == 302
    beat_task.refresh_from_db()
    assert beat_task.enabled is False
    event = _last_event("admin.action")
    assert event.details == {
        "model": "django_celery_beat.periodictask",
        "action": "disable_tasks",
        "ids": [str(beat_task.pk)],
    }


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (CrontabSchedule, {"minute": "5", "hour": "3"}),
        (IntervalSchedule, {"every": 2, "period": IntervalSchedule.HOURS}),
    ],
)
def test_beat_schedules_deleted_in_the_admin_are_audited(admin_client, model, values):
    schedule = model.objects.create(**values)
    meta = model._meta
    url = f"/django-admin/{meta.app_label}/{meta.model_name}/{schedule.pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not model.objects.filter(pk=schedule.pk).exists()
    event = _last_event("admin.delete")
    assert (event.target_type, event.target_id) == (meta.label_lower, str(schedule.pk))


@pytest.mark.parametrize("model_name", ["clockedschedule", "solarschedule"])
def test_other_beat_schedules_added_in_the_admin_are_audited(admin_client, superuser, model_name):
    data = {
        "clockedschedule": {"clocked_time_0": "2030-01-01", "clocked_time_1": "08:00:00"},
        "solarschedule": {"event": "sunrise", "latitude": "30.5", "longitude": "114.3"},
    }[model_name]
    model_admin = admin.site._registry[model_admin_model(model_name)]
    data = {**_form_data(model_admin, superuser), **data}
    response = admin_client.post(f"/django-admin/django_celery_beat/{model_name}/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = _last_event("admin.add")
    assert event.details["model"] == f"django_celery_beat.{model_name}"
    assert event.target_id == str(model_admin_model(model_name).objects.get().pk)


def model_admin_model(model_name):
    return next(m for m in admin.site._registry if m._meta.model_name == model_name)
