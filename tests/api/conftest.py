import pytest

from app.core import accounts


@pytest.fixture
def key(world):
    """A bearer header for the theatre's API key."""
    _, raw = accounts.create_api_key("theatre")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api(client, key):
    """get/post/delete against /api/v1 with the theatre's key."""

    class Api:
        def get(self, path, headers=key, **query):
            return client.get(f"/api/v1{path}", query_string=query, headers=headers)

        def post(self, path, body, headers=key):
            return client.post(f"/api/v1{path}", json=body, headers=headers)

        def delete(self, path, headers=key):
            return client.delete(f"/api/v1{path}", headers=headers)

    return Api()
