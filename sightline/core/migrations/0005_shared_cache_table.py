"""The database cache's table, for rate limits and sign-in failure counts when no Redis is
configured (settings.CACHES). `createcachetable` makes only the tables that are missing."""

from django.core.management import call_command
from django.db import migrations


def make_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notification_claim")]

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop)]
