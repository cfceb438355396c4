from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.audit import chain_head
from accounts.exports import audit_event_export_response
from accounts.forms import (
    AccountForm,
    AuditFilterForm,
    DepartmentForm,
    FreezeForm,
    LoginForm,
    ReissueForm,
)
from accounts.logins import client_address
from accounts.permissions import (
    access_account_for_user,
    access_department_for_user,
    can_manage_account,
)
from accounts.roles import is_account_manager, is_office_admin, office_only, refuse_page_unless
from accounts.selectors import (
    account_list_for_department,
    audit_event_list,
    department_list_visible_to,
)
from platform_site.lists import list_page
from platform_site.web import errors_to_messages, service_to_messages


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_record_success(account=form.get_user(), address=client_address(self.request))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.account_change_password(
            account=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, account)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def department_list(request):
    user = request.user
    refuse_page_unless(is_account_manager, user)
    if not is_office_admin(user):
        return redirect("accounts:department_detail", department_id=user.department_id)
    return render(
        request, "accounts/department_list.html", {"departments": department_list_visible_to(user)}
    )


@login_required
@office_only
@require_http_methods(["GET", "POST"])
def department_create(request):
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已创建部门：%(name)s") % {"name": department.name})
            return redirect("accounts:department_detail", department_id=department.pk)
    return render(request, "accounts/department_form.html", {"form": form})


@login_required
def department_detail(request, department_id: int):
    department = access_department_for_user(request.user, department_id, manage=True)
    return render(
        request,
        "accounts/department_detail.html",
        {"department": department, "accounts": account_list_for_department(department)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def account_create(request, department_id: int):
    department = access_department_for_user(request.user, department_id, manage=True)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account, password = services.account_create(
                created_by=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as error:
            form.add_error("roles", str(error))
        else:
            return render(
                request, "accounts/account_issued.html", {"account": account, "password": password}
            )
    return render(request, "accounts/account_form.html", {"form": form, "department": department})


@login_required
def account_detail(request, account_id: int):
    account = access_account_for_user(request.user, account_id)
    history = audit_event_list().filter(target_type="accounts.user", target_id=str(account.pk))[:50]
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "can_manage": can_manage_account(request.user, account),
            "freeze_form": FreezeForm(),
            "reissue_form": ReissueForm(),
            "history": history,
        },
    )


@login_required
@require_POST
def account_freeze(request, account_id: int):
    account = access_account_for_user(request.user, account_id, manage=True)
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            services.account_freeze(account=account, frozen_by=request.user, **form.cleaned_data)
            messages.success(request, _("账户已冻结。"))
        except (ValidationError, PermissionDenied) as error:
            errors_to_messages(request, error)
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
def account_unfreeze(request, account_id: int):
    account = access_account_for_user(request.user, account_id, manage=True)
    service_to_messages(
        request,
        services.account_unfreeze,
        _("账户已解冻。"),
        account=account,
        unfrozen_by=request.user,
    )
    return redirect("accounts:account_detail", account_id=account.pk)


@login_required
@require_POST
@never_cache
def account_reissue(request, account_id: int):
    account = access_account_for_user(request.user, account_id, manage=True)
    form = ReissueForm(request.POST)
    form.is_valid()
    try:
        new_account, password = services.account_reissue(
            account=account, reissued_by=request.user, note=form.cleaned_data.get("note", "")
        )
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
        return redirect("accounts:account_detail", account_id=account.pk)
    return render(
        request,
        "accounts/account_issued.html",
        {"account": new_account, "password": password, "reissued_from": account},
    )


@login_required
@require_POST
@never_cache
def account_reset_password(request, account_id: int):
    account = access_account_for_user(request.user, account_id, manage=True)
    try:
        account, password = services.account_reset_password(account=account, reset_by=request.user)
    except PermissionDenied as error:
        errors_to_messages(request, error)
        return redirect("accounts:account_detail", account_id=account.pk)
    return render(
        request, "accounts/account_issued.html", {"account": account, "password": password}
    )


@login_required
@office_only
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # the form says what is wrong; no list that looks filtered but is not
        events = audit_event_list().none()
    else:
        filters = form.cleaned_data if form.is_bound else {}
        events = audit_event_list(**{key: value for key, value in filters.items() if value})
    return list_page(
        request,
        rows=events,
        template="accounts/audit_list.html",
        context={"form": form, "head": chain_head()},
        export=audit_event_export_response,
        export_formats=("csv",),
    )
