"""The public site's tables, folded into the publication app (they were the nested app
`publicsite`, label of `publication.site`, migrations publicsite 0001-0003).

The state creates the three models; the database operation adopts the tables of a database
migrated with the old app (renames publicsite_* to publication_*, rows, indexes and constraints
kept: the constraint and index names were explicit, so they do not change) or, on a fresh
database, creates them. Either way it makes the search's bigram function and GIN index
(`public_name_bigrams`, `publicresult_name_bigrams`), which are not in the model state.
The old app's rows in django_migrations are left alone (harmless)."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import publication.site.models
import tasks.inspections.storage
from django.conf import settings
from django.db import migrations, models


# Model name -> the table the old `publicsite` app gave it, in creation order (foreign keys).
OLD_TABLES = {
    "PublicResult": "publicsite_publicresult",
    "Objection": "publicsite_objection",
    "ObjectionAttachment": "publicsite_objectionattachment",
}

BIGRAMS_FUNCTION = """
CREATE FUNCTION public_name_bigrams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT substr(name, i, 2)), '{}')
    FROM generate_series(1, greatest(char_length(name) - 1, 0)) AS i
$$;
"""
# Search by two characters (华为, 食品): a trigram index cannot serve them (no trigram in two
# characters), so a GIN index on the current names' two-character pieces does.
BIGRAMS_INDEX = (
    "CREATE INDEX publicresult_name_bigrams ON publication_publicresult "
    "USING gin (public_name_bigrams(enterprise_name)) WHERE is_current"
)


def adopt_or_create_tables(apps, schema_editor):
    """Rename the old app's tables where they exist, else create the new ones."""
    existing = set(schema_editor.connection.introspection.table_names())
    for name, old_table in OLD_TABLES.items():
        model = apps.get_model("publication", name)
        if model._meta.db_table in existing:
            continue
        if old_table in existing:
            schema_editor.alter_db_table(model, old_table, model._meta.db_table)
        else:
            schema_editor.create_model(model)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regprocedure('public_name_bigrams(text)') IS NOT NULL, "
            "to_regclass('publicresult_name_bigrams') IS NOT NULL"
        )
        has_function, has_index = cursor.fetchone()
    if not has_function:
        schema_editor.execute(BIGRAMS_FUNCTION)
    if not has_index:
        schema_editor.execute(BIGRAMS_INDEX)


