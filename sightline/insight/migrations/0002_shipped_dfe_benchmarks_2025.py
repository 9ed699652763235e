"""Load the benchmark figures Sightline ships: England's children's social care indicators
for the year ending 31 March 2025 with an example authority and its statistical neighbours'
median (sightline/insight/data/dfe-benchmarks-2025.csv; DfE children in need census
statistics and children's social work workforce, ONS mid-2024 population)."""

from django.db import migrations
from django.utils import timezone

from sightline.insight.benchmarks import SHIPPED, benchmarks_read


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Benchmark = apps.get_model("insight", "Benchmark")
    now = timezone.now()
    for figure in benchmarks_read(SHIPPED.read_text(encoding="utf-8")):
        Benchmark.objects.update_or_create(
            indicator=figure.indicator,
            area=figure.area,
            year_ending=figure.year_ending,
            defaults={
                "area_name": figure.area_name,
                "value": figure.value,
                "unit": figure.unit,
                "formula": figure.formula,
                "source": figure.source,
                "loaded_at": now,
            },
        )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("insight", "Benchmark").objects.filter(year_ending=2025).delete()


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_child_population_and_benchmarks")]
    operations = [migrations.RunPython(load, unload)]
