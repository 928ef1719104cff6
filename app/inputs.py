"""What a request may carry, so that no input can reach the database or the parser in a
shape they fail on (a 500): ids in URLs that a database column holds, JSON of a sane
depth, bodies no larger than MAX_CONTENT_LENGTH (config.py: larger is a 413) except where
a view takes a whole file (UPLOADS)."""

from flask import Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # a 64-bit signed column: SQLite's INTEGER, PostgreSQL's BIGINT


class DatabaseId(IntegerConverter):
    """``<int:...>`` matches 0 to MAX_ID only: a larger number is a 404, like a missing row."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BoundedJSON(DefaultJSONProvider):
    """JSON nested deeper than Python recurses is invalid JSON (a 400), not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


UPLOADS = {"admin.upload_import": 64 * 1024 * 1024}  # endpoint: its largest body


class SizedRequest(Request):
    """Forms and API calls are a few kB; an old registry's export is megabytes. The limit
    is known before anything reads the body (the CSRF check reads the form first)."""

    @property
    def max_content_length(self) -> int | None:
        return UPLOADS.get(self.endpoint) or super().max_content_length


def init_inputs(app) -> None:
    """Before any blueprint is registered: their rules take the converter as they are added."""
    app.url_map.converters["int"] = DatabaseId
    app.json = BoundedJSON(app)
    app.request_class = SizedRequest
