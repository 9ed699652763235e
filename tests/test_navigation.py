"""The site navigation never leads a persona to a page they may not open."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.test_permissions import STAFF

NAV = re.compile(r'<ul class="govuk-service-navigation__list".*?</ul>', re.S)
LINK = re.compile(r'href="([^"]+)"')


@pytest.mark.parametrize("persona", STAFF)
def test_every_navigation_link_opens_for_the_persona_who_sees_it(persona, agencies, request):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    home = client.get("/")
    assert home.status_code == 200
    navigation = NAV.search(home.content.decode())
    assert navigation, "the home page has no navigation"
    links = LINK.findall(navigation.group(0))
    assert "/" in links
    # The home page's own list of places to go is navigation too.
    main = home.content.decode().split('id="main-content"', 1)[1]
    links += [url for url in LINK.findall(main) if url.startswith("/") and url not in links]
    refused = [f"{url}: {client.get(url).status_code}" for url in links]
    refused = [line for line in refused if not line.endswith(": 200")]
    assert not refused, f"{persona} is offered links that do not open:\n" + "\n".join(refused)
