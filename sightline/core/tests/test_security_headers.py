"""Security headers: a strict Content-Security-Policy everywhere, no caching of pages with
personal data, and the API docs behind sign-in with their assets served by Sightline."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):  # type: ignore[no-untyped-def]
    def sign_in(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return sign_in


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/report-a-concern/", "/accounts/sign-in/"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    response = client.get(path, follow=True)
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    # The one inline script carries the nonce; no other inline script is on the page.
    html = response.content.decode()
    assert html.count("<script nonce=") == 1 and f'nonce="{nonce}"' in html
    assert len(re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)[^>]*>", html)) == 0


def test_pages_a_signed_in_user_sees_are_never_stored(signed_in, social_worker, agencies):
    from sightline.testing import factories as f

    child = f.child(given_name="Ivy", family_name="Smith")
    client = signed_in(social_worker)
    for url in (
        reverse("people:search") + "?name=Smith",
        reverse("chronology:person", args=[child.pk]),
        reverse("risk:inbox"),
        reverse("core:home"),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_the_api_docs_need_a_sign_in_and_load_nothing_from_elsewhere(client, social_worker):
    assert client.get("/api/v1/openapi.json").status_code == 200  # agency systems read it
    docs = "/api/v1/docs"
    anonymous = client.get(docs)
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
    client.force_login(social_worker)
    page = client.get(docs)
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]
    assert client.get("/api/v1/openapi.json").status_code == 200  # agency systems read it


def test_api_answers_are_never_stored(client):
    assert "no-store" in client.get("/api/v1/openapi.json")["Cache-Control"]
