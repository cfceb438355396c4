"""Working-day deadlines: the rules per kind (with their defaults), the deadlines, and the working-
day index the set-based computation joins (built on first use by publication.deadlines.workdays,
and rebuilt whenever the calendar changes)."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


RULES = {
    "result_entry": {"working_days": 20, "due_soon_working_days": 5, "remind_every_working_days": 0},
    "drawn_list_publication": {"working_days": 5, "due_soon_working_days": 2, "remind_every_working_days": 0},
    "joint_review": {"working_days": 3, "due_soon_working_days": 2, "remind_every_working_days": 1},
    "rectification": {"working_days": 15, "due_soon_working_days": 3, "remind_every_working_days": 0},
}


def create_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("publication", "DeadlineRule")
    for kind, values in RULES.items():
        DeadlineRule.objects.get_or_create(kind=kind, defaults=values)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_inbox_and_liaison'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('publication', '0002_seed_chinesecalendar'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarIndexYear',
            fields=[
                ('year', models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ('digest', models.CharField(max_length=32)),
                ('built_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name='CalendarWorkday',
            fields=[
                ('day', models.DateField(primary_key=True, serialize=False, verbose_name='日期')),
                ('is_working', models.BooleanField(verbose_name='工作日')),
                ('working_ordinal', models.IntegerField(verbose_name='工作日序号')),
                ('fallback_days', models.IntegerField(verbose_name='无官方数据天数累计')),
            ],
            options={
                'verbose_name': '工作日索引',
                'verbose_name_plural': '工作日索引',
                'indexes': [models.Index(condition=models.Q(('is_working', True)), fields=['working_ordinal'], name='calendar_workday_ordinal_idx')],
            },
        ),
        migrations.CreateModel(
            name='Deadline',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('result_entry', '检查结果录入'), ('drawn_list_publication', '抽查名单公示'), ('joint_review', '会审答复'), ('rectification', '责令整改')], max_length=32, verbose_name='类型')),
                ('subject_id', models.PositiveBigIntegerField(verbose_name='对象标识')),
                ('title', models.CharField(max_length=200, verbose_name='事项')),
                ('url', models.CharField(blank=True, max_length=300, verbose_name='链接')),
                ('start_date', models.DateField(verbose_name='起算日')),
                ('working_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='工作日数')),
                ('fixed_due_date', models.DateField(blank=True, null=True, verbose_name='指定截止日')),
                ('due_date', models.DateField(verbose_name='截止日')),
                ('due_soon_from', models.DateField(verbose_name='临近提醒起始日')),
                ('uses_fallback', models.BooleanField(default=False, verbose_name='含无官方数据年份')),
                ('state', models.CharField(choices=[('open', '进行中'), ('due_soon', '临近期限'), ('overdue', '已逾期'), ('met', '按期完成'), ('late', '逾期完成'), ('cancelled', '已撤销')], default='open', max_length=12, verbose_name='状态')),
                ('is_open', models.BooleanField(default=True, editable=False, verbose_name='进行中')),
                ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='开始时间')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='完成日期')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='关闭时间')),
                ('close_note', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('notified_level', models.CharField(blank=True, max_length=8, verbose_name='已提醒级别')),
                ('last_notified_on', models.DateField(blank=True, null=True, verbose_name='最近提醒日')),
                ('reminder_count', models.PositiveIntegerField(default=0, verbose_name='提醒次数')),
                ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='上报时间')),
                ('closed_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='关闭人')),
                ('department', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='deadlines', to='accounts.department', verbose_name='责任部门')),
                ('opened_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='开始人')),
                ('responsible', models.ManyToManyField(blank=True, related_name='responsible_deadlines', to=settings.AUTH_USER_MODEL, verbose_name='责任人')),
                ('subject_type', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype', verbose_name='对象类型')),
            ],
            options={
                'verbose_name': '期限',
                'verbose_name_plural': '期限',
                'ordering': ['due_date', 'pk'],
                'indexes': [models.Index(condition=models.Q(('is_open', True)), fields=['due_date'], name='deadline_open_due_idx'), models.Index(fields=['department', 'due_date'], name='deadline_dept_idx'), models.Index(fields=['subject_type', 'subject_id'], name='deadline_subject_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_open', True)), fields=('kind', 'subject_type', 'subject_id'), name='deadline_one_open_per_subject'), models.CheckConstraint(condition=models.Q(('kind__in', ['result_entry', 'drawn_list_publication', 'joint_review', 'rectification'])), name='deadline_kind_valid'), models.CheckConstraint(condition=models.Q(('state__in', ['open', 'due_soon', 'overdue', 'met', 'late', 'cancelled'])), name='deadline_state_valid'), models.CheckConstraint(condition=models.Q(models.Q(('fixed_due_date__isnull', False), ('working_days__isnull', True)), models.Q(('fixed_due_date__isnull', True), ('working_days__isnull', False)), _connector='OR'), name='deadline_working_days_or_fixed_date'), models.CheckConstraint(condition=models.Q(('due_date__gte', models.F('start_date'))), name='deadline_due_after_start'), models.CheckConstraint(condition=models.Q(('state__in', ('open', 'due_soon', 'overdue')), ('closed_at__isnull', False), _connector='OR'), name='deadline_closed_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('is_open', True), ('state__in', ('open', 'due_soon', 'overdue'))), models.Q(('is_open', False), models.Q(('state__in', ('open', 'due_soon', 'overdue')), _negated=True)), _connector='OR'), name='deadline_is_open_matches_state')],
            },
        ),
        migrations.CreateModel(
            name='DeadlineRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('result_entry', '检查结果录入'), ('drawn_list_publication', '抽查名单公示'), ('joint_review', '会审答复'), ('rectification', '责令整改')], max_length=32, unique=True, verbose_name='类型')),
                ('working_days', models.PositiveSmallIntegerField(help_text='未另行规定时，自起算日次日起计算的工作日数。', verbose_name='期限（工作日）')),
                ('due_soon_working_days', models.PositiveSmallIntegerField(default=3, help_text='剩余工作日不超过此数时显示黄牌并提醒。', verbose_name='临近提醒（工作日）')),
                ('remind_every_working_days', models.PositiveSmallIntegerField(default=0, help_text='0 表示黄牌、红牌各提醒一次。', verbose_name='重复提醒间隔（工作日）')),
                ('escalate_overdue', models.BooleanField(default=True, help_text='逾期后通知部门系统管理员和联席办。', verbose_name='逾期上报')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='最后修改时间')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '期限规则',
                'verbose_name_plural': '期限规则',
                'ordering': ['kind'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['result_entry', 'drawn_list_publication', 'joint_review', 'rectification'])), name='deadline_rule_kind_valid'), models.CheckConstraint(condition=models.Q(('working_days__gte', 1), ('working_days__lte', 250)), name='deadline_rule_working_days_range')],
            },
        ),
        # Room on every page for the sweep's in-place (HOT) updates of the states.
        migrations.RunSQL(
            "ALTER TABLE publication_deadline SET (fillfactor = 70)",
            "ALTER TABLE publication_deadline RESET (fillfactor)",
        ),
        migrations.RunPython(create_rules, migrations.RunPython.noop),
    ]
