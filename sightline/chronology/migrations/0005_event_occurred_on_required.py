"""Every event has its UK date (filled in by 0004, in its own transaction)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("chronology", "0004_event_occurred_on_has_time"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="occurred_on",
            field=models.DateField(),
        ),
    ]
