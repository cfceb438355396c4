"""factory_boy factories for the accounts models. No factory for `AuditEvent`: the audit trail is
append-only and hash-chained, written only through `accounts.audit.record_event` (tests call it,
or the service that records the event)."""

import factory

from accounts.choices import DepartmentKind, Role
from accounts.models import Department, Notification, User

TEST_PASSWORD = "Test-pass-2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"DEP{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n:03d}")
    short_name = factory.LazyAttribute(lambda department: department.name[:10])
    kind = DepartmentKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    """Plain rows for tests; services create real accounts (and their guardian rights)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    department = factory.SubFactory(DepartmentFactory)
    roles = factory.LazyFunction(lambda: [Role.STAFF])
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def finish(self, create, extracted, **kwargs):
        if create:
            self.save()
            from accounts.services import _sync_guardian

            _sync_guardian(self)


class NotificationFactory(factory.django.DjangoModelFactory):
    """An inbox row as `notification_send` leaves it (no e-mail queued: that is the service's)."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "tests.notice"
    title = factory.Sequence(lambda n: f"测试通知{n}")
    body = "请处理。"
