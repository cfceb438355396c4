from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from printing.kinds import all_kinds, get_kind
from printing.models import PrintedDocument

PARAM_FIELDS = ("draw", "task", "drawn_object", "matter", "year", "number")


class DocumentRequestInputSerializer(serializers.Serializer):
    """The kind and the parameters that identify its subject; each kind names the ones it needs
    (draw record: draw; notice, on-site record, rectification notice: drawn_object and for the
    record an optional matter; all notices of a task: task; blank matter form: matter; plan:
    year and number)."""

    kind = serializers.ChoiceField(choices=[])
    draw = serializers.IntegerField(required=False, min_value=1, help_text="抽取 ID")
    task = serializers.IntegerField(required=False, min_value=1, help_text="任务 ID")
    drawn_object = serializers.IntegerField(required=False, min_value=1, help_text="抽中对象 ID")
    matter = serializers.IntegerField(required=False, min_value=1, help_text="抽查事项 ID")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    number = serializers.IntegerField(required=False, min_value=1, help_text="计划版本号")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.name, kind.label) for kind in all_kinds()]

    def validate(self, attrs):
        kind = get_kind(attrs["kind"])
        missing = {
            name: _("该类文书需要此参数。")
            for name in kind.params
            if name not in kind.optional_params and attrs.get(name) is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        extra = {
            name: _("该类文书不接受此参数。")
            for name in PARAM_FIELDS
            if name not in kind.params and attrs.get(name) is not None
        }
        if extra:
            raise serializers.ValidationError(extra)
        return attrs


class DocumentOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    progress_percent = serializers.IntegerField()
    file_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    params = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = PrintedDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "params",
            "status",
            "status_label",
            "progress_done",
            "progress_total",
            "progress_percent",
            "page_count",
            "file_size",
            "requested_at",
            "rendered_at",
            "failure_reason",
            "file_url",
            "page_url",
        ]

    def get_kind_label(self, document: PrintedDocument) -> str:
        return get_kind(document.kind).label

    def get_file_url(self, document: PrintedDocument) -> str | None:
        if not document.is_ready:
            return None
        return reverse("printing_api:document_file", args=[document.pk])

    def get_page_url(self, document: PrintedDocument) -> str:
        return get_kind(document.kind).url(document.params)
