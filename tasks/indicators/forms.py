from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import OtherInspection


class TargetsForm(forms.Form):
    """One percentage field per indicator (shown and stored as basis points)."""

    def __init__(self, *args, definitions=(), targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = targets or {}
        for definition in definitions:
            self.fields[definition.key] = forms.DecimalField(
                label=definition.label,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=targets.get(definition.key, definition.target_bp) / 100,
                help_text=_("百分比"),
            )


class OtherInspectionForm(forms.ModelForm):
    class Meta:
        model = OtherInspection
        fields = ["kind", "inspected_on", "object_name", "object_code", "reference"]
        widgets = {"inspected_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        # the empty choice in words, not "---------"
        kind.choices = [("", _("（请选择）")), *[c for c in kind.choices if c[0] != ""]]  # type: ignore[attr-defined]


class OtherInspectionImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 或 XLSX 文件"))
