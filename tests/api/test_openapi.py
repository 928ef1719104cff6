"""The API's document and its reference page: complete, valid, public, and binding
(the suite's client checks every API answer against it: tests/openapi_check.py)."""

import re

import pytest
from openapi_core.validation.response.exceptions import ResponseValidationError
from openapi_spec_validator import validate

from app.api import serialise
from app.core.checkin import STATUSES


def test_the_document_is_valid_openapi_3_1_and_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_every_route_of_the_api_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method.upper(), "/api/v1" + path)
        for path, item in spec["paths"].items()
        for method in item
    }
    routes = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and rule.endpoint not in ("api.openapi_document", "api.reference")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == documented


def test_an_answer_outside_the_document_fails_the_test_that_saw_it(api, world, monkeypatch):
    monkeypatch.setattr(serialise, "card_json", lambda card: {"number": card.number, "holder": "x"})
    with pytest.raises(ResponseValidationError):
        api.post("/verify", {"code": world.url})


def test_the_reference_shows_every_operation_status_word_and_error_in_english(client):
    page = client.get("/api/v1/reference")
    assert page.status_code == 200
    assert '<div lang="en"' in page.text
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in page.text
    for status in STATUSES:
        assert f"&#34;{status}&#34;" in page.text or f'"{status}"' in page.text
    for word in ("invalid_field", "unauthorised", "conflict", "csrf"):
        assert f"<code>{word}</code>" in page.text
    assert not re.search(r'(src|href)="https?://', page.text)  # no CDN, nothing third-party
