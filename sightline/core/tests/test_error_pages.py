"""Sightline's own 403, 404 and 500 pages (GOV.UK patterns), never Django's."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from sightline.core.views import server_error
from sightline.urls import handler500


@pytest.mark.django_db
def test_a_missing_page_answers_404_with_what_to_do_next_and_a_link_home(health_visitor):
    client = Client()
    client.force_login(health_visitor)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "check it is correct" in page
    assert 'href="/">Go to your Sightline home page' in page
    assert 'class="govuk-service-navigation__list"' in page


@pytest.mark.django_db
def test_a_forbidden_page_answers_403_with_what_to_do_next_and_a_link_home(health_visitor):
    client = Client()
    client.force_login(health_visitor)
    response = client.get("/front-door/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot open this page" in page
    assert "ask your manager or your Sightline administrator" in page
    assert 'href="/">Go to your Sightline home page' in page
    assert 'class="govuk-service-navigation__list"' in page


def test_the_500_page_renders_without_the_database_or_the_user():
    # No django_db mark: any query would fail the test. The request has no user at all.
    request = RequestFactory().get("/anything/")
    assert handler500 == "sightline.core.views.server_error"
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Try again later." in page
    assert 'href="/"' in page
    assert "Northmoor Safeguarding Children Partnership" in page
    assert "Traceback" not in page
