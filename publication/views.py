from django.shortcuts import render

from accounts.audit import chain_head
from accounts.checkpoints import (
    SIGNED_BYTES_DESCRIPTION,
    latest_checkpoint,
    public_key_text,
    signing_key,
)
from accounts.models import Department


def home(request):
    """The citizens' home page: no account needed, only published information."""
    departments = Department.objects.filter(kind="department", is_active=True).order_by("code")
    return render(
        request,
        "publication/home.html",
        {"departments": departments, "head": chain_head(), "checkpoint": latest_checkpoint()},
    )


def audit_anchor(request):
    key = signing_key()
    return render(
        request,
        "publication/audit_anchor.html",
        {
            "head": chain_head(),
            "checkpoint": latest_checkpoint(),
            "public_key": public_key_text(key.public_key()) if key else "",
            "signed_bytes": SIGNED_BYTES_DESCRIPTION,
        },
    )
