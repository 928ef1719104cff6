"""Logs name the route of a card or password link, never its token (a bearer credential)."""

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from app.logs import loggable_path

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
TOKEN = "K7Q4MZR23-1.F5Dos47b3K8EDfjWMjSWfrzderjNlYzeJvDlLqYTDDA"


@pytest.mark.parametrize(
    "path, logged",
    [
        (f"/k/{TOKEN}", "/k/<token>"),
        (f"/k/{TOKEN}/status", "/k/<token>/status"),
        (f"/k/{TOKEN}/card.pdf", "/k/<token>/card.pdf"),
        ("/reset/Abc.def-123", "/reset/<token>"),
        ("/k/sw.js", "/k/sw.js"),
        ("/desk", "/desk"),
        ("/api/v1/uses/12", "/api/v1/uses/12"),
    ],
)
def test_card_and_password_links_are_redacted(path, logged):
    assert loggable_path(path) == logged


def test_the_access_log_names_the_route_without_token_or_query():
    settings = runpy.run_path(str(GUNICORN_CONF))
    logger = settings["logger_class"](Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/k/{TOKEN}/status?lang=sv",
        "PATH_INFO": f"/k/{TOKEN}/status",
        "QUERY_STRING": "lang=sv",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://kaiku.test/k/{TOKEN}",
    }
    response = SimpleNamespace(status="200 OK", sent=812, headers=[])
    request = SimpleNamespace(headers=[("Referer", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))

    line = settings["access_log_format"] % atoms

    assert '"GET /k/<token>/status HTTP/1.1" 200 812' in line
    assert TOKEN not in line and "lang=sv" not in line
    assert atoms["r"] == "GET /k/<token>/status HTTP/1.1"
