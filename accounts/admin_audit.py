"""Every change made through /django-admin/ goes to the audit trail, like any other change.

`audit_every_admin` (called from AccountsConfig.ready, after the admin has imported every app's
admin module) gives each registered ModelAdmin, ours and third-party ones (auth groups, Celery beat
schedules), the `AuditedAdminMixin`: adds, changes (with the old and new value of every changed
field, many-to-many included), deletions and bulk actions each write an event in the transaction
that makes the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db import models, router, transaction

from accounts.audit import record_event

# Never written to the trail, even as "changed".
SECRET_FIELDS = frozenset({"password"})


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | set):
        return sorted(str(_plain(item)) for item in value)
    if isinstance(value, list | tuple):
        items = [_plain(item) for item in value]
        # many-to-many values (model instances) in a stable order; plain lists as they are
        return sorted(items) if any(isinstance(i, models.Model) for i in value) else items
    return value


def _changes(form) -> dict[str, list[Any]]:
    changes = {}
    for name in form.changed_data:
        if name in SECRET_FIELDS:
            changes[name] = ["***", "***"]
            continue
        changes[name] = [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
    return changes


def _formset_changes(formsets: Iterable) -> list[dict[str, Any]]:
    changes = []
    for formset in formsets:
        for obj in getattr(formset, "new_objects", []):
            changes.append({"added": obj._meta.label_lower, "id": str(obj.pk), "label": str(obj)})
        for obj, fields in getattr(formset, "changed_objects", []):
            changes.append({"changed": obj._meta.label_lower, "id": str(obj.pk), "fields": fields})
        for obj in getattr(formset, "deleted_objects", []):
            changes.append({"deleted": obj._meta.label_lower, "id": str(obj.pk), "label": str(obj)})
    return changes


class AuditedAdminMixin(admin.ModelAdmin):
    """Put before the ModelAdmin class: audits add, change, delete and actions."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        details: dict[str, Any] = {"model": self.model._meta.label_lower, "fields": _changes(form)}
        inline_changes = _formset_changes(formsets)
        if inline_changes:
            details["inlines"] = inline_changes
        if change and not details["fields"] and not inline_changes:
            return
        record_event(
            actor=request.user,
            action="admin.change" if change else "admin.add",
            target=form.instance,
            details=details,
        )

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj) -> None:
        record_event(
            actor=request.user,
            action="admin.delete",
            target=obj,
            details={"model": self.model._meta.label_lower},
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, entry in actions.items():
            if entry is not None and name != "delete_selected":
                action, action_name, text = entry
                actions[name] = (self._audited(action, action_name), action_name, text)
        return actions

    def _audited(self, action, name):
        """Bulk actions (enable or run beat tasks…) change rows without save_model: each runs in a
        transaction with its event. delete_selected is audited by delete_queryset."""

        def audited_action(modeladmin, request, queryset):
            with transaction.atomic(using=router.db_for_write(modeladmin.model)):
                ids = sorted(str(pk) for pk in queryset.values_list("pk", flat=True))
                response = action(modeladmin, request, queryset)
                record_event(
                    actor=request.user,
                    action="admin.action",
                    details={
                        "model": modeladmin.model._meta.label_lower,
                        "action": name,
                        "ids": ids,
                    },
                )
            return response

        audited_action.__name__ = getattr(action, "__name__", name)
        return audited_action


def audit_every_admin(site: admin.AdminSite) -> None:
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        admin_class = type(model_admin)
        audited = type(f"Audited{admin_class.__name__}", (AuditedAdminMixin, admin_class), {})
        site.unregister(model)
        site.register(model, audited)
