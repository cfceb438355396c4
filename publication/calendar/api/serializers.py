from rest_framework import serializers

from accounts.models import User
from publication.calendar import MAX_WORKING_DAYS
from publication.models import MAX_YEAR, MIN_YEAR, CalendarDay, CalendarDayKind, CalendarYear


class YearCoverageOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
    has_official_data = serializers.BooleanField()
    holiday_count = serializers.IntegerField()
    makeup_workday_count = serializers.IntegerField()
    confirmed_by = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class CalendarDayOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "source", "updated_at"]


class CalendarYearOutputSerializer(serializers.ModelSerializer):
    confirmed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    has_official_data = serializers.BooleanField(read_only=True)

    class Meta:
        model = CalendarYear
        fields = [
            "year",
            "status",
            "has_official_data",
            "source",
            "confirmed_by",
            "confirmed_at",
            "note",
        ]


class YearQueryInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)


class DayListOutputSerializer(serializers.Serializer):
    year = YearCoverageOutputSerializer()
    days = CalendarDayOutputSerializer(many=True)


class AddInputSerializer(serializers.Serializer):
    start = serializers.DateField()
    n = serializers.IntegerField(min_value=0, max_value=MAX_WORKING_DAYS)


class AddOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    n = serializers.IntegerField()
    date = serializers.DateField()
    fallback_years = serializers.ListField(child=serializers.IntegerField())


class BetweenInputSerializer(serializers.Serializer):
    a = serializers.DateField()
    b = serializers.DateField()


class BetweenOutputSerializer(serializers.Serializer):
    a = serializers.DateField()
    b = serializers.DateField()
    count = serializers.IntegerField()
    fallback_years = serializers.ListField(child=serializers.IntegerField())


class DaySetInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=CalendarDayKind.choices)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DayClearInputSerializer(serializers.Serializer):
    date = serializers.DateField()


class YearImportInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="One day per line: YYYY-MM-DD,holiday|workday|休|班,名称", trim_whitespace=False
    )
    dry_run = serializers.BooleanField(required=False, default=False)
    expected_digest = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ImportChangeOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    action = serializers.CharField()
    before_kind = serializers.CharField()
    before_name = serializers.CharField()
    after_kind = serializers.CharField()
    after_name = serializers.CharField()
    working_changed = serializers.BooleanField()


class ImportPreviewOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    digest = serializers.CharField()
    holiday_count = serializers.IntegerField()
    makeup_workday_count = serializers.IntegerField()
    unchanged_count = serializers.IntegerField()
    changes = ImportChangeOutputSerializer(many=True)
    current = YearCoverageOutputSerializer()


class YearStatusInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
