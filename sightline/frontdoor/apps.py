from __future__ import annotations

from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "sightline.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated Front Door"

    def ready(self) -> None:
        from sightline.chronology import panels
        from sightline.frontdoor.referrer import referrer_disclosures
        from sightline.frontdoor.selectors import open_work_for_child

        panels.register_open_work(open_work_for_child)
        panels.register_entry_disclosure(referrer_disclosures)
