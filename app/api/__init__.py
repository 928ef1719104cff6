"""JSON API for venues' own ticketing systems: /api/v1.

Authenticated by a venue's API key (``Authorization: Bearer KEY``) or a
logged-in venue user's session (then with a CSRF token header).
"""

from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import accounts, checkin, snapshot
from ..core.accounts import authenticate_key, events_between
from ..core.clock import local_today
from ..core.exceptions import (
    CardNotUsable,
    Conflict,
    Forbidden,
    InvalidInput,
    KaikuError,
    NotFound,
)
from ..core.stats import check_period
from ..core.validation import check_int
from ..extensions import csrf, db
from ..web import json_error
from .openapi import ERRORS, document
from .reference import code_spans, operations, schemas
from .serialise import event_json, use_json, verdict_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # keys need no CSRF token; session callers are checked in authenticate()


class _BadRequest(InvalidInput):
    """A missing field or a body that is not a JSON object: 400, where a wrong value is 422."""


_ERRORS = (
    (_BadRequest, 400, "bad_request"),
    (InvalidInput, 422, "invalid_field"),
    (NotFound, 404, "not_found"),
    (Forbidden, 403, "forbidden"),
    (Conflict, 409, "conflict"),
)


PUBLIC = {"api.openapi_document", "api.reference"}  # what a developer reads before a key


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC:
        return None
    _read_first()
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        key = authenticate_key(header[7:].strip())
        if key is None:
            return _unauthorised(_l("The API key is not valid."))
        g.site, g.api_key, g.user = key.site, key, None
    elif current_user.is_authenticated:
        g.site, g.api_key, g.user = current_user.site, None, current_user._get_current_object()
    else:
        return _unauthorised(_l("Send a venue's API key: Authorization: Bearer KEY."))
    if g.site is None or g.site.kind != "venue":
        return json_error(403, "forbidden", _l("Only a venue can verify cards and record uses."))
    if g.user is not None and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # a browser session must send X-CSRFToken


def _read_first():
    """Begin the request's transaction as one that only reads (the key, the nonce): on
    SQLite it then takes no write lock (BEGIN, not BEGIN IMMEDIATE; see extensions.py),
    and recording or undoing a use starts the transaction that writes itself
    (checkin._start_writing), so that workers check keys while another one records."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"read_only": True})


def _unauthorised(message):
    response, code = json_error(401, "unauthorised", message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="kaiku"'
    return response, code


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise _BadRequest(_l("The request body must be a JSON object."), "body")
    return body


def _required(body: dict, field: str):
    if body.get(field) is None:
        raise _BadRequest(_l("%(field)s is required.", field=field), field)
    return body[field]


@bp.errorhandler(KaikuError)
def domain_error(error: KaikuError):
    if isinstance(error, CardNotUsable):
        return jsonify(verdict_json(error.verdict)), 409
    code, name = next((code, name) for kind, code, name in _ERRORS if isinstance(error, kind))
    return json_error(code, name, error.message, error.field, getattr(error, "errors", None))


@bp.post("/verify")
def verify():
    body = _body()
    verdict = checkin.check_code(
        _required(body, "code"), g.site, body.get("event"), body.get("kind")
    )
    return jsonify(verdict_json(verdict))


@bp.post("/uses")
def record():
    body = _body()
    use, created = checkin.record_use(
        _required(body, "code"),
        g.site,
        nonce=_required(body, "nonce"),
        children=body.get("children", 0),
        clients=body.get("clients", 0),
        assistant=body.get("assistant", False),
        event_id=body.get("event"),
        category=body.get("category"),
        kind=body.get("kind"),
        recorded_at=body.get("recorded_at"),
        device=body.get("device"),
        user=g.user,
        api_key=g.api_key,
    )
    response = jsonify(use_json(use))
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201


@bp.get("/snapshot")
def offline_snapshot():
    """The venue's desks' offline copy of the registry (core/snapshot.py). An unchanged
    copy answers 304 to the ETag the desk kept, so a refresh costs a few bytes."""
    data = snapshot.build(g.site)
    response = jsonify(data)
    response.set_etag(snapshot.etag(data))
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.delete("/uses/<int:use_id>")
def undo(use_id: int):
    return jsonify(use_json(checkin.void_use(use_id, g.site)))


@bp.get("/uses")
def uses():
    """The venue's own uses of a period, oldest first, a page at a time: ``next_after``
    names the last use of this page, to ask for the next (None on the last page)."""
    period = check_period(request.args.get("start"), request.args.get("end"))
    limit = check_int("limit", request.args.get("limit", 100), 1, 1000)
    after = check_int("after", request.args.get("after", 0), 0, 2**63 - 1)
    page = checkin.venue_uses(g.site, period.start, period.end, after=after, limit=limit)
    return jsonify(
        {
            "uses": [use_json(use) for use in page],
            "next_after": page[-1].id if len(page) == limit else None,
        }
    )


@bp.get("/events")
def events():
    """The venue's events from ``start`` (default today) to ``end`` (default a year on),
    with the free tickets given and left."""
    start = request.args.get("start") or local_today()
    period = check_period(start, request.args.get("end") or local_today() + timedelta(days=366))
    found = sorted(
        events_between([g.site], period.start, period.end), key=lambda event: (event.date, event.id)
    )
    return jsonify({"events": [event_json(event) for event in found]})


@bp.post("/events")
def create_event():
    body = _body()
    event = accounts.create_event(
        g.site.slug,
        _required(body, "name"),
        date=_required(body, "date"),
        quota=body.get("quota"),
        offline_quota=body.get("offline_quota"),
        actor=g.user or g.api_key,
    )
    return jsonify(event_json(event)), 201


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(document())


@bp.get("/reference")
def reference():
    """The API reference for developers, rendered from the same document (in English)."""
    spec = document()
    return render_template(
        "api/reference.html",
        info=spec["info"],
        operations=operations(spec),
        schemas=schemas(spec),
        errors=ERRORS,
        code_spans=code_spans,
    )
