"""Contacts from the public recorded before the referrer's identity was kept off the
chronology: their events are rewritten as every partner now reads them ("a member of the
public"). The identity stays on the contact, for the front door and social care."""

from django.db import migrations
from django.db.models import Q

MEMBER_OF_THE_PUBLIC = "A member of the public"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Contact = apps.get_model("frontdoor", "Contact")
    Event = apps.get_model("chronology", "Event")
    contacts = Contact.objects.filter(
        Q(channel="public") | Q(anonymous=True), event__isnull=False
    ).values_list("event_id", "concern")
    for event_id, concern in contacts.iterator():
        Event.objects.filter(pk=event_id, type="contact").update(
            summary=f"Contact from a member of the public: {concern[:200]}",
            recorded_by_label=MEMBER_OF_THE_PUBLIC,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("chronology", "0001_initial"),
        ("frontdoor", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