def drop_tables(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS publicresult_name_bigrams")
    for name in reversed(OLD_TABLES):
        schema_editor.delete_model(apps.get_model("publication", name))
    schema_editor.execute("DROP FUNCTION IF EXISTS public_name_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_inbox_and_liaison"),
        ("publication", "0004_publication"),
        ("registries", "0008_object_code_collate_c"),
        ("tasks", "0005_inspection_archive"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Objection",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(
                                default=publication.site.models._reference,
                                max_length=24,
                                unique=True,
                                verbose_name="受理编号",
                            ),
                        ),
                        (
                            "credit_code",
                            models.CharField(max_length=18, verbose_name="统一社会信用代码"),
                        ),
                        ("contact_name", models.CharField(max_length=50, verbose_name="联系人")),
                        ("contact_phone", models.CharField(max_length=30, verbose_name="联系电话")),
                        (
                            "contact_email",
                            models.EmailField(blank=True, max_length=254, verbose_name="电子邮箱"),
                        ),
                        ("reason", models.TextField(verbose_name="异议理由")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "已受理，待部门处理"),
                                    ("upheld", "异议成立，结果更正中"),
                                    ("corrected", "已公示更正结果"),
                                    ("rejected", "异议不成立"),
                                ],
                                default="received",
                                max_length=12,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "filed_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="提交时间"
                            ),
                        ),
                        ("decision", models.TextField(blank=True, verbose_name="处理意见")),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="处理时间"),
                        ),
                        (
                            "corrected_version",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="更正后的版本"
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="处理人",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.department",
                                verbose_name="处理部门",
                            ),
                        ),
                        (
                            "result",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="objections",
                                to="tasks.inspectionresult",
                                verbose_name="检查结果",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "异议",
                        "verbose_name_plural": "异议",
                        "ordering": ["-filed_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ObjectionAttachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=200,
                                storage=tasks.inspections.storage.attachment_storage,
                                upload_to=tasks.inspections.storage.attachment_upload_to,
                                verbose_name="文件",
                            ),
                        ),
                        (
                            "original_name",
                            models.CharField(max_length=200, verbose_name="原文件名"),
                        ),
                        ("content_type", models.CharField(max_length=40, verbose_name="文件类型")),
                        ("size", models.PositiveIntegerField(verbose_name="大小（字节）")),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        (
                            "uploaded_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="上传时间"
                            ),
                        ),
                        (
                            "objection",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="attachments",
                                to="publication.objection",
                                verbose_name="异议",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "异议附件",
                        "verbose_name_plural": "异议附件",
                        "ordering": ["pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PublicResult",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(verbose_name="版本")),
                        (
                            "is_current",
                            models.BooleanField(default=True, verbose_name="现行公示版本"),
                        ),
                        ("task_code", models.CharField(max_length=32, verbose_name="任务编号")),
                        ("task_title", models.CharField(max_length=200, verbose_name="任务名称")),
                        (
                            "plan_year",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="计划年度"
                            ),
                        ),
                        (
                            "plan_title",
                            models.CharField(blank=True, max_length=200, verbose_name="计划事项"),
                        ),
                        ("departments", models.CharField(max_length=500, verbose_name="检查部门")),
                        (
                            "is_directed",
                            models.BooleanField(default=False, verbose_name="定向抽查"),
                        ),
                        (
                            "is_joint",
                            models.BooleanField(default=False, verbose_name="部门联合抽查"),
                        ),
                        (
                            "completed_on",
                            models.DateField(blank=True, null=True, verbose_name="检查完成日期"),
                        ),
                        ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                        ("month", models.PositiveSmallIntegerField(verbose_name="月份")),
                        (
                            "categories",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(
                                    choices=[
                                        ("no_problem", "未发现问题"),
                                        ("not_publicised", "未按规定公示应当公示的信息"),
                                        ("false_information", "公示信息隐瞒真实情况、弄虚作假"),
                                        ("unreachable", "通过登记的住所（经营场所）无法联系"),
                                        ("rectified", "发现问题已责令改正"),
                                        ("pending_follow_up", "发现问题待后续处理"),
                                        ("no_activity", "未发现开展本次抽查涉及的经营活动"),
                                        ("closed", "已关闭停业或正在组织清算"),
                                        ("uncooperative", "不配合检查情节严重"),
                                        ("deregistered", "检查对象已注销"),
                                        ("licence_revoked", "检查对象被吊销"),
                                        ("registration_cancelled", "检查对象被撤销"),
                                        ("moved_out", "检查对象已迁出"),
                                    ],
                                    max_length=30,
                                ),
                                default=list,
                                size=None,
                                verbose_name="检查结果",
                            ),
                        ),
                        ("result_text", models.CharField(max_length=500, verbose_name="检查结果")),
                        ("remarks", models.TextField(blank=True, verbose_name="备注")),
                        (
                            "correction_reason",
                            models.TextField(blank=True, verbose_name="更正原因"),
                        ),
                        (
                            "enterprise_name",
                            models.CharField(max_length=200, verbose_name="企业名称"),
                        ),
                        (
                            "credit_code",
                            models.CharField(max_length=18, verbose_name="统一社会信用代码"),
                        ),
                        (
                            "registering_authority",
                            models.CharField(blank=True, max_length=100, verbose_name="登记机关"),
                        ),
                        ("published_at", models.DateTimeField(verbose_name="公示时间")),
                        (
                            "superseded_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="被更正时间"),
                        ),
                        (
                            "inspection_object",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="registries.inspectionobject",
                                verbose_name="检查对象",
                            ),
                        ),
                        (
                            "lead_department",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.department",
                                verbose_name="牵头部门",
                            ),
                        ),
                        (
                            "result",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="public_versions",
                                to="tasks.inspectionresult",
                                verbose_name="检查结果",
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="tasks.task",
                                verbose_name="任务",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "公示的检查结果",
                        "verbose_name_plural": "公示的检查结果",
                        "ordering": ["-published_at", "-pk"],
                    },
                ),
                migrations.AddField(
                    model_name="objection",
                    name="public_result",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="publication.publicresult",
                        verbose_name="异议的公示结果",
                    ),
                ),
                migrations.AddIndex(
                    model_name="publicresult",
                    index=models.Index(fields=["credit_code"], name="publicresult_code_idx"),
                ),
                migrations.AddIndex(
                    model_name="publicresult",
                    index=models.Index(
                        condition=models.Q(("is_current", True)),
                        fields=["year", "month", "-published_at", "-id"],
                        name="publicresult_period_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="publicresult",
                    index=models.Index(
                        condition=models.Q(("is_current", True)),
                        fields=["-published_at", "-id"],
                        name="publicresult_published_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="publicresult",
                    index=models.Index(fields=["task"], name="publicresult_task_idx"),
                ),
                migrations.AddIndex(
                    model_name="publicresult",
                    index=models.Index(
                        fields=["inspection_object"], name="publicresult_object_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="publicresult",
                    constraint=models.UniqueConstraint(
                        fields=("result", "version"), name="publicresult_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="publicresult",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("is_current", True)),
                        fields=("result",),
                        name="publicresult_one_current",
                    ),
                ),
                migrations.AddIndex(
                    model_name="objection",
                    index=models.Index(fields=["department", "status"], name="objection_dept_idx"),
                ),
                migrations.AddConstraint(
                    model_name="objection",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["received", "upheld", "corrected", "rejected"])
                        ),
                        name="objection_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="objection",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status", "received"),
                            models.Q(("decision", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="objection_decided_has_reason",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_or_create_tables, drop_tables),
    ]
