from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from platform_site.uploads import CALENDAR_IMPORT_MAX_BYTES, UploadError, decode_text
from publication.models import MAX_YEAR, MIN_YEAR, CalendarDayKind, CalendarYearStatus

MAX_IMPORT_FILE_BYTES = CALENDAR_IMPORT_MAX_BYTES


class DateInput(forms.DateInput):
    input_type = "date"


class CalendarYearChoiceForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    kind = forms.ChoiceField(label=_("类型"), choices=CalendarDayKind.choices)
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        required=False,
        help_text=_("例如：国庆节；调休上班日可写“国庆节调休”。"),
    )


class CalendarDayClearForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput)


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    text = forms.CharField(
        label=_("安排（每行一天）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_(
            "每行：日期,类型,名称。类型为 holiday（休）或 workday（班），"
            "例如 2026-10-01,休,国庆节；2026-10-10,班,国庆节调休。"
            "可用逗号或制表符分隔，# 开头的行为注释。"
        ),
    )
    file = forms.FileField(
        label=_("或上传 CSV/TSV 文件"), required=False, help_text=_("UTF-8 编码，最大 64 KB。")
    )
    note = forms.CharField(
        label=_("依据"),
        max_length=200,
        required=False,
        help_text=_("国务院办公厅通知的名称或文号，记入审计日志。"),
    )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_FILE_BYTES:
                raise ValidationError(_("文件过大，最大 64 KB。"))
            try:
                cleaned["text"] = decode_text(upload.read())
            except UploadError as error:
                raise ValidationError(str(error)) from None
        if not (cleaned.get("text") or "").strip():
            raise ValidationError(_("请粘贴安排或上传文件。"))
        return cleaned


class CalendarImportConfirmForm(forms.Form):
    """The second step: exactly what was previewed, plus the fingerprint of the year at preview."""

    year = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput)
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
    note = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)


class CalendarYearStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("将该年度标记为"), choices=CalendarYearStatus.choices)
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("标记为官方安排时必填：确认依据，例如通知文号。"),
    )
