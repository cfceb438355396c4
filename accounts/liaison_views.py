"""Pages of the liaison system: designating a department's liaison, the office's contact directory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.liaisons import contact_directory, department_set_liaison, liaison_candidates
from accounts.models import Department, User
from accounts.permissions import access_department_for_user


class LiaisonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name}（{obj.username}）"


class LiaisonForm(forms.Form):
    liaison = LiaisonChoiceField(
        label=gettext_lazy("联络员"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（不指定）"),
        help_text=gettext_lazy(
            "只能从本部门具有“联络员”角色的有效账户中选择。变更后联席办会收到通知。"
        ),
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["liaison"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = liaison_candidates(department)


@login_required
@require_http_methods(["GET", "POST"])
def department_liaison(request, department_id: int):
    department = access_department_for_user(request.user, department_id, manage=True)
    form = LiaisonForm(
        request.POST or None, department=department, initial={"liaison": department.liaison_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            department_set_liaison(
                department=department, liaison=form.cleaned_data["liaison"], set_by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已更新联络员。"))
            return redirect("accounts:department_detail", department.pk)
    return render(
        request, "accounts/department_liaison.html", {"department": department, "form": form}
    )


@login_required
def contact_directory_view(request):
    if not request.user.is_office_admin:
        raise Http404
    return render(request, "accounts/contact_directory.html", {"directory": contact_directory()})
