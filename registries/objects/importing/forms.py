from django import forms
from django.utils.translation import gettext_lazy as _

from registries.objects.importing.models import DuplicatePolicy, ImportMode, ImportStatus


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        help_text=_(
            "CSV（UTF-8 或 GBK 编码）、XLSX 或旧版 XLS，第一行为表头，最多 1,000,000 行，最大 512 MB。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,text/csv"}),
    )
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID_ROWS,
        widget=forms.RadioSelect,
    )
    duplicate_policy = forms.ChoiceField(
        label=_("已在名录库中的对象（编码相同）"),
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.UPDATE,
        widget=forms.RadioSelect,
    )


class ImportJobFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ImportStatus.choices], required=False
    )
    q = forms.CharField(label=_("文件名"), required=False)
