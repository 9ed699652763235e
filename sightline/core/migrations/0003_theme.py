from django.db import migrations, models

THEMES = [
    ("information-sharing", "Information sharing"),
    ("domestic-abuse", "Domestic abuse"),
    ("neglect", "Neglect"),
    ("supervision", "Supervision and management oversight"),
    ("cultural-competency", "Cultural competency"),
    ("injuries-in-babies", "Injuries in non-mobile babies"),
    ("voice-of-the-child", "Voice of the child"),
    ("think-family", "Think Family and household changes"),
    ("was-not-brought", "Was not brought"),
    ("exploitation", "Child exploitation"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("core", "Theme")
    for code, name in THEMES:
        Theme.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]
    operations = [
        migrations.CreateModel(
            name="Theme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=60, unique=True)),
                ("name", models.CharField(max_length=120, unique=True)),
                ("description", models.TextField(blank=True)),
                ("active", models.BooleanField(default=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.RunPython(add_themes, migrations.RunPython.noop),
    ]
