from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import DepartmentKind, FreezeReason, Role
from accounts.models import User
from accounts.templatetags.audit import action_choices


class LoginForm(AuthenticationForm):
    """One message for a wrong user name and a wrong password; the lock-out message is the same
    whether or not the account exists (accounts.logins counts names that do not exist too)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。连续失败多次后账户将被暂时锁定。"),
        "locked": _("登录失败次数过多，已暂时锁定，请于 %(until)s 后再试，或联系部门系统管理员。"),
        "frozen": _("该账户已冻结，请联系部门系统管理员。"),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            refusal = getattr(self.request, "login_refusal", None)
            if refusal is not None:
                until = timezone.localtime(refusal.until).strftime("%H:%M")
                raise ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": until}
                ) from None
            # Only the holder of the right password learns that the account is frozen; the check
            # repeats the one the backend just made inside this reserved attempt.
            username = self.cleaned_data.get("username")
            account = User.objects.filter(username=username).first() if username else None
            if (
                account is not None
                and not account.is_active
                and account.check_password(self.cleaned_data.get("password") or "")
            ):
                raise ValidationError(self.error_messages["frozen"], code="frozen") from None
            raise


class DepartmentForm(forms.Form):
    code = forms.CharField(
        label=_("部门代码"), max_length=16, help_text=_("大写字母和数字，例如 SAMR")
    )
    name = forms.CharField(label=_("部门名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False)
    kind = forms.ChoiceField(
        label=_("类型"), choices=DepartmentKind.choices, initial=DepartmentKind.DEPARTMENT
    )


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )


class FreezeForm(forms.Form):
    reason = forms.ChoiceField(label=_("冻结原因"), choices=FreezeReason.choices)
    note = forms.CharField(label=_("说明"), max_length=150, required=False)


class ReissueForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=150, required=False)


class AuditFilterForm(forms.Form):
    # the readable labels the log shows; a code nobody named is refused with a clear error
    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        choices=action_choices,
        error_messages={"invalid_choice": _("没有这种操作，请从列表中选择。")},
    )
    actor = forms.CharField(label=_("操作人"), required=False)
    target = forms.CharField(label=_("对象"), required=False)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
