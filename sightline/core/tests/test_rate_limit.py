"""Rate limits count per client, in the shared cache, with the client taken from the proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from sightline.core.ratelimit import client_key, rate_limit_exceeded


def request_from(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_header_the_client_is_the_connection(settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_key(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    # The member of the public wrote the first entry themselves; the proxy appended the second.
    request = request_from("10.0.0.2", "1.2.3.4, 203.0.113.1")
    assert client_key(request) == "203.0.113.1"


def test_two_proxies_of_ours_count_back_two(settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_key(request_from("10.0.0.2", "203.0.113.1, 10.0.0.9")) == "203.0.113.1"


@pytest.mark.parametrize("forwarded", ["not-an-address", "", " , "])
def test_a_missing_or_forged_header_falls_back_to_the_connection(settings, forwarded):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_key(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_each_client_behind_the_proxy_has_its_own_budget(settings, db):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    first, second = request_from("10.0.0.2", "203.0.113.1"), request_from("10.0.0.2", "203.0.113.2")
    for _ in range(2):
        assert not rate_limit_exceeded(scope="t", key=client_key(first), limit=2, window_seconds=60)
    assert rate_limit_exceeded(scope="t", key=client_key(first), limit=2, window_seconds=60)
    assert not rate_limit_exceeded(scope="t", key=client_key(second), limit=2, window_seconds=60)


def test_the_counts_live_in_the_database_cache_shared_by_every_process(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


def test_the_window_ends_when_it_began_plus_its_length_whatever_the_hits(db, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    assert not rate_limit_exceeded(scope="w", key="c", limit=1, window_seconds=600)
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 9, tzinfo=dt.UTC), tick=False)
    assert rate_limit_exceeded(scope="w", key="c", limit=1, window_seconds=600)
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 10, 1, tzinfo=dt.UTC), tick=False)
    assert not rate_limit_exceeded(scope="w", key="c", limit=1, window_seconds=600)
