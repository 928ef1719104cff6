"""Health checks for load balancers and orchestrators: no login, no personal data,
no rate limit, nothing written."""

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from .. import database
from ..extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers. Touches nothing else, so it stays up while the database is down."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The database answers and has the newest revision: this server may take traffic."""
    newest = database.newest_revision()
    try:
        with db.engine.connect() as connection:
            connection.execution_options(read_only=True)  # SQLite: no write lock
            current = database.current_revision(connection)
    except SQLAlchemyError:
        return jsonify(status="unavailable", database="unreachable"), 503
    if current != newest:
        behind = current is None or database.knows_revision(current)
        state = "not upgraded" if behind else "upgraded by a newer release"
        body = {"database": state, "revision": current, "newest": newest}
        return jsonify(status="unavailable", **body), 503
    return jsonify(status="ok", database="ok", revision=current)
