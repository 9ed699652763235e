import pytest


@pytest.fixture
def signed_in(client):  # type: ignore[no-untyped-def]
    """The test client signed in as the given persona."""

    def sign_in(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return sign_in
