"""Plan notifications move to the one inbox (accounts.Notification), rows and all."""

from django.db import migrations


def copy_to_inbox(apps, schema_editor):
    Old = apps.get_model("plans", "Notification")
    New = apps.get_model("accounts", "Notification")
    rows = [
        New(
            recipient_id=old.recipient_id,
            kind="plans.notice",
            severity="info",
            title=old.title,
            body=old.body,
            url=old.url,
            created_at=old.created_at,
            read_at=old.read_at,
            emailed_at=old.emailed_at,
        )
        for old in Old.objects.order_by("pk").iterator()
    ]
    New.objects.bulk_create(rows, batch_size=1000)


def copy_back(apps, schema_editor):
    Old = apps.get_model("plans", "Notification")
    New = apps.get_model("accounts", "Notification")
    Old.objects.bulk_create(
        [
            Old(
                recipient_id=new.recipient_id,
                title=new.title,
                body=new.body,
                url=new.url,
                created_at=new.created_at,
                read_at=new.read_at,
                emailed_at=new.emailed_at,
            )
            for new in New.objects.filter(kind__startswith="plans.").order_by("pk").iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0001_initial"),
        ("accounts", "0006_inbox_and_liaison"),
    ]

    operations = [
        migrations.RunPython(copy_to_inbox, copy_back),
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
