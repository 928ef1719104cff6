"""What every page shares: login, roles, security headers and friendly errors."""

import hashlib
import mimetypes
import os
import re
import uuid
from functools import lru_cache, wraps

from flask import abort, g, jsonify, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import labels
from .core import access, imports, municipalities, sessions
from .core.exceptions import Conflict, Forbidden, InvalidInput, KaikuError, NotFound
from .core.qr import qr_svg
from .core.validation import latest_birth_year
from .extensions import db, login_manager
from .logs import loggable_path

SESSION_KEY = "staff_session"  # where the cookie keeps the key of the server's session
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You don't have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not available here"),
    413: _l("The request is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
_ERROR_HINTS = {
    400: _l("Go back and try again. If the form was open for a long time, reload it first."),
    403: _l("Log in with an account that has access, or ask your coordinator."),
    404: _l("Check the address, or go back to the previous page."),
    405: _l("Go back to the previous page and try again."),
    413: _l("Send less at a time: a form or an API request may be at most 1 MB."),
    429: _l(
        "Too many failed attempts. Wait 15 minutes and try again, or ask your coordinator "
        "to reset your password."
    ),
    500: _l("Try again in a moment. Nothing was saved."),
}


_REFUSALS = ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (KaikuError, 422))


def refusal_status(error: KaikuError) -> int:
    """The HTTP status of a domain refusal, on every surface."""
    return next(code for kind, code in _REFUSALS if isinstance(error, kind))


def scanner_headers(response):
    """Pages with the camera scanner decode with WebAssembly and need the camera."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
    )
    response.headers["Permissions-Policy"] = "camera=(self)"
    return response


def role_required(*roles: str):
    """Log in first; then the user's role must be one of ``roles``."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def local_target(default: str) -> str:
    """The ``next`` parameter when it stays on this site, else ``default``."""
    target = request.args.get("next", "")
    unsafe = any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in target)
    if unsafe or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def page_url(number: int) -> str:
    """This page's URL with its filters, at another page of results."""
    filters = {
        key: value
        for key, value in request.args.items()
        if key not in ("endpoint", "page", *request.view_args) and not key.startswith("_")
    }
    return url_for(request.endpoint, **request.view_args, **filters, page=number)


def paginate(query, per_page: int = 25):
    """One page of ``query`` for a list screen; a bad page number shows the first."""
    page = request.args.get("page", "1")
    page = int(page) if re.fullmatch(r"[1-9][0-9]{0,4}", page) else 1
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def form_errors(error) -> dict:
    """A domain refusal as {field: message} for the form that caused it (every field's,
    when several were wrong)."""
    return dict(getattr(error, "errors", None) or {error.field or "_": error.message})


def gather(errors: dict, action):
    """``action()``, or None with its refusal added to ``errors``: so that one submit can
    report what several steps found wrong."""
    try:
        return action()
    except KaikuError as error:
        errors.update(form_errors(error))
        return None


def check_ticked(box: str, message) -> None:
    """A change that can't simply be taken back goes ahead only with its box ticked."""
    if request.form.get(box) != "yes":
        raise InvalidInput(message, box)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(code: int, error: str, message, field: str | None = None, errors=None):
    """The API's error shape: {"error", "message", "field"?, "errors"?} ("errors": each
    field's message, when several were wrong)."""
    body = {"error": error, "message": str(message)}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = {name: str(text) for name, text in errors.items()}
    return jsonify(body), code


_CARD_LINK_NOT_FOUND = _l("Check the address. A card link must be copied whole.")


def error_page(code: int, detail=None):
    if code == 404 and detail is None and request.path.startswith("/k/"):
        detail = _CARD_LINK_NOT_FOUND
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=_ERROR_TITLES.get(code, _ERROR_TITLES[400]),
            hint=detail or _ERROR_HINTS.get(code, _ERROR_HINTS[400]),
        ),
        code,
    )


@lru_cache(maxsize=256)
def _content_hash(path: str, mtime: float) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def _static_version(app, filename: str) -> str | None:
    path = os.path.join(app.static_folder, filename)
    if not os.path.isfile(path):
        return None
    return _content_hash(path, os.path.getmtime(path))


def init_static(app):
    """Static URLs carry a hash of the file, so browsers may keep them for a year."""
    mimetypes.add_type("application/wasm", ".wasm")

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            version = _static_version(app, values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_versioned(response):
        if request.endpoint == "static" and response.status_code == 200:
            filename = request.view_args.get("filename", "")
            if request.args.get("v") == _static_version(app, filename):
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = 365 * 24 * 3600
                response.cache_control.immutable = True
        return response


def init_web(app):
    init_static(app)

    @app.before_request
    def fresh_request_state():
        """Each request picks its own user, CSRF token and language, even when it shares
        an application context with an earlier one (as the tests' requests do)."""
        g.pop("_login_user", None)
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        refresh()
        values = [*request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(400)  # no database takes a NUL character; nobody types one

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")

    app.jinja_env.filters["choices"] = lambda rows, key, text: [
        (getattr(row, key), getattr(row, text)) for row in rows
    ]  # rows as a choice() macro's (value, text) options
    app.jinja_env.filters["municipality_choices"] = lambda rows: [
        (row.code, municipalities.name(row)) for row in rows
    ]
    app.jinja_env.globals.update(
        qr_svg=qr_svg,
        import_summary=imports.summary,
        may_use_second_factor=access.may_use_second_factor,
        municipality_name=municipalities.name,
        municipality_wellbeing_area=municipalities.wellbeing_area,
        municipality_differences=municipalities.differences,
        latest_birth_year=latest_birth_year,
        page_url=page_url,
        new_nonce=lambda: uuid.uuid4().hex,  # one per record form: a resubmit records once
        **{name: getattr(labels, name) for name in labels.__all__},
    )

    @app.context_processor
    def current_language():
        return {"current_lang": str(get_locale() or "fi")}

    @login_manager.user_loader
    def load_user(user_id):
        """The user of this browser's session, while the server keeps it open."""
        user = sessions.user_for(session.get(SESSION_KEY))
        return user if user is not None and str(user.id) == user_id else None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["BASE_URL"].startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.blueprint == "api" or (
            request.endpoint != "static" and current_user.is_authenticated
        ):
            # Card numbers and uses must not linger in a shared phone's history, nor in a
            # cache between a venue's system and us (asked first: no user to load for a key).
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if wants_json():
            return json_error(400, "csrf", _l("The CSRF token is missing or invalid."))
        return error_page(400, _l("The form expired. Reload the page and try again."))

    @app.errorhandler(KaikuError)
    def refused(error):
        """A refusal no page handled itself: the friendly page with its message."""
        code = refusal_status(error)
        if wants_json():
            return json_error(
                code, "refused", error.message, error.field, getattr(error, "errors", None)
            )
        return error_page(code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if wants_json():
            title = _ERROR_TITLES.get(error.code, _ERROR_TITLES[400])
            return json_error(error.code, error.name.lower().replace(" ", "_"), title)
        return error_page(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("Unhandled error on %s", loggable_path(request.path))
        db.session.rollback()
        if wants_json():
            return json_error(500, "internal_error", _ERROR_TITLES[500])
        return error_page(500)
