from django.shortcuts import render

from accounts.audit import chain_head
from accounts.checkpoints import (
    SIGNED_BYTES_DESCRIPTION,
    latest_checkpoint,
    public_key_text,
    signing_key,
)
from accounts.models import Department
from publication.pagecache import live_audit_head, public_page


@public_page
def home(request):
    """The citizens' home page: no account needed, only published information."""
    departments = Department.objects.filter(kind="department", is_active=True).order_by("code")
    head_hash, head_seq = live_audit_head(request)
    return render(
        request,
        "publication/home.html",
        {
            "departments": departments,
            "head_hash": head_hash,
            "head_seq": head_seq,
            "checkpoint": latest_checkpoint(),
        },
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
