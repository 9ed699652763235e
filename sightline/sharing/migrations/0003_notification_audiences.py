"""Today's rule catalogue audiences (comma-separated tokens) as rows, with each kind's due time.

Frozen here: a later change to the catalogue does not change what this migration loads."""

from django.db import migrations

KINDS = [
    ('contacts-without-assessment', 'Repeated contacts without an assessment', 'next_working_day', [('front_door', 'ifd_manager')]),
    ('family-concerns-dismissed', 'Concerns from family or the public ended with no further action', 'next_working_day', [('front_door', 'ifd_manager'), ('lead_manager', '')]),
    ('domestic-abuse-cumulative', "Repeated domestic abuse in the child's household", 'next_working_day', [('sightline_role', 'dram_coordinator'), ('front_door', 'ifd_manager')]),
    ('domestic-abuse-high-risk', 'High-risk domestic abuse with a child in the household', 'same_day', [('sightline_role', 'dram_coordinator')]),
    ('household-change-on-plan', 'Household change for a child on a plan', 'next_working_day', [('lead_social_worker', ''), ('lead_manager', ''), ('involved', '')]),
    ('address-change-open-case', 'New address for a child with an open case', 'next_working_day', [('lead_social_worker', ''), ('lead_manager', ''), ('involved', '')]),
    ('was-not-brought', 'Health appointments: was not brought', 'next_working_day', [('involved_profession', 'health_visitor'), ('involved_profession', 'school_nurse'), ('involved', '')]),
    ('injury-non-mobile-baby', 'Injury to a baby or a child who is not mobile', 'same_day', [('front_door', 'ifd_manager'), ('front_door', 'ifd_practitioner'), ('lead_manager', '')]),
    ('repeat-ed-attendance', 'Repeated emergency department attendances', 'next_working_day', [('involved_agency', 'hospital'), ('involved_agency', 'community_health')]),
    ('perpetrator-release-to-child', "Person with a domestic abuse history released to or joining a child's household", 'next_working_day', [('front_door', 'ifd_manager'), ('front_door', 'ifd_practitioner'), ('involved', '')]),
    ('under-18-pregnancy', 'Pregnancy under 18', 'next_working_day', [('front_door', 'ifd_manager'), ('involved_profession', 'midwife'), ('involved', '')]),
    ('contact-decision-overdue', 'Contact decision overdue', 'same_day', [('front_door', 'ifd_manager')]),
    ('assessment-overdue', 'Assessment overdue', 'next_working_day', [('lead_manager', ''), ('lead_social_worker', ''), ('involved', '')]),
    ('icpc-overdue', 'Initial child protection conference overdue', 'next_working_day', [('lead_manager', ''), ('lead_social_worker', ''), ('involved', '')]),
    ('core-group-overdue', 'Core group overdue', 'next_working_day', [('lead_manager', ''), ('lead_social_worker', ''), ('involved', '')]),
    ('review-conference-overdue', 'Review child protection conference overdue', 'next_working_day', [('lead_manager', ''), ('lead_social_worker', ''), ('involved', '')]),
    ('encompass-notification-late', 'Operation Encompass notification late', 'same_day', [('involved_agency', 'police')]),
    ('dram-overdue', 'High-risk incident not yet discussed at DRAM', 'same_day', [('sightline_role', 'dram_coordinator')]),
    ('panel-notification-overdue', 'National panel notification overdue', 'next_working_day', [('sightline_role', 'partnership_officer')]),
    ('rapid-review-overdue', 'Rapid review overdue', 'next_working_day', [('sightline_role', 'partnership_officer')]),
    ('supervision-overdue', 'Supervision overdue', 'next_working_day', [('lead_manager', '')]),
    (
        "address-change",
        "New address or household for a child on a plan",
        "same_day",
        [("lead_social_worker", ""), ("lead_manager", ""), ("involved", "")],
    ),
    (
        "cpis-lookup",
        "A child on a plan attended unscheduled care",
        "same_day",
        # The lead social worker has the lookup's own message (sharing.services).
        [("lead_manager", ""), ("involved", "")],
    ),
]


def load(apps, schema_editor):
    NotificationKind = apps.get_model("sharing", "NotificationKind")
    Audience = apps.get_model("sharing", "Audience")
    for code, name, due, rows in KINDS:
        kind, _ = NotificationKind.objects.get_or_create(
            code=code, defaults={"name": name, "due": due}
        )
        for role, value in rows:
            Audience.objects.get_or_create(kind=kind, role=role, value=value)


def unload(apps, schema_editor):
    apps.get_model("sharing", "NotificationKind").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sharing", "0002_notification_hub")]

    operations = [migrations.RunPython(load, unload)]
