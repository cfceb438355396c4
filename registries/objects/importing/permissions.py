"""Who may import objects and see import jobs.

Office admins, department admins, liaisons and staff import (the registry editors of
registries.permissions). A job belongs to the uploader's department: that department's editors see
it and its error report, the office sees every job, nobody else learns that it exists (404).
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from accounts.types import RequestUser
from registries.models import ImportJob
from registries.permissions import can_edit_registry


def can_import_objects(user: RequestUser) -> TypeGuard[User]:
    return can_edit_registry(user)


def import_jobs_visible_to(user: RequestUser) -> QuerySet[ImportJob]:
    if not can_import_objects(user) or user.department_id is None:
        return ImportJob.objects.none()
    jobs = ImportJob.objects.select_related("department", "created_by")
    if user.is_office_admin:
        return jobs
    return jobs.filter(department_id=user.department_id)


def access_import_job_for_user(user: RequestUser, job_id: Any) -> ImportJob:
    """The job if the user may see it; Http404 for "missing" and "not yours" alike."""
    if not can_import_objects(user):
        raise Http404
    try:
        return import_jobs_visible_to(user).get(pk=int(job_id))
    except (ImportJob.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


class CanImportObjects(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_import_objects(request.user)
