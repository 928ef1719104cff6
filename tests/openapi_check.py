"""Every API answer of the suite, held to the OpenAPI document (app/api/openapi.py):
the test client checks each /api/v1 response's status, headers and body against it, so
a field added, renamed or left out anywhere fails the test that saw it."""

from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

from app.api.openapi import document


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request as the response's check needs it: its body was read by the app."""

    @property
    def body(self) -> bytes:
        return b""


_UNDOCUMENTED = ("/api/v1/openapi.json", "/api/v1/reference")  # the documents themselves
_openapi = None


def check(response) -> None:
    """Raise unless ``response`` (a test client's, to an /api/v1 request) is one the
    document allows. A path or method the API does not have is left to the test that
    asked for it (tests/api/test_openapi.py checks that every route is documented)."""
    global _openapi
    _openapi = _openapi or OpenAPI.from_dict(document())
    request = _AnsweredRequest(response.request)
    try:
        _openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        pass


class CheckedClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        path = response.request.path
        if path.startswith("/api/v1/") and path not in _UNDOCUMENTED:
            check(response)
        return response
