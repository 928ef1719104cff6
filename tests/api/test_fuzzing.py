"""Generated requests against the document (schemathesis, on Hypothesis): whatever a
ticketing system sends, no answer is a server error or one outside the document."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.core import accounts
from tests import factories

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def registry(app):
    """A venue's key, a card and an event for the generated requests to meet."""
    with app.app_context():
        factories.world()
        accounts.create_event("theatre", "Gala", date=factories.today(), quota=3)
        _, raw = accounts.create_api_key("theatre")
    return {"Authorization": f"Bearer {raw}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_answer_is_a_server_error_or_outside_the_document(case, registry):
    case.call_and_validate(headers=registry, checks=CHECKS)
