"""The one inbox (accounts.Notification) and each department's designated liaison.

Data: a department with liaison-role accounts gets its oldest active one as its designated liaison
(until now any liaison-role account received department-level notices); the department can change
it. plans.0002 moves the existing plan notifications here.
"""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def designate_first_liaison(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    User = apps.get_model("accounts", "User")
    for department in Department.objects.filter(liaison__isnull=True, kind="department"):
        liaison = (
            User.objects.filter(department=department, is_active=True, roles__contains=["liaison"])
            .order_by("pk")
            .first()
        )
        if liaison is not None:
            department.liaison = liaison
            department.liaison_since = django.utils.timezone.now()
            department.save(update_fields=["liaison", "liaison_since"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_login_lockout_in_redis'),
    ]

    operations = [
        migrations.AddField(
            model_name='department',
            name='liaison',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='联络员'),
        ),
        migrations.AddField(
            model_name='department',
            name='liaison_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='联络员指定时间'),
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(help_text='发出通知的功能，例如 plans.year_open', max_length=64, verbose_name='类别')),
                ('severity', models.CharField(choices=[('info', '通知'), ('yellow', '临近期限'), ('red', '已逾期')], default='info', max_length=8, verbose_name='紧急程度')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('body', models.TextField(blank=True, verbose_name='内容')),
                ('url', models.CharField(blank=True, max_length=300, verbose_name='链接')),
                ('dedupe_key', models.CharField(blank=True, max_length=200, verbose_name='去重键')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='邮件处理时间')),
                ('email_to', models.CharField(blank=True, help_text='空：接收人没有邮箱，未发送', max_length=254, verbose_name='邮件地址')),
                ('department', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.department', verbose_name='相关部门')),
                ('recipient', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='接收人')),
            ],
            options={
                'verbose_name': '通知',
                'verbose_name_plural': '通知',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient', '-created_at'], name='notification_unread_idx'), models.Index(fields=['recipient', '-created_at'], name='notification_inbox_idx'), models.Index(condition=models.Q(('emailed_at__isnull', True)), fields=['created_at'], name='notification_unmailed_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('dedupe_key', ''), _negated=True), fields=('recipient', 'dedupe_key'), name='notification_once_per_key'), models.CheckConstraint(condition=models.Q(('severity__in', ['info', 'yellow', 'red'])), name='notification_severity_valid')],
            },
        ),
        migrations.RunPython(designate_first_liaison, migrations.RunPython.noop),
    ]
