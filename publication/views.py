from django.shortcuts import render

from accounts.audit import chain_head
from accounts.models import Department


def home(request):
    """The citizens' home page: no account needed, only published information."""
    departments = Department.objects.filter(kind="department", is_active=True).order_by("code")
    return render(
        request, "publication/home.html", {"departments": departments, "head": chain_head()}
    )


def audit_anchor(request):
    return render(request, "publication/audit_anchor.html", {"head": chain_head()})
